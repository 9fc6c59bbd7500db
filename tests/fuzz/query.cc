// The query path, search and suggest, on the bundled help center. The first
// line of the input picks the request (any of: agent, facets, explain, a
// locale such as de-AT, page=N); the rest is what the customer typed.
// Searches answer or refuse with invalid_argument; a public request sees no
// internal article and is proposed no word of one; everything returned is
// valid UTF-8.
#include <algorithm>
#include <charconv>
#include <set>
#include <memory>

#include <fmt/core.h>

#include "server/search/searcher.h"
#include "tests/fuzz/bundled_index.h"
#include "tests/fuzz/fuzz_targets.h"

namespace kb::fuzz {

namespace {

search::Searcher& TheSearcher() {
  static const std::unique_ptr<search::Searcher> searcher = [] {
    auto s = search::Searcher::Open(search::SearcherOptions{.index_paths = {Bundled().dir}});
    if (!s) Fail("cannot open the bundled index: " + s.error().ToString());
    return std::move(*s);
  }();
  return *searcher;
}

}  // namespace

void FuzzQuery(std::string_view input) {
  const std::size_t eol = input.find('\n');
  const std::string_view options = eol == std::string_view::npos ? std::string_view() : input.substr(0, eol);
  std::string_view text = eol == std::string_view::npos ? input : input.substr(eol + 1);
  if (!IsUtf8(text) || text.size() > 1024) return;  // the API refuses these before searching

  search::SearchRequest request;
  request.query = std::string(text);
  for (std::size_t pos = 0; pos < options.size();) {
    std::size_t end = options.find(' ', pos);
    if (end == std::string_view::npos) end = options.size();
    const std::string_view word = options.substr(pos, end - pos);
    pos = end + 1;
    if (word == "agent") request.audience = search::Audience::kAgent;
    else if (word == "facets") request.facets = true;
    else if (word == "explain") request.explain = true;
    else if (word.starts_with("page=")) {
      int page = 0;
      std::from_chars(word.data() + 5, word.data() + word.size(), page);
      request.offset = std::clamp(page, 0, 100) * request.limit;
    } else if (!word.empty() && IsUtf8(word)) request.locale = std::string(word);
  }
  const bool is_public = request.audience == search::Audience::kPublic;
  search::Searcher& searcher = TheSearcher();
  const std::set<std::string>& internal = Bundled().internal_keys;

  auto response = searcher.Search(request);
  if (!response) {
    Check(response.error().code() == ErrorCode::kInvalidArgument,
          "a search failed with other than invalid_argument: " + response.error().ToString());
    Check(IsUtf8(response.error().message()), "a search error is not valid UTF-8");
  } else {
    Check(response->total_estimate >= 0, "a negative total");
    Check(static_cast<int>(response->hits.size()) <= request.limit, "more hits than asked for");
    for (const search::SearchHit& hit : response->hits) {
      if (is_public) {
        Check(hit.audience == ArticleAudience::kPublic && !internal.contains(hit.locale + ":" + hit.id),
              "a public search found internal article " + hit.id);
      }
      Check(IsUtf8(hit.title) && IsUtf8(hit.snippet), "a hit that is not valid UTF-8");
      for (const search::TermExplanation& e : hit.explanation) Check(IsUtf8(e.term), "an explanation that is not valid UTF-8");
    }
    Check(IsUtf8(response->did_you_mean), "did_you_mean is not valid UTF-8");
    if (is_public) {
      const std::optional<std::string> term = NonPublicTerm(response->did_you_mean, text);
      Check(!term.has_value(), "a public search was proposed '" + term.value_or("") + "', a word of no public article");
    }
    for (const auto& [facet, values] : response->facets) {
      for (const auto& [value, count] : values) {
        Check(IsUtf8(value) && count > 0, "a facet value that is not valid UTF-8, or counted 0");
      }
    }
  }

  auto suggestions = searcher.Suggest(search::SuggestRequest{
      .query = request.query, .locale = request.locale, .audience = request.audience, .limit = 10});
  if (!suggestions) {
    Check(suggestions.error().code() == ErrorCode::kInvalidArgument,
          "a suggest failed with other than invalid_argument: " + suggestions.error().ToString());
    return;
  }
  Check(suggestions->size() <= 10, "more suggestions than asked for");
  for (const search::Suggestion& s : *suggestions) {
    if (is_public) Check(!internal.contains(s.locale + ":" + s.id), "a public suggestion of internal article " + s.id);
    Check(IsUtf8(s.text), "a suggestion that is not valid UTF-8");
  }
}

}  // namespace kb::fuzz
