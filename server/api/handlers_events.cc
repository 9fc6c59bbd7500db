// POST /api/v1/events and the help desk's POST /api/v1/webhooks/ticket.
#include "server/api/api.h"

#include <fmt/core.h>

#include "indexer/base/time.h"
#include "server/api/errors.h"
#include "server/api/handler_util.h"

namespace kb::api {

namespace {

// The answer when the event store could not store a batch: nothing of it
// is stored. A full disk is storage_full (507); anything else, unavailable
// (503) with Retry-After. What went wrong goes to the log, not to the
// client: it names hosts and files.
HttpResponse NotStored(const Error& e, AccessLog& log) {
  log.Problem("event_store_error", e.message());
  if (e.code() == ErrorCode::kResourceExhausted) {
    return ErrorResponse(ApiError::kStorageFull, "no event was stored: the event store's disk is full");
  }
  HttpResponse res = ErrorResponse(ApiError::kUnavailable, "no event was stored: the event store is unavailable; try again");
  res.headers.emplace_back("Retry-After", std::to_string(kRetryAfterS));
  return res;
}

}  // namespace

HttpResponse Api::PostEvents(const RequestContext& c) {
  auto batch = analytics::ParseEventBatch(c.request.body, NowMs());
  if (!batch) {
    json details = json::array();
    std::string message;
    for (const analytics::EventProblem& p : batch.error()) {
      details.push_back({{"index", p.index < 0 ? json(nullptr) : json(p.index)}, {"message", p.message}});
      if (message.empty()) message = p.index < 0 ? p.message : fmt::format("event {}: {}", p.index, p.message);
    }
    if (batch.error().size() > 1) message += fmt::format(" (and {} more problems)", batch.error().size() - 1);
    return ErrorResponse(ApiError::kInvalidEvents, "no event was stored: " + message,
                         details.dump(-1, ' ', false, json::error_handler_t::replace));
  }
  const std::string client = analytics::ClientHash(c.client, events_->ClientKey());
  for (analytics::Event& e : *batch) e.client = client;
  const std::size_t received = batch->size();
  auto added = events_->Append(std::move(*batch));
  if (!added) return NotStored(added.error(), *log_);
  return Json({{"accepted", *added}, {"duplicates", received - *added}}, 202);
}

// The route table has checked the shared secret (Access::kTicketSecret).
HttpResponse Api::TicketWebhook(const RequestContext& c) {
  auto e = analytics::ParseTicketWebhook(c.request.body, NowMs());
  if (!e) return ErrorResponse(ApiError::kInvalidEvents, e.error().message(), "[]");
  std::vector<analytics::Event> one;
  one.push_back(std::move(*e));
  auto added = events_->Append(std::move(one));
  if (!added) return NotStored(added.error(), *log_);
  return Json({{"accepted", *added}, {"duplicates", 1 - *added}}, 202);
}

}  // namespace kb::api
