#include "server/analytics/store_rows.h"

#include <random>

#include <fmt/core.h>

#include "indexer/text/analyzer.h"

namespace kb::analytics::rows {

namespace {
constexpr char kArticleIdSeparator = ' ';
}  // namespace

std::string JoinArticleIds(const std::vector<std::string>& ids) {
  std::string out;
  for (const std::string& id : ids) {
    if (!out.empty()) out.push_back(kArticleIdSeparator);
    out += id;
  }
  return out;
}

void SplitArticleIds(std::string_view joined, std::vector<std::string>& out) {
  out.clear();
  for (std::size_t at = 0; at < joined.size();) {
    std::size_t end = joined.find(kArticleIdSeparator, at);
    if (end == std::string_view::npos) end = joined.size();
    out.emplace_back(joined.substr(at, end - at));
    at = end + 1;
  }
}

std::optional<std::string> SessionStartLanguage(const Event& e) {
  if ((e.type != EventType::kSearch && e.type != EventType::kView) || !IsCustomerChannel(e.channel)) {
    return std::nullopt;
  }
  return e.locale.empty() ? std::string() : text::LanguageOf(e.locale);
}

bool KnownStarts::NeedsWrite(const Event& e, const std::string& language) {
  std::string key = e.session_id;
  key.push_back('\x1f');
  key.push_back(static_cast<char>('0' + static_cast<int>(e.channel)));
  key.append(language);
  auto known = starts_.find(key);
  if (known != starts_.end() && known->second <= e.time_ms) return false;
  if (starts_.size() >= kMax) {
    starts_.clear();
    known = starts_.end();
  }
  starts_[key] = known == starts_.end() ? e.time_ms : std::min(known->second, e.time_ms);
  return true;
}

std::string NewClientKeyHex() {
  std::random_device random;
  std::string made;
  for (int i = 0; i < 4; ++i) made += fmt::format("{:08x}", static_cast<std::uint32_t>(random()));
  return made;
}

Result<SipKey> ParseClientKeyHex(const std::string& hex, std::string_view store) {
  SipKey key{};
  if (hex.size() != 2 * key.size() || hex.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return Fail(Error::DataLoss(
        fmt::format("event store {} is damaged: its client_key is '{}', not 32 hex digits", store, hex)));
  }
  for (std::size_t i = 0; i < key.size(); ++i) {
    key[i] = static_cast<std::uint8_t>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  }
  return key;
}

}  // namespace kb::analytics::rows
