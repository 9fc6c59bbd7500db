// Renders an article's Markdown as safe HTML for widgets to insert: raw HTML
// in the source is shown as text, and links and images keep only http(s),
// mailto and relative targets. "kb:ARTICLE-ID" links become links to that
// article.
#ifndef KB_SERVER_API_MARKDOWN_HTML_H_
#define KB_SERVER_API_MARKDOWN_HTML_H_

#include <functional>
#include <string>
#include <string_view>

namespace kb::api {

// `article_url` maps an article id to the URL a kb: link points at.
std::string RenderMarkdown(std::string_view markdown, const std::function<std::string(std::string_view)>& article_url);

}  // namespace kb::api

#endif  // KB_SERVER_API_MARKDOWN_HTML_H_
