#include "server/api/markdown_html.h"

#include <cctype>

#include <fmt/core.h>
#include <md4c.h>

#include "indexer/corpus/md4c_text.h"
#include "server/search/snippet.h"

namespace kb::api {

namespace {

struct Renderer {
  std::string out;
  const std::function<std::string(std::string_view)>* article_url;
  int image_depth = 0;  // inside an image, text is the alt attribute
};

// The URL to use for a link target, or "" when it must be dropped.
std::string SafeUrl(std::string url, const Renderer& r) {
  std::string lower;
  for (char c : url) {
    if (static_cast<unsigned char>(c) > 0x20) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (lower.starts_with("kb:")) return (*r.article_url)(std::string_view(url).substr(url.find(':') + 1));
  const std::size_t colon = lower.find(':');
  const std::size_t slash = lower.find_first_of("/?#");
  const bool has_scheme = colon != std::string::npos && (slash == std::string::npos || colon < slash);
  if (!has_scheme) return url;  // relative
  if (lower.starts_with("http:") || lower.starts_with("https:") || lower.starts_with("mailto:")) return url;
  return {};
}

// md4c 0.4 can leave an image it entered unclosed ("![![](![]()]())"
// enters two and leaves one): the image's alt attribute is closed before
// anything else is written, so no markup ends up inside it.
void CloseImage(Renderer* r) {
  if (r->image_depth == 0) return;
  r->out += "\">";
  r->image_depth = 0;
}

int EnterBlock(MD_BLOCKTYPE type, void* detail, void* user) {
  auto* r = static_cast<Renderer*>(user);
  CloseImage(r);
  switch (type) {
    case MD_BLOCK_DOC: break;
    case MD_BLOCK_QUOTE: r->out += "<blockquote>"; break;
    case MD_BLOCK_UL: r->out += "<ul>"; break;
    case MD_BLOCK_OL: {
      const auto* d = static_cast<MD_BLOCK_OL_DETAIL*>(detail);
      r->out += d->start == 1 ? std::string("<ol>") : fmt::format("<ol start=\"{}\">", d->start);
      break;
    }
    case MD_BLOCK_LI: r->out += "<li>"; break;
    case MD_BLOCK_HR: r->out += "<hr>"; break;
    case MD_BLOCK_H: r->out += fmt::format("<h{}>", static_cast<MD_BLOCK_H_DETAIL*>(detail)->level); break;
    case MD_BLOCK_CODE: r->out += "<pre><code>"; break;
    case MD_BLOCK_HTML: r->out += "<p>"; break;
    case MD_BLOCK_P: r->out += "<p>"; break;
    case MD_BLOCK_TABLE: r->out += "<table>"; break;
    case MD_BLOCK_THEAD: r->out += "<thead>"; break;
    case MD_BLOCK_TBODY: r->out += "<tbody>"; break;
    case MD_BLOCK_TR: r->out += "<tr>"; break;
    case MD_BLOCK_TH: r->out += "<th>"; break;
    case MD_BLOCK_TD: r->out += "<td>"; break;
  }
  return 0;
}

int LeaveBlock(MD_BLOCKTYPE type, void* detail, void* user) {
  auto* r = static_cast<Renderer*>(user);
  CloseImage(r);
  switch (type) {
    case MD_BLOCK_DOC: break;
    case MD_BLOCK_QUOTE: r->out += "</blockquote>\n"; break;
    case MD_BLOCK_UL: r->out += "</ul>\n"; break;
    case MD_BLOCK_OL: r->out += "</ol>\n"; break;
    case MD_BLOCK_LI: r->out += "</li>\n"; break;
    case MD_BLOCK_HR: r->out += "\n"; break;
    case MD_BLOCK_H: r->out += fmt::format("</h{}>\n", static_cast<MD_BLOCK_H_DETAIL*>(detail)->level); break;
    case MD_BLOCK_CODE: r->out += "</code></pre>\n"; break;
    case MD_BLOCK_HTML: r->out += "</p>\n"; break;
    case MD_BLOCK_P: r->out += "</p>\n"; break;
    case MD_BLOCK_TABLE: r->out += "</table>\n"; break;
    case MD_BLOCK_THEAD: r->out += "</thead>\n"; break;
    case MD_BLOCK_TBODY: r->out += "</tbody>\n"; break;
    case MD_BLOCK_TR: r->out += "</tr>\n"; break;
    case MD_BLOCK_TH: r->out += "</th>"; break;
    case MD_BLOCK_TD: r->out += "</td>"; break;
  }
  return 0;
}

int EnterSpan(MD_SPANTYPE type, void* detail, void* user) {
  auto* r = static_cast<Renderer*>(user);
  if (r->image_depth > 0) {
    if (type == MD_SPAN_IMG) ++r->image_depth;
    return 0;
  }
  switch (type) {
    case MD_SPAN_EM: r->out += "<em>"; break;
    case MD_SPAN_STRONG: r->out += "<strong>"; break;
    case MD_SPAN_CODE: r->out += "<code>"; break;
    case MD_SPAN_DEL: r->out += "<del>"; break;
    case MD_SPAN_U: r->out += "<u>"; break;
    case MD_SPAN_A: {
      const std::string href = SafeUrl(AttributeText(static_cast<MD_SPAN_A_DETAIL*>(detail)->href), *r);
      r->out += href.empty() ? std::string("<a>") : "<a href=\"" + search::HtmlEscape(href) + "\">";
      break;
    }
    case MD_SPAN_IMG: {
      const std::string src = SafeUrl(AttributeText(static_cast<MD_SPAN_IMG_DETAIL*>(detail)->src), *r);
      r->out += "<img src=\"" + search::HtmlEscape(src) + "\" alt=\"";
      ++r->image_depth;
      break;
    }
    default: break;
  }
  return 0;
}

int LeaveSpan(MD_SPANTYPE type, void*, void* user) {
  auto* r = static_cast<Renderer*>(user);
  if (r->image_depth > 0) {
    if (type == MD_SPAN_IMG && --r->image_depth == 0) r->out += "\">";
    return 0;
  }
  switch (type) {
    case MD_SPAN_EM: r->out += "</em>"; break;
    case MD_SPAN_STRONG: r->out += "</strong>"; break;
    case MD_SPAN_CODE: r->out += "</code>"; break;
    case MD_SPAN_DEL: r->out += "</del>"; break;
    case MD_SPAN_U: r->out += "</u>"; break;
    case MD_SPAN_A: r->out += "</a>"; break;
    default: break;
  }
  return 0;
}

int Text(MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* user) {
  auto* r = static_cast<Renderer*>(user);
  const std::string_view t(text, size);
  switch (type) {
    case MD_TEXT_NULLCHAR: break;
    case MD_TEXT_BR: r->out += r->image_depth ? " " : "<br>\n"; break;
    case MD_TEXT_SOFTBR: r->out += r->image_depth ? " " : "\n"; break;
    case MD_TEXT_ENTITY:
      // Entities are passed through only when they are plain named or
      // numeric references; anything else is escaped.
      r->out += t.size() > 2 && t.front() == '&' && t.back() == ';' &&
                        t.substr(1, t.size() - 2).find_first_not_of(
                            "#abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == std::string_view::npos
                    ? std::string(t)
                    : search::HtmlEscape(t);
      break;
    default: r->out += search::HtmlEscape(t); break;  // raw HTML too: shown, never run
  }
  return 0;
}

}  // namespace

std::string RenderMarkdown(std::string_view markdown, const std::function<std::string(std::string_view)>& article_url) {
  Renderer r;
  r.article_url = &article_url;
  MD_PARSER parser{};
  parser.abi_version = 0;
  parser.flags = MD_DIALECT_GITHUB | MD_FLAG_NOHTML;
  parser.enter_block = EnterBlock;
  parser.leave_block = LeaveBlock;
  parser.enter_span = EnterSpan;
  parser.leave_span = LeaveSpan;
  parser.text = Text;
  PaddedMarkdown(markdown).Parse(parser, &r);
  CloseImage(&r);
  return r.out;
}

}  // namespace kb::api
