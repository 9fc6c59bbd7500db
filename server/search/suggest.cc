#include "server/search/suggest.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include <fmt/core.h>

#include "indexer/document.h"
#include "indexer/schema.h"
#include "indexer/xapian_error.h"
#include "server/search/query_builder.h"
#include "server/search/ranked_page.h"

namespace kb::search {

namespace {

// The title terms of `db` starting with `prefix`, the 100 most frequent,
// as one synonym. Expanded here rather than with OP_WILDCARD, which Xapian
// 1.4 expands in each database of a combined one with that database's
// statistics: a sharded index would rank the expansions of each shard apart.
Xapian::Query TitlePrefix(const Vocabulary& vocabulary, const std::string& prefix) {
  constexpr std::size_t kMaxExpansion = 100;
  const std::string start = std::string(schema::kStemmed) + std::string(schema::kTitle) + prefix;
  std::vector<std::pair<Xapian::doccount, std::string>> terms;  // frequency, term
  for (auto& [term, freq] : vocabulary.TermsWithPrefix(start)) terms.emplace_back(freq, std::move(term));
  if (terms.size() > kMaxExpansion) {
    std::partial_sort(terms.begin(), terms.begin() + kMaxExpansion, terms.end(),
                      [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
    terms.resize(kMaxExpansion);
  }
  std::vector<Xapian::Query> words;
  for (auto& [freq, term] : terms) words.emplace_back(std::move(term));
  return Xapian::Query(Xapian::Query::OP_SYNONYM, words.begin(), words.end());
}

}  // namespace

Result<std::vector<Suggestion>> SuggestTitles(const SuggestRequest& request, const text::Analyzer& analyzer,
                                              const text::WordList* words, Xapian::Database& db,
                                              const Xapian::Database* term_stats) {
  std::vector<Suggestion> out;
  if (request.limit < 1 || request.limit > 50) {
    return Fail(Error::InvalidArgument(fmt::format("limit must be between 1 and 50, got {}", request.limit)));
  }
  const std::vector<text::Token> tokens = analyzer.Tokenize(request.query);
  if (tokens.empty()) return out;
  // Read in the retried block below: the vocabulary reads the index too.
  std::optional<Vocabulary> vocabulary;
  const std::string title_term = std::string(schema::kStemmed) + std::string(schema::kTitle);
  // The last word is a prefix: of the word as typed, and of its stem
  // ("configure" is indexed as "configur").
  auto prefix_of = [&](const std::string& word) {
    const std::string stem = analyzer.Stem(word);
    if (schema::WordPrefixes(word).back().size() == word.size()) {
      return Xapian::Query(std::string(schema::kTitlePrefix) + word);  // short: indexed as such
    }
    if (word.starts_with(stem)) return TitlePrefix(*vocabulary, stem);
    return Xapian::Query(Xapian::Query::OP_OR, TitlePrefix(*vocabulary, word), TitlePrefix(*vocabulary, stem));
  };
  // The words before it are whole. One that no article has is read as the
  // word it most likely misspells, as in search ("pasword re").
  auto whole = [&](const std::string& word) {
    std::string stem = analyzer.Stem(word);
    if (std::string fixed = Correction(*vocabulary, word, stem, words, /*keep_real_words=*/true); !fixed.empty()) {
      stem = analyzer.Stem(fixed);
    }
    return Xapian::Query(title_term + stem);
  };
  auto query_for = [&](Xapian::Query partial) {
    std::vector<Xapian::Query> parts = {std::move(partial)}, bonus;
    for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
      // Function words typed so far are not required ("how do i re" finds
      // "Resetting your password"), but titles that have them come first
      // ("How do I reset my password?").
      const bool function_word = tokens.size() > 2 && analyzer.IsStopword(tokens[i].term);
      (function_word ? bonus : parts).push_back(whole(tokens[i].term));
    }
    Xapian::Query query(Xapian::Query::OP_AND, parts.begin(), parts.end());
    if (!bonus.empty()) {
      query = Xapian::Query(Xapian::Query::OP_AND_MAYBE, query,
                            Xapian::Query(Xapian::Query::OP_OR, bonus.begin(), bonus.end()));
    }
    return query;
  };
  auto run = [&](const Xapian::Query& query) {
    Xapian::Enquire enquire(db);
    enquire.set_query(Restrict(*vocabulary, query, request.locale, request.audience, {}));
    enquire.set_weighting_scheme(Bm25());
    const RankedPage page = RankPage(enquire, 0, static_cast<Xapian::doccount>(request.limit));
    out.clear();
    for (const RankedMatch& m : page.matches) {
      Article a = schema::StoredArticle(m.it.get_document(), schema::StoredParts::kSummary);
      out.push_back(Suggestion{std::move(a.title), std::move(a.id), std::move(a.locale)});
    }
  };
  const std::string& last = tokens.back().term;
  try {
    for (int attempt = 0; attempt < 2; ++attempt) {
      try {
        vocabulary.emplace(db, request.audience, term_stats);
        run(query_for(prefix_of(last)));
        if (out.empty()) {
          // No title has a word starting so: the last word may hold a typo
          // ("invocie", "passwrd"). Complete the word it is closest to.
          if (std::string fixed = Correction(*vocabulary, last, analyzer.Stem(last), words, /*keep_real_words=*/false);
              !fixed.empty()) {
            run(query_for(prefix_of(fixed)));
          }
        }
        break;
      } catch (const Xapian::DatabaseModifiedError&) {
        if (attempt == 1) throw;
        db.reopen();
      }
    }
  } catch (const Xapian::NetworkError&) {
    throw;  // a remote shard: the Searcher reconnects
  } catch (const Xapian::Error& e) {
    return Fail(FromXapian(e, "suggest failed"));
  }
  return out;
}

}  // namespace kb::search
