#include "server/api/config.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <tuple>
#include <thread>

#include <fmt/core.h>
#include <toml++/toml.h>

#include "indexer/base/file.h"
#include "indexer/base/utf8.h"
#include "indexer/base/flags.h"
#include "indexer/base/lines.h"
#include "indexer/base/strings.h"
#include "indexer/base/time.h"
#include "server/analytics/event_store.h"
#include "server/search/shards.h"

namespace kb::api {

int ServerConfig::EffectiveThreads() const {
  if (threads > 0) return threads;
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(64, 16 * cores);
}

namespace {

int LineOf(const toml::node& node) { return static_cast<int>(node.source().begin.line); }

Error ConfigError(const toml::node& node, std::string message) {
  return Error::InvalidArgument(std::move(message), SourceLocation{"", LineOf(node), static_cast<int>(node.source().begin.column)});
}

// Readers for one key; each returns an error naming the key and its line.
Result<void> Read(const toml::node& node, std::string_view key, std::string& out) {
  if (auto v = node.value<std::string>()) {
    out = *v;
    return {};
  }
  return Fail(ConfigError(node, fmt::format("'{}' must be a string", key)));
}

// node.value<int64_t>() converts a float too, out of range as well (undefined
// behaviour): integers are read only from integer nodes.
Result<void> Read(const toml::node& node, std::string_view key, int& out) {
  if (auto v = node.is_integer() ? node.value<int64_t>() : std::nullopt) {
    if (*v < std::numeric_limits<int>::min() || *v > std::numeric_limits<int>::max()) {
      return Fail(ConfigError(node, fmt::format("'{}' is out of range: {}", key, *v)));
    }
    out = static_cast<int>(*v);
    return {};
  }
  return Fail(ConfigError(node, fmt::format("'{}' must be an integer", key)));
}

// An integer setting that must lie in [min, max]; `problem` says so.
struct Bounded {
  int& value;
  int min, max;
  std::string_view problem;
};

Result<void> Read(const toml::node& node, std::string_view key, Bounded& out) {
  int v = 0;
  if (auto r = Read(node, key, v); !r) return r;
  if (v < out.min || v > out.max) return Fail(ConfigError(node, fmt::format("{}, got {}", out.problem, v)));
  out.value = v;
  return {};
}

Result<void> Read(const toml::node& node, std::string_view key, bool& out) {
  if (auto v = node.value_exact<bool>()) {
    out = *v;
    return {};
  }
  return Fail(ConfigError(node, fmt::format("'{}' must be true or false", key)));
}

Result<void> Read(const toml::node& node, std::string_view key, std::size_t& out) {
  if (auto v = node.is_integer() ? node.value<int64_t>() : std::nullopt; v && *v >= 0) {
    out = static_cast<std::size_t>(*v);
    return {};
  }
  return Fail(ConfigError(node, fmt::format("'{}' must be a non-negative integer", key)));
}

Result<void> Read(const toml::node& node, std::string_view key, double& out) {
  if (node.is_number()) {
    out = *node.value<double>();
    return {};
  }
  return Fail(ConfigError(node, fmt::format("'{}' must be a number", key)));
}

Result<void> Read(const toml::node& node, std::string_view key, std::chrono::milliseconds& out) {
  auto v = node.value<std::string>();
  if (!v) return Fail(ConfigError(node, fmt::format("'{}' must be a duration such as \"24h\"", key)));
  auto d = ParseDuration(*v);
  if (!d) return Fail(ConfigError(node, fmt::format("'{}': {}", key, d.error().message())));
  out = *d;
  return {};
}

Result<void> Read(const toml::node& node, std::string_view key, std::vector<std::string>& out) {
  const toml::array* array = node.as_array();
  if (array == nullptr) return Fail(ConfigError(node, fmt::format("'{}' must be an array of strings", key)));
  std::vector<std::string> values;
  for (const toml::node& item : *array) {
    auto v = item.value<std::string>();
    if (!v) return Fail(ConfigError(item, fmt::format("'{}' must be an array of strings", key)));
    values.push_back(*v);
  }
  out = std::move(values);
  return {};
}

// CIDR blocks, each checked where it is written.
Result<void> Read(const toml::node& node, std::string_view key, TrustedProxies& out) {
  std::vector<std::string> texts;
  if (auto r = Read(node, key, texts); !r) return r;
  std::vector<CidrBlock> blocks;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    auto block = ParseCidrBlock(texts[i]);
    if (!block) return Fail(ConfigError(*node.as_array()->get(i), fmt::format("'{}': {}", key, block.error().message())));
    blocks.push_back(*block);
  }
  out = TrustedProxies(std::move(blocks));
  return {};
}

// A source of a CSP source list: 'self', 'none', a scheme ("https:") or a
// host with an optional scheme, port and path, and nothing that could end
// the directive or the header.
bool IsCspSource(std::string_view s) {
  if (s == "'self'" || s == "'none'") return true;
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("-._~:/*%").find(c) != std::string_view::npos;
  });
}

Result<void> ReadFrameAncestors(const toml::node& node, std::string_view key, std::vector<std::string>& out) {
  std::vector<std::string> sources;
  if (auto r = Read(node, key, sources); !r) return r;
  if (sources.empty()) {
    return Fail(ConfigError(node, fmt::format("'{}' is empty: write [\"'none'\"] to let no page frame them", key)));
  }
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const toml::node& item = *node.as_array()->get(i);
    if (!IsCspSource(sources[i])) {
      return Fail(ConfigError(
          item, fmt::format("'{}': '{}' is not a CSP source such as 'self' or https://help.example.com", key, sources[i])));
    }
    if (sources[i] == "'none'" && sources.size() > 1) {
      return Fail(ConfigError(item, fmt::format("'{}': 'none' cannot be combined with other sources", key)));
    }
  }
  out = std::move(sources);
  return {};
}

// "http://host" or "http://host:port", nothing after it.
bool IsHttpOrigin(std::string_view url) {
  if (!url.starts_with("http://")) return false;
  url.remove_prefix(7);
  if (url.empty() || url.front() == ':') return false;
  const std::size_t colon = url.rfind(':');
  const std::string_view host = url.substr(0, colon);
  if (host.empty() || host.find_first_of("/?#@ ") != std::string_view::npos) return false;
  if (colon == std::string_view::npos) return true;
  const std::string_view port = url.substr(colon + 1);
  return !port.empty() && port.size() <= 5 && port.find_first_not_of("0123456789") == std::string_view::npos &&
         std::stoi(std::string(port)) <= 65535;
}

// Remote shard addresses, each checked where it is written; none twice.
Result<void> CheckShards(const toml::node& node, const std::vector<std::string>& shards) {
  if (shards.empty()) return Fail(ConfigError(node, "[index] shards is empty: remove it to search a local index"));
  for (std::size_t i = 0; i < shards.size(); ++i) {
    const toml::node& item = *node.as_array()->get(i);
    if (auto address = search::ParseShardAddress(shards[i]); !address) {
      return Fail(ConfigError(item, "[index] " + address.error().message()));
    }
    if (std::find(shards.begin(), shards.begin() + static_cast<std::ptrdiff_t>(i), shards[i]) != shards.begin() + static_cast<std::ptrdiff_t>(i)) {
      return Fail(ConfigError(item, fmt::format("[index] shard '{}' is listed twice", shards[i])));
    }
  }
  return {};
}

Result<void> ReadSection(const toml::table& section, std::string_view name,
                         std::initializer_list<std::pair<std::string_view, std::function<Result<void>(const toml::node&)>>> fields) {
  for (const auto& [key, node] : section) {
    bool known = false;
    for (const auto& [field, read] : fields) {
      if (field == key.str()) {
        known = true;
        if (auto r = read(node); !r) return r;
      }
    }
    if (!known) return Fail(ConfigError(node, fmt::format("unknown key '{}' in [{}]", key.str(), name)));
  }
  return {};
}

}  // namespace

Result<ServerConfig> ParseConfig(std::string_view toml_text, ServerConfig c) {
  toml::table root;
  try {
    root = toml::parse(toml_text);
  } catch (const toml::parse_error& e) {
    return Fail(Error::InvalidArgument(ToValidUtf8(e.description()),
                                       SourceLocation{"", static_cast<int>(e.source().begin.line),
                                                      static_cast<int>(e.source().begin.column)}));
  }
  using R = std::function<Result<void>(const toml::node&)>;
  auto field = [](std::string_view key, auto& target) {
    return std::pair<std::string_view, R>(key, [key, &target](const toml::node& n) { return Read(n, key, target); });
  };
  constexpr int kMaxInt = std::numeric_limits<int>::max();
  Bounded port{c.port, 0, 65535, "'port' must be from 0 to 65535"};
  Bounded query_chars{c.max_query_chars, 1, kMaxInt, "'max_query_chars' must be at least 1"};
  Bounded retention{c.retention_days, 0, kMaxInt, "[events] retention_days must be 0 (keep all) or more"};
  Bounded min_clients{c.learning_min_clients, 1, kMaxInt, "[learning] min_clients must be at least 1"};
  for (const auto& [name, node] : root) {
    const toml::table* section = node.as_table();
    if (section == nullptr) {
      return Fail(ConfigError(node, fmt::format("'{}' must be a section such as [{}]", name.str(), name.str())));
    }
    Result<void> r;
    const std::string_view n = name.str();
    if (n == "server") {
      r = ReadSection(*section, n,
                      {field("host", c.host), field("port", port), field("threads", c.threads),
                       field("max_connections", c.max_connections),
                       field("max_connections_per_client", c.max_connections_per_client),
                       field("header_timeout", c.header_timeout), field("body_timeout", c.body_timeout),
                       field("keep_alive_timeout", c.keep_alive_timeout),
                       field("default_locale", c.default_locale), field("dictionary_dir", c.dictionary_dir),
                       field("widgets_dir", c.widgets_dir),
                       field("access_log", c.access_log), field("cache_entries", c.cache_entries),
                       field("trusted_proxies", c.trusted_proxies),
                       {"frame_ancestors",
                        [&c](const toml::node& n) { return ReadFrameAncestors(n, "frame_ancestors", c.frame_ancestors); }}});
    } else if (n == "index") {
      std::string shard_down = c.shard_partial ? "partial" : "fail";
      r = ReadSection(*section, n,
                      {field("path", c.index_path), field("corpus", c.corpus_path), field("primary", c.index_primary),
                       field("shards", c.index_shards), field("shard_timeout", c.shard_timeout),
                       field("shard_down", shard_down)});
      if (r && section->contains("primary") && !IsHttpOrigin(c.index_primary)) {
        r = Fail(ConfigError(*section->get("primary"),
                             fmt::format("[index] primary must be the indexer's http://host:port, got '{}'", c.index_primary)));
      }
      if (r && section->contains("shards")) r = CheckShards(*section->get("shards"), c.index_shards);
      if (r && shard_down != "fail" && shard_down != "partial") {
        r = Fail(ConfigError(*section->get("shard_down"),
                             fmt::format("[index] shard_down must be \"fail\" or \"partial\", got '{}'", shard_down)));
      }
      c.shard_partial = shard_down == "partial";
    } else if (n == "events") {
      r = ReadSection(*section, n,
                      {field("path", c.events_path), field("url", c.events_url),
                       field("attribution_window", c.attribution_window), field("retention_days", retention)});
      if (r && section->contains("url")) {
        const toml::node& url = *section->get("url");
        if (!analytics::IsPostgresUrl(c.events_url)) {
          r = Fail(ConfigError(url, "[events] url must be a PostgreSQL URL: postgresql://user:password@host:port/database"));
        } else if (section->contains("path")) {
          r = Fail(ConfigError(url, "[events] path and url are both set: the events go to one store"));
        }
      }
    } else if (n == "learning") {
      r = ReadSection(*section, n,
                      {field("enabled", c.learning_enabled), field("interval", c.learning_interval),
                       field("min_clients", min_clients), field("half_life", c.learning_half_life)});
    } else if (n == "webhooks") {
      r = ReadSection(*section, n, {field("ticket_secret", c.ticket_secret)});
    } else if (n == "auth") {
      r = ReadSection(*section, n,
                      {field("agent_keys", c.agent_keys), field("admin_keys", c.admin_keys),
                       field("agent_keys_file", c.agent_keys_file), field("admin_keys_file", c.admin_keys_file)});
    } else if (n == "cors") {
      r = ReadSection(*section, n, {field("allowed_origins", c.allowed_origins)});
    } else if (n == "rate_limit") {
      r = ReadSection(*section, n, {field("requests_per_second", c.requests_per_second), field("burst", c.burst)});
    } else if (n == "limits") {
      r = ReadSection(*section, n, {field("max_query_chars", query_chars), field("max_body_bytes", c.max_body_bytes)});
    } else {
      return Fail(ConfigError(node, fmt::format("unknown section [{}]", n)));
    }
    if (!r) return Fail(r.error());
  }
  for (const auto& [keys, file, what] : {std::tuple{&c.agent_keys, &c.agent_keys_file, "agent"},
                                         std::tuple{&c.admin_keys, &c.admin_keys_file, "admin"}}) {
    if (!keys->empty() && !file->empty()) {
      return Fail(Error::InvalidArgument(
          fmt::format("[auth] {0}_keys and {0}_keys_file are both set: keep the {0} keys in one place", what)));
    }
  }
  return c;
}

Result<std::vector<std::string>> ParseKeys(std::string_view text) {
  std::vector<std::string> keys;
  LineReader lines(text);
  std::string_view line;
  while (lines.Next(line)) {
    line = TrimBlanks(line);
    if (line.empty() || line.front() == '#') continue;
    const bool printable = std::all_of(line.begin(), line.end(), [](char ch) { return ch > ' ' && ch < 0x7f; });
    if (!printable) {
      return Fail(Error::InvalidArgument("a key must be printable ASCII without spaces (the line is not shown)",
                                         SourceLocation{"", lines.number(), 0}));
    }
    keys.emplace_back(line);
  }
  return keys;
}

Result<std::vector<std::string>> ReadKeysFile(const std::string& path) {
  auto text = ReadFile(path);
  if (!text) return Fail(text.error());
  auto keys = ParseKeys(*text);
  if (!keys) return Fail(keys.error().WithPath(path));
  return keys;
}

Result<ServerConfig> ConfigFromArgs(const std::vector<std::string>& args) {
  std::map<std::string, std::string> flags;
  FlagParser parser;
  std::map<std::string, bool> given;
  for (const char* name : {"index", "host", "port", "events", "attribution-window", "config"}) {
    parser.Value(name, &flags[name], &given[name]);
  }
  if (auto parsed = parser.Parse(args); !parsed) return Fail(parsed.error());
  std::erase_if(flags, [&](const auto& entry) { return !given[entry.first]; });
  ServerConfig c;
  if (auto it = flags.find("config"); it != flags.end()) {
    auto text = ReadFile(it->second);
    if (!text) return Fail(text.error());
    auto parsed = ParseConfig(*text, c);
    if (!parsed) return Fail(parsed.error().WithPath(it->second));
    c = *parsed;
  }
  if (auto it = flags.find("index"); it != flags.end()) c.index_path = it->second;
  if (auto it = flags.find("host"); it != flags.end()) c.host = it->second;
  if (auto it = flags.find("events"); it != flags.end()) {
    if (analytics::IsPostgresUrl(it->second)) {
      c.events_url = it->second;
    } else {
      c.events_path = it->second;
      c.events_url.clear();
    }
  }
  if (auto it = flags.find("attribution-window"); it != flags.end()) {
    auto w = ParseDuration(it->second);
    if (!w) return Fail(Error::InvalidArgument(fmt::format("--attribution-window: {}", w.error().message())));
    c.attribution_window = *w;
  }
  if (auto it = flags.find("port"); it != flags.end()) {
    try {
      std::size_t used = 0;
      c.port = std::stoi(it->second, &used);
      if (used != it->second.size() || c.port < 0 || c.port > 65535) throw std::out_of_range("port");
    } catch (...) {
      return Fail(Error::InvalidArgument(fmt::format("--port must be a number from 0 to 65535, got '{}'", it->second)));
    }
  }
  for (const auto& [keys, file, name] : {std::tuple{&c.agent_keys, &c.agent_keys_file, "agent_keys_file"},
                                         std::tuple{&c.admin_keys, &c.admin_keys_file, "admin_keys_file"}}) {
    if (file->empty()) continue;
    auto read = ReadKeysFile(*file);
    if (!read) {
      const Error& e = read.error();
      return Fail(e.where().line > 0 ? e : Error(e.code(), fmt::format("[auth] {}: {}", name, e.message())));
    }
    *keys = std::move(*read);
  }
  return c;
}

}  // namespace kb::api
