// What the event stores' tests share: events of every kind with every
// field set, a description of each field (so that a mismatch shows which),
// and the store's calls, each checked to succeed.
#ifndef KB_TESTS_SERVER_ANALYTICS_EVENT_SAMPLES_H_
#define KB_TESTS_SERVER_ANALYTICS_EVENT_SAMPLES_H_

#include <cstdint>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include "server/analytics/event.h"
#include "server/analytics/event_store.h"

namespace kb::analytics {

// 2026-11-01T00:00:00Z.
inline constexpr std::int64_t kT0 = 1'793'491'200'000;
inline constexpr std::int64_t kMin = 60'000;

inline Event MakeEvent(std::string id, EventType type, std::string session, Channel channel, std::int64_t at,
                std::string locale = "en") {
  Event e;
  e.event_id = std::move(id);
  e.type = type;
  e.session_id = std::move(session);
  e.channel = channel;
  e.time_ms = at;
  e.locale = std::move(locale);
  return e;
}

// Every field of `e`, so that a mismatch shows which.
inline std::string Describe(const Event& e) {
  return fmt::format(
      "id={} type={} session={} channel={} time={} locale={} query_id={} article={} position={} helpful={} "
      "reason={} query={} filters={} results={} ticket={} dwell={} action={} articles={} client={}",
      e.event_id, EventTypeName(e.type), e.session_id, ChannelName(e.channel), e.time_ms, e.locale, e.query_id,
      e.article_id, e.position, e.helpful ? (*e.helpful ? "true" : "false") : "none", e.reason, e.query, e.filters,
      e.result_count, e.ticket_id, e.dwell_ms, e.action, fmt::join(e.article_ids, ","), e.client);
}

inline std::vector<std::string> Describe(const std::vector<Event>& events) {
  std::vector<std::string> out;
  for (const Event& e : events) out.push_back(Describe(e));
  return out;
}

// Events of every kind, every field set (or deliberately left unset),
// in time order.
inline std::vector<Event> EveryKind() {
  std::vector<Event> out;
  Event search = MakeEvent("ev-search", EventType::kSearch, "s1", Channel::kWidget, kT0 + 1, "de-AT");
  search.query_id = "q1";
  search.query = "passwort zurücksetzen";
  search.filters = R"({"category":"account","tags":["login"]})";
  search.result_count = 7;
  search.client = "0123456789abcdef";
  out.push_back(search);
  Event click = MakeEvent("ev-click", EventType::kClick, "s1", Channel::kWidget, kT0 + 2, "de-AT");
  click.query_id = "q1";
  click.article_id = "reset-password";
  click.position = 3;
  out.push_back(click);
  Event view = MakeEvent("ev-view", EventType::kView, "s2", Channel::kContactForm, kT0 + 3, "");
  view.article_id = "billing-intro";
  view.dwell_ms = 41'250;
  out.push_back(view);
  Event up = MakeEvent("ev-up", EventType::kVote, "s1", Channel::kWidget, kT0 + 4, "de");
  up.article_id = "reset-password";
  up.helpful = true;
  out.push_back(up);
  Event down = MakeEvent("ev-down", EventType::kVote, "s2", Channel::kContactForm, kT0 + 5);
  down.article_id = "billing-intro";
  down.helpful = false;
  down.reason = "Veraltet — \"alt\"\nund falsch";
  out.push_back(down);
  Event resolve = MakeEvent("ev-resolve", EventType::kResolve, "s1", Channel::kWidget, kT0 + 6);
  resolve.article_id = "reset-password";
  resolve.query_id = "q1";
  out.push_back(resolve);
  Event escalate = MakeEvent("ev-escalate", EventType::kEscalate, "s2", Channel::kAgent, kT0 + 7);
  out.push_back(escalate);
  Event ticket = MakeEvent("ev-ticket", EventType::kTicket, "s2", Channel::kHelpDesk, kT0 + 8);
  ticket.ticket_id = "T-1001";
  ticket.article_ids = {"billing-intro", "refund"};
  out.push_back(ticket);
  Event use = MakeEvent("ev-use", EventType::kUse, "s3", Channel::kAgent, kT0 + 9);
  use.article_id = "refund";
  use.query_id = "q7";
  use.action = "copy_answer";
  use.client = "fedcba9876543210";
  out.push_back(use);
  return out;
}


// Every event of `store` in [from, to).
inline std::vector<Event> Scan(EventStore& store, std::int64_t from, std::int64_t to,
                               EventStore::Fields fields = EventStore::Fields::kAll) {
  std::vector<Event> out;
  auto r = store.Scan(from, to, [&](const Event& e) { out.push_back(e); }, fields);
  EXPECT_TRUE(r.has_value()) << r.error().ToString();
  return out;
}

inline std::int64_t CountOf(EventStore& store) {
  auto n = store.Count();
  EXPECT_TRUE(n.has_value()) << n.error().ToString();
  return n.value_or(-1);
}

// Appends `events`; how many were new.
inline std::size_t AppendOk(EventStore& store, std::vector<Event> events) {
  auto n = store.Append(std::move(events));
  EXPECT_TRUE(n.has_value()) << n.error().ToString();
  return n.value_or(0);
}

}  // namespace kb::analytics

#endif  // KB_TESTS_SERVER_ANALYTICS_EVENT_SAMPLES_H_
