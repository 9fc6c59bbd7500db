#include "indexer/check/lint.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include <fmt/core.h>

#include "indexer/corpus/corpus_reader.h"
#include "indexer/article.h"
#include "indexer/base/flags.h"
#include "indexer/corpus/fields.h"
#include "indexer/corpus/synonyms.h"
#include "indexer/text/analyzer.h"

namespace kb::check {

const std::string_view kCheckUsage =
    "  kb-index check --corpus PATH [--stale-days N] [--today YYYY-MM-DD]\n"
    "      Checks the corpus without indexing it: prints path:line: error|warning:\n"
    "      message for each finding, then a summary; exits 1 if there is an error.\n"
    "      Articles last updated more than N days (default 365; 0 turns this off)\n"
    "      before --today (default: today, UTC) are stale.\n";

namespace {

using std::chrono::sys_days;

// "2026-08-14" (as CanonicalDate returns it) as a day.
sys_days DayOf(std::string_view date) {
  int y = 0;
  unsigned m = 0, d = 0;
  std::from_chars(date.data(), date.data() + 4, y);
  std::from_chars(date.data() + 5, date.data() + 7, m);
  std::from_chars(date.data() + 8, date.data() + 10, d);
  return sys_days(std::chrono::year(y) / std::chrono::month(m) / std::chrono::day(d));
}

std::string Plural(int n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

// The locales a kb: link in an article of `locale` is looked up in, in
// order, as the server's article lookup does: the locale, its language, the
// default locale.
std::vector<std::string> LinkLocales(const std::string& locale, const std::string& default_locale) {
  std::vector<std::string> out;
  for (std::string l : {locale, text::LanguageOf(locale), default_locale}) {
    if (!l.empty() && std::find(out.begin(), out.end(), l) == out.end()) out.push_back(std::move(l));
  }
  return out;
}

// The line (and column) of byte `offset` of an article's body.
SourceLocation BodyLocation(const Article& a, std::size_t offset) {
  SourceLocation where{a.source.path, a.source.line, 0};
  if (a.body_line <= 0 || offset == std::string::npos || offset > a.body_markdown.size()) return where;
  const std::string_view before = std::string_view(a.body_markdown).substr(0, offset);
  where.line = a.body_line + static_cast<int>(std::count(before.begin(), before.end(), '\n'));
  const std::size_t eol = before.rfind('\n');
  where.column = static_cast<int>(eol == std::string_view::npos ? offset : offset - eol - 1) + 1;
  return where;
}

// The title as search sees it, so that titles differing only in case,
// accents or punctuation count as the same.
std::string TitleKey(const std::string& title) {
  std::string key;
  for (const text::Token& t : text::Tokenize(title)) {
    if (!key.empty()) key.push_back(' ');
    key.append(t.term);
  }
  return key.empty() ? title : key;
}

class Linter {
 public:
  Linter(const Corpus& corpus, const LintOptions& options)
      : corpus_(corpus),
        options_(options),
        today_(options.today.value_or(std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()))) {
    for (const Article& a : corpus_.articles) by_locale_id_.emplace(std::make_pair(a.locale, a.id), &a);
  }

  std::vector<Finding> Run() {
    std::map<std::pair<std::string, std::string>, const Article*> titles;
    for (const Article& a : corpus_.articles) {
      CheckLinks(a);
      CheckContent(a);
      CheckStale(a);
      auto [it, inserted] = titles.emplace(std::make_pair(a.locale, TitleKey(a.title)), &a);
      if (!inserted && it->second->id != a.id) {  // the same id twice is already an error
        const Article& first = *it->second;
        Add(a.source, Severity::kWarning,
            fmt::format("title '{}' is also the title of '{}' at {}:{}: customers cannot tell them apart", a.title,
                        first.id, first.source.path, first.source.line));
      }
    }
    return std::move(findings_);
  }

 private:
  void Add(SourceLocation where, Severity severity, std::string message) {
    findings_.push_back(Finding{std::move(where), severity, std::move(message)});
  }

  void CheckLinks(const Article& a) {
    for (const MarkdownLink& link : ExtractMarkdown(a.body_markdown).links) {
      std::string scheme = link.url.substr(0, 3);
      std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
      if (scheme != "kb:") continue;
      const std::string target = link.url.substr(3);
      const SourceLocation where = BodyLocation(a, link.offset);
      if (target.empty()) {
        Add(where, Severity::kError, "link 'kb:' names no article: expected kb:ARTICLE-ID");
        continue;
      }
      const std::vector<std::string> locales = LinkLocales(a.locale, options_.default_locale);
      const Article* any = nullptr;
      const Article* visible = nullptr;  // one the article's readers may open
      for (const std::string& locale : locales) {
        auto it = by_locale_id_.find(std::make_pair(locale, target));
        if (it == by_locale_id_.end()) continue;
        if (any == nullptr) any = it->second;
        if (a.audience != ArticleAudience::kPublic || it->second->audience == ArticleAudience::kPublic) {
          visible = it->second;
          break;
        }
      }
      if (visible != nullptr) continue;
      if (any != nullptr) {
        Add(where, Severity::kError,
            fmt::format("public article links to internal article '{}' at {}:{}: customers cannot open it", target,
                        any->source.path, any->source.line));
        continue;
      }
      std::string tried;
      for (const std::string& l : locales) tried += (tried.empty() ? "" : ", ") + l;
      Add(where, Severity::kError, fmt::format("link to missing article '{}': no such id in {}", target, tried));
    }
  }

  void CheckContent(const Article& a) {
    if (a.body_text.empty()) {  // ExtractMarkdown trims it
      Add(a.source, Severity::kWarning, "empty body: the article has a title but nothing to read");
      return;
    }
    if (a.type == ArticleType::kTroubleshooting && a.steps.empty()) {
      Add(a.source, Severity::kWarning,
          "troubleshooting article without steps: expected a numbered list under a 'Steps' heading");
    }
  }

  void CheckStale(const Article& a) {
    if (options_.stale_days <= 0) return;
    if (a.updated.empty()) {
      Add(a.source, Severity::kWarning, "no 'updated' date: add the date of the last review");
      return;
    }
    const auto age_days = (today_ - DayOf(a.updated)).count();
    if (age_days > options_.stale_days) {
      Add(a.source, Severity::kWarning,
          fmt::format("stale: last updated {}, {} days ago (more than {})", a.updated, age_days, options_.stale_days));
    }
  }

  const Corpus& corpus_;
  const LintOptions& options_;
  const sys_days today_;
  std::map<std::pair<std::string, std::string>, const Article*> by_locale_id_;
  std::vector<Finding> findings_;
};

struct Flags {
  std::string corpus;
  LintOptions options;
};

// Parses the flags. Prints the problem and returns nullopt on bad usage.
std::optional<Flags> ParseCheckFlags(const std::vector<std::string>& args, std::ostream& err) {
  Flags flags;
  auto usage = [&](std::string message) {
    err << "kb-index check: " << message << "\nusage:\n" << kCheckUsage;
    return std::nullopt;
  };
  std::string stale_days, today;
  bool stale_given = false, today_given = false;
  FlagParser parser;
  parser.Value("corpus", &flags.corpus).Value("stale-days", &stale_days, &stale_given).Value("today", &today, &today_given);
  if (auto parsed = parser.Parse(args); !parsed) return usage(parsed.error().message());
  if (stale_given) {
    int days = -1;
    auto [end, ec] = std::from_chars(stale_days.data(), stale_days.data() + stale_days.size(), days);
    if (ec != std::errc() || end != stale_days.data() + stale_days.size() || days < 0) {
      return usage(fmt::format("--stale-days must be a number of days (0 turns staleness off), got '{}'", stale_days));
    }
    flags.options.stale_days = days;
  }
  if (today_given) {
    if (today.size() != 10 || !CanonicalDate(today)) {
      return usage(fmt::format("--today must be a date YYYY-MM-DD, got '{}'", today));
    }
    flags.options.today = DayOf(today);
  }
  if (flags.corpus.empty()) return usage("needs --corpus PATH");
  return flags;
}

}  // namespace

std::string_view SeverityName(Severity severity) {
  return severity == Severity::kError ? "error" : "warning";
}

std::string Finding::ToString() const {
  if (!where.path.empty() && where.line > 0) {
    return fmt::format("{}:{}: {}: {}", where.path, where.line, SeverityName(severity), message);
  }
  if (!where.path.empty()) return fmt::format("{}: {}: {}", where.path, SeverityName(severity), message);
  return fmt::format("{}: {}", SeverityName(severity), message);
}

int LintReport::Count(Severity severity) const {
  return static_cast<int>(
      std::count_if(findings.begin(), findings.end(), [&](const Finding& f) { return f.severity == severity; }));
}

Result<LintReport> LintCorpus(const std::string& corpus_path, const LintOptions& options) {
  auto corpus = ReadCorpus(corpus_path);
  if (!corpus) return Fail(corpus.error());
  LintReport report;
  // What build rejects, as the readers report it.
  for (const Error& e : corpus->errors) report.findings.push_back(Finding{e.where(), Severity::kError, e.message()});
  for (const Error& e : CheckSynonyms(corpus_path)) {
    report.findings.push_back(Finding{e.where(), Severity::kError, e.message()});
  }
  for (Finding& f : Linter(*corpus, options).Run()) report.findings.push_back(std::move(f));
  std::stable_sort(report.findings.begin(), report.findings.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.where.path, a.where.line, a.where.column) < std::tie(b.where.path, b.where.line, b.where.column);
  });

  std::set<std::string> locales;
  for (const Article& a : corpus->articles) locales.insert(a.locale);
  report.articles = static_cast<int>(corpus->articles.size());
  report.locales = static_cast<int>(locales.size());
  return report;
}

int RunCheckCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
    out << "usage:\n" << kCheckUsage;
    return 0;
  }
  auto flags = ParseCheckFlags(args, err);
  if (!flags) return 2;
  auto report = LintCorpus(flags->corpus, flags->options);
  if (!report) {
    err << "kb-index: " << report.error().ToString() << "\n";
    return 1;
  }
  for (const Finding& f : report->findings) out << f.ToString() << "\n";
  const int errors = report->Count(Severity::kError);
  out << fmt::format("checked {} in {}: {}, {}\n", Plural(report->articles, "article"),
                     Plural(report->locales, "locale"), Plural(errors, "error"),
                     Plural(report->Count(Severity::kWarning), "warning"));
  return errors > 0 ? 1 : 0;
}

}  // namespace kb::check
