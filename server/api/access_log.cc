#include "server/api/access_log.h"

#include <cmath>
#include <functional>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "indexer/base/ids.h"
#include "indexer/base/time.h"

namespace kb::api {

using json = nlohmann::json;

Result<std::unique_ptr<AccessLog>> AccessLog::Open(const std::string& target) {
  std::FILE* file = nullptr;
  bool own = false;
  if (target == "-") {
    file = stdout;
  } else if (!target.empty()) {
    file = std::fopen(target.c_str(), "a");
    if (file == nullptr) return Fail(Error::FailedPrecondition(fmt::format("cannot open access log {}", target)));
    own = true;
  }
  return std::unique_ptr<AccessLog>(new AccessLog(file, own));
}

AccessLog::AccessLog(std::FILE* file, bool own) : file_(file), own_(own), client_salt_(RandomHex(16)) {}

AccessLog::~AccessLog() {
  Flush();
  if (own_) std::fclose(file_);
}

void AccessLog::Request(const HttpRequest& request, std::string_view client, Route route, int status, double seconds) {
  if (file_ == nullptr) return;
  const std::string hash = fmt::format("{:016x}", std::hash<std::string>{}(client_salt_ + std::string(client)));
  const json line = {{"ts", FormatTime(NowMs())},          {"method", request.method}, {"path", request.path},
                     {"route", RouteName(route)},          {"status", status},         {"ms", std::round(seconds * 1e6) / 1e3},
                     {"client", hash}};
  Write(line.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
}

void AccessLog::Problem(std::string_view key, std::string_view message) {
  if (file_ == nullptr) return;
  Write(fmt::format("{{\"ts\":\"{}\",{}:{}}}\n", FormatTime(NowMs()), json(key).dump(),
                    json(message).dump(-1, ' ', false, json::error_handler_t::replace)));
}

void AccessLog::Write(const std::string& line) {
  std::lock_guard<std::mutex> lock(mu_);
  std::fputs(line.c_str(), file_);
}

void AccessLog::Flush() {
  std::lock_guard<std::mutex> lock(mu_);
  if (file_ != nullptr) std::fflush(file_);
}

}  // namespace kb::api
