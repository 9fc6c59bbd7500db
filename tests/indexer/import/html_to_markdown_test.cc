#include "indexer/import/html_to_markdown.h"

#include <gtest/gtest.h>

#include "tests/guarded_copy.h"

#include "indexer/corpus/fields.h"

namespace kb {
namespace {

TEST(HtmlToMarkdownTest, ParagraphsAndEmphasis) {
  EXPECT_EQ(HtmlToMarkdown("<p>Hello <b>world</b> and <i>more</i>.</p>\n<p>Second <strong>para</strong></p>"),
            "Hello **world** and *more*.\n\nSecond **para**\n");
  // Whitespace inside emphasis moves outside it, or Markdown would not read
  // it as emphasis; nested emphasis of one kind is written once.
  EXPECT_EQ(HtmlToMarkdown("<p>Go to <b> Settings </b>then <b><b>Account</b></b><em></em>.</p>"),
            "Go to **Settings** then **Account**.\n");
  EXPECT_EQ(HtmlToMarkdown("<p><s>old</s> <del>gone</del></p>"), "~~old~~ ~~gone~~\n");
}

// gumbo 0.10 reads past the end of a character reference that ends the
// input inside an attribute.
TEST(HtmlToMarkdownTest, AReferenceAtTheEndOfAnAttributeIsReadWithinTheText) {
  const testing::GuardedCopy html("<p>Read this.</p><a href=\"https://x.example/?a=1&amp");
  EXPECT_EQ(HtmlToMarkdown(html.view()), "Read this.\n");
}

TEST(HtmlToMarkdownTest, EmptyInputGivesEmptyOutput) {
  EXPECT_EQ(HtmlToMarkdown(""), "");
  EXPECT_EQ(HtmlToMarkdown("  <p>&nbsp;</p> <div><br></div> "), "");
}

TEST(HtmlToMarkdownTest, Lists) {
  EXPECT_EQ(HtmlToMarkdown("<ul>\n  <li>One</li>\n  <li>Two</li>\n</ul>"), "- One\n- Two\n");
}

TEST(HtmlToMarkdownTest, NestedLists) {
  EXPECT_EQ(HtmlToMarkdown("<ul><li>One</li><li>Two<ul><li>Nested <strong>bold</strong></li><li>Nested 2"
                           "<ol><li>Deep</li></ol></li></ul></li><li>Three</li></ul>"),
            "- One\n"
            "- Two\n"
            "  - Nested **bold**\n"
            "  - Nested 2\n"
            "    1. Deep\n"
            "- Three\n");
  // Old editors nest a list directly in a list: it belongs to the item before.
  EXPECT_EQ(HtmlToMarkdown("<ul><li>a</li><ul><li>in a</li></ul><li>b</li></ul>"), "- a\n  - in a\n- b\n");
  // So does stray text between items, as a paragraph of its own.
  EXPECT_EQ(HtmlToMarkdown("<ul><li>one</li>stray text<li>two</li></ul>"), "- one\n\n  stray text\n- two\n");
}

TEST(HtmlToMarkdownTest, OrderedListsAreSteps) {
  const std::string markdown = HtmlToMarkdown(
      "<h2>Steps</h2><ol><li>Open <a href=\"https://app.example/settings\">Settings</a>.</li>"
      "<li><p>Run:</p><pre><code class=\"language-bash\">echo hi</code></pre></li><li>Sign in again.</li></ol>");
  EXPECT_EQ(markdown,
            "## Steps\n"
            "\n"
            "1. Open [Settings](https://app.example/settings).\n"
            "2. Run:\n"
            "   ```bash\n"
            "   echo hi\n"
            "   ```\n"
            "3. Sign in again.\n");
  // The indexer reads each item back as a step, its text and its code
  // block kept apart.
  EXPECT_EQ(ExtractMarkdown(markdown).steps,
            (std::vector<std::string>{"Open Settings.", "Run: echo hi", "Sign in again."}));
}

TEST(HtmlToMarkdownTest, OrderedListNumbering) {
  EXPECT_EQ(HtmlToMarkdown("<ol start=\"9\"><li>nine</li><li>ten<ul><li>sub</li></ul></li></ol>"),
            "9. nine\n10. ten\n    - sub\n");
  // An item of several paragraphs; empty items are left out.
  EXPECT_EQ(HtmlToMarkdown("<ol><li><p>First</p><p>More</p></li><li> </li><li>Second</li></ol>"),
            "1. First\n\n   More\n2. Second\n");
}

TEST(HtmlToMarkdownTest, AdjacentListsStayApart) {
  EXPECT_EQ(HtmlToMarkdown("<ul><li>a</li></ul><ul><li>b</li></ul><ul><li>c</li></ul><ol><li>x</li></ol>"
                           "<ol><li>y</li></ol>"),
            "- a\n\n* b\n\n- c\n\n1. x\n\n1) y\n");
}

TEST(HtmlToMarkdownTest, Tables) {
  EXPECT_EQ(HtmlToMarkdown("<table><thead><tr><th>Plan</th><th>Price</th></tr></thead><tbody>"
                           "<tr><td>Basic</td><td>5 | 10 &euro;</td></tr>"
                           "<tr><td colspan=\"2\">All <b>plans</b>: <code>a|b</code></td></tr>"
                           "<tr><td><p>one</p><p>two</p></td><td><ul><li>x</li><li>y</li></ul></td></tr>"
                           "</tbody></table>"),
            "| Plan | Price |\n"
            "| --- | --- |\n"
            "| Basic | 5 \\| 10 € |\n"
            "| All **plans**: `a|b` | |\n"
            "| one two | x y |\n");
}

TEST(HtmlToMarkdownTest, TableWithoutHeaderCellsUsesItsFirstRow) {
  EXPECT_EQ(HtmlToMarkdown("<p>Before</p><table><caption>Prices</caption><tr><td>Plan</td><td>Price</td></tr>"
                           "<tr><td>Basic</td></tr></table>"),
            "Before\n\nPrices\n\n| Plan | Price |\n| --- | --- |\n| Basic | |\n");
}

TEST(HtmlToMarkdownTest, Code) {
  EXPECT_EQ(HtmlToMarkdown("<p>Press <kbd>Ctrl</kbd>+<kbd>C</kbd>, run <code>`ls`</code> or <code> a  b </code>"
                           "</p>"),
            "Press `Ctrl`+`C`, run `` `ls` `` or `a b`\n");
  // <pre> keeps its lines and indentation; markup inside is just text.
  EXPECT_EQ(HtmlToMarkdown("<pre>\n  if (a &lt; b) {\n    <b>return</b>;<br>  }\n</pre>"),
            "```\n  if (a < b) {\n    return;\n  }\n```\n");
  EXPECT_EQ(HtmlToMarkdown("<pre class=\"lang-json\">has ``` a fence</pre>"), "````json\nhas ``` a fence\n````\n");
}

TEST(HtmlToMarkdownTest, Links) {
  EXPECT_EQ(HtmlToMarkdown("<p>See <a href=\" https://example.com/a path/(1)?x=1&amp;y=2 \">the <i>docs</i></a>"
                           " or <a href=\"mailto:help@example.com\">mail us</a>.</p>"),
            "See [the *docs*](https://example.com/a%20path/%281%29?x=1&y=2) or [mail us](mailto:help@example.com).\n");
  // Unsafe targets and anchors keep their text; empty links disappear.
  EXPECT_EQ(HtmlToMarkdown("<p><a href=\"javascript:alert(1)\">click</a> <a href=\"java\tscript:x\">tab</a> "
                           "<a name=\"top\">anchor</a> <a href=\"#top\"> </a>end</p>"),
            "click tab anchor end\n");
  // A link around blocks keeps the link.
  EXPECT_EQ(HtmlToMarkdown("<a href=\"/card\"><div>Card</div><p>text</p></a>"), "[Card text](/card)\n");
}

TEST(HtmlToMarkdownTest, ImagesAreLinks) {
  EXPECT_EQ(HtmlToMarkdown("<p><img src=\"https://cdn.example/a/shot.png?v=1\"> <img src=\"/i.png\" alt=\"The "
                           "[menu]\"> <img src=\"data:image/png;base64,AAAA\" alt=\"pasted\"></p>"
                           "<p><a href=\"/big.png\"><img src=\"/small.png\"></a></p>"),
            "[shot.png](https://cdn.example/a/shot.png?v=1) [The \\[menu\\]](/i.png) pasted\n"
            "\n"
            "[small.png](/big.png)\n");
}

TEST(HtmlToMarkdownTest, RewritesLinkTargets) {
  HtmlToMarkdownOptions options;
  options.rewrite_link = [](std::string_view href) -> std::optional<std::string> {
    if (href == "/hc/en-us/articles/42") return "kb:zd-42";
    return std::nullopt;
  };
  EXPECT_EQ(HtmlToMarkdown("<a href=\"/hc/en-us/articles/42\">Reset</a> <a href=\"/other\">Other</a>", options),
            "[Reset](kb:zd-42) [Other](/other)\n");
}

TEST(HtmlToMarkdownTest, DecodesEntities) {
  EXPECT_EQ(HtmlToMarkdown("<p>caf&eacute; &ndash; AT&amp;T &#8364;5&nbsp;&nbsp;off &quot;now&quot; &lt;3</p>"),
            "café – AT&T €5 off \"now\" \\<3\n");
}

TEST(HtmlToMarkdownTest, DropsScriptsStylesAndFrames) {
  EXPECT_EQ(HtmlToMarkdown("<html><head><title>Title</title><style>p{}</style></head><body>"
                           "<p>Before<script>alert('x')</script> after</p><style>p { color: red }</style>"
                           "<iframe src=\"https://video.example/embed\">fallback</iframe><!-- a comment -->"
                           "<noscript>no</noscript><svg><text>drawn</text></svg><object>obj</object>"
                           "<form><input value=\"v\"><button>Go</button></form></body></html>"),
            "Before after\n");
  // Unknown tags (Word's <o:p>, custom elements) go; their text stays.
  EXPECT_EQ(HtmlToMarkdown("<p>Kept<o:p></o:p></p><help-callout>Note: <b>read</b></help-callout>"),
            "Kept\n\nNote: **read**\n");
}

TEST(HtmlToMarkdownTest, EscapesTextThatLooksLikeMarkdown) {
  EXPECT_EQ(HtmlToMarkdown("<p>*stars* _under_ snake_case __init__ [x](y) ~x~ a|b `tick` C:\\dir &lt;div&gt; "
                           "&amp;copy; R&amp;D # not a heading</p>"),
            "\\*stars\\* \\_under\\_ snake_case \\_\\_init\\_\\_ \\[x\\](y) \\~x\\~ a\\|b \\`tick\\` C:\\\\dir "
            "\\<div> \\&copy; R&D # not a heading\n");
  // At the start of a line, what would begin a block.
  EXPECT_EQ(HtmlToMarkdown("<p>- dash</p><p>+ plus</p><p>2026. year</p><p>3) three</p><p>&gt; quote</p>"
                           "<p>## two</p><p>#tag</p><p>---</p><p>==</p><p>a<br>- b<br>1. c</p>"),
            "\\- dash\n\n\\+ plus\n\n2026\\. year\n\n3\\) three\n\n\\> quote\n\n\\## two\n\n#tag\n\n\\---\n\n"
            "\\==\n\na\\\n\\- b\\\n1\\. c\n");
}

TEST(HtmlToMarkdownTest, LineBreaks) {
  EXPECT_EQ(HtmlToMarkdown("<p>Line one<br>Line two <br/><br>New paragraph<br></p><p><br>Next</p>"),
            "Line one\\\nLine two\n\nNew paragraph\n\nNext\n");
  EXPECT_EQ(HtmlToMarkdown("<ul><li>a<br>b</li></ul>"), "- a\\\n  b\n");
  EXPECT_EQ(HtmlToMarkdown("<table><tr><th>a<br>b</th></tr></table>"), "| a b |\n| --- |\n");
}

TEST(HtmlToMarkdownTest, Headings) {
  EXPECT_EQ(HtmlToMarkdown("<h1>Top</h1><h2><strong>Steps</strong></h2><h3>Issue #</h3><h4>C#</h4><h5> </h5>"
                           "<h6>1. Six</h6>"),
            "# Top\n\n## Steps\n\n### Issue \\#\n\n#### C#\n\n###### 1. Six\n");
}

TEST(HtmlToMarkdownTest, BlockquotesAndRules) {
  EXPECT_EQ(HtmlToMarkdown("<blockquote><p>Quote</p><ul><li>item</li></ul></blockquote><hr><p>After</p>"),
            "> Quote\n>\n> - item\n\n* * *\n\nAfter\n");
}

TEST(HtmlToMarkdownTest, RepairsMalformedHtml) {
  // What a browser makes of it: <p> closes at the list, <b> is closed.
  EXPECT_EQ(HtmlToMarkdown("<p>Intro <b>bold<ul><li>one<li>two</ul>tail"),
            "Intro **bold**\n\n- **one**\n- **two**\n\n**tail**\n");
  EXPECT_EQ(HtmlToMarkdown("<span>x<div>block in span</div>y</span>"), "x\n\nblock in span\n\ny\n");
}

TEST(HtmlToMarkdownTest, ACharacterReferenceOutOfRangeIsAReplacementCharacter) {
  EXPECT_EQ(HtmlToMarkdown("&#x110000; &#xFBBBBBBB"), "\uFFFD \uFFFD\n");
}

}  // namespace
}  // namespace kb
