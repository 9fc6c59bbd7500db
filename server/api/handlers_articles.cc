// GET /api/v1/articles/{id}.
#include "server/api/api.h"

#include <fmt/core.h>

#include "indexer/article.h"
#include "server/api/errors.h"
#include "server/api/handler_util.h"
#include "server/api/markdown_html.h"

namespace kb::api {

HttpResponse Api::Article(const RequestContext& c) {
  const std::string id(c.capture);
  if (id.empty() || id.find('/') != std::string::npos || CheckId(id)) {
    return ErrorResponse(ApiError::kNotFound, fmt::format("no article '{}'", id));
  }
  auto locale = LocaleParam(c.request, config_.default_locale);
  if (!locale) return locale.error();
  auto lease = pool_->Acquire();
  if (!lease) return ErrorResponse(ApiError::kUnavailable, lease.error().message());
  auto a = (*lease)->GetArticle({.id = id, .locale = *locale, .audience = c.audience});
  if (!a) return ErrorResponse(a.error());
  // A kb: link to an article this reader may not see is shown as its text
  // alone: neither its id nor its existence reaches a customer.
  const std::string body_html = RenderMarkdown(a->body_markdown, [&](std::string_view target) -> std::string {
    auto linked = (*lease)->GetArticle({.id = std::string(target), .locale = a->locale, .audience = c.audience});
    return linked ? ArticleUrl(target, a->locale) : std::string();
  });
  return Json({{"id", a->id},
               {"title", a->title},
               {"locale", a->locale},
               {"type", ArticleTypeName(a->type)},
               {"category", a->category},
               {"product", a->product},
               {"tags", a->tags},
               {"audience", AudienceName(a->audience)},
               {"updated", a->updated.empty() ? json(nullptr) : json(a->updated)},
               {"questions", a->questions},
               {"steps", a->steps},
               {"body_html", body_html},
               {"url", ArticleUrl(a->id, a->locale)}});
}

}  // namespace kb::api
