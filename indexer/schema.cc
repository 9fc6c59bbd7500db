#include "indexer/schema.h"

#include <nlohmann/json.hpp>

namespace kb::schema {

std::string IdTerm(std::string_view locale, std::string_view id) {
  std::string t(kId);
  t.append(locale).append(":").append(id);
  return t;
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

// Indexes one field; returns the next free position. An empty `prefix`
// means the field lives only in the combined text.
Xapian::termpos IndexField(Xapian::Document& doc, const text::Analyzer& analyzer, std::string_view text,
                           std::string_view prefix, Xapian::termcount weight, Xapian::termpos pos) {
  std::string term(kStemmed);
  std::string field_term(kStemmed);
  field_term.append(prefix);
  const std::size_t field_prefix_len = field_term.size();
  for (const text::Token& token : analyzer.Tokenize(text)) {
    ++pos;
    const std::string stem = analyzer.Stem(token.term);
    term.resize(kStemmed.size());
    term.append(stem);
    doc.add_posting(term, pos, weight);
    if (!prefix.empty()) {
      field_term.resize(field_prefix_len);
      field_term.append(stem);
      doc.add_term(field_term);
    }
  }
  return pos + kFieldGap;
}

}  // namespace

Xapian::Document MakeDocument(const Article& article, const text::Analyzer& analyzer) {
  Xapian::Document doc;
  Xapian::termpos pos = 0;
  pos = IndexField(doc, analyzer, article.title, kTitle, kTitleWeight, pos);
  for (const std::string& q : article.questions) pos = IndexField(doc, analyzer, q, kQuestions, kQuestionsWeight, pos);
  for (const std::string& tag : article.tags) pos = IndexField(doc, analyzer, tag, kTags, kTagsWeight, pos);
  IndexField(doc, analyzer, article.body_text, /*prefix=*/"", kBodyWeight, pos);

  doc.add_boolean_term(IdTerm(article.locale, article.id));
  AddBoolean(doc, kLocale, article.locale);
  const std::string language = text::LanguageOf(article.locale);
  if (language != article.locale) AddBoolean(doc, kLocale, language);
  AddBoolean(doc, kProduct, article.product);
  AddBoolean(doc, kCategory, article.category);
  AddBoolean(doc, kType, article.type);
  AddBoolean(doc, kAudience, article.audience);
  for (const std::string& tag : article.tags) AddBoolean(doc, kTag, tag);

  if (!article.updated.empty()) {
    std::string ymd = article.updated;
    std::erase(ymd, '-');
    doc.add_value(kSlotUpdated, ymd);
  }

  // Two JSON objects on two lines: the summary a result list needs, then
  // the long fields, which readers parse only when they need them.
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
  doc.set_data(summary.dump() + "\n" + content.dump());
  return doc;
}

Article StoredArticle(const std::string& data, StoredParts parts) {
  Article a;
  const std::size_t split = data.find('\n');
  const std::string_view head = std::string_view(data).substr(0, split);
  const nlohmann::json summary = nlohmann::json::parse(head, nullptr, /*allow_exceptions=*/false);
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
  if (parts == StoredParts::kSummary || split == std::string::npos) return a;
  const nlohmann::json content =
      nlohmann::json::parse(std::string_view(data).substr(split + 1), nullptr, /*allow_exceptions=*/false);
  if (content.is_object()) {
    a.questions = content.value("questions", std::vector<std::string>());
    a.body_markdown = content.value("body", std::string());
    a.body_text = content.value("text", std::string());
    a.steps = content.value("steps", std::vector<std::string>());
  }
  return a;
}

}  // namespace kb::schema
