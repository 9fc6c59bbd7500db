// For operators: GET /healthz, /readyz and /metrics.
#include "server/api/api.h"

#include "server/api/handler_util.h"

namespace kb::api {

HttpResponse Api::Healthz(const RequestContext&) { return Json({{"status", "ok"}}); }

HttpResponse Api::Ready(const RequestContext&) {
  const search::IndexStatus s = pool_->Status();
  return Json({{"status", "ready"}, {"generation", s.generation}, {"documents", s.documents}});
}

HttpResponse Api::MetricsPage(const RequestContext&) {
  const search::IndexStatus s = pool_->Status();
  HttpResponse res;
  res.content_type = "text/plain; version=0.0.4";
  res.body = metrics_.Render(s.documents, s.generation);
  return res;
}

}  // namespace kb::api
