#include "tests/fuzz/fuzz_targets.h"

#include <cstdio>
#include <cstdlib>

#include "indexer/base/utf8.h"

namespace kb::fuzz {

namespace {

FailureHandler& Handler() {
  static FailureHandler handler;
  return handler;
}

}  // namespace

const std::vector<FuzzTarget>& Targets() {
  static const std::vector<FuzzTarget> targets = {
      {"markdown_reader", FuzzMarkdownReader, 4096},
      {"jsonl_reader", FuzzJsonlReader, 4096},
      {"zendesk_export", FuzzZendeskExport, 8192},
      {"zendesk_html", FuzzZendeskHtml, 4096},
      {"word_lists", FuzzWordLists, 2048},
      {"event_batch", FuzzEventBatch, 4096},
      {"toml_config", FuzzTomlConfig, 4096},
      {"query", FuzzQuery, 512},
      {"http_api", FuzzHttpApi, 4096},
      {"request_head", FuzzRequestHead, 4096},
      {"markdown_html", FuzzMarkdownHtml, 4096},
  };
  return targets;
}

void SetFailureHandler(FailureHandler handler) { Handler() = std::move(handler); }

void Fail(std::string_view message) {
  const std::string m(message);
  if (Handler()) Handler()(m);
  std::fprintf(stderr, "fuzz invariant failed: %s\n", m.c_str());
  std::abort();
}

void Check(bool ok, std::string_view message) {
  if (!ok) Fail(message);
}

bool IsUtf8(std::string_view text) { return !FindInvalidUtf8(text).has_value(); }

int LineCount(std::string_view text) {
  int n = 0;
  for (char c : text) n += c == '\n';
  return n + (text.empty() || text.back() != '\n' ? 1 : 0);
}

std::string SourcePath(std::string_view relative) { return std::string(KB_SOURCE_DIR "/").append(relative); }

}  // namespace kb::fuzz
