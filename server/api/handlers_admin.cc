// POST /api/v1/admin/reload, POST /api/v1/admin/reindex and
// GET /api/v1/admin/reindex/{job}.
#include "server/api/api.h"

#include <fmt/core.h>

#include "indexer/base/time.h"
#include "server/api/errors.h"
#include "server/api/handler_util.h"

namespace kb::api {

HttpResponse Api::Reload(const RequestContext&) {
  auto s = pool_->Reload(/*force=*/true);
  if (!s) return ErrorResponse(s.error());
  return Json({{"status", "reloaded"}, {"generation", s->generation}, {"documents", s->documents}});
}

std::optional<HttpResponse> Api::ToPrimary(const RequestContext& c) const {
  if (config_.index_primary.empty()) {
    if (config_.index_shards.empty()) return std::nullopt;
    return ErrorResponse(ApiError::kConflict,
                         "this server searches remote shards, which it does not write: rebuild them with "
                         "kb-index build --shards N, or set [index] primary to a server that does");
  }
  if (!primary_) return ErrorResponse(ApiError::kUnavailable, "this replica cannot pass requests on to its indexer");
  return primary_(c.request);
}

// On a replica, the indexer rebuilds (once, for every replica) and its job
// is asked about there. A server over remote shards with no primary
// refuses (ToPrimary).
HttpResponse Api::StartReindex(const RequestContext& c) {
  if (auto passed = ToPrimary(c)) return std::move(*passed);
  const std::string full = c.request.Param("full");
  if (!full.empty() && full != "true" && full != "false") {
    return ErrorResponse(ApiError::kInvalidParameter, "parameter 'full' must be 'true' or 'false'");
  }
  auto id = reindex_.Start(config_.corpus_path, config_.index_path, full == "true");
  if (!id) return ErrorResponse(id.error());
  return Json({{"job", *id}, {"status", JobStatusName(JobStatus::kRunning)}, {"url", "/api/v1/admin/reindex/" + *id}}, 202);
}

HttpResponse Api::ReindexStatus(const RequestContext& c) {
  if (auto passed = ToPrimary(c)) return std::move(*passed);
  const auto job = reindex_.Get(std::string(c.capture));
  if (!job) return ErrorResponse(ApiError::kNotFound, fmt::format("no reindex job '{}'", c.capture));
  json errors = json::array();
  for (const Error& e : job->errors) {
    errors.push_back({{"path", e.where().path.empty() ? json(nullptr) : json(e.where().path)},
                      {"line", e.where().line == 0 ? json(nullptr) : json(e.where().line)},
                      {"code", ErrorCodeName(e.code())},
                      {"message", e.message()}});
  }
  json result = nullptr;
  if (job->result) {
    const BuildStats& s = *job->result;
    result = {{"generation", s.generation}, {"full", s.full},       {"articles", s.articles},
              {"added", s.added},           {"updated", s.updated}, {"deleted", s.deleted},
              {"unchanged", s.unchanged},   {"seconds", s.seconds}};
  }
  return Json({{"job", job->id},
               {"status", JobStatusName(job->status)},
               {"full", job->full},
               {"started", FormatTime(job->started_ms)},
               {"finished", job->finished_ms ? json(FormatTime(job->finished_ms)) : json(nullptr)},
               {"progress", {{"done", job->done}, {"total", job->total}}},
               {"result", result},
               {"errors", errors}});
}

}  // namespace kb::api
