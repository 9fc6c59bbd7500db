// kb-server's settings: embedded defaults, then a TOML file, then flags.
#ifndef KB_SERVER_API_CONFIG_H_
#define KB_SERVER_API_CONFIG_H_

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "indexer/base/error.h"
#include "server/api/client_address.h"

namespace kb::api {

struct ServerConfig {
  // [server]
  std::string host = "127.0.0.1";
  int port = 8080;
  // Worker threads: requests handled at once. A connection holds one only
  // while its request is read (once its head has arrived), handled and
  // answered; slow and idle connections wait without one (server/http).
  // Default: 0 = 16 per core, at least 64.
  int threads = 0;
  // Open connections at most. When they are all taken, the connection idle
  // the longest is closed for a new one; with none idle, the new one is
  // answered 503. Default: 0 = half the open-file limit (which kb-server
  // raises to its hard limit, up to 65536, at start).
  std::size_t max_connections = 0;
  // Open connections from one client address at most; over it, a client's
  // oldest idle connection is closed, or the new one answered 503. 0: no cap.
  std::size_t max_connections_per_client = 32;
  // The whole request head must arrive within this, counted from its first
  // byte; then the body within body_timeout. Late ones are answered 408.
  std::chrono::milliseconds header_timeout = std::chrono::seconds(5);
  std::chrono::milliseconds body_timeout = std::chrono::seconds(10);
  // An idle keep-alive connection is closed after this long.
  std::chrono::milliseconds keep_alive_timeout = std::chrono::seconds(5);
  std::string default_locale = "en";
  // Directory of the languages' word lists (Debian's wamerican, wngerman):
  // typo correction leaves real words alone. "" turns that off.
  std::string dictionary_dir = "/usr/share/dict";
  // Directory served at /widgets/ (and its index.html at /). Default:
  // "widgets", relative to the working directory.
  std::string widgets_dir = "widgets";
  // JSON-lines access log: a path, "-" for standard output, "" for none.
  std::string access_log = "-";
  // Search results kept in the result cache. 0 turns it off.
  int cache_entries = 4096;
  // Reverse proxies (CIDR blocks) whose X-Forwarded-For and Forwarded
  // headers are believed; see TrustedProxies::ClientOf. Default: none.
  TrustedProxies trusted_proxies;
  // The CSP frame-ancestors sources of the HTML pages: who may show them in
  // a frame. Default: 'self'.
  std::vector<std::string> frame_ancestors = {"'self'"};
  // [index]
  std::string index_path = "var/index";
  // The corpus POST /api/v1/admin/reindex reads.
  std::string corpus_path = "corpus";
  // A replica's indexer, "http://host:port" (docs/scaling.md): the one
  // kb-server that builds the index, which xapian-replicate copies into
  // this one's index_path. A replica never writes its index: reindexing and
  // rejecting learned phrasings are passed on to the indexer, and it does
  // not learn (the indexer learns from the shared events). "": none, this
  // server builds its own index.
  std::string index_primary;
  // Remote shards, "tcp://host:port", each served by xapian-tcpsrv
  // (docs/scaling.md): with them, index_path is the directory
  // `kb-index build --shards N` wrote, whose lexicon is read from there.
  // Such a server does not learn or reindex (the shards are rebuilt with
  // kb-index), unless it has a primary to pass reindexing on to.
  std::vector<std::string> index_shards;
  // How long a shard may take to connect, and to answer each call.
  std::chrono::milliseconds shard_timeout = std::chrono::seconds(2);
  // When a shard does not answer: false ("fail"), searches answer 503 with
  // Retry-After; true ("partial"), they answer from the other shards,
  // flagged "partial": true.
  bool shard_partial = false;
  // [events] The SQLite file, or (not both) the URL of a PostgreSQL
  // database that several servers share: postgresql://user:pass@host/db.
  std::string events_path = "var/events.sqlite";
  std::string events_url;
  // How long after a help session starts an escalation still counts
  // against it; written "24h", "30m", "90s", "2d".
  std::chrono::milliseconds attribution_window = std::chrono::hours(24);
  // Events older than this many days are purged (hourly); 0 keeps all.
  int retention_days = 365;
  // [learning] (docs/learning.md): learn from the events every `interval`
  // (at start, then on that schedule) into the index; off: nothing is
  // learned, and what was learned before is not matched.
  bool learning_enabled = true;
  std::chrono::milliseconds learning_interval = std::chrono::hours(1);
  int learning_min_clients = 5;
  std::chrono::milliseconds learning_half_life = std::chrono::hours(24 * 90);
  // [webhooks] Shared secret the help desk sends with ticket webhooks
  // (Authorization: Bearer SECRET). Empty turns the webhook off.
  std::string ticket_secret;
  // [auth] Keys inline, or (not both) in a file each: one key a line,
  // read by ConfigFromArgs (see ReadKeysFile).
  std::vector<std::string> agent_keys;
  std::vector<std::string> admin_keys;
  std::string agent_keys_file;
  std::string admin_keys_file;
  // [cors]; "*" allows any origin.
  std::vector<std::string> allowed_origins;
  // [rate_limit], per client address; requests_per_second = 0 turns it off.
  double requests_per_second = 20;
  double burst = 40;
  // [limits]
  int max_query_chars = 256;
  std::size_t max_body_bytes = 256 * 1024;

  int EffectiveThreads() const;
};

// Applies the TOML text of a config file over `base`. Unknown sections and
// keys, and values of the wrong type, are errors with their line.
Result<ServerConfig> ParseConfig(std::string_view toml_text, ServerConfig base);

// The keys in the text of a keys file: one key a line, surrounding blanks
// dropped; blank lines and lines starting with '#' are skipped. A key is
// printable ASCII without spaces; any other line is an error with its line
// number, whose message never quotes the line.
Result<std::vector<std::string>> ParseKeys(std::string_view text);

// ParseKeys on the file at `path`; errors carry the path.
Result<std::vector<std::string>> ReadKeysFile(const std::string& path);

// Parses kb-server's command line (without the program name): --index DIR
// [--host H] [--port N] [--events FILE] [--attribution-window D]
// [--config FILE]. The config file is read first; flags override it. Then
// the keys files named in [auth] are read; a missing or unreadable one is
// an error.
Result<ServerConfig> ConfigFromArgs(const std::vector<std::string>& args);

inline constexpr std::string_view kServerUsage =
    "usage: kb-server --index DIR [--host 127.0.0.1] [--port 8080] [--events FILE] [--attribution-window 24h]\n"
    "                 [--config FILE]\n"
    "       kb-server report --events FILE [--from DATE] [--to DATE] [--locale L] [--channel C]\n"
    "                 [--attribution-window 24h] [--format table|csv|json]\n"
    "       kb-server backup --events FILE --to FILE\n";

}  // namespace kb::api

#endif  // KB_SERVER_API_CONFIG_H_
