#include "indexer/corpus/readers.h"

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

#include "indexer/base/json.h"
#include "indexer/base/lines.h"
#include "indexer/base/utf8.h"
#include "indexer/article.h"
#include "indexer/corpus/fields.h"

namespace kb {

namespace {

// A field as a reader found it, before validation: the same rules then apply
// to Markdown and JSONL.
struct RawField {
  // kInvalid: a field whose name or text is not valid UTF-8 (a YAML escape
  // can make such bytes from valid text); reported once, then ignored.
  enum class Kind { kScalar, kList, kNull, kOther, kInvalid };
  std::string key;
  Kind kind = Kind::kOther;
  std::string scalar;
  std::vector<std::string> list;
  bool list_ok = true;  // every list element was a scalar
  int line = 0;
};

struct RawArticle {
  std::vector<RawField> fields;
  std::string body;
  int line = 0;       // where the article starts
  int body_line = 0;  // where the body starts, when it is written line by line
  bool yaml = false;  // the fields come from YAML front matter
};

const RawField* Find(const RawArticle& raw, std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys) {
    for (const RawField& f : raw.fields) {
      if (f.key == key) return &f;
    }
  }
  return nullptr;
}

// Marks the fields whose name or text is not valid UTF-8 as kInvalid, and
// says which, where and why. Messages show no invalid byte: they reach
// terminals and JSON.
void CheckUtf8(RawArticle& raw, std::vector<Error>& errors) {
  for (RawField& f : raw.fields) {
    auto report = [&](std::string_view what, std::string_view text, const Utf8Problem& bad) {
      const auto byte = static_cast<unsigned char>(text[bad.offset]);
      // yaml-cpp writes the characters of these two escapes as one raw byte.
      std::string_view hint;
      if (raw.yaml && byte == 0x85) hint = "; YAML's \\N escape gives this byte: write \\u0085 instead";
      if (raw.yaml && byte == 0xA0) hint = "; YAML's \\_ escape gives this byte: write \\u00A0 instead";
      errors.push_back(Error::InvalidArgument(
          fmt::format("{} is not valid UTF-8 (byte 0x{:02X} at byte {}){}", what, byte, bad.offset + 1, hint),
          SourceLocation{"", f.line, 0}));
      f.kind = RawField::Kind::kInvalid;
    };
    if (auto bad = FindInvalidUtf8(f.key)) {
      report("a field name", f.key, *bad);
      continue;
    }
    const std::string what = fmt::format("field '{}'", f.key);
    if (auto bad = FindInvalidUtf8(f.scalar)) {
      report(what, f.scalar, *bad);
      continue;
    }
    for (const std::string& item : f.list) {
      if (auto bad = FindInvalidUtf8(item)) {
        report(what, item, *bad);
        break;
      }
    }
  }
}

void Validate(RawArticle raw, const ArticleDefaults& defaults, ReadResult& out) {
  std::vector<Error> errors;
  CheckUtf8(raw, errors);
  auto fail = [&](int line, std::string message) {
    errors.push_back(Error::InvalidArgument(std::move(message), SourceLocation{"", line, 0}));
  };
  auto scalar = [&](std::initializer_list<std::string_view> keys, bool required) -> std::optional<std::string> {
    const RawField* f = Find(raw, keys);
    const std::string name(*keys.begin());
    if (f != nullptr && f->kind == RawField::Kind::kInvalid) return std::nullopt;  // reported
    if (f == nullptr || f->kind == RawField::Kind::kNull) {
      if (required) fail(raw.line, fmt::format("missing required field '{}'", name));
      return std::nullopt;
    }
    if (f->kind != RawField::Kind::kScalar) {
      fail(f->line, fmt::format("field '{}' must be a string", f->key));
      return std::nullopt;
    }
    if (required && f->scalar.empty()) {
      fail(f->line, fmt::format("field '{}' is empty", f->key));
      return std::nullopt;
    }
    return f->scalar;
  };
  auto list = [&](std::string_view key) -> std::vector<std::string> {
    const RawField* f = Find(raw, {key});
    if (f == nullptr || f->kind == RawField::Kind::kNull || f->kind == RawField::Kind::kInvalid) return {};
    if (f->kind == RawField::Kind::kScalar) return f->scalar.empty() ? std::vector<std::string>{} : std::vector{f->scalar};
    if (f->kind != RawField::Kind::kList || !f->list_ok) {
      fail(f->line, fmt::format("field '{}' must be a list of strings", key));
      return {};
    }
    return f->list;
  };
  auto line_of = [&](std::string_view key) {
    const RawField* f = Find(raw, {key});
    return f ? f->line : raw.line;
  };

  Article a;
  a.source.line = raw.line;
  a.body_line = raw.body_line;
  if (auto id = scalar({"id", "_id"}, true)) {
    if (auto problem = CheckId(*id)) fail(line_of(Find(raw, {"id"}) ? "id" : "_id"), fmt::format("{}: '{}'", *problem, *id));
    a.id = *id;
  }
  if (auto title = scalar({"title"}, defaults.title_required)) a.title = *title;
  if (auto type = scalar({"type"}, false); type && !type->empty()) {
    if (auto parsed = ParseArticleType(*type)) {
      a.type = *parsed;
    } else {
      fail(line_of("type"), fmt::format("unknown type '{}': expected 'faq' or 'troubleshooting'", *type));
    }
  }
  if (auto audience = scalar({"audience"}, false); audience && !audience->empty()) {
    if (auto parsed = ParseAudience(*audience)) {
      a.audience = *parsed;
    } else {
      fail(line_of("audience"), fmt::format("unknown audience '{}': expected 'public' or 'internal'", *audience));
    }
  }
  std::string locale = defaults.locale;
  if (auto l = scalar({"locale"}, false); l && !l->empty()) locale = *l;
  if (auto canonical = CanonicalLocale(locale)) {
    a.locale = *canonical;
  } else {
    fail(line_of("locale"), fmt::format("malformed locale '{}': expected a BCP 47 tag such as 'en' or 'de-AT'", locale));
  }
  if (auto p = scalar({"product"}, false)) a.product = *p;
  a.category = defaults.category;
  if (auto c = scalar({"category"}, false); c && !c->empty()) a.category = *c;
  if (auto updated = scalar({"updated"}, false); updated && !updated->empty()) {
    if (auto date = CanonicalDate(*updated)) {
      a.updated = *date;
    } else {
      fail(line_of("updated"), fmt::format("malformed date '{}' in 'updated': expected YYYY-MM-DD", *updated));
    }
  }
  a.tags = list("tags");
  a.questions = list("questions");
  a.body_markdown = raw.body;
  MarkdownContent content = ExtractMarkdown(raw.body);
  a.body_text = std::move(content.text);
  a.steps = std::move(content.steps);

  if (errors.empty()) {
    out.articles.push_back(std::move(a));
  } else {
    for (Error& e : errors) out.errors.push_back(std::move(e));
  }
}

// ---- Markdown + YAML front matter ----------------------------------------

RawField FromYaml(const std::string& key, const YAML::Node& node, int line_offset) {
  RawField f;
  f.key = key;
  f.line = node.Mark().line >= 0 ? node.Mark().line + line_offset : line_offset;
  if (node.IsNull()) {
    f.kind = RawField::Kind::kNull;
  } else if (node.IsScalar()) {
    f.kind = RawField::Kind::kScalar;
    f.scalar = node.Scalar();
  } else if (node.IsSequence()) {
    f.kind = RawField::Kind::kList;
    for (const YAML::Node& item : node) {
      if (!item.IsScalar()) {
        f.list_ok = false;
        continue;
      }
      f.list.push_back(item.Scalar());
    }
  }
  return f;
}

bool IsFenceLine(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  return line == "---";
}

}  // namespace

ReadResult ParseMarkdownArticle(std::string_view text, const ArticleDefaults& defaults) {
  ReadResult out;
  if (auto bad = FindInvalidUtf8(text)) {
    out.errors.push_back(Error::InvalidArgument(InvalidUtf8Message(text, *bad), SourceLocation{"", bad->line, bad->column}));
    return out;
  }
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // BOM

  // Find the fences: front matter runs from the line after the first to the
  // line before the second.
  LineReader lines(text);
  std::string_view l;
  std::size_t fm_begin = 0;
  std::size_t fm_end = std::string_view::npos;
  std::size_t body_begin = text.size();
  int body_line = 0;
  auto line_start = [&](std::string_view line) { return static_cast<std::size_t>(line.data() - text.data()); };
  auto next_line_start = [&](std::string_view line) {
    const std::size_t eol = text.find('\n', line_start(line));
    return eol == std::string_view::npos ? text.size() : eol + 1;
  };
  while (lines.Next(l)) {
    if (lines.number() == 1) {
      if (!IsFenceLine(l)) {
        out.errors.push_back(Error::InvalidArgument(
            "missing front matter: the file must start with a '---' line", SourceLocation{"", 1, 1}));
        return out;
      }
      fm_begin = next_line_start(l);
    } else if (IsFenceLine(l)) {
      fm_end = line_start(l);
      body_begin = next_line_start(l);
      body_line = lines.number() + 1;
      break;
    }
  }
  if (lines.number() == 0) {
    out.errors.push_back(Error::InvalidArgument("empty file: expected front matter", SourceLocation{"", 1, 1}));
    return out;
  }
  if (fm_end == std::string_view::npos) {
    out.errors.push_back(Error::InvalidArgument(
        "unterminated front matter: no closing '---' line", SourceLocation{"", 1, 1}));
    return out;
  }

  RawArticle raw;
  raw.line = 1;
  raw.yaml = true;
  const int fm_first_line = 2;  // YAML line 0 is file line 2
  try {
    YAML::Node root = YAML::Load(std::string(text.substr(fm_begin, fm_end - fm_begin)));
    if (!root.IsMap()) {
      out.errors.push_back(Error::InvalidArgument(
          "front matter must be a mapping of 'field: value' lines", SourceLocation{"", fm_first_line, 1}));
      return out;
    }
    for (const auto& kv : root) {
      const std::string key = kv.first.Scalar();
      raw.fields.push_back(FromYaml(key, kv.second, fm_first_line));
      if (raw.fields.back().line == fm_first_line && kv.first.Mark().line >= 0) {
        raw.fields.back().line = kv.first.Mark().line + fm_first_line;
      }
    }
  } catch (const YAML::Exception& e) {
    const int l = e.mark.line >= 0 ? e.mark.line + fm_first_line : fm_first_line;
    // yaml-cpp may quote one byte of a multi-byte character.
    out.errors.push_back(Error::InvalidArgument(fmt::format("malformed front matter: {}", ToValidUtf8(e.msg)),
                                                SourceLocation{"", l, e.mark.column >= 0 ? e.mark.column + 1 : 0}));
    return out;
  }
  raw.body = std::string(text.substr(body_begin));
  raw.body_line = body_line;
  Validate(std::move(raw), defaults, out);
  return out;
}

// ---- JSONL ------------------------------------------------------------------

namespace {

RawField FromJson(const std::string& key, const nlohmann::json& value, int line) {
  RawField f;
  f.key = key;
  f.line = line;
  if (value.is_null()) {
    f.kind = RawField::Kind::kNull;
  } else if (value.is_string()) {
    f.kind = RawField::Kind::kScalar;
    f.scalar = value.get<std::string>();
  } else if (value.is_number_integer()) {
    f.kind = RawField::Kind::kScalar;  // numeric ids from exports
    f.scalar = value.dump();
  } else if (value.is_array()) {
    f.kind = RawField::Kind::kList;
    for (const auto& item : value) {
      if (!item.is_string()) {
        f.list_ok = false;
        continue;
      }
      f.list.push_back(item.get<std::string>());
    }
  }
  return f;
}

}  // namespace

ReadResult ParseJsonlArticles(std::string_view text, const ArticleDefaults& defaults) {
  ReadResult out;
  LineReader lines(text);
  std::string_view l;
  while (lines.Next(l)) {
    const int line = lines.number();
    if (line == 1 && l.starts_with("\xEF\xBB\xBF")) l.remove_prefix(3);
    if (l.find_first_not_of(" \t") == std::string_view::npos) continue;
    auto parsed = ParseJson(l);
    if (!parsed) {
      const SourceLocation& at = parsed.error().where();
      out.errors.push_back(Error::InvalidArgument(parsed.error().message(), SourceLocation{"", line, at.column}));
      continue;
    }
    const nlohmann::json doc = std::move(*parsed);
    if (!doc.is_object()) {
      out.errors.push_back(Error::InvalidArgument(
          fmt::format("expected a JSON object, found {}", doc.type_name()), SourceLocation{"", line, 1}));
      continue;
    }
    RawArticle raw;
    raw.line = line;
    for (const auto& [key, value] : doc.items()) {
      if (key == "text" || key == "body") {
        if (value.is_string()) {
          if (raw.body.empty()) raw.body = value.get<std::string>();
        } else if (!value.is_null()) {
          out.errors.push_back(Error::InvalidArgument(fmt::format("field '{}' must be a string", key),
                                                      SourceLocation{"", line, 0}));
        }
        continue;
      }
      raw.fields.push_back(FromJson(key, value, line));
    }
    Validate(std::move(raw), defaults, out);
  }
  return out;
}

}  // namespace kb
