#include "bench/eval/usage.h"

#include <random>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "indexer/base/time.h"
#include "server/api/api.h"
#include "server/learning/learner.h"

namespace kb::eval {

namespace {

using json = nlohmann::json;

constexpr std::string_view kAgentKey = "simulated-agent-key";
constexpr std::string_view kTicketSecret = "simulated-help-desk";

// Dwell times of a view: an article read, one read that did not help, and
// one left at a glance.
constexpr std::int64_t kReadMs = 60'000;
constexpr std::int64_t kReadInVainMs = 20'000;
constexpr std::int64_t kGlanceMs = 5'000;

class Simulation {
 public:
  Simulation(api::Api& api, const ClickModel& model) : api_(api), model_(model), rng_(model.seed) {}

  // One customer (or agent) with the query `q`, whose relevant articles
  // are `relevant` (grade >= 1), the best first.
  void Session(const Query& q, const std::vector<std::string>& relevant, bool agent) {
    const int n = stats_.sessions++;
    const std::string session = fmt::format("sim-{}", n);
    // A network of its own: 10.x.y.0/24.
    const std::string address = fmt::format("10.{}.{}.1", (n >> 8) & 255, n & 255);
    api::HttpRequest search;
    search.method = "GET";
    search.path = "/api/v1/search";
    search.params = {{"q", q.text},
                     {"session_id", session},
                     {"channel", agent ? "agent" : "widget"},
                     {"per_page", std::to_string(model_.depth)}};
    if (!q.locale.empty()) search.params.emplace_back("locale", q.locale);
    if (agent) search.headers["authorization"] = fmt::format("Bearer {}", kAgentKey);
    search.client = address;
    const api::HttpResponse res = api_.Handle(search);
    if (res.status != 200) return;
    const json body = json::parse(res.body, nullptr, false);
    if (!body.is_object()) return;
    const std::string query_id = body.value("query_id", "");
    std::vector<std::string> shown;
    for (const json& r : body["results"]) shown.push_back(r.value("id", ""));

    const std::string channel = agent ? "agent" : "widget";
    json events = json::array();
    auto event = [&](json e) {
      e["event_id"] = fmt::format("{}-{}", session, events.size());
      e["session_id"] = session;
      e["channel"] = channel;
      if (!q.locale.empty()) e["locale"] = q.locale;
      events.push_back(std::move(e));
    };
    bool solved = false;
    if (!Chance(model_.abandon)) {
      for (std::size_t rank = 0; rank < shown.size(); ++rank) {
        if (rank > 0 && !Chance(model_.examine_next)) break;
        const bool is_relevant = std::find(relevant.begin(), relevant.end(), shown[rank]) != relevant.end();
        if (!Chance(is_relevant ? model_.click_relevant : model_.click_other)) continue;
        ++stats_.clicks;
        event({{"type", "click"}, {"query_id", query_id}, {"article_id", shown[rank]}, {"position", rank + 1}});
        if (is_relevant && Chance(model_.solved)) {
          solved = true;
          event({{"type", "view"}, {"article_id", shown[rank]}, {"dwell_ms", kReadMs}});
          if (agent) {
            event({{"type", "use"}, {"article_id", shown[rank]}, {"query_id", query_id}, {"action", "copy_answer"}});
          } else if (Chance(model_.says_resolved)) {
            ++stats_.resolutions;
            event({{"type", "resolve"}, {"article_id", shown[rank]}, {"query_id", query_id}});
          } else if (Chance(model_.votes_helpful)) {
            event({{"type", "vote"}, {"article_id", shown[rank]}, {"helpful", true}});
          }
          break;
        }
        event({{"type", "view"}, {"article_id", shown[rank]}, {"dwell_ms", is_relevant ? kReadInVainMs : kGlanceMs}});
        if (!Chance(model_.back_after_wrong)) break;
      }
    }
    const bool escalated = !solved && !agent && Chance(model_.escalates);
    if (escalated) {
      ++stats_.escalations;
      event({{"type", "escalate"}, {"query_id", query_id}});
    }
    if (!events.empty()) Post("/api/v1/events", json{{"events", events}}, address);
    if (escalated && !relevant.empty() && Chance(model_.agent_links)) {
      ++stats_.agent_links;
      Post("/api/v1/webhooks/ticket",
           json{{"session_id", session}, {"ticket_id", fmt::format("T-{}", n)}, {"article_ids", {relevant.front()}}},
           "192.0.2.1", fmt::format("Bearer {}", kTicketSecret));
    }
  }

  const UsageStats& stats() const { return stats_; }

 private:
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }

  void Post(const std::string& path, const json& body, const std::string& address, const std::string& auth = "") {
    api::HttpRequest post;
    post.method = "POST";
    post.path = path;
    post.body = body.dump();
    post.client = address;
    post.headers["content-type"] = "application/json";
    if (!auth.empty()) post.headers["authorization"] = auth;
    (void)api_.Handle(post);
  }

  api::Api& api_;
  const ClickModel& model_;
  std::mt19937_64 rng_;
  UsageStats stats_;
};

}  // namespace

Result<UsageStats> SimulateUsage(const std::string& index_dir, const std::string& events_path,
                                 const std::vector<Query>& history, const Qrels& history_qrels,
                                 const std::set<std::string>& internal_ids, const ClickModel& model) {
  api::ServerConfig config;
  config.index_path = index_dir;
  config.events_path = events_path;
  config.access_log = "";
  config.requests_per_second = 0;
  config.agent_keys = {std::string(kAgentKey)};
  config.ticket_secret = std::string(kTicketSecret);
  config.learning_enabled = false;  // learned once, below, from everything replayed
  config.retention_days = 0;
  auto api = api::Api::Create(config);
  if (!api) return Fail(api.error());
  Simulation simulation(**api, model);
  for (const Query& q : history) {
    auto judged = history_qrels.find(q.id);
    if (judged == history_qrels.end()) continue;
    std::vector<std::pair<int, std::string>> graded;
    for (const auto& [doc, grade] : judged->second) {
      if (grade >= 1) graded.emplace_back(-grade, doc);
    }
    if (graded.empty()) continue;
    std::sort(graded.begin(), graded.end());
    std::vector<std::string> relevant;
    bool agent = true;
    for (const auto& [grade, doc] : graded) {
      relevant.push_back(doc);
      agent = agent && internal_ids.contains(doc);
    }
    for (int c = 0; c < model.customers_per_query; ++c) simulation.Session(q, relevant, agent);
  }
  (*api)->Flush();
  UsageStats stats = simulation.stats();
  auto run = learning::LearnIntoIndex((*api)->events(), index_dir, NowMs(), learning::LearningOptions{});
  if (!run) return Fail(run.error());
  for (const auto& [article, list] : run->learned.articles) stats.phrasings += list.size();
  return stats;
}

}  // namespace kb::eval
