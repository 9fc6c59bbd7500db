#include "server/analytics/report.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include <fmt/core.h>

#include "indexer/base/flags.h"
#include "indexer/base/utf8.h"

namespace kb::analytics {

namespace {

constexpr std::string_view kUsage =
    "usage: kb-server report --events FILE [--from DATE] [--to DATE] [--locale L] [--channel C]\n"
    "                        [--attribution-window 24h] [--format table|csv|json]\n";

std::string Rate(const std::optional<double>& v, bool percent) {
  if (!v) return "-";
  return percent ? fmt::format("{:.1f}%", *v * 100) : fmt::format("{:.2f}", *v);
}

std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string CsvNumber(const std::optional<double>& v) { return v ? fmt::format("{}", *v) : std::string(); }

// Text padded to `width` display columns (code points; good enough for a
// terminal report).
std::string Pad(std::string_view s, std::size_t width) {
  const std::size_t n = Utf8Length(s);
  std::string out(s);
  if (n < width) out.append(width - n, ' ');
  return out;
}

std::string Table(const Summary& s, const SummaryRequest& r) {
  std::string out;
  out += fmt::format("analytics {} .. {}", FormatTime(r.filter.from_ms), FormatTime(r.filter.to_ms));
  if (r.filter.channel) out += fmt::format("  channel {}", ChannelName(*r.filter.channel));
  if (!r.filter.language.empty()) out += fmt::format("  locale {}", r.filter.language);
  out += fmt::format("  (escalations within {} s)\n\n", r.window_ms / 1000);
  const std::pair<std::string, std::string> rows[] = {
      {"help sessions", std::to_string(s.help_sessions)},
      {"escalated sessions", std::to_string(s.escalated_sessions)},
      {"deflection rate", Rate(s.deflection_rate, true)},
      {"self-service ratio", s.self_service_ratio ? fmt::format("{:.1f}:1", *s.self_service_ratio) : "-"},
      {"resolutions", std::to_string(s.resolutions)},
      {"searches", std::to_string(s.searches)},
      {"search CTR", Rate(s.search_ctr, true)},
      {"avg click position", Rate(s.avg_click_position, false)},
      {"zero-result rate", Rate(s.zero_result_rate, true)},
      {"no-click rate", Rate(s.no_click_rate, true)},
      {"agent lookups", std::to_string(s.agent.lookups)},
  };
  for (const auto& [k, v] : rows) out += fmt::format("  {} {:>10}\n", Pad(k, 20), v);
  auto queries = [&](const char* title, const std::vector<QueryStats>& list) {
    out += fmt::format("\n{}\n  {} {:>8} {:>8} {:>8} {:>8}\n", title, Pad("query", 40), "searches", "clicks", "zero",
                       "no-click");
    if (list.empty()) out += "  (none)\n";
    for (const QueryStats& q : list) {
      out += fmt::format("  {} {:>8} {:>8} {:>8} {:>8}\n", Pad(q.query, 40), q.searches, q.clicks,
                         q.zero_result_searches, q.no_click_searches);
    }
  };
  queries("top queries", s.top_queries);
  queries("content gaps (zero-result and no-click searches)", s.content_gaps);
  out += fmt::format("\narticles\n  {} {:>6} {:>6} {:>5} {:>5} {:>8} {:>8} {:>11}\n", Pad("article", 32), "views",
                     "clicks", "yes", "no", "helpful", "resolved", "deflections");
  if (s.articles.empty()) out += "  (none)\n";
  for (const ArticleStats& a : s.articles) {
    out += fmt::format("  {} {:>6} {:>6} {:>5} {:>5} {:>8} {:>8} {:>11}\n", Pad(a.article_id, 32), a.views, a.clicks,
                       a.helpful_yes, a.helpful_no, Rate(a.helpfulness(), true), a.resolutions, a.deflections);
  }
  out += "\nagent lookups per day\n";
  if (s.agent.lookups_per_day.empty()) out += "  (none)\n";
  for (const DayCount& d : s.agent.lookups_per_day) out += fmt::format("  {} {:>8}\n", d.date, d.count);
  out += "\narticles used by agents\n";
  if (s.agent.top_articles.empty()) out += "  (none)\n";
  for (const ArticleCount& a : s.agent.top_articles) out += fmt::format("  {} {:>8}\n", Pad(a.article_id, 32), a.count);
  return out;
}

// One tidy table: section,item,metric,value.
std::string Csv(const Summary& s) {
  std::string out = "section,item,metric,value\n";
  auto row = [&](std::string_view section, std::string_view item, std::string_view metric, const std::string& value) {
    out += fmt::format("{},{},{},{}\n", section, CsvField(item), metric, value);
  };
  auto n = [](std::int64_t v) { return std::to_string(v); };
  row("summary", "", "help_sessions", n(s.help_sessions));
  row("summary", "", "escalated_sessions", n(s.escalated_sessions));
  row("summary", "", "deflection_rate", CsvNumber(s.deflection_rate));
  row("summary", "", "self_service_ratio", CsvNumber(s.self_service_ratio));
  row("summary", "", "resolutions", n(s.resolutions));
  row("summary", "", "searches", n(s.searches));
  row("summary", "", "search_ctr", CsvNumber(s.search_ctr));
  row("summary", "", "avg_click_position", CsvNumber(s.avg_click_position));
  row("summary", "", "zero_result_rate", CsvNumber(s.zero_result_rate));
  row("summary", "", "no_click_rate", CsvNumber(s.no_click_rate));
  for (const auto& [section, list] : {std::pair<const char*, const std::vector<QueryStats>*>{"top_queries", &s.top_queries},
                                      {"content_gaps", &s.content_gaps}}) {
    for (const QueryStats& q : *list) {
      row(section, q.query, "searches", n(q.searches));
      row(section, q.query, "clicks", n(q.clicks));
      row(section, q.query, "zero_result_searches", n(q.zero_result_searches));
      row(section, q.query, "no_click_searches", n(q.no_click_searches));
    }
  }
  for (const ArticleStats& a : s.articles) {
    row("articles", a.article_id, "views", n(a.views));
    row("articles", a.article_id, "clicks", n(a.clicks));
    row("articles", a.article_id, "helpful_yes", n(a.helpful_yes));
    row("articles", a.article_id, "helpful_no", n(a.helpful_no));
    row("articles", a.article_id, "helpfulness", CsvNumber(a.helpfulness()));
    row("articles", a.article_id, "resolutions", n(a.resolutions));
    row("articles", a.article_id, "deflections", n(a.deflections));
  }
  row("agent_usage", "", "lookups", n(s.agent.lookups));
  for (const DayCount& d : s.agent.lookups_per_day) row("agent_lookups_per_day", d.date, "lookups", n(d.count));
  for (const ArticleCount& a : s.agent.top_articles) row("agent_top_articles", a.article_id, "uses", n(a.count));
  return out;
}

}  // namespace

std::string FormatReport(const Summary& s, const SummaryRequest& request, const std::string& format) {
  if (format == "json") return SummaryJson(s, request).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  if (format == "csv") return Csv(s);
  return Table(s, request);
}

int RunReport(const std::vector<std::string>& args, std::int64_t now_ms, std::ostream& out, std::ostream& err) {
  std::map<std::string, std::string> flags;
  {
    FlagParser parser;
    std::map<std::string, bool> given;
    for (const char* name : {"events", "from", "to", "locale", "channel", "attribution-window", "format"}) {
      parser.Value(name, &flags[name], &given[name]);
    }
    if (auto parsed = parser.Parse(args); !parsed) {
      err << "kb-server report: " << parsed.error().message() << "\n" << kUsage;
      return 2;
    }
    std::erase_if(flags, [&](const auto& entry) { return !given[entry.first]; });
  }
  auto flag = [&](const std::string& name) {
    auto it = flags.find(name);
    return it == flags.end() ? std::string() : it->second;
  };
  const std::string path = flag("events");
  if (path.empty()) {
    err << "kb-server report: --events FILE is required\n" << kUsage;
    return 2;
  }
  const std::string format = flags.contains("format") ? flag("format") : "table";
  if (format != "table" && format != "csv" && format != "json") {
    err << fmt::format("kb-server report: --format must be table, csv or json, got '{}'\n", format);
    return 2;
  }
  std::int64_t window_ms = kDayMs;
  if (flags.contains("attribution-window")) {
    auto w = ParseDuration(flag("attribution-window"));
    if (!w) {
      err << "kb-server report: --attribution-window: " << w.error().message() << "\n";
      return 2;
    }
    window_ms = w->count();
  }
  auto request = MakeSummaryRequest(flag("from"), flag("to"), flag("locale"), flag("channel"), now_ms, window_ms);
  if (!request) {
    std::string message = request.error().message();
    // Parameter names become flag names.
    for (const char* name : {"from", "to", "locale", "channel"}) {
      const std::string quoted = fmt::format("'{}'", name);
      if (message.starts_with(quoted)) message = fmt::format("--{}{}", name, message.substr(quoted.size()));
    }
    err << "kb-server report: " << message << "\n";
    return 2;
  }
  if (!IsPostgresUrl(path) && !std::filesystem::exists(path)) {
    err << fmt::format("kb-server report: no event store at {}\n", path);
    return 1;
  }
  auto store = OpenEventStore(path);
  if (!store) {
    err << "kb-server report: " << store.error().message() << "\n";
    return 1;
  }
  auto summary = Summarise(**store, *request);
  if (!summary) {
    err << "kb-server report: " << summary.error().message() << "\n";
    return 1;
  }
  out << FormatReport(*summary, *request, format);
  return 0;
}

}  // namespace kb::analytics
