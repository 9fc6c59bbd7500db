#include "server/api/config.h"

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "indexer/base/temp_dir.h"
#include "tests/test_files.h"

namespace kb::api {
namespace {

TEST(ConfigTest, ReadsEverySection) {
  auto c = ParseConfig(R"(
[server]
host = "0.0.0.0"
port = 9000
threads = 32
max_connections = 5000
max_connections_per_client = 8
header_timeout = "3s"
body_timeout = "20s"
keep_alive_timeout = "1m"
default_locale = "de"
dictionary_dir = "/srv/dict"
widgets_dir = "/srv/widgets"
access_log = ""
cache_entries = 10

[index]
path = "/srv/index"

[events]
path = "/srv/events.sqlite"
attribution_window = "2h"
retention_days = 90

[webhooks]
ticket_secret = "s3cret"

[auth]
agent_keys = ["a1", "a2"]
admin_keys = ["root"]

[cors]
allowed_origins = ["https://help.example.com"]

[rate_limit]
requests_per_second = 5
burst = 10.5

[limits]
max_query_chars = 100
max_body_bytes = 2048
)",
                       ServerConfig{});
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->host, "0.0.0.0");
  EXPECT_EQ(c->port, 9000);
  EXPECT_EQ(c->threads, 32);
  EXPECT_EQ(c->EffectiveThreads(), 32);
  EXPECT_EQ(c->max_connections, 5000u);
  EXPECT_EQ(c->max_connections_per_client, 8u);
  EXPECT_EQ(c->header_timeout, std::chrono::seconds(3));
  EXPECT_EQ(c->body_timeout, std::chrono::seconds(20));
  EXPECT_EQ(c->keep_alive_timeout, std::chrono::minutes(1));
  EXPECT_EQ(c->default_locale, "de");
  EXPECT_EQ(c->dictionary_dir, "/srv/dict");
  EXPECT_EQ(c->widgets_dir, "/srv/widgets");
  EXPECT_EQ(c->access_log, "");
  EXPECT_EQ(c->cache_entries, 10);
  EXPECT_EQ(c->index_path, "/srv/index");
  EXPECT_EQ(c->events_path, "/srv/events.sqlite");
  EXPECT_EQ(c->attribution_window, std::chrono::hours(2));
  EXPECT_EQ(c->retention_days, 90);
  EXPECT_EQ(c->ticket_secret, "s3cret");
  EXPECT_EQ(c->agent_keys, (std::vector<std::string>{"a1", "a2"}));
  EXPECT_EQ(c->admin_keys, (std::vector<std::string>{"root"}));
  EXPECT_EQ(c->allowed_origins, (std::vector<std::string>{"https://help.example.com"}));
  EXPECT_EQ(c->requests_per_second, 5);
  EXPECT_EQ(c->burst, 10.5);
  EXPECT_EQ(c->max_query_chars, 100);
  EXPECT_EQ(c->max_body_bytes, 2048u);
}

TEST(ConfigTest, AnalyticsSettingsAreChecked) {
  auto c = ParseConfig("[events]\nattribution_window = \"a day\"\n", ServerConfig{});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().message(),
            "'attribution_window': 'a day' is not a duration: use a positive number with ms, s, m, h or d, such as 24h");
  EXPECT_EQ(c.error().where().line, 2);
  c = ParseConfig("[events]\nretention_days = -1\n", ServerConfig{});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().message(), "[events] retention_days must be 0 (keep all) or more, got -1");
  EXPECT_EQ(c.error().where().line, 2);
  auto flags = ConfigFromArgs({"--attribution-window", "30m", "--events", "/tmp/e.sqlite"});
  ASSERT_TRUE(flags.has_value());
  EXPECT_EQ(flags->attribution_window, std::chrono::minutes(30));
  EXPECT_EQ(flags->events_path, "/tmp/e.sqlite");
  flags = ConfigFromArgs({"--attribution-window", "never"});
  ASSERT_FALSE(flags.has_value());
  EXPECT_EQ(flags.error().message(),
            "--attribution-window: 'never' is not a duration: use a positive number with ms, s, m, h or d, such as 24h");
}

TEST(ConfigTest, EventsGoToSqliteOrToOnePostgresqlUrl) {
  auto c = ParseConfig("[events]\nurl = \"postgresql://kb:pw@db.internal:5432/kb\"\n", ServerConfig{});
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->events_url, "postgresql://kb:pw@db.internal:5432/kb");
  c = ParseConfig("[events]\n\nurl = \"mysql://db/kb\"\n", ServerConfig{});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().message(), "[events] url must be a PostgreSQL URL: postgresql://user:password@host:port/database");
  EXPECT_EQ(c.error().where().line, 3);
  c = ParseConfig("[events]\npath = \"e.sqlite\"\nurl = \"postgres://db/kb\"\n", ServerConfig{});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().message(), "[events] path and url are both set: the events go to one store");
  EXPECT_EQ(c.error().where().line, 3);
  // --events takes either; the last word is the flag's.
  auto flags = ConfigFromArgs({"--events", "postgresql://db/kb"});
  ASSERT_TRUE(flags.has_value());
  EXPECT_EQ(flags->events_url, "postgresql://db/kb");
  TempDir tmp("config");
  testing::WriteFile(tmp.path(), "kb.toml", "[events]\nurl = \"postgresql://db/kb\"\n");
  flags = ConfigFromArgs({"--config", tmp.path() + "/kb.toml", "--events", "/tmp/e.sqlite"});
  ASSERT_TRUE(flags.has_value());
  EXPECT_EQ(flags->events_url, "");
  EXPECT_EQ(flags->events_path, "/tmp/e.sqlite");
}

TEST(ConfigTest, AReplicaNamesItsIndexerAsAnHttpOrigin) {
  auto c = ParseConfig("[index]\nprimary = \"http://indexer.internal:8080\"\n", ServerConfig{});
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->index_primary, "http://indexer.internal:8080");
  EXPECT_EQ(ServerConfig{}.index_primary, "");
  for (const char* bad : {"indexer:8080", "https://indexer", "http://", "http://:80", "http://indexer:99999",
                          "http://indexer/api", "http://user@indexer"}) {
    c = ParseConfig(fmt::format("[index]\nprimary = \"{}\"\n", bad), ServerConfig{});
    ASSERT_FALSE(c.has_value()) << bad;
    EXPECT_EQ(c.error().message(), fmt::format("[index] primary must be the indexer's http://host:port, got '{}'", bad));
    EXPECT_EQ(c.error().where().line, 2) << bad;
  }
}

TEST(ConfigTest, RemoteShardsAreCheckedWhereTheyAreWritten) {
  auto c = ParseConfig(
      "[index]\npath = \"/srv/index\"\nshards = [\"tcp://10.0.0.5:7001\", \"tcp://[fd00::6]:7001\"]\n"
      "shard_timeout = \"500ms\"\nshard_down = \"partial\"\n",
      ServerConfig{});
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->index_shards, (std::vector<std::string>{"tcp://10.0.0.5:7001", "tcp://[fd00::6]:7001"}));
  EXPECT_EQ(c->shard_timeout, std::chrono::milliseconds(500));
  EXPECT_TRUE(c->shard_partial);
  const ServerConfig defaults;
  EXPECT_TRUE(defaults.index_shards.empty());
  EXPECT_EQ(defaults.shard_timeout, std::chrono::seconds(2));
  EXPECT_FALSE(defaults.shard_partial);
  c = ParseConfig("[index]\nshard_down = \"fail\"\n", ServerConfig{.shard_partial = true});
  ASSERT_TRUE(c.has_value());
  EXPECT_FALSE(c->shard_partial);

  auto expect = [](const std::string& toml, int line, const std::string& message) {
    auto r = ParseConfig(toml, ServerConfig{});
    ASSERT_FALSE(r.has_value()) << toml;
    EXPECT_EQ(r.error().message(), message) << toml;
    EXPECT_EQ(r.error().where().line, line) << toml;
  };
  expect("[index]\nshards = [\n  \"tcp://a:7001\",\n  \"b:7001\"]\n", 4,
         "[index] shard 'b:7001' is not a tcp:// address: give tcp://host:port");
  expect("[index]\nshards = [\"tcp://a:7001\", \"tcp://a\"]\n", 2,
         "[index] shard 'tcp://a' has no port: give tcp://host:port");
  expect("[index]\nshards = [\"tcp://a:7001\",\n\"tcp://a:7001\"]\n", 3, "[index] shard 'tcp://a:7001' is listed twice");
  expect("[index]\nshards = []\n", 2, "[index] shards is empty: remove it to search a local index");
  expect("[index]\nshards = \"tcp://a:7001\"\n", 2, "'shards' must be an array of strings");
  expect("[index]\n\nshard_timeout = \"0ms\"\n", 3,
         "'shard_timeout': '0ms' is not a duration: use a positive number with ms, s, m, h or d, such as 24h");
  expect("[index]\nshard_down = \"wait\"\n", 2, "[index] shard_down must be \"fail\" or \"partial\", got 'wait'");
  expect("[index]\nshard_down = true\n", 2, "'shard_down' must be a string");
}

TEST(ConfigTest, LearningIsOnByDefaultAndItsSettingsAreChecked) {
  const ServerConfig defaults;
  EXPECT_TRUE(defaults.learning_enabled);
  EXPECT_EQ(defaults.learning_interval, std::chrono::hours(1));
  EXPECT_EQ(defaults.learning_min_clients, 5);
  EXPECT_EQ(defaults.learning_half_life, std::chrono::hours(24 * 90));
  auto c = ParseConfig("[learning]\nenabled = false\ninterval = \"30m\"\nmin_clients = 10\nhalf_life = \"30d\"\n",
                       ServerConfig{});
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_FALSE(c->learning_enabled);
  EXPECT_EQ(c->learning_interval, std::chrono::minutes(30));
  EXPECT_EQ(c->learning_min_clients, 10);
  EXPECT_EQ(c->learning_half_life, std::chrono::hours(24 * 30));
  for (const auto& [text, message] : std::vector<std::pair<std::string, std::string>>{
           {"[learning]\nenabled = \"no\"\n", "'enabled' must be true or false"},
           {"[learning]\nmin_clients = 0\n", "[learning] min_clients must be at least 1, got 0"},
           {"[learning]\ninterval = \"0s\"\n",
            "'interval': '0s' is not a duration: use a positive number with ms, s, m, h or d, such as 24h"},
           {"[learning]\nhalf_life = 90\n", "'half_life' must be a duration such as \"24h\""},
           {"[learning]\nk = 5\n", "unknown key 'k' in [learning]"},
       }) {
    auto bad = ParseConfig(text, ServerConfig{});
    ASSERT_FALSE(bad.has_value()) << text;
    EXPECT_EQ(bad.error().message(), message);
    EXPECT_EQ(bad.error().where().line, 2) << text;
  }
}

TEST(ConfigTest, ConnectionLimitsHaveDefaultsAndAreChecked) {
  const ServerConfig defaults;
  EXPECT_EQ(defaults.max_connections, 0u);
  EXPECT_EQ(defaults.max_connections_per_client, 32u);
  EXPECT_EQ(defaults.header_timeout, std::chrono::seconds(5));
  EXPECT_EQ(defaults.body_timeout, std::chrono::seconds(10));
  EXPECT_EQ(defaults.keep_alive_timeout, std::chrono::seconds(5));

  const std::vector<std::pair<std::string, std::string>> bad = {
      {"max_connections = -5", "'max_connections' must be a non-negative integer"},
      {"max_connections = \"many\"", "'max_connections' must be a non-negative integer"},
      {"max_connections_per_client = -1", "'max_connections_per_client' must be a non-negative integer"},
      {"max_connections_per_client = 2.5", "'max_connections_per_client' must be a non-negative integer"},
      {"header_timeout = 5", "'header_timeout' must be a duration such as \"24h\""},
      {"header_timeout = \"soon\"",
       "'header_timeout': 'soon' is not a duration: use a positive number with ms, s, m, h or d, such as 24h"},
      {"body_timeout = \"0s\"",
       "'body_timeout': '0s' is not a duration: use a positive number with ms, s, m, h or d, such as 24h"},
      {"keep_alive_timeout = \"5 s\"",
       "'keep_alive_timeout': '5 s' is not a duration: use a positive number with ms, s, m, h or d, such as 24h"},
  };
  for (const auto& [line, message] : bad) {
    auto c = ParseConfig("[server]\nport = 8080\n" + line + "\n", ServerConfig{});
    ASSERT_FALSE(c.has_value()) << line;
    EXPECT_EQ(c.error().message(), message) << line;
    EXPECT_EQ(c.error().where().line, 3) << line;
  }
}

// Numbers out of range are errors on their line: an integer wider than int
// once wrapped around (port = 4294967376 was port 80).
TEST(ConfigTest, NumbersOutOfRangeAreErrorsOnTheirLine) {
  auto c = ParseConfig("[server]\nport = 4294967376\n", ServerConfig{});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().where().line, 2);
  EXPECT_EQ(c.error().message(), "'port' is out of range: 4294967376");
  c = ParseConfig("[server]\nhost = \"::1\"\nport = 70000\n", ServerConfig{});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().where().line, 3);
  EXPECT_EQ(c.error().message(), "'port' must be from 0 to 65535, got 70000");
  c = ParseConfig("[limits]\nmax_query_chars = 0\n", ServerConfig{});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().where().line, 2);
  EXPECT_EQ(c.error().message(), "'max_query_chars' must be at least 1, got 0");
  c = ParseConfig("[server]\nthreads = -9999999999\n", ServerConfig{});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().message(), "'threads' is out of range: -9999999999");
  EXPECT_EQ(ParseConfig("[server]\nport = 0\n", ServerConfig{})->port, 0);
}

// toml++ converts a float to an integer out of range (undefined behaviour)
// when asked for an integer: only integers are read as integers.
TEST(ConfigTest, AFloatWhereAnIntegerGoesIsAnError) {
  for (const char* text : {"[server]\nport = 99e77\n", "[server]\nport = 80.0\n", "[limits]\nmax_body_bytes = -1e300\n"}) {
    auto c = ParseConfig(text, ServerConfig{});
    ASSERT_FALSE(c.has_value()) << text;
    EXPECT_EQ(c.error().where().line, 2) << text;
  }
  EXPECT_EQ(ParseConfig("[server]\nport = 99e77\n", ServerConfig{}).error().message(), "'port' must be an integer");
  EXPECT_EQ(ParseConfig("[limits]\nmax_body_bytes = 1.5\n", ServerConfig{}).error().message(),
            "'max_body_bytes' must be a non-negative integer");
}

TEST(ConfigTest, ErrorsNameTheLine) {
  auto c = ParseConfig("[server]\nport = 8080\nprot = 1\n", ServerConfig{});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().where().line, 3);
  EXPECT_EQ(c.error().message(), "unknown key 'prot' in [server]");

  c = ParseConfig("[server]\nport = \"eighty\"\n", ServerConfig{});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().where().line, 2);
  EXPECT_EQ(c.error().message(), "'port' must be an integer");

  c = ParseConfig("\n[sever]\n", ServerConfig{});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().where().line, 2);
  EXPECT_EQ(c.error().message(), "unknown section [sever]");

  c = ParseConfig("[auth]\nagent_keys = [\"a\", 2]\n", ServerConfig{});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().where().line, 2);
  EXPECT_EQ(c.error().message(), "'agent_keys' must be an array of strings");

  c = ParseConfig("[server\nport = 1\n", ServerConfig{});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().where().line, 1);
  EXPECT_FALSE(c.error().message().empty());
}

TEST(ConfigTest, FlagsOverrideTheFile) {
  TempDir tmp("config");
  const std::string file = testing::WriteFile(tmp.path(), "kb.toml", "[server]\nport = 9000\nhost = \"0.0.0.0\"\n");
  auto c = ConfigFromArgs({"--config", file, "--port", "9100", "--index", "/x"});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->port, 9100);
  EXPECT_EQ(c->host, "0.0.0.0");
  EXPECT_EQ(c->index_path, "/x");
}

TEST(ConfigTest, BadFlags) {
  auto c = ConfigFromArgs({"--port", "http"});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().message(), "--port must be a number from 0 to 65535, got 'http'");
  c = ConfigFromArgs({"--verbose"});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().message(), "unknown flag --verbose");
  c = ConfigFromArgs({"--index"});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().message(), "flag --index needs a value");
  TempDir tmp("config");
  const std::string file = testing::WriteFile(tmp.path(), "kb.toml", "[limits]\nmax_body_bytes = -1\n");
  c = ConfigFromArgs({"--config", file});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().ToString(), file + ":2: error: 'max_body_bytes' must be a non-negative integer");
}

TEST(ConfigTest, TrustedProxiesAreCidrBlocks) {
  EXPECT_TRUE(ServerConfig{}.trusted_proxies.empty());
  auto c = ParseConfig("[server]\ntrusted_proxies = [\"10.0.0.0/8\", \"2001:db8::/32\", \"192.0.2.7\"]\n", ServerConfig{});
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->trusted_proxies.blocks().size(), 3u);
  EXPECT_TRUE(c->trusted_proxies.Contains("10.20.30.40"));
  EXPECT_TRUE(c->trusted_proxies.Contains("2001:db8::1"));
  EXPECT_TRUE(c->trusted_proxies.Contains("192.0.2.7"));
  EXPECT_FALSE(c->trusted_proxies.Contains("192.0.2.8"));

  // Each block is checked where it is written.
  TempDir tmp("config");
  const std::string file = testing::WriteFile(tmp.path(), "kb.toml",
                                              "[server]\ntrusted_proxies = [\n  \"10.0.0.0/8\",\n  \"10.0.0.0/33\",\n]\n");
  auto flags = ConfigFromArgs({"--config", file});
  ASSERT_FALSE(flags.has_value());
  EXPECT_EQ(flags.error().ToString(),
            file + ":4: error: 'trusted_proxies': '10.0.0.0/33': the prefix of an IPv4 block is 0 to 32 bits");
  c = ParseConfig("[server]\ntrusted_proxies = [\"proxy.internal\"]\n", ServerConfig{});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().where().line, 2);
  EXPECT_EQ(c.error().message(),
            "'trusted_proxies': 'proxy.internal' is not an IP address or CIDR block such as 10.0.0.0/8 or 2001:db8::/32");
  c = ParseConfig("\n[server]\ntrusted_proxies = [\"2001:db8::1/32\"]\n", ServerConfig{});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().where().line, 3);
  EXPECT_EQ(c.error().message(), "'trusted_proxies': '2001:db8::1/32' has bits set past its /32 prefix; write 2001:db8::/32");
  c = ParseConfig("[server]\ntrusted_proxies = \"10.0.0.0/8\"\n", ServerConfig{});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().where().line, 2);
  EXPECT_EQ(c.error().message(), "'trusted_proxies' must be an array of strings");
}

TEST(ConfigTest, FrameAncestorsAreCspSources) {
  EXPECT_EQ(ServerConfig{}.frame_ancestors, (std::vector<std::string>{"'self'"}));
  auto c = ParseConfig("[server]\nframe_ancestors = [\"'self'\", \"https://help.example.com\", \"https://*.example.org:8443\"]\n",
                       ServerConfig{});
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->frame_ancestors,
            (std::vector<std::string>{"'self'", "https://help.example.com", "https://*.example.org:8443"}));
  c = ParseConfig("[server]\nframe_ancestors = [\"'none'\"]\n", ServerConfig{});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->frame_ancestors, (std::vector<std::string>{"'none'"}));

  auto expect = [](const std::string& toml, int line, const std::string& message) {
    auto r = ParseConfig(toml, ServerConfig{});
    ASSERT_FALSE(r.has_value()) << toml;
    EXPECT_EQ(r.error().where().line, line) << toml;
    EXPECT_EQ(r.error().message(), message) << toml;
  };
  expect("[server]\nframe_ancestors = [\"'self'\",\n  \"https://a.example; script-src *\"]\n", 3,
         "'frame_ancestors': 'https://a.example; script-src *' is not a CSP source such as 'self' or "
         "https://help.example.com");
  expect("[server]\nframe_ancestors = [\"self\", \"'unsafe-inline'\"]\n", 2,
         "'frame_ancestors': ''unsafe-inline'' is not a CSP source such as 'self' or https://help.example.com");
  expect("[server]\nframe_ancestors = [\"https://a.example\\r\\nX-Evil: 1\"]\n", 2,
         "'frame_ancestors': 'https://a.example\r\nX-Evil: 1' is not a CSP source such as 'self' or "
         "https://help.example.com");
  expect("[server]\nframe_ancestors = [\"'self'\", \"'none'\"]\n", 2,
         "'frame_ancestors': 'none' cannot be combined with other sources");
  expect("[server]\nframe_ancestors = []\n", 2, "'frame_ancestors' is empty: write [\"'none'\"] to let no page frame them");
  expect("[server]\nframe_ancestors = \"'self'\"\n", 2, "'frame_ancestors' must be an array of strings");
}

TEST(ConfigTest, KeysFilesHoldOneKeyALine) {
  auto keys = ParseKeys("# agents\nkey-one\n\n  key-two\t\r\n   # retired: old-key\nkey#3\n");
  ASSERT_TRUE(keys.has_value());
  EXPECT_EQ(*keys, (std::vector<std::string>{"key-one", "key-two", "key#3"}));
  keys = ParseKeys("");
  ASSERT_TRUE(keys.has_value());
  EXPECT_TRUE(keys->empty());
  // A bad line is named by its number; the line itself is never shown.
  for (const char* text : {"good\nsecret with space\n", "good\nsecr\x01t\n", "good\nsécret\n"}) {
    keys = ParseKeys(text);
    ASSERT_FALSE(keys.has_value()) << text;
    EXPECT_EQ(keys.error().where().line, 2);
    EXPECT_EQ(keys.error().message(), "a key must be printable ASCII without spaces (the line is not shown)");
  }

  TempDir tmp("config");
  const std::string agents = testing::WriteFile(tmp.path(), "agent.keys", "agent-file-key\n");
  const std::string admins = testing::WriteFile(tmp.path(), "admin.keys", "# admins\nadmin-file-key\nadmin-two\n");
  std::string file = testing::WriteFile(tmp.path(), "kb.toml",
                                        "[auth]\nagent_keys_file = \"" + agents + "\"\nadmin_keys_file = \"" + admins + "\"\n");
  auto c = ConfigFromArgs({"--config", file});
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->agent_keys, (std::vector<std::string>{"agent-file-key"}));
  EXPECT_EQ(c->admin_keys, (std::vector<std::string>{"admin-file-key", "admin-two"}));
  EXPECT_EQ(c->agent_keys_file, agents);

  // Inline keys and a file for the same role: one place only.
  file = testing::WriteFile(tmp.path(), "both.toml",
                            "[auth]\nagent_keys = [\"inline\"]\nagent_keys_file = \"" + agents + "\"\n");
  c = ConfigFromArgs({"--config", file});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().ToString(),
            file + ": error: [auth] agent_keys and agent_keys_file are both set: keep the agent keys in one place");
  // Inline agent keys with an admin keys file are fine.
  file = testing::WriteFile(tmp.path(), "mixed.toml",
                            "[auth]\nagent_keys = [\"inline\"]\nadmin_keys_file = \"" + admins + "\"\n");
  c = ConfigFromArgs({"--config", file});
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->agent_keys, (std::vector<std::string>{"inline"}));
  EXPECT_EQ(c->admin_keys.size(), 2u);

  // A missing file stops the start, naming the setting and the path.
  file = testing::WriteFile(tmp.path(), "missing.toml", "[auth]\nadmin_keys_file = \"" + tmp.path() + "/none.keys\"\n");
  c = ConfigFromArgs({"--config", file});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().ToString(),
            "not_found: [auth] admin_keys_file: cannot read " + tmp.path() + "/none.keys: No such file or directory");
  // A bad line: path:line.
  const std::string bad = testing::WriteFile(tmp.path(), "bad.keys", "ok-key\n\nnot ok\n");
  file = testing::WriteFile(tmp.path(), "bad.toml", "[auth]\nagent_keys_file = \"" + bad + "\"\n");
  c = ConfigFromArgs({"--config", file});
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().ToString(), bad + ":3: error: a key must be printable ASCII without spaces (the line is not shown)");
  EXPECT_EQ(c.error().ToString().find("not ok"), std::string::npos);
}

TEST(ConfigTest, ThePackagesFileParses) {
  auto c = ConfigFromArgs({"--config", std::string(KB_SOURCE_DIR) + "/deploy/debian/kb.toml"});
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->index_path, "/var/lib/kbsearch/index");
  EXPECT_EQ(c->events_path, "/var/lib/kbsearch/events.sqlite");
  EXPECT_EQ(c->widgets_dir, "/usr/share/kbsearch/widgets");
}

TEST(ConfigTest, TheExampleFileParses) {
  auto c = ConfigFromArgs({"--config", std::string(KB_SOURCE_DIR) + "/kb.example.toml"});
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->port, 8080);
}

}  // namespace
}  // namespace kb::api
