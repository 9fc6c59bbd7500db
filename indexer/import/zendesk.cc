#include "indexer/import/zendesk.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <iostream>
#include <sstream>

#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "indexer/base/file.h"
#include "indexer/base/flags.h"
#include "indexer/base/json.h"
#include "indexer/base/progress.h"
#include "indexer/article.h"
#include "indexer/corpus/fields.h"
#include "indexer/import/html_to_markdown.h"

namespace kb {

namespace fs = std::filesystem;

namespace {

using Json = nlohmann::json;

// ---- Where things are in the export -----------------------------------------

// nlohmann reports no positions for values, so a small scanner over the
// (already validated) text finds where "articles", each of its elements and
// their fields start, for line numbers in errors.
class ArticlePositions {
 public:
  explicit ArticlePositions(std::string_view json) : s_(json) {
    if (s_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
    Scan();
  }

  // The line where element `index` of "articles" starts, or where
  // "articles" itself does; 1 when not known.
  int ElementLine(std::size_t index) const {
    return index < elements_.size() ? LineOf(elements_[index].start) : ArticlesLine();
  }
  // The line of field `key` of element `index`, or of the element.
  int FieldLine(std::size_t index, const std::string& key) const {
    if (index >= elements_.size()) return ArticlesLine();
    auto it = elements_[index].keys.find(key);
    return it == elements_[index].keys.end() ? ElementLine(index) : LineOf(it->second);
  }
  int ArticlesLine() const { return articles_ == std::string_view::npos ? 1 : LineOf(articles_); }

 private:
  void Scan() {
    SkipSpace();
    if (!Eat('{')) return;
    while (true) {
      SkipSpace();
      if (!Peek('"')) return;
      const std::string_view key = String();
      SkipSpace();
      if (!Eat(':')) return;
      SkipSpace();
      if (key == "articles") {  // the last one counts, as for nlohmann
        articles_ = pos_;
        elements_.clear();
        if (Eat('[')) {
          SkipSpace();
          while (pos_ < s_.size() && !Eat(']')) {
            elements_.push_back(Element{.start = pos_});
            if (Peek('{')) {
              Keys(elements_.back().keys);
            } else {
              Value();
            }
            SkipSpace();
            Eat(',');
            SkipSpace();
          }
        } else {
          Value();
        }
      } else {
        Value();
      }
      SkipSpace();
      if (!Eat(',')) return;
    }
  }

  // At '{': skips the object, noting where each key is.
  void Keys(std::map<std::string, std::size_t>& keys) {
    Eat('{');
    while (true) {
      SkipSpace();
      if (!Peek('"')) break;
      const std::size_t at = pos_;
      const std::string key(String());
      keys[key] = at;
      SkipSpace();
      if (!Eat(':')) break;
      SkipSpace();
      Value();
      SkipSpace();
      if (!Eat(',')) break;
    }
    SkipSpace();
    Eat('}');
  }

  bool Peek(char c) const { return pos_ < s_.size() && s_[pos_] == c; }
  bool Eat(char c) {
    if (!Peek(c)) return false;
    ++pos_;
    return true;
  }
  void SkipSpace() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  // At '"': skips the string and returns its raw content.
  std::string_view String() {
    const std::size_t start = ++pos_;
    while (pos_ < s_.size() && s_[pos_] != '"') pos_ += s_[pos_] == '\\' ? 2 : 1;
    const std::string_view raw = s_.substr(start, std::min(pos_, s_.size()) - start);
    ++pos_;
    return raw;
  }
  void Value() {
    if (Peek('"')) {
      String();
      return;
    }
    if (Peek('{') || Peek('[')) {
      int depth = 0;
      while (pos_ < s_.size()) {
        const char c = s_[pos_];
        if (c == '"') {
          String();
          continue;
        }
        ++pos_;
        if (c == '{' || c == '[') ++depth;
        if ((c == '}' || c == ']') && --depth == 0) return;
      }
      return;
    }
    while (pos_ < s_.size() && std::string_view(",}] \t\r\n").find(s_[pos_]) == std::string_view::npos) ++pos_;
  }
  int LineOf(std::size_t offset) const {
    return 1 + static_cast<int>(std::count(s_.begin(), s_.begin() + static_cast<long>(offset), '\n'));
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  struct Element {
    std::size_t start = 0;
    std::map<std::string, std::size_t> keys;  // where each field's key is
  };
  std::size_t articles_ = std::string_view::npos;
  std::vector<Element> elements_;
};

// ---- Fields -------------------------------------------------------------------

// A value as a message shows it: short scalars verbatim, else the type.
std::string Describe(const Json& value) {
  if (value.is_object()) return "an object";
  if (value.is_array()) return "a list";
  std::string s = value.dump();
  if (s.size() > 40) {
    std::size_t cut = 37;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
    s = s.substr(0, cut) + "...";
  }
  return s;
}

// Zendesk ids are numbers; some tools write them as strings of digits.
std::optional<std::string> IdNumber(const Json& value) {
  if (value.is_number_unsigned()) return std::to_string(value.get<std::uint64_t>());
  if (value.is_string()) {
    const std::string s = value.get<std::string>();
    if (!s.empty() && s.size() <= 20 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return s;
    }
  }
  return std::nullopt;
}

std::string CollapseWhitespace(std::string_view s) {
  std::string out;
  for (char c : s) {
    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    if (space) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// A YAML double-quoted scalar.
std::string Quoted(std::string_view s) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      out += fmt::format("\\x{:02X}", c);
    } else if (s.substr(i).starts_with("\xE2\x80\xA8") || s.substr(i).starts_with("\xE2\x80\xA9") ||
               s.substr(i).starts_with("\xEF\xBB\xBF")) {
      // Line and paragraph separators and the BOM: YAML reads them as breaks.
      out += s[i + 1] == '\x80' ? (s[i + 2] == '\xA8' ? "\\u2028" : "\\u2029") : "\\uFEFF";
      i += 2;
    } else if (s.substr(i).starts_with("\xC2\x85")) {
      out += "\\u0085";
      ++i;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
  return out;
}

// An article that passed every check, before its body is converted.
struct CheckedArticle {
  std::string number;  // the Zendesk id
  std::string title;
  std::string body_html;
  std::string locale;
  std::string category;
  std::vector<std::string> tags;
  bool internal = false;
  std::string updated;
  std::string html_url;
};

// Checks article `index`; appends its problems to `errors`.
// Problems are reported at the line of the field (of the article when the
// field is missing).
std::optional<CheckedArticle> Check(const Json& a, std::size_t index, const ArticlePositions& positions,
                                    int& drafts, std::vector<Error>& errors) {
  std::string where = fmt::format("articles[{}]", index);
  const std::size_t errors_before = errors.size();
  auto fail_at = [&](int line, std::string message) {
    errors.push_back(Error::InvalidArgument(fmt::format("{}: {}", where, message), SourceLocation{"", line, 0}));
  };
  auto fail = [&](std::string message) { fail_at(positions.ElementLine(index), std::move(message)); };
  auto fail_field = [&](const char* key, std::string message) {
    fail_at(positions.FieldLine(index, key), std::move(message));
  };
  if (!a.is_object()) {
    fail(fmt::format("expected an article object, found {}", Describe(a)));
    return std::nullopt;
  }
  auto field = [&](const char* key) -> const Json* {
    auto it = a.find(key);
    return it == a.end() || it->is_null() ? nullptr : &*it;
  };

  if (const Json* draft = field("draft")) {
    if (!draft->is_boolean()) {
      fail_field("draft", fmt::format("field 'draft' must be true or false, found {}", Describe(*draft)));
    } else if (draft->get<bool>()) {
      ++drafts;
      return std::nullopt;
    }
  }

  CheckedArticle c;
  if (const Json* id = field("id")) {
    if (auto number = IdNumber(*id)) {
      c.number = *number;
      where += fmt::format(" (id {})", c.number);
    } else {
      fail_field("id", fmt::format("field 'id' must be a Zendesk article number, found {}", Describe(*id)));
    }
  } else {
    fail_field("id", "missing required field 'id'");
  }
  auto required_string = [&](const char* key) -> std::optional<std::string> {
    const Json* v = field(key);
    if (v == nullptr) {
      fail_field(key, fmt::format("missing required field '{}'", key));  // absent or null
      return std::nullopt;
    }
    if (!v->is_string()) {
      fail_field(key, fmt::format("field '{}' must be a string, found {}", key, Describe(*v)));
      return std::nullopt;
    }
    return v->get<std::string>();
  };
  auto optional_string = [&](const char* key) -> std::optional<std::string> {
    const Json* v = field(key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_string()) {
      fail_field(key, fmt::format("field '{}' must be a string, found {}", key, Describe(*v)));
      return std::nullopt;
    }
    return v->get<std::string>();
  };

  if (auto title = required_string("title")) {
    c.title = CollapseWhitespace(*title);
    if (c.title.empty()) fail_field("title", "field 'title' is empty");
  }
  if (auto body = required_string("body")) c.body_html = std::move(*body);
  if (auto locale = required_string("locale")) {
    if (auto canonical = CanonicalLocale(*locale)) {
      c.locale = *canonical;
    } else {
      fail_field("locale",
                 fmt::format("malformed locale '{}': expected a BCP 47 tag such as 'en' or 'de-AT'", *locale));
    }
  }
  c.category = "zendesk";
  if (const Json* section = field("section_id")) {
    if (auto number = IdNumber(*section)) {
      c.category = "zendesk-" + *number;
    } else {
      fail_field("section_id",
                 fmt::format("field 'section_id' must be a number, found {}", Describe(*section)));
    }
  }
  if (const Json* labels = field("label_names")) {
    const bool strings = labels->is_array() && std::all_of(labels->begin(), labels->end(),
                                                           [](const Json& l) { return l.is_string(); });
    if (!strings) {
      fail_field("label_names", "field 'label_names' must be a list of strings");
    } else {
      for (const Json& l : *labels) {
        std::string tag = CollapseWhitespace(l.get<std::string>());
        if (!tag.empty() && std::find(c.tags.begin(), c.tags.end(), tag) == c.tags.end()) c.tags.push_back(tag);
      }
    }
  }
  c.internal = field("user_segment_id") != nullptr;
  if (auto updated = optional_string("updated_at")) {
    if (auto date = CanonicalDate(*updated)) {
      c.updated = *date;
    } else {
      fail_field("updated_at", fmt::format("malformed date '{}' in 'updated_at': expected a timestamp such as "
                                           "2026-08-14T10:00:00Z",
                                           *updated));
    }
  }
  if (auto url = optional_string("html_url")) c.html_url = *url;
  if (errors.size() != errors_before) return std::nullopt;
  return c;
}

// "https://help.example.com" of an absolute http(s) URL, lowercased; empty
// for anything else.
std::string Origin(std::string_view url) {
  std::string lower;
  for (char c : url) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  for (std::string_view scheme : {"https://", "http://"}) {
    if (!lower.starts_with(scheme)) continue;
    const std::size_t end = lower.find_first_of("/?#", scheme.size());
    return lower.substr(0, end);
  }
  return {};
}

// The article number of a link to a Help Center article
// ("/hc/en-us/articles/360001234-Title#anchor", relative or on one of
// `origins`), or nullopt.
std::optional<std::string> LinkedArticle(std::string_view href, const std::set<std::string>& origins) {
  std::string_view path = href;
  if (!href.starts_with('/')) {
    const std::string origin = Origin(href);
    if (origin.empty() || !origins.contains(origin)) return std::nullopt;
    path = href.substr(origin.size());
  }
  path = path.substr(0, path.find_first_of("?#"));
  std::vector<std::string_view> segments;
  for (std::size_t pos = 1; pos <= path.size();) {
    const std::size_t end = std::min(path.find('/', pos), path.size());
    segments.push_back(path.substr(pos, end - pos));
    pos = end + 1;
  }
  if (!segments.empty() && segments.back().empty()) segments.pop_back();
  // hc / [locale /] articles / <number>[-slug]
  if (segments.size() < 3 || segments.size() > 4 || segments[0] != "hc" ||
      segments[segments.size() - 2] != "articles") {
    return std::nullopt;
  }
  std::string_view last = segments.back();
  last = last.substr(0, last.find('-'));
  if (last.empty() || !std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return std::string(last);
}

std::string Render(const CheckedArticle& c, std::string_view markdown, bool troubleshooting) {
  std::string s = "---\n";
  s += fmt::format("id: zd-{}\n", c.number);
  s += fmt::format("title: {}\n", Quoted(c.title));
  s += fmt::format("type: {}\n", troubleshooting ? "troubleshooting" : "faq");
  s += fmt::format("locale: {}\n", c.locale);
  s += fmt::format("category: {}\n", c.category);
  if (!c.tags.empty()) {
    s += "tags: [";
    for (std::size_t i = 0; i < c.tags.size(); ++i) s += (i ? ", " : "") + Quoted(c.tags[i]);
    s += "]\n";
  }
  s += fmt::format("audience: {}\n", c.internal ? "internal" : "public");
  if (!c.updated.empty()) s += fmt::format("updated: {}\n", c.updated);
  if (!c.html_url.empty()) s += fmt::format("source_url: {}\n", Quoted(c.html_url));
  s += "---\n";
  s += markdown;
  return s;
}

// ---- Files ----------------------------------------------------------------------

// Writes `content` to `path` unless it holds exactly that already. Returns
// whether it wrote. The file is replaced atomically, so a reader sees the old
// or the new article, never half of one.
Result<bool> WriteIfChanged(const fs::path& path, const std::string& content) {
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) {
    auto old = ReadFile(path.string());
    if (old && *old == content) return false;
  }
  if (auto written = WriteFileAtomic(path.string(), content, {.durable = false}); !written) {
    return Fail(written.error());
  }
  return true;
}

// Relative paths ("<locale>/<category>/zd-*.md") of earlier imports.
// Unreadable directories are passed over: this only finds stale copies.
std::vector<std::string> ImportedFiles(const fs::path& root) {
  // The entries of `dir` that `keep` accepts.
  auto entries = [](const fs::path& dir, auto keep) {
    std::vector<fs::path> v;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      std::error_code type_ec;
      if (keep(*it, type_ec)) v.push_back(it->path());
    }
    return v;
  };
  auto is_dir = [](const fs::directory_entry& e, std::error_code& ec) {
    return e.is_directory(ec) && !e.path().filename().string().starts_with('.');
  };
  auto is_import = [](const fs::directory_entry& e, std::error_code& ec) {
    const std::string name = e.path().filename().string();
    return name.starts_with("zd-") && name.ends_with(".md") && e.is_regular_file(ec);
  };
  std::vector<std::string> out;
  for (const fs::path& locale : entries(root, is_dir)) {
    for (const fs::path& category : entries(locale, is_dir)) {
      for (const fs::path& file : entries(category, is_import)) {
        out.push_back((locale.filename() / category.filename() / file.filename()).generic_string());
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// ---- The command ------------------------------------------------------------------

constexpr std::string_view kImportUsage =
    "usage:\n"
    "  kb-index import zendesk --out DIR EXPORT.json\n"
    "      Converts a Zendesk Help Center export into Markdown articles under\n"
    "      DIR/<locale>/zendesk-<section>/zd-<id>.md. Every article is checked\n"
    "      first; with any error nothing is written. Drafts are skipped and\n"
    "      unchanged files are left alone.\n";

}  // namespace

ZendeskConversion ConvertZendeskExport(std::string_view json) {
  ZendeskConversion out;
  if (json.starts_with("\xEF\xBB\xBF")) json.remove_prefix(3);
  auto parsed = ParseJson(json);
  if (!parsed) {
    out.errors.push_back(parsed.error());
    return out;
  }
  const Json doc = std::move(*parsed);
  const ArticlePositions positions(json);
  if (!doc.is_object()) {
    out.errors.push_back(Error::InvalidArgument(
        fmt::format("expected a Zendesk export object {{\"articles\": [...]}}, found {}", Describe(doc)),
        SourceLocation{"", 1, 0}));
    return out;
  }
  auto articles = doc.find("articles");
  if (articles == doc.end()) {
    out.errors.push_back(Error::InvalidArgument(
        "missing 'articles': expected a Zendesk export object {\"articles\": [...]}", SourceLocation{"", 1, 0}));
    return out;
  }
  if (!articles->is_array()) {
    out.errors.push_back(Error::InvalidArgument(
        fmt::format("'articles' must be a list of articles, found {}", Describe(*articles)),
        SourceLocation{"", positions.ArticlesLine(), 0}));
    return out;
  }

  std::vector<CheckedArticle> checked;
  std::map<std::pair<std::string, std::string>, std::size_t> seen;  // (locale, number) -> index
  for (std::size_t i = 0; i < articles->size(); ++i) {
    auto c = Check((*articles)[i], i, positions, out.drafts, out.errors);
    if (!c) continue;
    auto [it, inserted] = seen.emplace(std::make_pair(c->locale, c->number), i);
    if (!inserted) {
      out.errors.push_back(Error::InvalidArgument(
          fmt::format("articles[{}] (id {}): duplicate: articles[{}] is the same article in locale '{}'", i, c->number,
                      it->second, c->locale),
          SourceLocation{"", positions.FieldLine(i, "id"), 0}));
      continue;
    }
    checked.push_back(std::move(*c));
  }
  if (!out.errors.empty()) return out;

  // Links to articles of this export in the same locale become kb: links,
  // so they keep working once the corpus, not Zendesk, serves them. A public
  // article's link to an internal one keeps its URL: customers could not
  // open it as a kb: link either, and `kb-index check` would reject it.
  std::map<std::pair<std::string, std::string>, bool> internal;  // (locale, number) -> internal
  std::set<std::string> origins;
  for (const CheckedArticle& c : checked) {
    internal.emplace(std::make_pair(c.locale, c.number), c.internal);
    if (std::string origin = Origin(c.html_url); !origin.empty()) origins.insert(std::move(origin));
  }
  for (const CheckedArticle& c : checked) {
    HtmlToMarkdownOptions options;
    options.rewrite_link = [&](std::string_view href) -> std::optional<std::string> {
      auto number = LinkedArticle(href, origins);
      if (!number) return std::nullopt;
      auto target = internal.find({c.locale, *number});
      if (target == internal.end() || (target->second && !c.internal)) return std::nullopt;
      return "kb:zd-" + *number;
    };
    const std::string markdown = HtmlToMarkdown(c.body_html, options);
    // The indexer's own rule: steps are a numbered list under a Steps heading.
    const bool troubleshooting = !ExtractMarkdown(markdown).steps.empty();
    out.files.push_back(ImportedFile{.locale = c.locale,
                                     .category = c.category,
                                     .id = "zd-" + c.number,
                                     .content = Render(c, markdown, troubleshooting)});
  }
  return out;
}

Result<ImportSummary> ImportZendesk(const std::string& export_path, const std::string& out_dir,
                                    const std::function<void(std::size_t done, std::size_t total)>& progress) {
  auto text = ReadFile(export_path);
  if (!text) return Fail(text.error());
  ZendeskConversion conversion = ConvertZendeskExport(*text);
  ImportSummary summary;
  summary.skipped = conversion.drafts;
  if (!conversion.errors.empty()) {
    for (const Error& e : conversion.errors) summary.errors.push_back(e.WithPath(export_path));
    return summary;
  }
  std::error_code ec;
  const fs::path root(out_dir);
  if (fs::exists(root, ec) && !fs::is_directory(root, ec)) {
    return Fail(Error::FailedPrecondition(fmt::format("{} is not a directory", out_dir)));
  }
  const std::vector<std::string> earlier = ImportedFiles(root);

  std::set<std::string> written_paths;
  for (const ImportedFile& f : conversion.files) {
    const std::string relative = f.RelativePath();
    auto wrote = WriteIfChanged(root / relative, f.content);
    if (!wrote) return Fail(wrote.error());
    ++(*wrote ? summary.written : summary.unchanged);
    written_paths.insert(relative);
    if (progress) progress(written_paths.size(), conversion.files.size());
  }
  // An article whose section changed has an older copy in another category
  // directory of its locale: that copy goes, or the corpus would hold the id
  // twice.
  std::set<std::string> moved_from;  // "<locale>/<file name>" of each written file
  for (const ImportedFile& f : conversion.files) moved_from.insert(f.locale + "/" + f.id + ".md");
  for (const std::string& relative : earlier) {
    if (written_paths.contains(relative)) continue;
    const fs::path p(relative);
    const std::string key = p.begin()->string() + "/" + p.filename().string();
    if (moved_from.contains(key)) {
      fs::remove(root / relative, ec);
      if (ec) {
        return Fail(Error::FailedPrecondition(
            fmt::format("cannot remove {}: {}", (root / relative).string(), ec.message())));
      }
      ++summary.moved;
    } else {
      summary.stale.push_back((root / relative).string());
    }
  }
  return summary;
}

int RunImportCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty()) {
    err << "kb-index import: needs a source\n" << kImportUsage;
    return 2;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    out << kImportUsage;
    return 0;
  }
  if (args[0] != "zendesk") {
    err << fmt::format("kb-index import: unknown source '{}': expected 'zendesk'\n{}", args[0], kImportUsage);
    return 2;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (AsksForHelp(rest)) {
    out << kImportUsage;
    return 0;
  }
  std::string out_dir;
  std::vector<std::string> positional;
  FlagParser parser;
  parser.Value("out", &out_dir).Positional(&positional);
  if (auto parsed = parser.Parse(rest); !parsed) {
    err << "kb-index import: " << parsed.error().message() << "\n" << kImportUsage;
    return 2;
  }
  if (out_dir.empty() || positional.size() != 1) {
    err << "kb-index import zendesk: needs --out DIR and one EXPORT.json\n" << kImportUsage;
    return 2;
  }
  const std::string& export_path = positional[0];
  Progress bar(err, &err == &std::cerr && ::isatty(STDERR_FILENO), "importing", "articles");
  auto summary =
      ImportZendesk(export_path, out_dir, [&](std::size_t done, std::size_t total) { bar.Update(done, total); });
  bar.Finish();
  if (!summary) {
    err << "kb-index import: " << summary.error().ToString() << "\n";
    return 1;
  }
  if (!summary->errors.empty()) {
    for (const Error& e : summary->errors) err << e.ToString() << "\n";
    err << fmt::format("kb-index import: {} error{} in {}; nothing was written to {}\n", summary->errors.size(),
                       summary->errors.size() == 1 ? "" : "s", export_path, out_dir);
    return 1;
  }
  for (const std::string& path : summary->stale) err << path << ": note: not in this export; left in place\n";
  out << fmt::format("imported {} into {}: {} written, {} unchanged, {} skipped (drafts)", export_path, out_dir,
                     summary->written, summary->unchanged, summary->skipped);
  if (summary->moved > 0) out << fmt::format(", {} moved to a new section", summary->moved);
  out << "\n";
  return 0;
}

}  // namespace kb
