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
                             std::string_view(a.type), std::string_view(a.product), std::string_view(a.category),
                             std::string_view(a.audience), std::string_view(a.updated),
                             std::string_view(a.body_markdown), std::string_view(a.body_text)}) {
    h.Add(s);
  }
  h.Add(a.tags);
  h.Add(a.questions);
  h.Add(a.steps);
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

namespace {

constexpr std::size_t kMaxBooleanTermBytes = 200;

void AddBoolean(Xapian::Document& doc, std::string_view prefix, std::string_view value) {
  if (value.empty()) return;
  std::string term = BooleanTerm(prefix, value);
  if (term.size() > kMaxBooleanTermBytes) return;
  doc.add_boolean_term(term);
}

// One field of an article as the analyzer saw it.
struct FieldTokens {
  Field field;
  std::string_view prefix;  // the field's own term prefix; empty for the body
  std::vector<text::Token> tokens;
  // Words written with a hyphen ("e-mail", "wi-fi", "two-factor"), also
  // indexed as one word, so that "email" finds "e-mail" (see Hyphenated).
  std::vector<std::pair<std::size_t, std::string>> hyphenated;
};

// The text fields in index order. Multi-valued fields (questions, tags)
// contribute one FieldTokens per value.
template <typename F>
void ForEachField(const Article& article, F&& f) {
  f(std::string_view(article.title), Field::kTitle, std::string_view(kTitle));
  for (const std::string& q : article.questions) f(std::string_view(q), Field::kQuestions, std::string_view(kQuestions));
  for (const std::string& tag : article.tags) f(std::string_view(tag), Field::kTags, std::string_view(kTags));
  f(std::string_view(article.body_text), Field::kBody, std::string_view());
}

// The words of `text` (its `tokens`) written with hyphens between them, as
// one word: each run of two to kMaxHyphenated parts ("E-Mail-Adresse" gives
// "email", "emailadresse" and "mailadresse"), by the token index of its
// first part, in token order.
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

std::vector<FieldTokens> Analyse(const Article& article, const text::Analyzer& analyzer) {
  std::vector<FieldTokens> out;
  ForEachField(article, [&](std::string_view text, Field field, std::string_view prefix) {
    std::vector<text::Token> tokens = analyzer.Tokenize(text);
    auto hyphenated = Hyphenated(text, tokens);
    out.push_back({field, prefix, std::move(tokens), std::move(hyphenated)});
  });
  return out;
}

}  // namespace

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

Xapian::termcount NormalisedWdf(double weighted_tf) {
  return std::max<Xapian::termcount>(1, static_cast<Xapian::termcount>(std::round(kWdfScale * weighted_tf)));
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

Xapian::Document MakeDocument(const Article& article, const text::Analyzer& analyzer, const FieldLengths& average,
                              const PhraseWords* phrase_words, std::vector<std::string>* spelling_words) {
  Xapian::Document doc;
  const std::vector<FieldTokens> fields = Analyse(article, analyzer);
  FieldLengths length{};
  for (const FieldTokens& f : fields) length[f.field] += static_cast<double>(f.tokens.size());
  // BM25F: each field's frequencies are divided by that field's own length
  // norm, weighted, then summed. A long answer does not dilute its title.
  struct Stats {
    double weighted_tf = 0;
    std::vector<Xapian::termpos> positions;
  };
  std::unordered_map<std::string, Stats> terms;
  Xapian::termpos pos = 0;
  std::string term(kStemmed);
  for (const FieldTokens& f : fields) {
    const double weight = FieldWeight(f.field) / LengthNorm(length[f.field], average[f.field]);
    std::string field_term(kStemmed);
    field_term.append(f.prefix);
    const std::size_t field_prefix_len = field_term.size();
    auto add = [&](const std::string& word, bool own_position) {
      if (spelling_words != nullptr && IsSpellable(word)) spelling_words->push_back(word);
      const std::string stem = analyzer.Stem(word);
      term.resize(kStemmed.size());
      term.append(stem);
      Stats& stats = terms[term];
      stats.weighted_tf += weight;
      if (own_position && (phrase_words == nullptr || phrase_words->contains(stem))) stats.positions.push_back(pos);
      if (!f.prefix.empty()) {
        field_term.resize(field_prefix_len);
        field_term.append(stem);
        doc.add_term(field_term);
      }
      if (f.field == Field::kTitle) {
        for (const std::string& p : WordPrefixes(word)) doc.add_term(std::string(kTitlePrefix) + p);
      }
    };
    auto joined = f.hyphenated.begin();
    for (std::size_t i = 0; i < f.tokens.size(); ++i) {
      ++pos;
      add(f.tokens[i].term, true);
      for (; joined != f.hyphenated.end() && joined->first == i; ++joined) add(joined->second, false);
    }
    pos += kFieldGap;
  }
  if (spelling_words != nullptr) {
    std::sort(spelling_words->begin(), spelling_words->end());
    spelling_words->erase(std::unique(spelling_words->begin(), spelling_words->end()), spelling_words->end());
  }
  for (const auto& [t, stats] : terms) {
    doc.add_term(t, NormalisedWdf(stats.weighted_tf));
    for (Xapian::termpos p : stats.positions) doc.add_posting(t, p, 0);
  }

  doc.add_boolean_term(IdTerm(article.locale, article.id));
  AddBoolean(doc, kLocale, article.locale);
  const std::string language = text::LanguageOf(article.locale);
  if (language != article.locale) AddBoolean(doc, kLocale, language);
  AddBoolean(doc, kProduct, article.product);
  AddBoolean(doc, kCategory, article.category);
  AddBoolean(doc, kType, article.type);
  AddBoolean(doc, kAudience, article.audience);
  for (const std::string& tag : article.tags) AddBoolean(doc, kTag, tag);

  if (!article.category.empty()) doc.add_value(kSlotCategory, article.category);
  doc.add_value(kSlotType, article.type);
  if (!article.product.empty()) doc.add_value(kSlotProduct, article.product);
  if (!article.tags.empty()) {
    std::string tags;
    for (const std::string& tag : article.tags) {
      if (!tags.empty()) tags.push_back(kValueSeparator);
      tags.append(tag);
    }
    doc.add_value(kSlotTags, tags);
  }
  if (!article.updated.empty()) {
    std::string ymd = article.updated;
    std::erase(ymd, '-');
    doc.add_value(kSlotUpdated, ymd);
  }

  // The summary a result list needs goes in a value slot, apart from the
  // long fields in the document data: the data record is compressed, and a
  // result list should not pay for inflating every body.
  const nlohmann::json summary = {
      {"id", article.id},           {"title", article.title},       {"type", article.type},
      {"locale", article.locale},   {"product", article.product},   {"category", article.category},
      {"tags", article.tags},       {"audience", article.audience}, {"updated", article.updated},
  };
  const nlohmann::json content = {
      {"questions", article.questions},
      {"body", article.body_markdown},
      {"text", article.body_text},
      {"steps", article.steps},
  };
  doc.add_value(kSlotSummary, summary.dump());
  doc.add_value(kSlotHash, fmt::format("{:016x} {}", ArticleHash(article), ArticleKey(article.locale, article.id)));
  doc.set_data(content.dump());
  return doc;
}

Article StoredArticle(const Xapian::Document& doc, StoredParts parts) {
  Article a;
  const nlohmann::json summary = nlohmann::json::parse(doc.get_value(kSlotSummary), nullptr, /*allow_exceptions=*/false);
  if (summary.is_object()) {
    auto str = [&](const char* key) { return summary.value(key, std::string()); };
    a.id = str("id");
    a.title = str("title");
    a.type = str("type");
    a.locale = str("locale");
    a.product = str("product");
    a.category = str("category");
    a.tags = summary.value("tags", std::vector<std::string>());
    a.audience = str("audience");
    a.updated = str("updated");
  }
  if (parts == StoredParts::kSummary) return a;
  const nlohmann::json content = nlohmann::json::parse(doc.get_data(), nullptr, /*allow_exceptions=*/false);
  if (content.is_object()) {
    a.questions = content.value("questions", std::vector<std::string>());
    a.body_markdown = content.value("body", std::string());
    a.body_text = content.value("text", std::string());
    a.steps = content.value("steps", std::vector<std::string>());
  }
  return a;
}

}  // namespace kb::schema
