#include "server/search/snippet.h"

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kb::search {

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

namespace {

// Cuts `text` to at most `max` bytes without splitting a UTF-8 sequence.
std::string_view CutUtf8(std::string_view text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

}  // namespace

std::string MakeSnippet(std::string_view text, const std::unordered_set<std::string>& stems,
                        const text::Analyzer& analyzer, const SnippetOptions& options) {
  text = CutUtf8(text, options.max_scan_bytes);
  // Where the words are, and which query stem each matches (-1: none).
  // ASCII text, most of a help center, is not normalised word by word:
  // only the words that may match are.
  std::vector<text::WordSpan> tokens;
  std::vector<std::string> terms;  // of each token, when not ASCII
  const bool ascii = text::AsciiWordSpans(text, &tokens);
  if (!ascii) {
    for (text::Token& t : analyzer.Tokenize(text)) {
      tokens.push_back({t.begin, t.end});
      terms.push_back(std::move(t.term));
    }
  }
  if (tokens.empty()) return HtmlEscape(CutUtf8(text, 200));

  std::unordered_map<std::string, int> stem_index;
  for (const std::string& s : stems) stem_index.emplace(s, static_cast<int>(stem_index.size()));
  // Snowball stemmers rewrite endings, not beginnings: a word whose first
  // letters start no query stem cannot match, and is not stemmed at all.
  constexpr std::size_t kPrefixBytes = 3;
  // A query has a few stems: their prefixes are compared as numbers.
  auto packed = [](std::string_view prefix) {
    std::uint32_t v = static_cast<std::uint32_t>(prefix.size());
    for (char c : prefix) v = (v << 8) | static_cast<unsigned char>(c);
    return v;
  };
  std::vector<std::uint32_t> prefixes;
  for (const std::string& s : stems) prefixes.push_back(packed(std::string_view(s).substr(0, kPrefixBytes)));
  auto has_prefix = [&](std::string_view prefix) {
    return std::find(prefixes.begin(), prefixes.end(), packed(prefix)) != prefixes.end();
  };
  auto may_match = [&](std::string_view term) {
    return has_prefix(term.substr(0, kPrefixBytes)) ||
           (term.size() < kPrefixBytes && stem_index.contains(std::string(term)));
  };
  std::unordered_map<std::string, int> cache;
  std::vector<int> match(tokens.size(), -1);
  auto stem_match = [&](const std::string& term) {
    auto [it, fresh] = cache.try_emplace(term, -1);
    if (fresh) {
      auto found = stem_index.find(analyzer.Stem(term));
      if (found != stem_index.end()) it->second = found->second;
    }
    return it->second;
  };
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (!ascii) {
      if (may_match(terms[i])) match[i] = stem_match(terms[i]);
      continue;
    }
    // The first letters of the normalised word (lower case, apostrophes
    // left out), without normalising all of it.
    char head[kPrefixBytes];
    std::size_t n = 0;
    for (std::size_t b = tokens[i].begin; b < tokens[i].end && n < kPrefixBytes; ++b) {
      const char c = text[b];
      if (c != '\'') head[n++] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    }
    if (n == kPrefixBytes && !has_prefix(std::string_view(head, n))) continue;
    const std::string term = text::NormalizeWord(text.substr(tokens[i].begin, tokens[i].end - tokens[i].begin));
    if (may_match(term)) match[i] = stem_match(term);
  }

  // Slide a window over the tokens: most distinct stems, then most matches.
  const std::size_t window = static_cast<std::size_t>(std::max(1, options.window_words));
  std::vector<int> counts(stem_index.size(), 0);
  int distinct = 0, total = 0;
  int best_distinct = -1, best_total = -1;
  std::size_t best_start = 0;
  for (std::size_t end = 0; end < tokens.size(); ++end) {
    if (match[end] >= 0) {
      if (counts[match[end]]++ == 0) ++distinct;
      ++total;
    }
    if (end >= window) {
      const int out = match[end - window];
      if (out >= 0) {
        if (--counts[out] == 0) --distinct;
        --total;
      }
    }
    const std::size_t start = end + 1 >= window ? end + 1 - window : 0;
    if (distinct > best_distinct || (distinct == best_distinct && total > best_total)) {
      best_distinct = distinct;
      best_total = total;
      best_start = start;
    }
  }
  // Start a little before the first match in the window, for context.
  std::size_t first = best_start;
  while (first < tokens.size() && first < best_start + window && match[first] < 0) ++first;
  if (best_distinct > 0 && first > best_start) {
    // Near the top of the text, show it from its start.
    best_start = first < window / 2 ? 0 : first - 3;
  }
  const std::size_t last = std::min(tokens.size(), best_start + window) - 1;

  const std::size_t from = best_start == 0 ? 0 : tokens[best_start].begin;
  std::size_t to = tokens[last].end;
  std::string out;
  if (from > 0) out += "…";
  std::size_t cursor = from;
  for (std::size_t i = best_start; i <= last; ++i) {
    if (match[i] < 0) continue;
    out += HtmlEscape(text.substr(cursor, tokens[i].begin - cursor));
    out += "<mark>";
    out += HtmlEscape(text.substr(tokens[i].begin, tokens[i].end - tokens[i].begin));
    out += "</mark>";
    cursor = tokens[i].end;
  }
  if (last + 1 == tokens.size()) to = text.size();
  out += HtmlEscape(text.substr(cursor, to - cursor));
  if (last + 1 < tokens.size()) out += "…";
  // Newlines from block structure read as spaces in a one-line snippet.
  for (char& c : out) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return out;
}

}  // namespace kb::search
