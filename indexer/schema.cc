#include "indexer/schema.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "indexer/base/utf8.h"

namespace kb::schema {

std::string ArticleKey(std::string_view locale, std::string_view id) {
  std::string k(locale);
  k.push_back(':');
  k.append(id);
  return k;
}

std::string IdTerm(std::string_view locale, std::string_view id) {
  std::string t(kId);
  t.append(ArticleKey(locale, id));
  return t;
}

namespace {

// Eight bytes at a time: per word a multiply, which carries low bits up, and
// a shift, which brings high bits down; each field ends with its length, so
// that moving text between fields changes the hash. Byte-at-a-time FNV-1a
// took most of an incremental build's time (every article is hashed on every
// build); this is four times faster. Words are read in the machine's
// byte order: an index moved to a machine of the other order is rewritten
// once, as if every article had changed.
class ContentHash {
 public:
  void Add(std::string_view s) {
    const char* p = s.data();
    std::size_t n = s.size();
    for (; n >= 8; p += 8, n -= 8) {
      std::uint64_t word;
      std::memcpy(&word, p, 8);
      Mix(word);
    }
    std::uint64_t tail = 0;
    std::memcpy(&tail, p, n);
    Mix(tail);
    Mix(s.size());
  }
  void Add(const std::vector<std::string>& values) {
    Mix(values.size());
    for (const std::string& v : values) Add(v);
  }
  std::uint64_t Finish() const {
    std::uint64_t h = h_;  // splitmix64's finaliser
    h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ULL;
    h = (h ^ (h >> 27)) * 0x94D049BB133111EBULL;
    return h ^ (h >> 31);
  }

 private:
  void Mix(std::uint64_t word) {
    h_ = (h_ ^ word) * 0x9E3779B97F4A7C15ULL;
    h_ ^= h_ >> 32;
  }
  std::uint64_t h_ = 0x6A09E667F3BCC908ULL;
};

}  // namespace

std::uint64_t ArticleHash(const Article& a) {
  ContentHash h;
  h.Add(kSchemaVersion);
  for (std::string_view s : {std::string_view(a.id), std::string_view(a.locale), std::string_view(a.title),
                             ArticleTypeName(a.type), std::string_view(a.product), std::string_view(a.category),
                             AudienceName(a.audience), std::string_view(a.updated),
                             std::string_view(a.body_markdown), std::string_view(a.body_text)}) {
    h.Add(s);
  }
  h.Add(a.tags);
  h.Add(a.questions);
  h.Add(a.steps);
  std::vector<std::string> learned;
  for (const LearnedPhrasing& p : a.learned) {
    learned.push_back(fmt::format("{}\x1f{}\x1f{}", p.agent ? "agent" : "public", p.text, p.clients));
  }
  h.Add(learned);
  return h.Finish();
}

std::string BooleanTerm(std::string_view prefix, std::string_view value) {
  std::string t(prefix);
  // Xapian convention: a multi-letter prefix followed by an upper-case
  // letter needs a ':' so that the term can be split unambiguously.
  if (prefix.size() > 1 && !value.empty() && value[0] >= 'A' && value[0] <= 'Z') t.push_back(':');
  t.append(value);
  return t;
}


std::vector<std::string> WordPrefixes(std::string_view word) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < word.size() && out.size() < kMaxIndexedPrefixChars) {
    ++i;
    while (i < word.size() && (static_cast<unsigned char>(word[i]) & 0xC0) == 0x80) ++i;  // whole characters
    out.emplace_back(word.substr(0, i));
  }
  return out;
}

bool IsSpellable(std::string_view word) {
  if (word.find_first_of("0123456789") != std::string_view::npos) return false;
  return Utf8Length(word) >= kMinSpellingChars;
}

std::string InternalSpelling(std::string_view word) {
  std::string out;
  for (char32_t c : DecodeUtf8(word)) {
    if (c >= 0xFFFE) return {};
    AppendUtf8(out, c + kInternalSpellingShift);
  }
  return out;
}

std::string FromInternalSpelling(std::string_view spelling) {
  std::string out;
  for (char32_t c : DecodeUtf8(spelling)) {
    if (c < kInternalSpellingShift || c >= kInternalSpellingShift + 0xFFFE) return {};
    AppendUtf8(out, c - kInternalSpellingShift);
  }
  return out;
}

bool HasInternalSpelling(std::string_view word) {
  for (char32_t c : DecodeUtf8(word)) {
    if (c >= kInternalSpellingShift && c < kInternalSpellingShift + 0x10000) return true;
  }
  return false;
}

std::string SpellingEntry(std::string_view word, ArticleAudience audience) {
  return audience == ArticleAudience::kPublic ? std::string(word) : InternalSpelling(word);
}

std::vector<std::string> SpellingWords(const Article& article) {
  std::unordered_set<std::string> words;
  ForEachField(article, [&](std::string_view text, Field, std::string_view) {
    std::vector<text::Token> tokens = text::Tokenize(text);
    for (auto& [index, joined] : Hyphenated(text, tokens)) {
      if (IsSpellable(joined)) words.insert(std::move(joined));
    }
    for (text::Token& t : tokens) {
      if (IsSpellable(t.term)) words.insert(std::move(t.term));
    }
  });
  return {words.begin(), words.end()};
}

FieldLengths Lengths(const Article& article) {
  FieldLengths out;
  ForEachField(article, [&](std::string_view text, Field field, std::string_view) {
    out[field] += static_cast<double>(text::Tokenize(text).size());
  });
  return out;
}

double LengthNorm(double length, double average_length) {
  return average_length > 0 ? (1 - kLengthB) + kLengthB * length / average_length : 1.0;
}

unsigned NormalisedWdf(double weighted_tf) {
  return std::max(1u, static_cast<unsigned>(std::round(kWdfScale * weighted_tf)));
}

std::string FormatLengths(const FieldLengths& lengths) {
  std::string out;
  for (double l : lengths.values) out.append(out.empty() ? "" : " ").append(std::to_string(l));
  return out;
}

std::optional<FieldLengths> ParseLengths(std::string_view text) {
  FieldLengths out{};
  const std::string copy(text);
  const char* p = copy.c_str();
  for (double& l : out.values) {
    char* end = nullptr;
    l = std::strtod(p, &end);
    if (end == p || !(l >= 0)) return std::nullopt;
    p = end;
  }
  while (*p == ' ') ++p;
  if (*p != '\0') return std::nullopt;
  return out;
}

std::optional<std::string> TermStatsKey(std::string_view term) {
  // Xapian's keys are at most 252 bytes, metadata ones a few less.
  constexpr std::size_t kMaxKey = 240;
  if (kMetaTermStatsPrefix.size() + term.size() > kMaxKey) return std::nullopt;
  std::string key(kMetaTermStatsPrefix);
  key.append(term);
  return key;
}

std::string PageKey(std::uint32_t docid) { return fmt::format("kb:doc:{}", docid); }

std::string FormatTermStats(const TermStats& stats) { return fmt::format("{} {}", stats.all, stats.visible); }

std::optional<TermStats> ParseTermStats(std::string_view text) {
  TermStats out;
  const auto space = text.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  auto number = [](std::string_view digits, std::uint32_t& n) {
    if (digits.empty() || digits.size() > 10) return false;
    std::uint64_t v = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return false;
      v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (v > UINT32_MAX) return false;
    n = static_cast<std::uint32_t>(v);
    return true;
  };
  if (!number(text.substr(0, space), out.all) || !number(text.substr(space + 1), out.visible)) return std::nullopt;
  if (out.visible > out.all) return std::nullopt;
  return out;
}

std::vector<std::pair<std::size_t, std::string>> Hyphenated(std::string_view text,
                                                            const std::vector<text::Token>& tokens) {
  constexpr std::size_t kMaxHyphenated = 4;
  auto hyphen_after = [&](std::size_t i) {
    return i + 1 < tokens.size() && tokens[i + 1].begin == tokens[i].end + 1 && text[tokens[i].end] == '-';
  };
  std::vector<std::pair<std::size_t, std::string>> out;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    std::string joined = tokens[i].term;
    for (std::size_t j = i; j - i + 1 < kMaxHyphenated && hyphen_after(j); ++j) {
      joined += tokens[j + 1].term;
      out.emplace_back(i, joined);
    }
  }
  return out;
}

}  // namespace kb::schema
