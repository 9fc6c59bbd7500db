// GET /api/v1/admin/learned, POST /api/v1/admin/learned/reject and
// POST /api/v1/admin/learned/promote: what usage taught, for content teams
// to see and control (docs/learning.md).
#include "server/api/api.h"

#include <fmt/core.h>

#include "indexer/base/time.h"
#include "indexer/writer/index_writer.h"
#include "server/api/errors.h"
#include "server/api/handler_util.h"
#include "server/learning/learner.h"
#include "server/learning/promote.h"

namespace kb::api {

namespace {

struct LearnedRequest {
  std::string article_id;
  std::string text;
  std::string locale;
};

// The body {"article_id": "...", "text": "...", "locale": "..."} (locale
// optional), or the 400 that says what is wrong with it.
Parsed<LearnedRequest> ParseLearnedRequest(const std::string& body) {
  const json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return std::unexpected(ErrorResponse(ApiError::kInvalidParameter, "the body must be a JSON object"));
  }
  LearnedRequest r;
  for (const auto& [name, field] : std::initializer_list<std::pair<const char*, std::string*>>{
           {"article_id", &r.article_id}, {"text", &r.text}, {"locale", &r.locale}}) {
    auto it = j.find(name);
    if (it == j.end()) continue;
    if (!it->is_string()) {
      return std::unexpected(ErrorResponse(ApiError::kInvalidParameter, fmt::format("'{}' must be a string", name)));
    }
    *field = it->get<std::string>();
  }
  if (r.article_id.empty()) return std::unexpected(ErrorResponse(ApiError::kInvalidParameter, "'article_id' is missing"));
  if (r.text.empty()) return std::unexpected(ErrorResponse(ApiError::kInvalidParameter, "'text' is missing"));
  if (!r.locale.empty()) {
    auto canonical = CanonicalLocale(r.locale);
    if (!canonical) {
      return std::unexpected(ErrorResponse(ApiError::kInvalidParameter, fmt::format("'locale' '{}' is not a language tag", r.locale)));
    }
    r.locale = *canonical;
  }
  return r;
}

}  // namespace

HttpResponse Api::ListLearned(const RequestContext&) {
  auto articles = ReadLearned(config_.index_path);
  if (!articles) return ErrorResponse(articles.error());
  json out = json::array();
  std::size_t phrasings = 0;
  for (const kb::Article& a : *articles) {
    json learned = json::array();
    for (const LearnedPhrasing& p : a.learned) {
      learned.push_back({{"text", p.text}, {"clients", p.clients}, {"weight", p.weight},
                         {"audience", p.agent ? "agent" : "public"}});
    }
    phrasings += a.learned.size();
    out.push_back({{"id", a.id},
                   {"locale", a.locale},
                   {"title", a.title},
                   {"audience", AudienceName(a.audience)},
                   {"questions", a.questions},
                   {"learned", std::move(learned)}});
  }
  return Json({{"articles", std::move(out)}, {"phrasings", phrasings}});
}

HttpResponse Api::RejectLearned(const RequestContext& c) {
  if (auto passed = ToPrimary(c)) return std::move(*passed);  // the indexer's index loses it; replicas follow
  auto r = ParseLearnedRequest(c.request.body);
  if (!r) return r.error();
  auto rejected = learning::Reject(*events_, config_.index_path, r->article_id, r->text, NowMs());
  if (!rejected) return ErrorResponse(rejected.error());
  if (rejected->index.changed > 0) (void)pool_->Reload();
  return Json({{"article_id", r->article_id},
               {"text", rejected->text},
               {"rejected", true},
               {"documents_changed", rejected->index.changed}});
}

HttpResponse Api::PromoteLearned(const RequestContext& c) {
  auto r = ParseLearnedRequest(c.request.body);
  if (!r) return r.error();
  if (config_.corpus_path.empty()) {
    return ErrorResponse(ApiError::kConflict, "the server has no corpus to promote into: set [index] corpus");
  }
  auto change = learning::AddQuestion(config_.corpus_path, r->article_id, r->locale, r->text);
  if (!change) return ErrorResponse(change.error());
  return Json({{"article_id", r->article_id},
               {"text", r->text},
               {"path", change->path},
               {"line", change->line},
               {"questions", change->questions},
               {"diff", change->diff.empty() ? json(nullptr) : json(change->diff)}});
}

}  // namespace kb::api
