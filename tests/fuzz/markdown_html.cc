// The Markdown-to-HTML renderer of article bodies, whose output widgets
// insert into pages: only the tags and attributes it means to write, links
// and images only to http(s), mailto, relative and article targets, and
// valid UTF-8 for valid UTF-8 in.
#include <algorithm>
#include <array>

#include <fmt/core.h>

#include "indexer/corpus/md4c_text.h"
#include "server/api/markdown_html.h"
#include "tests/fuzz/fuzz_targets.h"

namespace kb::fuzz {

namespace {

constexpr std::array<std::string_view, 26> kTags = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "code", "hr",
    "table", "thead", "tbody", "tr", "th", "td", "em", "strong", "del", "u", "a", "img"};

// An attribute value as a browser reads it: entities resolved (the
// renderer writes only these five), then tabs and newlines dropped, and
// leading spaces and controls.
std::string AsBrowserReadsIt(std::string_view v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '&') {
      bool done = false;
      for (auto [entity, c] : {std::pair{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}}) {
        if (v.substr(i).starts_with(entity)) {
          out.push_back(c);
          i += std::string_view(entity).size() - 1;
          done = true;
          break;
        }
      }
      if (done) continue;
    }
    if (v[i] == '\t' || v[i] == '\n' || v[i] == '\r') continue;
    if (out.empty() && static_cast<unsigned char>(v[i]) <= 0x20) continue;
    out.push_back(v[i]);
  }
  return out;
}

bool SafeTarget(std::string_view url) {
  std::string lower;
  for (char c : url) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  const std::size_t colon = lower.find(':');
  if (colon == std::string::npos || lower.find_first_of("/?#") < colon) return true;  // no scheme: relative
  const std::string_view scheme = std::string_view(lower).substr(0, colon);
  return scheme == "http" || scheme == "https" || scheme == "mailto";
}

// md4c on its own, reading the input from the end of readable memory with
// the padding PaddedMarkdown gives it: it must not read further. `flags`
// as the renderer (no HTML) and the indexer's reader (GitHub's dialect) set
// them.
void ParseGuarded(std::string_view input, unsigned flags) {
  const testing::GuardedCopy copy(input, PaddedMarkdown::kPadding);
  MD_PARSER parser{};
  parser.flags = flags;
  parser.enter_block = [](MD_BLOCKTYPE, void*, void*) { return 0; };
  parser.leave_block = [](MD_BLOCKTYPE, void*, void*) { return 0; };
  parser.enter_span = [](MD_SPANTYPE, void*, void*) { return 0; };
  parser.leave_span = [](MD_SPANTYPE, void*, void*) { return 0; };
  parser.text = [](MD_TEXTTYPE, const MD_CHAR*, MD_SIZE, void*) { return 0; };
  md_parse(copy.data(), static_cast<MD_SIZE>(copy.size()), &parser, nullptr);
}

}  // namespace

void FuzzMarkdownHtml(std::string_view input) {
  ParseGuarded(input, MD_DIALECT_GITHUB | MD_FLAG_NOHTML);
  ParseGuarded(input, MD_DIALECT_GITHUB);
  const std::string html = api::RenderMarkdown(input, [](std::string_view id) { return "/articles/" + std::string(id); });
  if (IsUtf8(input)) Check(IsUtf8(html), "valid UTF-8 in, invalid out");
  for (std::size_t i = html.find('<'); i != std::string::npos; i = html.find('<', i + 1)) {
    std::size_t p = i + 1;
    if (p < html.size() && html[p] == '/') ++p;
    std::size_t name_end = p;
    while (name_end < html.size() && std::isalnum(static_cast<unsigned char>(html[name_end]))) ++name_end;
    const std::string_view name = std::string_view(html).substr(p, name_end - p);
    Check(std::find(kTags.begin(), kTags.end(), name) != kTags.end() || name == "br",
          fmt::format("a tag the renderer must not write: <{}> in {}", name, html.substr(i, 80)));
    std::size_t q = name_end;
    while (q < html.size() && html[q] != '>') {
      if (html[q] == ' ') {
        ++q;
        continue;
      }
      const std::size_t eq = html.find("=\"", q);
      Check(eq != std::string::npos, "an attribute without a quoted value: " + html.substr(i, 80));
      if (eq == std::string::npos) return;
      const std::string_view attr = std::string_view(html).substr(q, eq - q);
      Check(attr == "href" || attr == "src" || attr == "alt" || attr == "start",
            fmt::format("an attribute the renderer must not write: {} in {}", attr, html.substr(i, 80)));
      const std::size_t close = html.find('"', eq + 2);
      Check(close != std::string::npos, "an unterminated attribute: " + html.substr(i, 80));
      if (close == std::string::npos) return;
      const std::string_view value = std::string_view(html).substr(eq + 2, close - eq - 2);
      Check(value.find('<') == std::string_view::npos, "a raw '<' in an attribute: " + html.substr(i, 80));
      if (attr == "href" || attr == "src") {
        Check(SafeTarget(AsBrowserReadsIt(value)), fmt::format("an unsafe link target: {}", value));
      }
      q = close + 1;
    }
    Check(q < html.size(), "an unterminated tag: " + html.substr(i, 80));
  }
}

}  // namespace kb::fuzz
