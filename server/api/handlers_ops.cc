// For operators: GET /healthz, /readyz and /metrics.
#include "server/api/api.h"

#include <algorithm>

#include "indexer/base/time.h"
#include "server/api/handler_util.h"

namespace kb::api {

HttpResponse Api::Healthz(const RequestContext&) { return Json({{"status", "ok"}}); }

namespace {

// A request without a key learns how many public articles there are, not how
// many agent-only ones.
std::int64_t VisibleDocuments(const search::IndexStatus& s, search::Audience audience) {
  return audience == search::Audience::kAgent ? s.documents : s.public_documents;
}

// The generation an operator compares across replicas: the indexer's name
// for what is served.
std::string ServedGeneration(const search::IndexStatus& s) {
  return s.built_generation.empty() ? s.generation : s.built_generation;
}

}  // namespace

// Degraded is still 200: the server answers, from the index it has open.
// Besides the status: which index is served (generation and revision, the
// same on every replica that is up to date), when the indexer last wrote
// it and how long ago, and how many articles the caller may see.
HttpResponse Api::Ready(const RequestContext& c) {
  const search::IndexStatus s = pool_->Status();
  json body = {{"status", s.degraded.empty() ? "ready" : "degraded"}};
  if (!s.degraded.empty()) body["reason"] = s.degraded;
  body["generation"] = ServedGeneration(s);
  body["revision"] = s.revision;
  if (s.built_ms > 0) {
    body["built"] = FormatTime(s.built_ms);
    body["age_s"] = std::max<std::int64_t>(0, NowMs() - s.built_ms) / 1000;
  }
  body["documents"] = VisibleDocuments(s, c.audience);
  if (s.shards > 0) {
    body["shards"] = s.shards;
    body["shards_down"] = s.shards_down;
  }
  return Json(body);
}

HttpResponse Api::MetricsPage(const RequestContext& c) {
  const search::IndexStatus s = pool_->Status();
  HttpResponse res;
  res.content_type = "text/plain; version=0.0.4";
  res.body = metrics_.Render({VisibleDocuments(s, c.audience), ServedGeneration(s), s.revision, s.built_ms, NowMs(),
                              !s.degraded.empty(), s.shards, s.shards_down});
  return res;
}

}  // namespace kb::api
