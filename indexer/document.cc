#include "indexer/document.h"

#include <optional>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "indexer/base/utf8.h"

namespace kb::schema {

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

std::vector<FieldTokens> AnalyzeFields(const Article& article, const text::Analyzer& analyzer) {
  std::vector<FieldTokens> out;
  ForEachField(article, [&](std::string_view text, Field field, std::string_view prefix) {
    std::vector<text::Token> tokens = analyzer.Tokenize(text);
    auto hyphenated = Hyphenated(text, tokens);
    out.push_back({field, prefix, std::move(tokens), std::move(hyphenated)});
  });
  return out;
}

std::string Dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace);
}

// Field `key` of `object` when it is a string, else empty.
std::string String(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The strings of list `key` of `object`; anything else in it is skipped.
std::vector<std::string> Strings(const nlohmann::json& object, const char* key) {
  std::vector<std::string> out;
  auto it = object.find(key);
  if (it == object.end() || !it->is_array()) return out;
  for (const nlohmann::json& item : *it) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

// The learned phrasings' words (schema::kLearned) and the phrasings
// themselves (kSlotLearned).
void AddLearned(Xapian::Document& doc, const std::vector<LearnedPhrasing>& learned, const text::Analyzer& analyzer) {
  if (learned.empty()) return;
  std::map<std::string, double> weighted_tf;
  nlohmann::json stored = nlohmann::json::array();
  for (const LearnedPhrasing& p : learned) {
    stored.push_back({p.text, p.weight, p.clients, p.agent});
    if (p.weight <= 0) continue;
    std::set<std::string> stems;  // each word of a phrasing once
    for (const text::Token& t : analyzer.Tokenize(p.text)) stems.insert(analyzer.Stem(t.term));
    for (const std::string& stem : stems) {
      weighted_tf[std::string(p.agent ? kLearnedAgent : kLearned) + stem] += kLearnedPhrasingWeight;
    }
  }
  for (const auto& [term, tf] : weighted_tf) {
    if (term.size() <= kMaxBooleanTermBytes) doc.add_term(term, NormalisedWdf(tf));
  }
  doc.add_value(kSlotLearned, Dump(stored));
}

}  // namespace

std::vector<LearnedPhrasing> StoredLearned(const Xapian::Document& doc) {
  std::vector<LearnedPhrasing> out;
  const nlohmann::json stored = nlohmann::json::parse(doc.get_value(kSlotLearned), nullptr, /*allow_exceptions=*/false);
  if (!stored.is_array()) return out;
  for (const nlohmann::json& p : stored) {
    if (!p.is_array() || p.size() != 4 || !p[0].is_string() || !p[1].is_number() || !p[2].is_number_integer() ||
        !p[3].is_boolean()) {
      continue;
    }
    out.push_back({p[0].get<std::string>(), p[1].get<double>(), p[2].get<int>(), p[3].get<bool>()});
  }
  return out;
}

Xapian::Document MakeDocument(const Article& article, const text::Analyzer& analyzer, const FieldLengths& average,
                              const PhraseWords* phrase_words, std::vector<std::string>* spelling_words) {
  Xapian::Document doc;
  const std::vector<FieldTokens> fields = AnalyzeFields(article, analyzer);
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
  AddLearned(doc, article.learned, analyzer);

  doc.add_boolean_term(IdTerm(article.locale, article.id));
  AddBoolean(doc, kLocale, article.locale);
  const std::string language = text::LanguageOf(article.locale);
  if (language != article.locale) AddBoolean(doc, kLocale, language);
  AddBoolean(doc, kProduct, article.product);
  AddBoolean(doc, kCategory, article.category);
  AddBoolean(doc, kType, ArticleTypeName(article.type));
  AddBoolean(doc, kAudience, AudienceName(article.audience));
  for (const std::string& tag : article.tags) AddBoolean(doc, kTag, tag);

  if (!article.category.empty()) doc.add_value(kSlotCategory, article.category);
  doc.add_value(kSlotType, std::string(ArticleTypeName(article.type)));
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
      {"id", article.id},           {"title", article.title},       {"type", ArticleTypeName(article.type)},
      {"locale", article.locale},   {"product", article.product},   {"category", article.category},
      {"tags", article.tags},       {"audience", AudienceName(article.audience)}, {"updated", article.updated},
  };
  // The text a snippet reads follows the summary in its slot, as it is, so
  // that a result reads both with one lookup, without inflating the data
  // record or decoding JSON.
  const nlohmann::json content = {
      {"questions", article.questions},
      {"body", article.body_markdown},
      {"steps", article.steps},
  };
  // The readers admit only valid UTF-8; should anything else arrive, it is
  // stored as U+FFFD rather than thrown at the writer.
  std::string summary_value = Dump(summary);
  if (!article.body_text.empty()) summary_value += kSummaryTextSeparator + ToValidUtf8(article.body_text);
  doc.add_value(kSlotSummary, summary_value);
  doc.add_value(kSlotHash, fmt::format("{:016x} {}", ArticleHash(article), ArticleKey(article.locale, article.id)));
  doc.set_data(Dump(content));
  return doc;
}

Article StoredArticle(const Xapian::Document& doc, StoredParts parts) {
  Article a;
  // Anything unreadable is internal: it must not reach a customer.
  a.audience = ArticleAudience::kInternal;
  const std::string value = doc.get_value(kSlotSummary);
  const std::size_t separator = value.find(kSummaryTextSeparator);
  const std::string_view json_part = std::string_view(value).substr(0, separator);
  const nlohmann::json summary =
      nlohmann::json::parse(json_part.begin(), json_part.end(), nullptr, /*allow_exceptions=*/false);
  if (summary.is_object()) {
    auto str = [&](const char* key) { return String(summary, key); };
    a.id = str("id");
    a.title = str("title");
    a.type = ParseArticleType(str("type")).value_or(ArticleType::kFaq);
    a.locale = str("locale");
    a.product = str("product");
    a.category = str("category");
    a.tags = Strings(summary, "tags");
    a.audience = ParseAudience(str("audience")).value_or(ArticleAudience::kInternal);
    a.updated = str("updated");
  }
  if (parts == StoredParts::kSummary) return a;
  if (separator != std::string::npos) a.body_text = value.substr(separator + 1);
  if (parts == StoredParts::kText && !a.body_text.empty()) return a;
  const nlohmann::json content = nlohmann::json::parse(doc.get_data(), nullptr, /*allow_exceptions=*/false);
  if (content.is_object()) {
    if (parts == StoredParts::kAll) {
      a.questions = Strings(content, "questions");
      a.body_markdown = String(content, "body");
      a.steps = Strings(content, "steps");
    }
    // An index of schema version 7 or earlier keeps the text in the data.
    if (a.body_text.empty()) a.body_text = String(content, "text");
  }
  if (parts == StoredParts::kText) return a;
  a.learned = StoredLearned(doc);
  return a;
}

std::string PageOf(const Xapian::Document& doc) {
  Xapian::Document page;
  page.add_value(kSlotSummary, doc.get_value(kSlotSummary));
  return page.serialise();
}

Xapian::Document PageDocument(const std::string& page) {
  try {
    return Xapian::Document::unserialise(page);
  } catch (const Xapian::Error&) {
    return {};  // StoredArticle reads it as internal: it reaches no customer
  }
}

}  // namespace kb::schema
