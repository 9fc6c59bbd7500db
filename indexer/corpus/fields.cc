#include "indexer/corpus/fields.h"

#include <array>
#include <cctype>

#include <md4c.h>

#include "indexer/article.h"
#include "indexer/corpus/md4c_text.h"
#include "indexer/text/analyzer.h"

namespace kb {

namespace {

// Headings that introduce the numbered steps of a troubleshooting article,
// in normalised form.
bool IsStepsHeading(const std::string& heading) {
  const std::string h = text::NormalizeWord(heading);
  return h == "steps" || h == "schritte" || h == "手順" || h == "etapes" || h == "pasos" || h == "solution" ||
         h == "losung";
}

std::string Trim(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

struct MarkdownWalker {
  std::string_view markdown;
  MarkdownContent out;
  std::string heading;
  bool in_heading = false;
  int heading_level = 0;
  bool in_steps_section = false;
  int list_depth = 0;
  bool steps_list_open = false;
  bool steps_list_done = false;
  int item_depth = 0;
  std::string step;

  void Text(std::string_view t) {
    out.text.append(t);
    if (in_heading) heading.append(t);
    if (steps_list_open && item_depth >= 1) step.append(t);
  }
};

int EnterBlock(MD_BLOCKTYPE type, void* detail, void* user) {
  auto* w = static_cast<MarkdownWalker*>(user);
  // A block starting right after text (a code block in a tight list item)
  // must not glue its first word to the last one before it.
  if (type != MD_BLOCK_DOC && !w->out.text.empty() && w->out.text.back() != '\n' && w->out.text.back() != ' ') {
    w->Text(" ");
  }
  switch (type) {
    case MD_BLOCK_H:
      w->in_heading = true;
      w->heading.clear();
      w->heading_level = static_cast<MD_BLOCK_H_DETAIL*>(detail)->level;
      break;
    case MD_BLOCK_OL:
      ++w->list_depth;
      if (w->list_depth == 1 && w->in_steps_section && !w->steps_list_done) w->steps_list_open = true;
      break;
    case MD_BLOCK_UL:
      ++w->list_depth;
      break;
    case MD_BLOCK_LI:
      ++w->item_depth;
      if (w->steps_list_open && w->item_depth == 1) w->step.clear();
      break;
    default:
      break;
  }
  return 0;
}

int LeaveBlock(MD_BLOCKTYPE type, void* /*detail*/, void* user) {
  auto* w = static_cast<MarkdownWalker*>(user);
  switch (type) {
    case MD_BLOCK_H: {
      w->in_heading = false;
      std::string h = Trim(w->heading);
      if (w->heading_level <= 3) w->in_steps_section = IsStepsHeading(h);
      w->out.headings.push_back(std::move(h));
      break;
    }
    case MD_BLOCK_OL:
      if (w->list_depth == 1 && w->steps_list_open) {
        w->steps_list_open = false;
        w->steps_list_done = true;
      }
      --w->list_depth;
      break;
    case MD_BLOCK_UL:
      --w->list_depth;
      break;
    case MD_BLOCK_LI:
      if (w->steps_list_open && w->item_depth == 1) {
        std::string s = Trim(w->step);
        if (!s.empty()) w->out.steps.push_back(std::move(s));
      }
      --w->item_depth;
      break;
    default:
      break;
  }
  w->Text("\n");
  return 0;
}


int EnterSpan(MD_SPANTYPE type, void* detail, void* user) {
  if (type != MD_SPAN_A) return 0;
  auto* w = static_cast<MarkdownWalker*>(user);
  const MD_ATTRIBUTE& href = static_cast<MD_SPAN_A_DETAIL*>(detail)->href;
  MarkdownLink link;
  link.url = AttributeText(href);
  // md4c points a plain attribute into the document; one with escapes or
  // entities is a copy, so look for the url as written instead.
  const char* begin = w->markdown.data();
  if (href.text != nullptr && href.text >= begin && href.text < begin + w->markdown.size()) {
    link.offset = static_cast<std::size_t>(href.text - begin);
  } else if (!link.url.empty()) {
    link.offset = w->markdown.find(link.url);
  }
  w->out.links.push_back(std::move(link));
  return 0;
}
int LeaveSpan(MD_SPANTYPE, void*, void*) { return 0; }

int OnText(MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* user) {
  auto* w = static_cast<MarkdownWalker*>(user);
  switch (type) {
    case MD_TEXT_NULLCHAR:
      break;
    case MD_TEXT_BR:
    case MD_TEXT_SOFTBR:
      w->Text(" ");
      break;
    case MD_TEXT_ENTITY: {
      const std::string_view e(text, size);
      if (e == "&amp;") w->Text("&");
      else if (e == "&lt;") w->Text("<");
      else if (e == "&gt;") w->Text(">");
      else if (e == "&quot;") w->Text("\"");
      else if (e == "&nbsp;") w->Text(" ");
      else w->Text(e);
      break;
    }
    default:
      w->Text(std::string_view(text, size));
      break;
  }
  return 0;
}

std::string CollapseBlankLines(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  int newlines = 0;
  for (char c : s) {
    if (c == '\n') {
      if (++newlines > 1) continue;
    } else {
      newlines = 0;
    }
    out.push_back(c);
  }
  return Trim(out);
}

}  // namespace

MarkdownContent ExtractMarkdown(std::string_view markdown) {
  const PaddedMarkdown padded(markdown);
  MarkdownWalker walker;
  walker.markdown = padded.text();
  MD_PARSER parser{};
  parser.abi_version = 0;
  parser.flags = MD_DIALECT_GITHUB;
  parser.enter_block = EnterBlock;
  parser.leave_block = LeaveBlock;
  parser.enter_span = EnterSpan;
  parser.leave_span = LeaveSpan;
  parser.text = OnText;
  padded.Parse(parser, &walker);
  walker.out.text = CollapseBlankLines(walker.out.text);
  return std::move(walker.out);
}

std::string AttributeText(const MD_ATTRIBUTE& a) {
  std::string s;
  for (unsigned i = 0; a.substr_offsets[i] < a.size; ++i) {
    const std::string_view part(a.text + a.substr_offsets[i], a.substr_offsets[i + 1] - a.substr_offsets[i]);
    if (a.substr_types[i] == MD_TEXT_NULLCHAR) continue;
    if (a.substr_types[i] == MD_TEXT_ENTITY) {
      if (part == "&amp;") s += '&';
      else if (part == "&lt;") s += '<';
      else if (part == "&gt;") s += '>';
      else if (part == "&quot;") s += '"';
      else s.append(part);
      continue;
    }
    s.append(part);
  }
  return s;
}

}  // namespace kb
