// The analytics event model: what widgets, the server and the help desk
// report, and the parser that turns a posted batch into events or into a
// list of what is wrong with it. See docs/analytics.md.
#ifndef KB_SERVER_ANALYTICS_EVENT_H_
#define KB_SERVER_ANALYTICS_EVENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "indexer/base/error.h"
#include "indexer/base/siphash.h"

namespace kb::analytics {

// kUse: an agent used an article to answer (the agent console's copy answer
// and copy link), for the query of the lookup it came from.
enum class EventType : std::uint8_t { kSearch, kClick, kView, kVote, kResolve, kEscalate, kTicket, kUse };
enum class Channel : std::uint8_t { kWidget, kContactForm, kAgent, kHelpDesk };

inline constexpr int kEventTypeCount = 8;
inline constexpr int kChannelCount = 4;

std::string_view EventTypeName(EventType type);  // "search", "click", ..., "use"
std::string_view ChannelName(Channel channel);   // "widget", "contact_form", "agent", "help_desk"
std::optional<EventType> ParseEventType(std::string_view name);
std::optional<Channel> ParseChannel(std::string_view name);  // the three a client may send

// Customer self-service channels: where deflection can happen.
inline bool IsCustomerChannel(Channel c) { return c == Channel::kWidget || c == Channel::kContactForm; }

struct Event {
  std::string event_id;  // unique; a second event with the same id is ignored
  EventType type = EventType::kView;
  std::string session_id;
  Channel channel = Channel::kWidget;
  std::int64_t time_ms = 0;  // set by the server: milliseconds since the Unix epoch, UTC
  std::string locale;        // BCP 47, optional
  std::string query_id;      // search, click; optional on resolve and escalate
  std::string article_id;    // click, view, vote, resolve
  int position = 0;          // click: 1-based rank of the clicked result
  std::optional<bool> helpful;  // vote
  std::string reason;           // vote, optional
  std::string query;            // search: the query as the analyzer normalises it
  std::string filters;          // search: the filters applied, as a JSON object
  std::int64_t result_count = -1;  // search
  std::string ticket_id;           // ticket
  std::int64_t dwell_ms = -1;      // view, optional: how long the article was open
  std::string action;              // use: "copy_answer" or "copy_link"
  std::vector<std::string> article_ids;  // ticket, optional: the articles the agent linked to it
  // Set by the server: a keyed hash of the network the event came from
  // (ClientNetwork), so that many events from one source count as one.
  std::string client;
};

// Most articles a ticket may link, and the longest dwell time (a day).
inline constexpr std::size_t kMaxTicketArticles = 20;
inline constexpr std::int64_t kMaxDwellMs = 86'400'000;

// Most events one POST may carry.
inline constexpr std::size_t kMaxBatchEvents = 100;

// What is wrong with one event of a batch (index -1: with the batch itself).
struct EventProblem {
  int index = -1;
  std::string message;
};

// Parses the body of POST /api/v1/events: {"events": [...]} (or the bare
// array) of 1 to kMaxBatchEvents events. Every event is checked; on any
// problem the whole batch is refused with the list of problems, so a batch
// is never half-stored. `time_ms` is stamped on every event.
std::expected<std::vector<Event>, std::vector<EventProblem>> ParseEventBatch(std::string_view body,
                                                                             std::int64_t time_ms);

// Parses the body of POST /api/v1/webhooks/ticket: {"session_id": "...",
// "ticket_id": "...", "article_ids": [...]} (ticket_id optional; when given,
// a resend of the same ticket is ignored. article_ids optional: the
// articles the agent linked to the ticket, at most kMaxTicketArticles).
Result<Event> ParseTicketWebhook(std::string_view body, std::int64_t time_ms);

// Whether `s` is a valid client-made id (event_id, session_id, query_id):
// 1 to 128 of A-Z a-z 0-9 . _ : -
bool IsClientId(std::string_view s);

// The part of a client address that identifies where it comes from: an
// IPv4 address's /24 network ("192.0.2"), an IPv6 address's /56 (its first
// seven bytes, in hex); anything else as it is. Many addresses of one
// network are one source to the learner's caps (docs/learning.md).
std::string ClientNetwork(std::string_view address);

// The `client` of an event: the first 16 hex digits of a keyed hash of
// ClientNetwork(address). The key is the event store's own, so the same
// network gets the same value across restarts, and the raw address is
// never stored.
std::string ClientHash(std::string_view address, const SipKey& key);

// A query as analytics groups it: the analyzer's folded words joined by one
// space ("Reset  Password " and "reset password" are one).
std::string NormaliseQuery(std::string_view query);

}  // namespace kb::analytics

#endif  // KB_SERVER_ANALYTICS_EVENT_H_
