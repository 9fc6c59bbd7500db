#include "server/analytics/event.h"

#include <arpa/inet.h>

#include <algorithm>
#include <iterator>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "indexer/base/ids.h"
#include "indexer/base/time.h"
#include "indexer/base/utf8.h"
#include "indexer/article.h"
#include "indexer/text/analyzer.h"

namespace kb::analytics {

namespace {

using json = nlohmann::json;

constexpr std::string_view kTypeNames[] = {"search", "click",  "view",   "vote",
                                           "resolve", "escalate", "ticket", "use"};
static_assert(std::size(kTypeNames) == kEventTypeCount);
constexpr std::string_view kChannelNames[] = {"widget", "contact_form", "agent", "help_desk"};

constexpr std::size_t kMaxIdBytes = 128;
constexpr std::size_t kMaxReasonChars = 500;
constexpr std::size_t kMaxQueryBytes = 1024;
constexpr int kMaxPosition = 1000;

// Ids made by clients: 1 to 128 of [A-Za-z0-9._:-] (UUIDs, hex, ULIDs).
std::optional<std::string> CheckClientId(const json& v, std::string_view field) {
  if (!v.is_string()) return fmt::format("'{}' must be a string", field);
  const std::string& s = v.get_ref<const std::string&>();
  if (s.empty() || s.size() > kMaxIdBytes) return fmt::format("'{}' must be 1 to {} characters", field, kMaxIdBytes);
  if (!IsClientId(s)) return fmt::format("'{}' may hold only letters, digits and . _ : -", field);
  return std::nullopt;
}

// Reads one event; returns the first problem found, if any.
std::optional<std::string> ReadEvent(const json& e, std::int64_t time_ms, Event& out) {
  if (!e.is_object()) return "an event must be a JSON object";
  auto required = [&](const char* field) { return !e.contains(field) || e[field].is_null(); };
  for (const char* field : {"event_id", "type", "session_id", "channel"}) {
    if (required(field)) return fmt::format("'{}' is required", field);
  }
  if (auto p = CheckClientId(e["event_id"], "event_id")) return p;
  out.event_id = e["event_id"].get<std::string>();
  if (!e["type"].is_string()) return "'type' must be a string";
  const auto type = ParseEventType(e["type"].get<std::string>());
  if (!type || *type == EventType::kTicket) {
    return fmt::format("unknown type '{}': use search, click, view, vote, resolve, escalate or use",
                       e["type"].get<std::string>());
  }
  out.type = *type;
  if (auto p = CheckClientId(e["session_id"], "session_id")) return p;
  out.session_id = e["session_id"].get<std::string>();
  if (!e["channel"].is_string()) return "'channel' must be a string";
  const auto channel = ParseChannel(e["channel"].get<std::string>());
  if (!channel) {
    return fmt::format("unknown channel '{}': use widget, contact_form or agent", e["channel"].get<std::string>());
  }
  out.channel = *channel;
  out.time_ms = time_ms;  // the server's clock, never the client's

  if (!required("locale")) {
    if (!e["locale"].is_string()) return "'locale' must be a string";
    auto locale = CanonicalLocale(e["locale"].get<std::string>());
    if (!locale) return "'locale' must be a BCP 47 tag such as 'en' or 'de-AT'";
    out.locale = *locale;
  }
  const std::string_view what = EventTypeName(out.type);
  auto need = [&](const char* field) -> std::optional<std::string> {
    if (required(field)) return fmt::format("'{}' is required for a {} event", field, what);
    return std::nullopt;
  };
  auto read_query_id = [&](bool must) -> std::optional<std::string> {
    if (required("query_id")) return must ? need("query_id") : std::nullopt;
    if (auto p = CheckClientId(e["query_id"], "query_id")) return p;
    out.query_id = e["query_id"].get<std::string>();
    return std::nullopt;
  };
  auto read_article = [&]() -> std::optional<std::string> {
    if (auto p = need("article_id")) return p;
    if (!e["article_id"].is_string()) return "'article_id' must be a string";
    const std::string id = e["article_id"].get<std::string>();
    if (auto bad = CheckId(id)) return fmt::format("'article_id' {}", *bad);
    out.article_id = id;
    return std::nullopt;
  };
  switch (out.type) {
    case EventType::kSearch: {
      if (auto p = read_query_id(true)) return p;
      if (auto p = need("query")) return p;
      if (!e["query"].is_string()) return "'query' must be a string";
      const std::string q = e["query"].get<std::string>();
      if (q.size() > kMaxQueryBytes) return fmt::format("'query' must be at most {} bytes", kMaxQueryBytes);
      out.query = NormaliseQuery(q);
      if (auto p = need("result_count")) return p;
      if (!e["result_count"].is_number_integer() || e["result_count"].get<std::int64_t>() < 0) {
        return "'result_count' must be a whole number >= 0";
      }
      out.result_count = e["result_count"].get<std::int64_t>();
      break;
    }
    case EventType::kClick: {
      if (auto p = read_query_id(false)) return p;
      if (auto p = read_article()) return p;
      if (auto p = need("position")) return p;
      if (!e["position"].is_number_integer() || e["position"].get<std::int64_t>() < 1 ||
          e["position"].get<std::int64_t>() > kMaxPosition) {
        return fmt::format("'position' must be a whole number from 1 to {}", kMaxPosition);
      }
      out.position = e["position"].get<int>();
      break;
    }
    case EventType::kView:
      if (auto p = read_article()) return p;
      if (!required("dwell_ms")) {
        if (!e["dwell_ms"].is_number_integer() || e["dwell_ms"].get<std::int64_t>() < 0 ||
            e["dwell_ms"].get<std::int64_t>() > kMaxDwellMs) {
          return fmt::format("'dwell_ms' must be a whole number from 0 to {}", kMaxDwellMs);
        }
        out.dwell_ms = e["dwell_ms"].get<std::int64_t>();
      }
      break;
    case EventType::kVote: {
      if (auto p = read_article()) return p;
      if (auto p = need("helpful")) return p;
      if (!e["helpful"].is_boolean()) return "'helpful' must be true or false";
      out.helpful = e["helpful"].get<bool>();
      if (!required("reason")) {
        if (!e["reason"].is_string()) return "'reason' must be a string";
        out.reason = e["reason"].get<std::string>();
        if (Utf8Length(out.reason) > kMaxReasonChars) return fmt::format("'reason' must be at most {} characters", kMaxReasonChars);
        // Kept as text by every store; PostgreSQL's text holds no NUL.
        if (out.reason.find('\0') != std::string::npos) return "'reason' must not contain U+0000";
      }
      break;
    }
    case EventType::kResolve:
      if (auto p = read_article()) return p;
      if (auto p = read_query_id(false)) return p;
      break;
    case EventType::kEscalate:
      if (auto p = read_query_id(false)) return p;
      break;
    case EventType::kUse: {
      if (auto p = read_article()) return p;
      if (auto p = read_query_id(false)) return p;
      if (auto p = need("action")) return p;
      if (!e["action"].is_string() ||
          (e["action"].get<std::string>() != "copy_answer" && e["action"].get<std::string>() != "copy_link")) {
        return "'action' must be 'copy_answer' or 'copy_link'";
      }
      out.action = e["action"].get<std::string>();
      break;
    }
    case EventType::kTicket:
      break;
  }
  return std::nullopt;
}

}  // namespace

std::string_view EventTypeName(EventType type) { return kTypeNames[static_cast<int>(type)]; }
std::string_view ChannelName(Channel channel) { return kChannelNames[static_cast<int>(channel)]; }

std::optional<EventType> ParseEventType(std::string_view name) {
  for (int i = 0; i < kEventTypeCount; ++i) {
    if (kTypeNames[i] == name) return static_cast<EventType>(i);
  }
  return std::nullopt;
}

std::optional<Channel> ParseChannel(std::string_view name) {
  for (int i = 0; i < 3; ++i) {  // help_desk is the server's own
    if (kChannelNames[i] == name) return static_cast<Channel>(i);
  }
  return std::nullopt;
}

std::expected<std::vector<Event>, std::vector<EventProblem>> ParseEventBatch(std::string_view body,
                                                                             std::int64_t time_ms) {
  auto batch_problem = [](std::string message) {
    return std::unexpected(std::vector<EventProblem>{{-1, std::move(message)}});
  };
  if (FindInvalidUtf8(body)) return batch_problem("the body is not valid UTF-8");
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return batch_problem("the body is not valid JSON");
  if (doc.is_object()) {
    if (!doc.contains("events")) return batch_problem("the body must be {\"events\": [...]}");
    doc = std::move(doc["events"]);
  }
  if (!doc.is_array()) return batch_problem("'events' must be an array");
  if (doc.empty()) return batch_problem("'events' is empty");
  if (doc.size() > kMaxBatchEvents) {
    return batch_problem(fmt::format("a batch holds at most {} events; this one has {}", kMaxBatchEvents, doc.size()));
  }
  std::vector<Event> events(doc.size());
  std::vector<EventProblem> problems;
  for (std::size_t i = 0; i < doc.size(); ++i) {
    if (auto p = ReadEvent(doc[i], time_ms, events[i])) problems.push_back({static_cast<int>(i), std::move(*p)});
  }
  // The same id twice in one batch is a client bug, not a retry.
  for (std::size_t i = 0; i < events.size(); ++i) {
    for (std::size_t j = 0; j < i && !events[i].event_id.empty(); ++j) {
      if (events[j].event_id == events[i].event_id) {
        problems.push_back({static_cast<int>(i), fmt::format("'event_id' repeats event {} of this batch", j)});
        break;
      }
    }
  }
  if (!problems.empty()) {
    std::stable_sort(problems.begin(), problems.end(),
                     [](const EventProblem& a, const EventProblem& b) { return a.index < b.index; });
    return std::unexpected(std::move(problems));
  }
  return events;
}

Result<Event> ParseTicketWebhook(std::string_view body, std::int64_t time_ms) {
  if (FindInvalidUtf8(body)) return Fail(Error::InvalidArgument("the body is not valid UTF-8"));
  const json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return Fail(Error::InvalidArgument("the body must be a JSON object {\"session_id\": ...}"));
  if (!doc.contains("session_id") || doc["session_id"].is_null()) {
    return Fail(Error::InvalidArgument("'session_id' is required"));
  }
  if (auto p = CheckClientId(doc["session_id"], "session_id")) return Fail(Error::InvalidArgument(*p));
  Event e;
  e.type = EventType::kTicket;
  e.channel = Channel::kHelpDesk;
  e.session_id = doc["session_id"].get<std::string>();
  e.time_ms = time_ms;
  if (doc.contains("ticket_id") && !doc["ticket_id"].is_null()) {
    json id = doc["ticket_id"];
    if (id.is_number_integer()) id = std::to_string(id.get<std::int64_t>());  // help desks number tickets
    if (auto p = CheckClientId(id, "ticket_id")) return Fail(Error::InvalidArgument(*p));
    e.ticket_id = id.get<std::string>();
    e.event_id = "ticket:" + e.ticket_id;
  } else {
    e.event_id = "ticket:" + RandomId();
  }
  if (doc.contains("article_ids") && !doc["article_ids"].is_null()) {
    const json& ids = doc["article_ids"];
    if (!ids.is_array()) return Fail(Error::InvalidArgument("'article_ids' must be an array of article ids"));
    if (ids.size() > kMaxTicketArticles) {
      return Fail(Error::InvalidArgument(
          fmt::format("'article_ids' holds at most {} ids; this one has {}", kMaxTicketArticles, ids.size())));
    }
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (!ids[i].is_string()) return Fail(Error::InvalidArgument(fmt::format("'article_ids'[{}] must be a string", i)));
      const std::string id = ids[i].get<std::string>();
      if (auto bad = CheckId(id)) return Fail(Error::InvalidArgument(fmt::format("'article_ids'[{}] {}", i, *bad)));
      if (std::find(e.article_ids.begin(), e.article_ids.end(), id) == e.article_ids.end()) e.article_ids.push_back(id);
    }
  }
  return e;
}

bool IsClientId(std::string_view s) {
  if (s.empty() || s.size() > kMaxIdBytes) return false;
  for (unsigned char c : s) {
    if (!std::isalnum(c) && c != '.' && c != '_' && c != ':' && c != '-') return false;
  }
  return true;
}

std::string ClientNetwork(std::string_view address) {
  const std::string a(address);
  unsigned char bytes[16];
  if (inet_pton(AF_INET, a.c_str(), bytes) == 1) return fmt::format("{}.{}.{}", bytes[0], bytes[1], bytes[2]);
  if (inet_pton(AF_INET6, a.c_str(), bytes) == 1) {
    // An IPv4-mapped address (::ffff:a.b.c.d) is that IPv4 address.
    static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::equal(std::begin(kMapped), std::end(kMapped), bytes)) {
      return fmt::format("{}.{}.{}", bytes[12], bytes[13], bytes[14]);
    }
    std::string out;
    for (int i = 0; i < 7; ++i) out += fmt::format("{:02x}", bytes[i]);
    return out + "::/56";
  }
  return a;
}

std::string ClientHash(std::string_view address, const SipKey& key) {
  return fmt::format("{:016x}", SipHash24(key, ClientNetwork(address)));
}

std::string NormaliseQuery(std::string_view query) {
  std::string out;
  for (const text::Token& t : text::Tokenize(query)) {
    if (!out.empty()) out.push_back(' ');
    out.append(t.term);
  }
  return out;
}

}  // namespace kb::analytics
