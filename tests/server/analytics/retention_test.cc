// RetentionPurge: events past the retention limit are purged at start and
// then periodically, on a thread that stops when asked.
#include "server/analytics/retention.h"

#include <atomic>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "indexer/base/time.h"

namespace kb::analytics {
namespace {

// Records every purge; answers `fail` when set.
class PurgeRecorder : public EventStore {
 public:
  Result<std::size_t> Append(std::vector<Event>) override { return 0; }
  void AppendLater(std::vector<Event>) override {}
  Result<void> Flush() override { return {}; }
  Result<void> Scan(std::int64_t, std::int64_t, const std::function<void(const Event&)>&, Fields) override { return {}; }
  Result<std::vector<SessionStart>> HelpSessions(const EventFilter&) override { return std::vector<SessionStart>(); }
  Result<std::int64_t> Count() override { return 0; }
  const SipKey& ClientKey() const override { return key_; }
  Result<void> Reject(const std::string&, const std::string&, std::int64_t) override { return {}; }
  Result<std::vector<std::pair<std::string, std::string>>> Rejections() override {
    return std::vector<std::pair<std::string, std::string>>();
  }
  Result<std::int64_t> Purge(std::int64_t before_ms) override {
    std::lock_guard<std::mutex> lock(mu_);
    cutoffs_.push_back(before_ms);
    if (fail) return Fail(Error::Unavailable("database is locked"));
    return 0;
  }

  std::vector<std::int64_t> cutoffs() {
    std::lock_guard<std::mutex> lock(mu_);
    return cutoffs_;
  }
  // Waits up to 10 s for `n` purges; returns how many there were.
  std::size_t WaitFor(std::size_t n) {
    for (int i = 0; i < 1000 && cutoffs().size() < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return cutoffs().size();
  }

  std::atomic<bool> fail{false};

 private:
  SipKey key_{};
  std::mutex mu_;
  std::vector<std::int64_t> cutoffs_;
};

// A store whose Purge throws, as a client library of another database may.
class ThrowingPurge : public PurgeRecorder {
 public:
  Result<std::int64_t> Purge(std::int64_t before_ms) override {
    (void)PurgeRecorder::Purge(before_ms);
    throw std::runtime_error("connection reset");
  }
};

TEST(RetentionPurgeTest, AnExceptionFromTheStoreIsReportedAndThePurgeGoesOn) {
  ThrowingPurge store;
  std::mutex mu;
  std::vector<std::string> errors;
  {
    RetentionPurge purge(
        store, 1,
        [&](const Error& e) {
          std::lock_guard<std::mutex> lock(mu);
          errors.push_back(e.ToString());
        },
        std::chrono::milliseconds(5));
    ASSERT_GE(store.WaitFor(2), 2u);
  }
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_GE(errors.size(), 2u);
  EXPECT_EQ(errors[0], "internal: purge failed: connection reset");
}

TEST(RetentionPurgeTest, PurgesWhatIsOlderThanTheLimitAtStart) {
  PurgeRecorder store;
  const std::int64_t before = NowMs();
  std::optional<RetentionPurge> purge;
  purge.emplace(store, 30, nullptr);
  ASSERT_EQ(store.WaitFor(1), 1u);
  const std::int64_t after = NowMs();
  const std::int64_t cutoff = store.cutoffs()[0];
  EXPECT_GE(cutoff, before - 30 * kDayMs);
  EXPECT_LE(cutoff, after - 30 * kDayMs);
  // The next purge is an hour away; stopping does not wait for it.
  const auto stop = std::chrono::steady_clock::now();
  purge.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - stop, std::chrono::seconds(5));
  EXPECT_EQ(store.cutoffs().size(), 1u);
}

TEST(RetentionPurgeTest, PurgesAgainEveryPeriodAndReportsFailures) {
  PurgeRecorder store;
  store.fail = true;
  std::mutex mu;
  std::vector<std::string> errors;
  {
    RetentionPurge purge(
        store, 1,
        [&](const Error& e) {
          std::lock_guard<std::mutex> lock(mu);
          errors.push_back(e.ToString());
        },
        std::chrono::milliseconds(5));
    ASSERT_GE(store.WaitFor(3), 3u);  // a failure is tried again next time
  }
  const std::size_t purges = store.cutoffs().size();
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(errors.size(), purges);
  EXPECT_EQ(errors[0], "unavailable: database is locked");
}

}  // namespace
}  // namespace kb::analytics
