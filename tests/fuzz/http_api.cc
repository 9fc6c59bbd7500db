// Whole HTTP requests through the Api, as kb-server receives them, against
// the bundled help center. The input is written like a request:
//
//   GET /api/v1/search?q=reset+password&locale=en
//   authorization: Bearer agent-key
//
//   body
//
// Every answer has a status the API documents (never 500), JSON that
// parses, errors of the documented shape; a request without a key sees no
// internal article's title, and no file outside the widgets directory.
#include <filesystem>
#include <memory>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "indexer/base/file.h"
#include "server/api/api.h"
#include "tests/fuzz/bundled_index.h"
#include "tests/fuzz/fuzz_targets.h"

namespace kb::fuzz {

namespace {

// In a file beside the widgets. Its control characters are what make it the
// file's own: JSON escapes them, so a search that echoes or corrects what was
// typed into it ("recret" to "secret") never contains the raw bytes.
constexpr std::string_view kSecret = "\x01kb-fuzz-secret-3f7a91\x02";

api::Api& TheApi() {
  static const std::unique_ptr<api::Api> api = [] {
    const BundledIndex& b = Bundled();
    namespace fs = std::filesystem;
    const fs::path widgets = fs::path(b.scratch) / "site" / "widgets";
    fs::create_directories(widgets);
    fs::copy(SourcePath("widgets"), widgets, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    if (!WriteFileAtomic((fs::path(b.scratch) / "site" / "secret.txt").string(), std::string(kSecret), {})) {
      Fail("cannot write the secret file");
    }
    api::ServerConfig config;
    config.index_path = b.dir;
    config.corpus_path = b.scratch + "/no-corpus";  // reindex jobs fail at once; the index stays as built
    config.events_path = b.scratch + "/events.sqlite";
    config.widgets_dir = widgets.string();
    config.access_log = "";
    config.retention_days = 0;
    config.agent_keys = {"agent-key"};
    config.admin_keys = {"admin-key"};
    config.ticket_secret = "webhook-secret";
    config.allowed_origins = {"https://help.example.com"};
    config.requests_per_second = 0;
    config.max_body_bytes = 2048;
    auto created = api::Api::Create(config);
    if (!created) Fail("cannot create the Api: " + created.error().ToString());
    return std::move(*created);
  }();
  return *api;
}

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX, and '+' as a space in query strings, as the HTTP library decodes.
std::string Decode(std::string_view s, bool plus_is_space) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && Hex(s[i + 1]) >= 0 && Hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(Hex(s[i + 1]) * 16 + Hex(s[i + 2])));
      i += 2;
    } else if (plus_is_space && s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string_view NextLine(std::string_view& rest) {
  const std::size_t eol = rest.find('\n');
  std::string_view line = rest.substr(0, eol);
  rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

api::HttpRequest ParseRequest(std::string_view input) {
  api::HttpRequest r;
  std::string_view rest = input;
  const std::string_view start = NextLine(rest);
  const std::size_t space = start.find(' ');
  r.method = std::string(start.substr(0, space));
  const std::string_view target = space == std::string_view::npos ? std::string_view() : start.substr(space + 1);
  const std::size_t question = target.find('?');
  r.path = Decode(target.substr(0, question), false);
  if (question != std::string_view::npos) {
    std::string_view query = target.substr(question + 1);
    while (!query.empty()) {
      const std::size_t amp = query.find('&');
      const std::string_view pair = query.substr(0, amp);
      query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
      const std::size_t eq = pair.find('=');
      r.params.emplace_back(Decode(pair.substr(0, eq), true),
                            eq == std::string_view::npos ? std::string() : Decode(pair.substr(eq + 1), true));
    }
  }
  while (!rest.empty()) {
    const std::string_view line = NextLine(rest);
    if (line.empty()) break;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name(line.substr(0, colon));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    r.headers.emplace(std::move(name), std::string(value));
  }
  r.body = std::string(rest);
  r.client = "10.9.8.7";
  return r;
}

// The letters and digits of `text`, lower-cased, one space between runs:
// a query echoed back, with its punctuation or case changed, still
// contains the title it was typed with.
std::string Words(std::string_view text) {
  std::string out;
  bool gap = false;
  for (const char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80) {
      if (gap && !out.empty()) out.push_back(' ');
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      gap = false;
    } else {
      gap = true;
    }
  }
  return out;
}

}  // namespace

void FuzzHttpApi(std::string_view input) {
  api::Api& api = TheApi();
  const api::HttpRequest request = ParseRequest(input);
  const api::HttpResponse res = api.Handle(request);
  const std::string what = fmt::format("{} {} answered {}: {}", request.method, request.path, res.status,
                                       res.body.substr(0, 300));
  static constexpr int kStatuses[] = {200, 202, 204, 400, 401, 404, 405, 409, 413, 429, 503};
  Check(std::find(std::begin(kStatuses), std::end(kStatuses), res.status) != std::end(kStatuses),
        "an undocumented status: " + what);
  if (res.content_type == "application/json") {
    Check(IsUtf8(res.body), "a JSON answer that is not valid UTF-8: " + what);
    const nlohmann::json body = nlohmann::json::parse(res.body, nullptr, /*allow_exceptions=*/false);
    Check(!body.is_discarded(), "a JSON answer that does not parse: " + what);
    if (res.status >= 400) {
      Check(body.is_object() && body.contains("error") && body["error"].is_object() &&
                body["error"].value("code", nlohmann::json()).is_string() &&
                body["error"].value("message", nlohmann::json()).is_string(),
            "an error that is not {\"error\": {\"code\", \"message\"}}: " + what);
    }
  }
  if (input.find(kSecret) == std::string_view::npos) {  // else it may be echoed
    Check(res.body.find(kSecret) == std::string::npos, "a file outside the widgets directory was served: " + what);
  }
  const std::string auth = request.Header("authorization");
  const bool keyed = auth.find("agent-key") != std::string::npos || auth.find("admin-key") != std::string::npos;
  if (!keyed) {
    // The query as typed and as corrected are echoes: a correction may only
    // bring in words of public articles.
    std::string answer = res.body;
    if (res.content_type == "application/json") {
      nlohmann::json body = nlohmann::json::parse(res.body, nullptr, /*allow_exceptions=*/false);
      if (body.is_object()) {
        if (body.contains("did_you_mean") && body["did_you_mean"].is_string()) {
          const std::optional<std::string> term =
              NonPublicTerm(body["did_you_mean"].get<std::string>(), request.Param("q"));
          Check(!term.has_value(), fmt::format("a public request was proposed '{}', a word of no public article: {}",
                                               term.value_or(""), what));
        }
        body.erase("query");
        body.erase("did_you_mean");
        answer = body.dump();
      }
    }
    const std::string typed = Words(input);
    for (const std::string& title : Bundled().internal_titles) {
      if (typed.find(Words(title)) != std::string::npos) continue;  // echoed in an error, not leaked
      Check(answer.find(title) == std::string::npos,
            fmt::format("a public request saw the internal article '{}': {}", title, what));
    }
  }
}

}  // namespace kb::fuzz
