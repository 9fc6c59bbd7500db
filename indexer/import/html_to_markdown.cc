#include "indexer/import/html_to_markdown.h"

#include <gumbo.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <span>
#include <vector>

#include <fmt/core.h>

#include "indexer/base/utf8.h"

namespace kb {

namespace {

// ---- What each element becomes ---------------------------------------------

enum class Kind {
  kDrop,       // not content: dropped with everything inside
  kContainer,  // a block that holds other blocks (div, p, li outside a list ...)
  kHeading,
  kList,
  kPre,
  kBlockquote,
  kTable,
  kRule,
  kInline,  // phrasing content, and tags gumbo does not know
};

Kind KindOf(const GumboNode* node) {
  if (node->type == GUMBO_NODE_TEMPLATE) return Kind::kDrop;
  const GumboElement& e = node->v.element;
  if (e.tag_namespace != GUMBO_NAMESPACE_HTML) return Kind::kDrop;  // svg, MathML
  switch (e.tag) {
    case GUMBO_TAG_HEAD: case GUMBO_TAG_TITLE: case GUMBO_TAG_BASE: case GUMBO_TAG_LINK: case GUMBO_TAG_META:
    case GUMBO_TAG_STYLE: case GUMBO_TAG_SCRIPT: case GUMBO_TAG_NOSCRIPT: case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_IFRAME: case GUMBO_TAG_EMBED: case GUMBO_TAG_OBJECT: case GUMBO_TAG_PARAM:
    case GUMBO_TAG_APPLET: case GUMBO_TAG_FRAME: case GUMBO_TAG_FRAMESET: case GUMBO_TAG_NOFRAMES:
    case GUMBO_TAG_NOEMBED: case GUMBO_TAG_VIDEO: case GUMBO_TAG_AUDIO: case GUMBO_TAG_SOURCE:
    case GUMBO_TAG_TRACK: case GUMBO_TAG_BGSOUND: case GUMBO_TAG_CANVAS: case GUMBO_TAG_MAP: case GUMBO_TAG_AREA:
    case GUMBO_TAG_MATH: case GUMBO_TAG_SVG: case GUMBO_TAG_INPUT: case GUMBO_TAG_BUTTON: case GUMBO_TAG_SELECT:
    case GUMBO_TAG_DATALIST: case GUMBO_TAG_OPTGROUP: case GUMBO_TAG_OPTION: case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_KEYGEN: case GUMBO_TAG_OUTPUT: case GUMBO_TAG_PROGRESS: case GUMBO_TAG_METER:
    case GUMBO_TAG_COLGROUP: case GUMBO_TAG_COL:
      return Kind::kDrop;
    case GUMBO_TAG_HTML: case GUMBO_TAG_BODY: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_SECTION: case GUMBO_TAG_NAV:
    case GUMBO_TAG_ASIDE: case GUMBO_TAG_HGROUP: case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_ADDRESS: case GUMBO_TAG_P: case GUMBO_TAG_LI: case GUMBO_TAG_DL: case GUMBO_TAG_DT:
    case GUMBO_TAG_DD: case GUMBO_TAG_FIGURE: case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_MAIN: case GUMBO_TAG_DIV:
    case GUMBO_TAG_CAPTION: case GUMBO_TAG_THEAD: case GUMBO_TAG_TBODY: case GUMBO_TAG_TFOOT: case GUMBO_TAG_TR:
    case GUMBO_TAG_TD: case GUMBO_TAG_TH: case GUMBO_TAG_FORM: case GUMBO_TAG_FIELDSET: case GUMBO_TAG_LEGEND:
    case GUMBO_TAG_DETAILS: case GUMBO_TAG_SUMMARY: case GUMBO_TAG_CENTER:
      return Kind::kContainer;
    case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
      return Kind::kHeading;
    case GUMBO_TAG_UL: case GUMBO_TAG_OL: case GUMBO_TAG_MENU: case GUMBO_TAG_DIR:
      return Kind::kList;
    case GUMBO_TAG_PRE: case GUMBO_TAG_LISTING: case GUMBO_TAG_XMP: case GUMBO_TAG_PLAINTEXT:
      return Kind::kPre;
    case GUMBO_TAG_BLOCKQUOTE:
      return Kind::kBlockquote;
    case GUMBO_TAG_TABLE:
      return Kind::kTable;
    case GUMBO_TAG_HR:
      return Kind::kRule;
    default:
      return Kind::kInline;
  }
}

bool IsElement(const GumboNode* node) { return node->type == GUMBO_NODE_ELEMENT; }
bool IsText(const GumboNode* node) {
  return node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE || node->type == GUMBO_NODE_CDATA;
}
GumboTag TagOf(const GumboNode* node) { return IsElement(node) ? node->v.element.tag : GUMBO_TAG_UNKNOWN; }

std::span<const GumboNode* const> Children(const GumboNode* node) {
  const GumboVector& v = node->type == GUMBO_NODE_DOCUMENT ? node->v.document.children : node->v.element.children;
  return {reinterpret_cast<const GumboNode* const*>(v.data), v.length};
}

std::string Attribute(const GumboNode* node, const char* name) {
  const GumboAttribute* a = gumbo_get_attribute(&node->v.element.attributes, name);
  return a == nullptr ? std::string() : std::string(a->value);
}

// Whether an inline element holds block content somewhere below it (gumbo
// allows <span><div>..</div></span>).
bool ContainsBlock(const GumboNode* node) {
  for (const GumboNode* child : Children(node)) {
    if (!IsElement(child)) continue;
    const Kind kind = KindOf(child);
    if (kind == Kind::kInline ? ContainsBlock(child) : kind != Kind::kDrop) return true;
  }
  return false;
}

// ---- Text -------------------------------------------------------------------

bool IsAsciiAlnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsHtmlSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// Length of the whitespace at the start of `s`: ASCII whitespace and
// no-break spaces (U+00A0, which help-desk editors scatter everywhere).
std::size_t SpaceAt(std::string_view s) {
  if (!s.empty() && IsHtmlSpace(s[0])) return 1;
  if (s.starts_with("\xC2\xA0")) return 2;
  return 0;
}

// Collapses runs of whitespace into one space, as HTML renders text.
std::string CollapseSpace(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    if (std::size_t n = SpaceAt(s.substr(i))) {
      if (out.empty() || out.back() != ' ') out.push_back(' ');
      i += n;
    } else {
      out.push_back(s[i++]);
    }
  }
  return out;
}

std::string Trim(std::string_view s) {
  const auto first = s.find_first_not_of(' ');
  if (first == std::string_view::npos) return {};
  return std::string(s.substr(first, s.find_last_not_of(' ') - first + 1));
}

// "&amp;", "&#35;": text that Markdown would decode as an entity.
bool LooksLikeEntity(std::string_view s) {
  std::size_t i = 1;
  if (i < s.size() && s[i] == '#') ++i;
  const std::size_t start = i;
  while (i < s.size() && IsAsciiAlnum(s[i])) ++i;
  return i > start && i < s.size() && s[i] == ';';
}

// Escapes one word (no whitespace) of text. `before` is the character that
// precedes it in the output.
std::string EscapeWord(std::string_view word, char before) {
  std::string out;
  for (std::size_t i = 0; i < word.size(); ++i) {
    const char c = word[i];
    switch (c) {
      case '\\': case '`': case '*': case '[': case ']': case '<': case '|': case '~':
        out.push_back('\\');
        break;
      case '_': {
        // An underscore inside a word (snake_case) cannot open or close
        // emphasis; anywhere else it might.
        const bool alnum_before = IsAsciiAlnum(i > 0 ? word[i - 1] : before);
        const bool alnum_after = i + 1 < word.size() && IsAsciiAlnum(word[i + 1]);
        if (!alnum_before || !alnum_after) out.push_back('\\');
        break;
      }
      case '&':
        if (LooksLikeEntity(word.substr(i))) out.push_back('\\');
        break;
      default:
        break;
    }
    out.push_back(c);
  }
  return out;
}

// Escapes what would start a block if it began a line: "# ", "> ", "- ",
// "+ ", "1. ", "1) ", "---", "===".
std::string EscapeLineStart(std::string_view line) {
  if (line.empty()) return {};
  const char c = line[0];
  const std::string escaped = std::string("\\").append(line);
  if (c == '#') {
    const std::size_t n = std::min(line.find_first_not_of('#'), line.size());
    if (n <= 6 && (n == line.size() || line[n] == ' ')) return escaped;
  } else if (c == '>') {
    return escaped;
  } else if (c == '-' || c == '+' || c == '=') {
    if (c != '=' && (line.size() == 1 || line[1] == ' ')) return escaped;
    if (c != '+' && line.find_first_not_of(std::string{c, ' '}) == std::string_view::npos) return escaped;
  } else if (c >= '0' && c <= '9') {
    const std::size_t n = std::min(line.find_first_not_of("0123456789"), line.size());
    if (n <= 9 && n < line.size() && (line[n] == '.' || line[n] == ')') &&
        (n + 1 == line.size() || line[n + 1] == ' ')) {
      return std::string(line.substr(0, n)) + "\\" + std::string(line.substr(n));
    }
  }
  return std::string(line);
}

std::string EscapeLineStarts(std::string_view s) {
  std::string out;
  std::size_t pos = 0;
  while (true) {
    const std::size_t eol = s.find('\n', pos);
    out += EscapeLineStart(s.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos));
    if (eol == std::string_view::npos) break;
    out.push_back('\n');
    pos = eol + 1;
  }
  return out;
}

// A code span that shows `text` verbatim.
// (md4c, which renders and indexes the corpus, keeps a code span whole in a
// table cell, so a '|' in it needs no escape.)
std::string CodeSpan(const std::string& text) {
  std::size_t longest = 0;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t end = std::min(text.find_first_not_of('`', i), text.size());
    if (end > i) longest = std::max(longest, end - i);
    i = end == i ? i + 1 : end;
  }
  const std::string ticks(longest + 1, '`');
  const bool pad = text.front() == '`' || text.back() == '`';
  return ticks + (pad ? " " : "") + text + (pad ? " " : "") + ticks;
}

// A link destination Markdown reads back unchanged.
std::string Destination(std::string_view url) {
  std::string out;
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F || c == '(' || c == ')' || c == '<' || c == '>' || c == '\\') {
      out += fmt::format("%{:02X}", u);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// The URL as browsers read an attribute: ASCII tab and newlines removed,
// surrounding spaces trimmed.
std::string CleanUrl(std::string_view raw) {
  std::string url;
  for (char c : raw) {
    if (c != '\t' && c != '\n' && c != '\r') url.push_back(c);
  }
  const auto first = url.find_first_not_of(" \f");
  if (first == std::string::npos) return {};
  return url.substr(first, url.find_last_not_of(" \f") - first + 1);
}

bool IsUnsafeUrl(std::string_view url) {
  std::string scheme;
  for (char c : url.substr(0, 12)) scheme.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return scheme.starts_with("javascript:") || scheme.starts_with("vbscript:") || scheme.starts_with("data:");
}

// ---- Inline content ---------------------------------------------------------

// Accumulates the Markdown of one run of inline content: whitespace
// collapsed as HTML does, text escaped, markup appended verbatim.
class InlineWriter {
 public:
  explicit InlineWriter(bool single_line) : single_line_(single_line) {}

  bool single_line() const { return single_line_; }

  // Text as the HTML holds it (entities already decoded).
  void Text(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
      if (std::size_t n = SpaceAt(text.substr(i))) {
        Space();
        i += n;
        continue;
      }
      std::size_t end = i;
      while (end < text.size() && SpaceAt(text.substr(end)) == 0) ++end;
      buf_ += EscapeWord(text.substr(i, end - i), buf_.empty() ? ' ' : buf_.back());
      i = end;
    }
  }

  // Markdown to append as it is.
  void Markup(std::string_view markup) { buf_ += markup; }

  void Space() {
    if (buf_.empty()) {
      leading_space_ = true;
    } else if (buf_.back() != ' ' && buf_.back() != '\n') {
      buf_.push_back(' ');
    }
  }

  // A <br>: a hard line break; two in a row end the paragraph.
  void Break() {
    if (single_line_) {
      Space();
      return;
    }
    while (!buf_.empty() && buf_.back() == ' ') buf_.pop_back();
    if (buf_.empty() || buf_.ends_with("\n\n")) return;
    if (buf_.ends_with("\\\n")) {
      buf_.replace(buf_.size() - 2, 2, "\n\n");
    } else {
      buf_ += "\\\n";
    }
  }

  // Appends `inner` between `open` and `close`, with the whitespace around
  // its content moved outside (Markdown emphasis must hug its text).
  // Returns false, appending only the whitespace, when `inner` is empty.
  bool Wrap(std::string_view open, InlineWriter& inner, std::string_view close) {
    if (inner.leading_space_) Space();
    const bool trailing_space = inner.buf_.ends_with(' ');
    const std::string content = inner.Content();
    if (!content.empty()) buf_.append(open).append(content).append(close);
    if (trailing_space) Space();
    return !content.empty();
  }

  // The content without surrounding whitespace or trailing line breaks.
  std::string Content() const {
    std::string s = buf_;
    while (true) {
      if (s.ends_with(' ')) {
        s.pop_back();
      } else if (s.ends_with("\n\n") || s.ends_with("\\\n")) {  // a paragraph break, a hard break
        s.resize(s.size() - 2);
      } else {
        return s;
      }
    }
  }

 private:
  std::string buf_;
  bool leading_space_ = false;  // whitespace came before any content
  bool single_line_;
};

// ---- The converter ----------------------------------------------------------

struct Block {
  enum class Type { kText, kList, kCode };
  std::string text;
  Type type = Type::kText;
  bool ordered = false;    // lists: numbered
  bool alt_marker = false;  // lists: "*" or ")" instead of "-" or "."
  // Whether it may directly follow a paragraph line inside a list item
  // (keeps "1. Run:\n   ```" tight).
  bool tight = false;
};

struct Context {
  bool in_table = false;  // in a table cell: everything on one line
  bool in_link = false;
  bool in_strong = false;
  bool in_em = false;
  bool in_strike = false;
};

std::string Join(const std::vector<Block>& blocks, std::string_view separator) {
  std::string out;
  for (const Block& b : blocks) {
    if (!out.empty()) out += separator;
    out += b.text;
  }
  return out;
}

// Prefixes the first line of `text` with `first` and the others with
// `rest` (blank lines stay blank unless `rest_blank` says otherwise).
std::string Prefix(std::string_view text, std::string_view first, std::string_view rest, std::string_view rest_blank) {
  std::string out;
  std::size_t pos = 0;
  bool is_first = true;
  while (true) {
    const std::size_t eol = text.find('\n', pos);
    const std::string_view line = text.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    if (is_first) {
      out.append(first).append(line);
    } else if (line.empty()) {
      out.append(rest_blank);
    } else {
      out.append(rest).append(line);
    }
    is_first = false;
    if (eol == std::string_view::npos) break;
    out.push_back('\n');
    pos = eol + 1;
  }
  return out;
}

class Converter {
 public:
  explicit Converter(const HtmlToMarkdownOptions& options) : options_(options) {}

  std::vector<Block> Blocks(std::span<const GumboNode* const> nodes, const Context& ctx) {
    std::vector<Block> out;
    InlineWriter para(ctx.in_table);
    for (const GumboNode* node : nodes) {
      if (node == nullptr) {  // a block boundary (see List)
        Flush(para, ctx, out);
      } else {
        Add(node, ctx, para, out);
      }
    }
    Flush(para, ctx, out);
    return out;
  }

 private:
  void Flush(InlineWriter& para, const Context& ctx, std::vector<Block>& out) {
    std::string text = para.Content();
    if (!text.empty()) out.push_back(Block{.text = ctx.in_table ? text : EscapeLineStarts(text)});
    para = InlineWriter(ctx.in_table);
  }

  void Add(const GumboNode* node, const Context& ctx, InlineWriter& para, std::vector<Block>& out) {
    if (IsText(node)) {
      para.Text(node->v.text.text);
      return;
    }
    if (node->type == GUMBO_NODE_DOCUMENT) {
      for (const GumboNode* child : Children(node)) Add(child, ctx, para, out);
      return;
    }
    if (!IsElement(node)) return;  // comments, templates
    Kind kind = KindOf(node);
    if (ctx.in_table && kind != Kind::kInline && kind != Kind::kDrop) {
      // A cell is one line: code blocks become code spans, other blocks
      // contribute their text.
      if (kind == Kind::kPre) {
        InlineCode(CollapseSpace(TextOf(node, false)), para);
        return;
      }
      kind = Kind::kContainer;
    }
    switch (kind) {
      case Kind::kDrop:
        return;
      case Kind::kInline:
        if (ContainsBlock(node) && !(TagOf(node) == GUMBO_TAG_A && !UsableHref(node).empty())) {
          // <span><div>..</div></span>: the inline wrapper gives way.
          for (const GumboNode* child : Children(node)) Add(child, ctx, para, out);
        } else {
          Inline(node, ctx, para);
        }
        return;
      case Kind::kContainer:
        Flush(para, ctx, out);
        for (const GumboNode* child : Children(node)) Add(child, ctx, para, out);
        Flush(para, ctx, out);
        return;
      case Kind::kHeading:
        Flush(para, ctx, out);
        Heading(node, ctx, out);
        return;
      case Kind::kList:
        Flush(para, ctx, out);
        List(node, ctx, out);
        return;
      case Kind::kPre:
        Flush(para, ctx, out);
        Pre(node, out);
        return;
      case Kind::kBlockquote: {
        Flush(para, ctx, out);
        const std::string inner = Join(Blocks(Children(node), ctx), "\n\n");
        if (!inner.empty()) out.push_back(Block{.text = Prefix(inner, "> ", "> ", ">")});
        return;
      }
      case Kind::kTable:
        Flush(para, ctx, out);
        Table(node, ctx, out);
        return;
      case Kind::kRule:
        Flush(para, ctx, out);
        out.push_back(Block{.text = "* * *"});
        return;
    }
  }

  // The text below `node`, for code: <br> is a newline in <pre>, a space
  // elsewhere; dropped elements contribute nothing.
  static std::string TextOf(const GumboNode* node, bool pre) {
    std::string out;
    for (const GumboNode* child : Children(node)) {
      if (IsText(child)) {
        out += child->v.text.text;
      } else if (IsElement(child) && KindOf(child) != Kind::kDrop) {
        if (TagOf(child) == GUMBO_TAG_BR) out += pre ? "\n" : " ";
        out += TextOf(child, pre);
      }
    }
    return out;
  }

  void InlineCode(const std::string& collapsed, InlineWriter& w) {
    if (collapsed.starts_with(' ')) w.Space();
    const std::string code = Trim(collapsed);
    if (!code.empty()) w.Markup(CodeSpan(code));
    if (collapsed.ends_with(' ') && collapsed.size() > 1) w.Space();
  }

  void InlineChildren(const GumboNode* node, const Context& ctx, InlineWriter& w) {
    for (const GumboNode* child : Children(node)) Inline(child, ctx, w);
  }

  void Emphasis(const GumboNode* node, Context ctx, bool Context::*flag, std::string_view marker, InlineWriter& w) {
    if (ctx.*flag) {  // <b><b>x</b></b>: once is enough
      InlineChildren(node, ctx, w);
      return;
    }
    ctx.*flag = true;
    InlineWriter inner(w.single_line());
    InlineChildren(node, ctx, inner);
    w.Wrap(marker, inner, marker);
  }

  void Inline(const GumboNode* node, const Context& ctx, InlineWriter& w) {
    if (IsText(node)) {
      w.Text(node->v.text.text);
      return;
    }
    if (!IsElement(node)) return;
    const Kind kind = KindOf(node);
    if (kind == Kind::kDrop) return;
    switch (TagOf(node)) {
      case GUMBO_TAG_STRONG: case GUMBO_TAG_B:
        Emphasis(node, ctx, &Context::in_strong, "**", w);
        return;
      case GUMBO_TAG_EM: case GUMBO_TAG_I: case GUMBO_TAG_CITE: case GUMBO_TAG_DFN: case GUMBO_TAG_VAR:
        Emphasis(node, ctx, &Context::in_em, "*", w);
        return;
      case GUMBO_TAG_S: case GUMBO_TAG_STRIKE: case GUMBO_TAG_DEL:
        Emphasis(node, ctx, &Context::in_strike, "~~", w);
        return;
      case GUMBO_TAG_CODE: case GUMBO_TAG_KBD: case GUMBO_TAG_SAMP: case GUMBO_TAG_TT:
        InlineCode(CollapseSpace(TextOf(node, false)), w);
        return;
      case GUMBO_TAG_A:
        Link(node, ctx, w);
        return;
      case GUMBO_TAG_IMG: case GUMBO_TAG_IMAGE:
        Image(node, ctx, w);
        return;
      case GUMBO_TAG_BR:
        w.Break();
        return;
      default:
        break;
    }
    if (kind == Kind::kInline) {
      InlineChildren(node, ctx, w);
    } else {  // a block where only inline content fits (a heading, a link)
      w.Space();
      InlineChildren(node, ctx, w);
      w.Space();
    }
  }

  static std::string UsableHref(const GumboNode* a) {
    std::string url = CleanUrl(Attribute(a, "href"));
    return IsUnsafeUrl(url) ? std::string() : url;
  }

  void Link(const GumboNode* node, Context ctx, InlineWriter& w) {
    std::string url = UsableHref(node);
    if (ctx.in_link || url.empty()) {  // nested links and anchors keep their text
      InlineChildren(node, ctx, w);
      return;
    }
    if (options_.rewrite_link) {
      if (auto rewritten = options_.rewrite_link(url)) url = std::move(*rewritten);
    }
    ctx.in_link = true;
    InlineWriter text(true);
    InlineChildren(node, ctx, text);
    const std::string close = "](" + Destination(url) + ")";
    if (w.Wrap("[", text, close)) return;
    // No text: a linked image without alt text shows the image's name; an
    // empty link shows nothing, as in a browser.
    if (const GumboNode* img = FirstImage(node)) {
      InlineWriter label(true);
      label.Text(ImageLabel(img));
      w.Markup(std::string("[").append(label.Content()).append(close));
    }
  }

  static const GumboNode* FirstImage(const GumboNode* node) {
    for (const GumboNode* child : Children(node)) {
      if (!IsElement(child) || KindOf(child) == Kind::kDrop) continue;
      if (TagOf(child) == GUMBO_TAG_IMG || TagOf(child) == GUMBO_TAG_IMAGE) return child;
      if (const GumboNode* img = FirstImage(child)) return img;
    }
    return nullptr;
  }

  // The alt text, else the file name, as a browser would show it.
  static std::string ImageLabel(const GumboNode* img) {
    std::string label = Trim(CollapseSpace(Attribute(img, "alt")));
    if (!label.empty()) return label;
    const std::string src = CleanUrl(Attribute(img, "src"));
    const std::string path = src.substr(0, src.find_first_of("?#"));
    label = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
    return label.empty() ? "image" : label;
  }

  void Image(const GumboNode* node, const Context& ctx, InlineWriter& w) {
    const std::string src = CleanUrl(Attribute(node, "src"));
    if (ctx.in_link || src.empty() || IsUnsafeUrl(src)) {
      w.Text(Attribute(node, "alt"));
      return;
    }
    InlineWriter label(true);
    label.Text(ImageLabel(node));
    w.Markup(std::string("[").append(label.Content()).append("](").append(Destination(src)).append(")"));
  }

  void Heading(const GumboNode* node, Context ctx, std::vector<Block>& out) {
    ctx.in_strong = true;  // headings are bold already
    InlineWriter w(true);
    InlineChildren(node, ctx, w);
    std::string text = w.Content();
    if (text.empty()) return;
    // A trailing run of '#' after a space would be read as a closing sequence.
    const std::size_t run = text.find_last_not_of('#');
    if (run != text.size() - 1 && (run == std::string::npos || text[run] == ' ')) {
      text.insert(run == std::string::npos ? 0 : run + 1, "\\");
    }
    const int level = static_cast<int>(TagOf(node) - GUMBO_TAG_H1) + 1;
    out.push_back(Block{.text = std::string(static_cast<std::size_t>(level), '#').append(" ").append(text)});
  }

  void List(const GumboNode* node, const Context& ctx, std::vector<Block>& out) {
    const bool ordered = TagOf(node) == GUMBO_TAG_OL;
    long number = 1;  // of the next item
    if (ordered) {
      const std::string start = Attribute(node, "start");
      char* end = nullptr;
      const long n = std::strtol(start.c_str(), &end, 10);
      if (!start.empty() && end != nullptr && *end == '\0') number = std::clamp(n, 0L, 999999999L);
    }
    // Items, each the nodes it holds. Content between items, including a
    // list nested directly in a list (<ul><li>a</li><ul>..</ul></ul>, which
    // old editors write), belongs to the item before it.
    std::vector<std::vector<const GumboNode*>> items;
    bool after_li = false;
    for (const GumboNode* child : Children(node)) {
      if (TagOf(child) == GUMBO_TAG_LI) {
        const auto content = Children(child);
        items.emplace_back(content.begin(), content.end());
        after_li = true;
        continue;
      }
      if (child->type == GUMBO_NODE_WHITESPACE || child->type == GUMBO_NODE_COMMENT) continue;
      if (items.empty()) items.emplace_back();
      if (after_li) items.back().push_back(nullptr);  // the <li> ended: a new block
      after_li = false;
      items.back().push_back(child);
    }
    // Only bullet lists and lists starting at 1 may interrupt a paragraph.
    const bool starts_at_one = !ordered || number == 1;
    // A list right after a list of the same kind would merge with it.
    const bool alt = !out.empty() && out.back().type == Block::Type::kList && out.back().ordered == ordered &&
                     !out.back().alt_marker;
    std::string text;
    for (const auto& item : items) {
      const std::vector<Block> blocks = Blocks(item, ctx);
      if (blocks.empty()) continue;
      std::string body;
      for (std::size_t i = 0; i < blocks.size(); ++i) {
        if (i > 0) body += blocks[i].tight ? "\n" : "\n\n";
        body += blocks[i].text;
      }
      const std::string marker =
          ordered ? fmt::format("{}{} ", number++, alt ? ')' : '.') : std::string(alt ? "* " : "- ");
      if (!text.empty()) text += "\n";
      text += Prefix(body, marker, std::string(marker.size(), ' '), "");
    }
    if (text.empty()) return;
    out.push_back(Block{.text = std::move(text),
                        .type = Block::Type::kList,
                        .ordered = ordered,
                        .alt_marker = alt,
                        .tight = starts_at_one});
  }

  static std::string CodeLanguage(const GumboNode* node) {
    std::vector<const GumboNode*> candidates{node};
    for (const GumboNode* child : Children(node)) {
      if (TagOf(child) == GUMBO_TAG_CODE) candidates.push_back(child);
    }
    for (const GumboNode* n : candidates) {
      const std::string classes = Attribute(n, "class");
      std::size_t pos = 0;
      while (pos < classes.size()) {
        const std::size_t end = std::min(classes.find(' ', pos), classes.size());
        std::string_view c = std::string_view(classes).substr(pos, end - pos);
        pos = end + 1;
        for (std::string_view prefix : {"language-", "lang-"}) {
          if (!c.starts_with(prefix) || c.size() == prefix.size()) continue;
          c.remove_prefix(prefix.size());
          const bool plain = std::all_of(c.begin(), c.end(), [](char ch) {
            return IsAsciiAlnum(ch) || ch == '-' || ch == '_' || ch == '+' || ch == '#' || ch == '.';
          });
          if (plain) return std::string(c);
        }
      }
    }
    return {};
  }

  void Pre(const GumboNode* node, std::vector<Block>& out) {
    std::string code;
    for (char c : TextOf(node, true)) {
      if (c != '\r') code.push_back(c);
    }
    while (code.starts_with('\n')) code.erase(0, 1);
    while (!code.empty() && (code.back() == '\n' || code.back() == ' ' || code.back() == '\t')) code.pop_back();
    if (code.empty()) return;
    std::size_t longest = 0;
    for (std::size_t i = 0; i < code.size();) {
      const std::size_t end = std::min(code.find_first_not_of('`', i), code.size());
      if (end > i) longest = std::max(longest, end - i);
      i = end == i ? i + 1 : end;
    }
    const std::string fence(std::max<std::size_t>(3, longest + 1), '`');
    out.push_back(Block{.text = fence + CodeLanguage(node) + "\n" + code + "\n" + fence,
                        .type = Block::Type::kCode,
                        .tight = true});
  }

  // One line of a cell: its blocks joined by spaces.
  std::string Cell(const GumboNode* cell, const Context& ctx) {
    Context cell_ctx = ctx;
    cell_ctx.in_table = true;
    std::string text = Join(Blocks(Children(cell), cell_ctx), " ");
    std::replace(text.begin(), text.end(), '\n', ' ');
    return text;
  }

  void Rows(const GumboNode* node, const Context& ctx, std::vector<std::vector<std::string>>& rows,
            std::vector<Block>& out) {
    for (const GumboNode* child : Children(node)) {
      switch (TagOf(child)) {
        case GUMBO_TAG_CAPTION: {
          std::vector<Block> caption = Blocks(Children(child), ctx);
          out.insert(out.end(), caption.begin(), caption.end());
          break;
        }
        case GUMBO_TAG_THEAD: case GUMBO_TAG_TBODY: case GUMBO_TAG_TFOOT:
          Rows(child, ctx, rows, out);
          break;
        case GUMBO_TAG_TR: {
          std::vector<std::string> row;
          for (const GumboNode* cell : Children(child)) {
            if (TagOf(cell) != GUMBO_TAG_TD && TagOf(cell) != GUMBO_TAG_TH) continue;
            row.push_back(Cell(cell, ctx));
            const long span = std::strtol(Attribute(cell, "colspan").c_str(), nullptr, 10);
            for (long i = 1; i < std::clamp(span, 1L, 100L); ++i) row.emplace_back();
          }
          rows.push_back(std::move(row));
          break;
        }
        default:
          break;
      }
    }
  }

  void Table(const GumboNode* node, const Context& ctx, std::vector<Block>& out) {
    std::vector<std::vector<std::string>> rows;
    Rows(node, ctx, rows, out);
    std::size_t columns = 0;
    for (const auto& row : rows) columns = std::max(columns, row.size());
    if (columns == 0) return;
    auto line = [&](const std::vector<std::string>& row) {
      std::string s = "|";
      for (std::size_t i = 0; i < columns; ++i) {
        const std::string& cell = i < row.size() ? row[i] : std::string();
        s.append(cell.empty() ? "" : " ").append(cell).append(" |");
      }
      return s;
    };
    // Markdown tables need a header row: the first row is it.
    std::string text = line(rows[0]) + "\n|";
    for (std::size_t i = 0; i < columns; ++i) text += " --- |";
    for (std::size_t r = 1; r < rows.size(); ++r) text.append("\n").append(line(rows[r]));
    out.push_back(Block{.text = std::move(text)});
  }

  const HtmlToMarkdownOptions& options_;
};

}  // namespace

std::string HtmlToMarkdown(std::string_view html, const HtmlToMarkdownOptions& options) {
  // gumbo 0.10 (Debian 12's) reads past the end of its input when it ends
  // inside a character reference in an attribute ('<a href="&amp'). It
  // parses a copy followed by NUL bytes, so those reads stay in the copy.
  constexpr std::size_t kPadding = 64;
  std::string padded;
  padded.reserve(html.size() + kPadding);
  padded.append(html).append(kPadding, '\0');
  std::unique_ptr<GumboOutput, void (*)(GumboOutput*)> parsed(
      gumbo_parse_with_options(&kGumboDefaultOptions, padded.data(), html.size()),
      [](GumboOutput* o) { gumbo_destroy_output(&kGumboDefaultOptions, o); });
  if (parsed == nullptr) return {};
  Converter converter(options);
  const GumboNode* root = parsed->root;
  // gumbo 0.10 reads a numeric character reference past U+10FFFF into an
  // int that overflows ("&#xFBBBBBBB"), and writes the result as bytes that
  // are not UTF-8; each such byte becomes U+FFFD.
  const std::string markdown =
      ToValidUtf8(Join(converter.Blocks(std::span<const GumboNode* const>(&root, 1), Context{}), "\n\n"));
  return markdown.empty() ? markdown : markdown + "\n";
}

}  // namespace kb
