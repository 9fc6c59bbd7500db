// Learning end to end on real files: events in a SQLite event store, the
// learner, the live Xapian index rewritten in place, and searches of it.
#include <fmt/core.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include "indexer/base/temp_dir.h"
#include "indexer/document.h"
#include "indexer/index_dir.h"
#include "indexer/writer/index_writer.h"
#include "server/learning/learner.h"
#include "server/search/searcher.h"

namespace kb::learning {
namespace {

using analytics::Channel;
using analytics::Event;
using analytics::EventType;

constexpr std::int64_t kNow = 1'793'491'200'000;

Article MakeArticle(std::string id, std::string title, std::string body,
                    ArticleAudience audience = ArticleAudience::kPublic, std::string locale = "en") {
  Article a;
  a.id = std::move(id);
  a.locale = std::move(locale);
  a.title = std::move(title);
  a.body_text = a.body_markdown = std::move(body);
  a.audience = audience;
  return a;
}

std::vector<Article> Corpus() {
  return {
      MakeArticle("strikethrough", "Format text with a line through it",
                  "Select the words and press Ctrl+Shift+X to draw a line through them."),
      MakeArticle("delete-label", "Remove a label", "Open the label menu and choose Remove."),
      MakeArticle("refund-policy", "Refund policy", "Ask for a refund within 30 days of payment."),
      MakeArticle("unrelated", "Change the colour theme", "Pick a theme under Settings, Appearance."),
      MakeArticle("approval", "Approving large refunds", "Refunds above 500 EUR need a team lead.",
                  ArticleAudience::kInternal),
  };
}

class LearnIntoIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(BuildIndex(Corpus(), index_).has_value());
    auto store = analytics::OpenSqliteEventStore(tmp_.path() + "/events.sqlite");
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
  }

  // `n` sessions of distinct clients (`tag`-prefixed) that search `query`
  // on `channel` and resolve (customers) or use (agents) `article`.
  void Satisfied(int n, const std::string& query, const std::string& article, const std::string& tag = "c",
                 Channel channel = Channel::kWidget) {
    std::vector<Event> events;
    for (int i = 0; i < n; ++i) {
      const std::string session = fmt::format("{}-{}-{}", tag, article, i);
      Event search;
      search.event_id = session + "-q";
      search.type = EventType::kSearch;
      search.session_id = session;
      search.channel = channel;
      search.time_ms = kNow - 5000;
      search.locale = "en";
      search.query_id = session + "-q";
      search.query = query;
      search.client = fmt::format("{}{}", tag, i);
      Event done = search;
      done.event_id = session + "-done";
      done.type = channel == Channel::kAgent ? EventType::kUse : EventType::kResolve;
      done.time_ms = kNow - 4000;
      done.article_id = article;
      done.action = channel == Channel::kAgent ? "copy_answer" : "";
      events.push_back(search);
      events.push_back(done);
    }
    ASSERT_TRUE(store_->Append(std::move(events)).has_value());
  }

  LearnRun Learn() {
    auto run = LearnIntoIndex(*store_, index_, kNow, LearningOptions{});
    EXPECT_TRUE(run.has_value()) << run.error().ToString();
    return run.value_or(LearnRun{});
  }

  std::vector<std::string> Ids(const std::string& query, search::Audience audience = search::Audience::kPublic) {
    auto searcher = search::Searcher::Open(search::SearcherOptions{.index_paths = {index_}});
    EXPECT_TRUE(searcher.has_value()) << searcher.error().ToString();
    if (!searcher) return {};
    search::SearchRequest request;
    request.query = query;
    request.audience = audience;
    request.snippets = false;
    auto response = (*searcher)->Search(request);
    EXPECT_TRUE(response.has_value()) << response.error().ToString();
    std::vector<std::string> ids;
    for (const search::SearchHit& h : response.value_or(search::SearchResponse{}).hits) ids.push_back(h.id);
    return ids;
  }

  // The learned phrasings stored with article `id` in the live index.
  std::vector<LearnedPhrasing> Stored(const std::string& id) {
    const Xapian::Database db(index_ + "/" + index_dir::LiveGeneration(index_).value());
    Xapian::PostingIterator p = db.postlist_begin(schema::IdTerm("en", id));
    if (p == db.postlist_end(schema::IdTerm("en", id))) return {};
    return schema::StoredLearned(db.get_document(*p));
  }

  TempDir tmp_{"learn-into-index"};
  const std::string index_ = tmp_.path() + "/index";
  std::unique_ptr<analytics::EventStore> store_;
};

TEST_F(LearnIntoIndexTest, CustomersWordsFindTheArticleThatSolvedTheirProblem) {
  EXPECT_EQ(Ids("crossed out"), std::vector<std::string>{});  // no word in common
  Satisfied(5, "crossed out", "strikethrough");
  const LearnRun run = Learn();
  EXPECT_EQ(run.index.articles, 5);
  EXPECT_EQ(run.index.changed, 1);
  EXPECT_EQ(Ids("crossed out"), std::vector<std::string>{"strikethrough"});
  EXPECT_EQ(Ids("text crossed out in my document").front(), "strikethrough");
  const std::vector<LearnedPhrasing> stored = Stored("strikethrough");
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].text, "crossed out");
  EXPECT_EQ(stored[0].clients, 5);
  EXPECT_FALSE(stored[0].agent);

  // --explain says what learning contributed.
  auto searcher = search::Searcher::Open(search::SearcherOptions{.index_paths = {index_}});
  ASSERT_TRUE(searcher.has_value());
  search::SearchRequest request;
  request.query = "crossed out";
  request.explain = true;
  auto response = (*searcher)->Search(request);
  ASSERT_TRUE(response.has_value() && !response->hits.empty());
  std::vector<std::string> parts;
  for (const search::TermExplanation& e : response->hits[0].explanation) {
    parts.push_back(e.term + " @ " + fmt::format("{}", fmt::join(e.fields, ",")));
  }
  EXPECT_EQ(parts, (std::vector<std::string>{"cross (learned) @ learned", "out (learned) @ learned"}));
}

TEST_F(LearnIntoIndexTest, LearningAgainChangesNothingAndFewerClientsLearnNothing) {
  Satisfied(5, "crossed out", "strikethrough");
  Satisfied(4, "get rid of", "delete-label");
  EXPECT_EQ(Learn().index.changed, 1);
  const LearnRun again = Learn();
  EXPECT_EQ(again.index.changed, 0);
  // Only the function word "of" matches, in the refund policy's text: the
  // label article learned nothing from four clients.
  EXPECT_EQ(Ids("get rid of"), std::vector<std::string>{"refund-policy"});
  EXPECT_TRUE(Stored("delete-label").empty());
}

// One source, ten thousand sessions: no result of any query moves.
TEST_F(LearnIntoIndexTest, OneClientsTenThousandSessionsMoveNoRanking) {
  const std::vector<std::string> before = Ids("refund");
  ASSERT_EQ(before, (std::vector<std::string>{"refund-policy"}));
  std::vector<Event> events;
  for (int i = 0; i < 10'000; ++i) {
    Event search;
    search.event_id = fmt::format("bot-{}-q", i);
    search.type = EventType::kSearch;
    search.session_id = fmt::format("bot-{}", i);
    search.channel = Channel::kWidget;
    search.time_ms = kNow - 5000;
    search.query_id = search.event_id;
    search.query = "refund";
    search.client = "attacker";
    Event click = search;
    click.event_id = fmt::format("bot-{}-c", i);
    click.type = EventType::kClick;
    click.article_id = "unrelated";
    click.position = 1;
    Event resolve = click;
    resolve.event_id = fmt::format("bot-{}-r", i);
    resolve.type = EventType::kResolve;
    events.insert(events.end(), {search, click, resolve});
  }
  ASSERT_TRUE(store_->Append(std::move(events)).has_value());
  EXPECT_EQ(Learn().index.changed, 0);
  EXPECT_EQ(Ids("refund"), before);
  EXPECT_EQ(Ids("refund", search::Audience::kAgent), (std::vector<std::string>{"refund-policy", "approval"}));
}

// Agents' lookups teach agents' searches only.
TEST_F(LearnIntoIndexTest, AgentsPhrasingsNeverChangeWhatAPublicRequestSees) {
  Satisfied(5, "money back", "refund-policy", "agent", Channel::kAgent);
  Satisfied(5, "big payout sign off", "approval", "agent2", Channel::kAgent);
  EXPECT_EQ(Learn().index.changed, 2);
  EXPECT_EQ(Ids("money back"), std::vector<std::string>{});
  EXPECT_EQ(Ids("payout sign off"), std::vector<std::string>{});
  EXPECT_EQ(Ids("money back", search::Audience::kAgent), std::vector<std::string>{"refund-policy"});
  EXPECT_EQ(Ids("payout sign off", search::Audience::kAgent), std::vector<std::string>{"approval"});
}

// The corpus knows nothing of what was learned: rebuilding from it, in
// place or in full, keeps the learned phrasings.
TEST_F(LearnIntoIndexTest, ARebuildFromTheCorpusKeepsWhatWasLearned) {
  Satisfied(5, "crossed out", "strikethrough");
  Learn();
  std::vector<Article> edited = Corpus();
  edited[0].body_text = edited[0].body_markdown = "Select the words, then press Ctrl+Shift+X.";
  auto updated = UpdateIndex(edited, index_);
  ASSERT_TRUE(updated.has_value()) << updated.error().ToString();
  EXPECT_EQ(updated->updated, 1);
  EXPECT_EQ(updated->unchanged, 4);
  EXPECT_EQ(Ids("crossed out"), std::vector<std::string>{"strikethrough"});
  auto full = BuildIndex(Corpus(), index_);
  ASSERT_TRUE(full.has_value()) << full.error().ToString();
  EXPECT_EQ(Ids("crossed out"), std::vector<std::string>{"strikethrough"});
  EXPECT_EQ(Stored("strikethrough").size(), 1u);
  BuildOptions forget;
  forget.full = true;
  forget.keep_learned = false;
  ASSERT_TRUE(BuildIndex(Corpus(), index_, {}, forget).has_value());
  EXPECT_EQ(Ids("crossed out"), std::vector<std::string>{});
}

// An admin's rejection takes the phrasing out of the live index at once, is
// kept in the event store, and no later run learns it again.
TEST_F(LearnIntoIndexTest, ARejectedPhrasingLeavesTheIndexAndIsNeverLearnedAgain) {
  Satisfied(5, "crossed out", "strikethrough");
  Satisfied(5, "strike text", "strikethrough", "d");
  Learn();
  auto listed = ReadLearned(index_);
  ASSERT_TRUE(listed.has_value()) << listed.error().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().id, "strikethrough");
  EXPECT_EQ(listed->front().learned.size(), 2u);
  EXPECT_TRUE(listed->front().body_text.empty());

  auto rejected = Reject(*store_, index_, "strikethrough", "  Crossed  OUT ", kNow);
  ASSERT_TRUE(rejected.has_value()) << rejected.error().ToString();
  EXPECT_EQ(rejected->text, "crossed out");
  EXPECT_EQ(rejected->index.changed, 1);
  std::vector<std::string> texts;
  for (const LearnedPhrasing& p : Stored("strikethrough")) texts.push_back(p.text);
  EXPECT_EQ(texts, std::vector<std::string>{"strike text"});
  EXPECT_EQ(Ids("crossed out"), std::vector<std::string>{});

  auto stored = store_->Rejections();
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(*stored, (std::vector<std::pair<std::string, std::string>>{{"strikethrough", "crossed out"}}));
  Satisfied(5, "crossed out", "strikethrough", "e");  // more evidence
  const LearnRun run = Learn();
  EXPECT_EQ(run.learned.rejected, 1u);
  EXPECT_EQ(run.index.changed, 0);
  EXPECT_EQ(Ids("crossed out"), std::vector<std::string>{});

  EXPECT_EQ(Reject(*store_, index_, "", "x", kNow).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(Reject(*store_, index_, "strikethrough", "  ", kNow).error().code(), ErrorCode::kInvalidArgument);
}

// A word no article has is read as a typo, until customers' usage taught
// it: then it is their word for the article.
TEST_F(LearnIntoIndexTest, ALearnedWordIsNoLongerCorrectedAsATypo) {
  auto search = [&](const std::string& q) {
    auto searcher = search::Searcher::Open(search::SearcherOptions{.index_paths = {index_}});
    EXPECT_TRUE(searcher.has_value());
    search::SearchRequest request;
    request.query = q;
    request.snippets = false;
    return (*searcher)->Search(request).value_or(search::SearchResponse{});
  };
  const search::SearchResponse before = search("refnd");
  EXPECT_EQ(before.did_you_mean, "refund");  // the typo is corrected
  Satisfied(5, "refnd", "refund-policy");
  Learn();
  const search::SearchResponse after = search("refnd");
  EXPECT_EQ(after.did_you_mean, "");
  ASSERT_EQ(after.hits.size(), 1u);
  EXPECT_EQ(after.hits[0].id, "refund-policy");
}

TEST_F(LearnIntoIndexTest, WithoutAnIndexLearningSaysSo) {
  auto run = LearnIntoIndex(*store_, tmp_.path() + "/none", kNow, LearningOptions{});
  ASSERT_FALSE(run.has_value());
  EXPECT_EQ(run.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(run.error().message(), "no index in " + tmp_.path() + "/none: build it first (kb-index build)");
}

}  // namespace
}  // namespace kb::learning
