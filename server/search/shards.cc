#include "server/search/shards.h"

#include <charconv>

#include <fmt/core.h>

namespace kb::search {

bool IsRemoteShard(std::string_view path) { return path.starts_with("tcp://"); }

Result<ShardAddress> ParseShardAddress(std::string_view path) {
  auto bad = [&](std::string_view why) {
    return Fail(Error::InvalidArgument(fmt::format("shard '{}' {}: give tcp://host:port", path, why)));
  };
  if (!IsRemoteShard(path)) return bad("is not a tcp:// address");
  std::string_view rest = path.substr(6);
  std::string_view host;
  if (rest.starts_with('[')) {  // [::1]:7001
    const std::size_t close = rest.find(']');
    if (close == std::string_view::npos) return bad("has an unclosed '['");
    host = rest.substr(1, close - 1);
    rest.remove_prefix(close + 1);
  } else {
    const std::size_t colon = rest.find(':');
    host = rest.substr(0, colon);
    rest.remove_prefix(colon == std::string_view::npos ? rest.size() : colon);
  }
  if (host.empty() || host.find_first_of("/?#@ []") != std::string_view::npos) return bad("has no valid host");
  if (!rest.starts_with(':') || rest.size() == 1) return bad("has no port");
  rest.remove_prefix(1);
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), port);
  if (ec != std::errc() || end != rest.data() + rest.size() || port == 0 || port > 65535) {
    return bad("has a port that is not from 1 to 65535");
  }
  return ShardAddress{std::string(host), port};
}

bool ShardHealth::ShouldTry(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = retry_at_.find(path);
  if (it == retry_at_.end()) return true;
  const auto now = std::chrono::steady_clock::now();
  if (now < it->second) return false;
  it->second = now + retry_;  // this caller tries; the others wait for the next chance
  return true;
}

bool ShardHealth::IsDown(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mu_);
  return retry_at_.contains(path);
}

void ShardHealth::MarkDown(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  retry_at_.try_emplace(path, std::chrono::steady_clock::now() + retry_);  // an earlier retry time stays
}

void ShardHealth::MarkUp(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  retry_at_.erase(path);
}

int ShardHealth::DownCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(retry_at_.size());
}

}  // namespace kb::search
