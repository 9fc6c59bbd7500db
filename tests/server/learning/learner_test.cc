// The learner against a real SQLite event store: which signals teach what,
// and the safety rules (k-anonymity, one vote per client, the share of
// searchers, private text, rejections, agents' traffic).
#include "server/learning/learner.h"

#include <cmath>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "indexer/base/temp_dir.h"

namespace kb::learning {
namespace {

using analytics::Channel;
using analytics::Event;
using analytics::EventType;

// 2026-11-01T00:00:00Z.
constexpr std::int64_t kNow = 1'793'491'200'000;
constexpr std::int64_t kDay = 24LL * 3600 * 1000;

class LearnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = analytics::OpenSqliteEventStore(tmp_.path() + "/events.sqlite");
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
  }

  // A session of `client` that searches `query` at `at` and then does
  // `after` (each given its query id, session and times).
  void Session(const std::string& session, const std::string& client, const std::string& query,
               std::vector<Event> after, std::int64_t at = kNow - 1000, Channel channel = Channel::kWidget) {
    Event search = Make(EventType::kSearch, session, at, channel);
    search.query = query;
    search.query_id = "q-" + session;
    search.client = client;
    search.locale = "en";
    std::vector<Event> events = {search};
    std::int64_t t = at;
    for (Event& e : after) {
      e.session_id = session;
      e.event_id = fmt::format("{}-{}", session, events.size());
      e.time_ms = ++t;
      e.client = client;
      if (e.query_id == "*") e.query_id = search.query_id;
      events.push_back(std::move(e));
    }
    pending_.insert(pending_.end(), events.begin(), events.end());
  }

  static Event Make(EventType type, const std::string& session = "", std::int64_t at = 0,
                    Channel channel = Channel::kWidget) {
    Event e;
    e.type = type;
    e.session_id = session;
    e.event_id = session + "-search";
    e.time_ms = at;
    e.channel = channel;
    return e;
  }
  static Event Click(const std::string& article, int position = 1) {
    Event e = Make(EventType::kClick);
    e.article_id = article;
    e.position = position;
    e.query_id = "*";
    return e;
  }
  static Event View(const std::string& article, std::int64_t dwell_ms) {
    Event e = Make(EventType::kView);
    e.article_id = article;
    e.dwell_ms = dwell_ms;
    return e;
  }
  static Event Resolve(const std::string& article) {
    Event e = Make(EventType::kResolve);
    e.article_id = article;
    e.query_id = "*";
    return e;
  }
  static Event Vote(const std::string& article, bool helpful) {
    Event e = Make(EventType::kVote);
    e.article_id = article;
    e.helpful = helpful;
    return e;
  }
  static Event Escalate() {
    Event e = Make(EventType::kEscalate);
    e.query_id = "*";
    return e;
  }
  static Event Ticket(std::vector<std::string> articles) {
    Event e = Make(EventType::kTicket, "", 0, Channel::kHelpDesk);
    e.article_ids = std::move(articles);
    return e;
  }
  static Event Use(const std::string& article) {
    Event e = Make(EventType::kUse, "", 0, Channel::kAgent);
    e.article_id = article;
    e.action = "copy_answer";
    e.query_id = "*";
    return e;
  }

  // `n` sessions, each of its own client, that search `query` and resolve
  // with `article`.
  void Resolved(int n, const std::string& query, const std::string& article, const std::string& tag = "c") {
    for (int i = 0; i < n; ++i) {
      Session(fmt::format("{}-{}-{}", tag, article, i), fmt::format("{}{}", tag, i), query, {Click(article), Resolve(article)});
    }
  }

  Learned Run(const LearningOptions& options = {}, const Rejections& rejected = {}) {
    if (!pending_.empty()) {
      auto added = store_->Append(std::move(pending_));
      EXPECT_TRUE(added.has_value()) << added.error().ToString();
      pending_.clear();
    }
    auto learned = Learn(*store_, kNow, options, rejected);
    EXPECT_TRUE(learned.has_value()) << learned.error().ToString();
    return learned.value_or(Learned{});
  }

  // article id -> its phrasings' texts.
  static std::map<std::string, std::vector<std::string>> Texts(const Learned& l) {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& [article, list] : l.articles) {
      for (const Phrasing& p : list) out[article].push_back(p.text);
    }
    return out;
  }

  TempDir tmp_{"learner"};
  std::unique_ptr<analytics::EventStore> store_;
  std::vector<Event> pending_;
};

TEST_F(LearnerTest, APhrasingThatSatisfiedKClientsIsLearnedAndOneFewerIsNot) {
  Resolved(5, "crossed out text", "strikethrough");
  Resolved(4, "get rid of a label", "delete-label");
  const Learned l = Run();
  EXPECT_EQ(Texts(l), (std::map<std::string, std::vector<std::string>>{{"strikethrough", {"crossed out text"}}}));
  const Phrasing& p = l.articles.at("strikethrough").front();
  EXPECT_EQ(p.clients, 5);
  EXPECT_EQ(p.sessions, 5);
  EXPECT_EQ(p.searchers, 5);
  EXPECT_EQ(p.language, "en");
  EXPECT_FALSE(p.agent);
  EXPECT_EQ(l.too_few_clients, 1u);
  EXPECT_EQ(l.sessions, 9u);
}

// One source with ten thousand sessions is one client: it moves nothing.
TEST_F(LearnerTest, OneClientWithManySessionsTeachesNothing) {
  Resolved(6, "refund", "refund-policy");
  for (int i = 0; i < 10'000; ++i) {
    Session(fmt::format("bot-{}", i), "attacker", "refund", {Click("unrelated"), Resolve("unrelated")});
  }
  const Learned l = Run();
  EXPECT_EQ(Texts(l), (std::map<std::string, std::vector<std::string>>{{"refund-policy", {"refund"}}}));
  const Phrasing& p = l.articles.at("refund-policy").front();
  EXPECT_EQ(p.clients, 6);
  EXPECT_EQ(p.searchers, 7);  // the attacker searched it too
  EXPECT_NEAR(p.weight, 6.0, 1e-6);  // a second old: decayed by less than 1e-7
}

// Five clients are not enough for a query hundreds of clients search: they
// must be a share of its searchers.
TEST_F(LearnerTest, AFewClientsCannotAttachACommonQueryToTheirArticle) {
  for (int i = 0; i < 200; ++i) Session(fmt::format("s{}", i), fmt::format("n{}", i), "invoice", {});
  Resolved(5, "invoice", "unrelated", "x");
  LearningOptions options;
  EXPECT_TRUE(Run(options).articles.empty());
  options.min_share = 0.02;  // 5 of 205
  EXPECT_EQ(Texts(Run(options)), (std::map<std::string, std::vector<std::string>>{{"unrelated", {"invoice"}}}));
}

TEST_F(LearnerTest, QueriesThatLookPrivateAreNeverLearned) {
  EXPECT_TRUE(MayBeLearned("reset password"));
  EXPECT_TRUE(MayBeLearned("error 404"));
  EXPECT_FALSE(MayBeLearned(""));
  EXPECT_FALSE(MayBeLearned("mail to john.doe@example.com"));
  EXPECT_FALSE(MayBeLearned("see example.com"));
  EXPECT_FALSE(MayBeLearned("order 12345 missing"));
  EXPECT_FALSE(MayBeLearned("key sk4f9a8b7c6d5e"));
  EXPECT_FALSE(MayBeLearned("see https example.org"));
  Resolved(6, "order 12345 missing", "missing-order");
  const Learned l = Run();
  EXPECT_TRUE(l.articles.empty());
  EXPECT_EQ(l.private_text, 1u);
}

TEST_F(LearnerTest, ARejectedPhrasingIsNotLearnedForThatArticle) {
  Resolved(5, "crossed out text", "strikethrough");
  Resolved(5, "crossed out text", "formatting", "d");
  const Learned l = Run({}, {{"strikethrough", "crossed out text"}});
  EXPECT_EQ(Texts(l), (std::map<std::string, std::vector<std::string>>{{"formatting", {"crossed out text"}}}));
  EXPECT_EQ(l.rejected, 1u);
}

// Each signal's weight, for five clients: the weight is the sum of each
// client's score (about a second old, so undecayed to 1e-6).
TEST_F(LearnerTest, EachSignalWeighsWhatDocsLearningMdSays) {
  auto learn = [&](const std::string& article, std::vector<Event> after) {
    for (int i = 0; i < 5; ++i) Session(fmt::format("{}-{}", article, i), fmt::format("{}-c{}", article, i), "how to " + article, after);
  };
  learn("click1", {Click("click1", 1)});
  learn("click2", {Click("click2", 2)});
  learn("click9", {Click("click9", 9)});
  learn("longview", {Click("longview"), View("longview", 30'000)});
  learn("shortview", {Click("shortview"), View("shortview", 20'000)});
  learn("glance", {Click("glance", 2), View("glance", 3'000)});
  learn("glanceresolved", {Click("glanceresolved"), Resolve("glanceresolved"), View("glanceresolved", 3'000)});
  learn("helpful", {Click("helpful"), Vote("helpful", true)});
  learn("resolved", {Click("resolved"), Resolve("resolved")});
  learn("escalated", {Click("escalated"), Escalate()});
  learn("unhelpful", {Click("unhelpful", 3), Vote("unhelpful", false)});
  const Learned l = Run();
  auto weight = [&](const std::string& article) {
    return l.articles.contains(article) ? l.articles.at(article).front().weight : 0.0;
  };
  EXPECT_NEAR(weight("click1"), 5 * 0.2, 1e-6);
  EXPECT_NEAR(weight("click2"), 5 * 0.4, 1e-6);
  EXPECT_NEAR(weight("click9"), 5 * 0.6, 1e-6);  // clipped at 3x
  EXPECT_NEAR(weight("longview"), 5 * 0.5, 1e-6);
  EXPECT_NEAR(weight("shortview"), 5 * 0.2, 1e-6);   // read, not long enough to count more
  EXPECT_FALSE(l.articles.contains("glance"));         // under 10 s: the click was a wrong guess
  EXPECT_NEAR(weight("glanceresolved"), 5 * 1.0, 1e-6);  // ... but a resolution stands
  EXPECT_NEAR(weight("helpful"), 5 * 0.75, 1e-6);
  EXPECT_NEAR(weight("resolved"), 5 * 1.0, 1e-6);
  EXPECT_FALSE(l.articles.contains("escalated"));  // 0.2 - 1
  EXPECT_FALSE(l.articles.contains("unhelpful"));  // 0.6 - 0.75
}

TEST_F(LearnerTest, AnArticleLinkedToTheTicketAnswersTheSearchesAndTheViewedOneDidNot) {
  for (int i = 0; i < 5; ++i) {
    Session(fmt::format("t{}", i), fmt::format("c{}", i), "money back", {Click("shipping"), Ticket({"refund-policy"})});
  }
  const Learned l = Run();
  EXPECT_EQ(Texts(l), (std::map<std::string, std::vector<std::string>>{{"refund-policy", {"money back"}}}));
  EXPECT_NEAR(l.articles.at("refund-policy").front().weight, 5.0, 1e-6);
}

TEST_F(LearnerTest, AgentsLookupsAreLearnedAsAgentPhrasings) {
  for (int i = 0; i < 5; ++i) {
    Session(fmt::format("a{}", i), fmt::format("agent{}", i), "approval limit", {Use("refund-approval")}, kNow - 1000,
            Channel::kAgent);
  }
  const Learned l = Run();
  ASSERT_EQ(Texts(l), (std::map<std::string, std::vector<std::string>>{{"refund-approval", {"approval limit"}}}));
  EXPECT_TRUE(l.articles.at("refund-approval").front().agent);
}

TEST_F(LearnerTest, EvidenceLosesHalfItsWeightEachHalfLife) {
  for (int i = 0; i < 5; ++i) {
    Session(fmt::format("old{}", i), fmt::format("c{}", i), "crossed out", {Click("strikethrough"), Resolve("strikethrough")},
            kNow - 90 * kDay);
  }
  const Learned l = Run();
  ASSERT_TRUE(l.articles.contains("strikethrough"));
  EXPECT_NEAR(l.articles.at("strikethrough").front().weight, 2.5, 1e-6);
  LearningOptions short_horizon;
  short_horizon.horizon_ms = 30 * kDay;
  EXPECT_TRUE(Run(short_horizon).articles.empty());
}

// A session that resolves with every article counts only for its strongest
// pairs.
TEST_F(LearnerTest, ASessionCountsForAtMostItsStrongestPairs) {
  for (int i = 0; i < 5; ++i) {
    std::vector<Event> after;
    for (int a = 0; a < 12; ++a) after.push_back(Click(fmt::format("a{:02}", a), a < 2 ? 3 : 1));
    Session(fmt::format("s{}", i), fmt::format("c{}", i), "anything", after);
  }
  LearningOptions options;
  options.max_pairs_per_session = 2;
  const Learned l = Run(options);
  EXPECT_EQ(Texts(l), (std::map<std::string, std::vector<std::string>>{{"a00", {"anything"}}, {"a01", {"anything"}}}));
}

// Events without a client (stored before clients were recorded) teach
// nothing: they cannot be told apart.
TEST_F(LearnerTest, EventsWithoutAClientTeachNothing) {
  Resolved(5, "crossed out text", "strikethrough", "");
  for (Event& e : pending_) e.client.clear();
  EXPECT_TRUE(Run().articles.empty());
}

}  // namespace
}  // namespace kb::learning
