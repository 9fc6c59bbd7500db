// The body of POST /api/v1/events, and of the ticket webhook: a batch is
// all accepted or refused with a problem for each bad event; what is
// accepted is what the store and the summary rely on.
#include <set>

#include <fmt/core.h>

#include "indexer/article.h"
#include "server/analytics/event.h"
#include "tests/fuzz/fuzz_targets.h"

namespace kb::fuzz {

void FuzzEventBatch(std::string_view input) {
  constexpr std::int64_t kNow = 1'793'491'200'000;
  auto batch = analytics::ParseEventBatch(input, kNow);
  if (!batch) {
    Check(!batch.error().empty(), "a refused batch without a problem");
    for (const analytics::EventProblem& p : batch.error()) {
      Check(p.index >= -1 && p.index < static_cast<int>(analytics::kMaxBatchEvents), "a problem's index is out of range");
      Check(!p.message.empty() && IsUtf8(p.message), "a problem's message is empty or not valid UTF-8");
    }
  } else {
    Check(!batch->empty() && batch->size() <= analytics::kMaxBatchEvents, "a batch of the wrong size was accepted");
    std::set<std::string> ids;
    for (const analytics::Event& e : *batch) {
      Check(analytics::IsClientId(e.event_id) && analytics::IsClientId(e.session_id), "an accepted event with a bad id");
      Check(e.query_id.empty() || analytics::IsClientId(e.query_id), "an accepted event with a bad query_id");
      Check(ids.insert(e.event_id).second, "two accepted events with one event_id");
      Check(e.time_ms == kNow, "an accepted event not stamped with the server's time");
      Check(e.type != analytics::EventType::kTicket && e.channel != analytics::Channel::kHelpDesk,
            "a client sent what only the server may");
      Check(e.article_id.empty() || !CheckId(e.article_id), "an accepted event with a bad article_id");
      Check(e.locale.empty() || CanonicalLocale(e.locale) == e.locale, "an accepted event with a bad locale");
      Check(IsUtf8(e.query) && IsUtf8(e.reason), "an accepted event that is not valid UTF-8");
      if (e.type == analytics::EventType::kClick) Check(e.position >= 1 && e.position <= 1000, "a bad position");
      if (e.type == analytics::EventType::kSearch) Check(e.result_count >= 0, "a bad result_count");
    }
  }
  auto ticket = analytics::ParseTicketWebhook(input, kNow);
  if (ticket) {
    Check(ticket->type == analytics::EventType::kTicket && analytics::IsClientId(ticket->session_id),
          "a bad ticket event was accepted");
  } else {
    Check(IsUtf8(ticket.error().message()), "a webhook error message is not valid UTF-8");
  }
}

}  // namespace kb::fuzz
