// kb-server's TOML config file: every problem has a line, and what is
// accepted is in range.
#include <fmt/core.h>

#include "server/api/config.h"
#include "tests/fuzz/fuzz_targets.h"

namespace kb::fuzz {

void FuzzTomlConfig(std::string_view input) {
  auto config = api::ParseConfig(input, api::ServerConfig{});
  if (!config) {
    const Error& e = config.error();
    Check(e.code() == ErrorCode::kInvalidArgument, "an error that is not invalid_argument: " + e.ToString());
    Check(e.where().line >= 1 && e.where().line <= LineCount(input) + 1, "a config error without its line: " + e.ToString());
    Check(IsUtf8(e.message()), "a config error message is not valid UTF-8");
    return;
  }
  Check(config->port >= 0 && config->port <= 65535, "a port out of range was accepted");
  Check(config->max_query_chars >= 1 && config->retention_days >= 0, "a limit out of range was accepted");
  Check(config->EffectiveThreads() >= 1, "no worker threads");
}

}  // namespace kb::fuzz
