// GET /api/v1/articles/{id}.
#include "server/api/api.h"

#include <fmt/core.h>

#include "indexer/article.h"
#include "server/api/errors.h"
#include "server/api/handler_util.h"
#include "server/api/markdown_html.h"

namespace kb::api {

HttpResponse Api::Article(const RequestContext& c) {
  const HttpRequest& request = c.request;
  const std::string id(c.capture);
  const search::Audience audience = c.audience;
  if (id.empty() || id.find('/') != std::string::npos || CheckId(id)) {
    return ErrorResponse(ApiError::kNotFound, fmt::format("no article '{}'", id));
  }
  search::ArticleRequest ar{.id = id, .locale = config_.default_locale, .audience = audience};
  if (request.HasParam("locale")) {
    auto locale = CanonicalLocale(request.Param("locale"));
    if (!locale) return ErrorResponse(ApiError::kInvalidParameter, "parameter 'locale' must be a BCP 47 tag such as 'en' or 'de-AT'");
    ar.locale = *locale;
  }
  auto lease = pool_->Acquire();
  if (!lease) return ErrorResponse(ApiError::kUnavailable, lease.error().message());
  auto a = (*lease)->GetArticle(ar);
  if (!a) return ErrorResponse(ApiErrorFor(a.error()), a.error().message());
  const std::string locale = a->locale;
  const std::string body_html = RenderMarkdown(a->body_markdown, [&](std::string_view target) { return ArticleUrl(target, locale); });
  return Json({{"id", a->id},
               {"title", a->title},
               {"locale", a->locale},
               {"type", a->type},
               {"category", a->category},
               {"product", a->product},
               {"tags", a->tags},
               {"audience", a->audience},
               {"updated", a->updated.empty() ? json(nullptr) : json(a->updated)},
               {"questions", a->questions},
               {"steps", a->steps},
               {"body_html", body_html},
               {"url", ArticleUrl(a->id, a->locale)}});
}

}  // namespace kb::api
