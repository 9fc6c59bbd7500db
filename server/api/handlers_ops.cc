// For operators: GET /healthz, /readyz and /metrics.
#include "server/api/api.h"

#include "server/api/handler_util.h"

namespace kb::api {

HttpResponse Api::Healthz(const RequestContext&) { return Json({{"status", "ok"}}); }

namespace {

// A request without a key learns how many public articles there are, not how
// many agent-only ones.
std::int64_t VisibleDocuments(const search::IndexStatus& s, search::Audience audience) {
  return audience == search::Audience::kAgent ? s.documents : s.public_documents;
}

}  // namespace

// Degraded is still 200: the server answers, from the index it has open.
HttpResponse Api::Ready(const RequestContext& c) {
  const search::IndexStatus s = pool_->Status();
  if (!s.degraded.empty()) {
    return Json({{"status", "degraded"},
                 {"reason", s.degraded},
                 {"generation", s.generation},
                 {"documents", VisibleDocuments(s, c.audience)}});
  }
  return Json({{"status", "ready"}, {"generation", s.generation}, {"documents", VisibleDocuments(s, c.audience)}});
}

HttpResponse Api::MetricsPage(const RequestContext& c) {
  const search::IndexStatus s = pool_->Status();
  HttpResponse res;
  res.content_type = "text/plain; version=0.0.4";
  res.body = metrics_.Render(VisibleDocuments(s, c.audience), s.generation, !s.degraded.empty());
  return res;
}

}  // namespace kb::api
