// GET /api/v1/analytics/summary and /api/v1/analytics/timeseries.
#include "server/api/api.h"

#include "indexer/base/time.h"
#include "server/analytics/summary.h"
#include "server/api/errors.h"
#include "server/api/handler_util.h"

namespace kb::api {

namespace {

// The summary request of an analytics call's parameters.
Result<analytics::SummaryRequest> SummaryParams(const HttpRequest& request, std::int64_t window_ms) {
  return analytics::MakeSummaryRequest(request.Param("from"), request.Param("to"), request.Param("locale"),
                                       request.Param("channel"), NowMs(), window_ms);
}

}  // namespace

HttpResponse Api::AnalyticsSummary(const RequestContext& c) {
  auto r = SummaryParams(c.request, config_.attribution_window.count());
  if (!r) return ErrorResponse(ApiError::kInvalidParameter, r.error().message());
  if (auto flushed = events_->Flush(); !flushed) return ErrorResponse(ApiError::kUnavailable, flushed.error().message());
  auto s = analytics::Summarise(*events_, *r);
  if (!s) return ErrorResponse(s.error());
  return Json(analytics::SummaryJson(*s, *r));
}

HttpResponse Api::AnalyticsTimeseries(const RequestContext& c) {
  auto r = SummaryParams(c.request, config_.attribution_window.count());
  if (!r) return ErrorResponse(ApiError::kInvalidParameter, r.error().message());
  auto metric = analytics::ParseMetric(c.request.HasParam("metric") ? c.request.Param("metric") : "deflection_rate");
  if (!metric) return ErrorResponse(metric.error());
  auto interval = analytics::ParseInterval(c.request.HasParam("interval") ? c.request.Param("interval") : "day");
  if (!interval) return ErrorResponse(interval.error());
  if (auto flushed = events_->Flush(); !flushed) return ErrorResponse(ApiError::kUnavailable, flushed.error().message());
  auto points = analytics::Timeseries(*events_, *r, *metric, *interval);
  if (!points) return ErrorResponse(points.error());
  json out = json::array();
  for (const analytics::SeriesPoint& p : *points) {
    out.push_back({{"start", FormatTime(p.start_ms)}, {"value", p.value ? json(*p.value) : json(nullptr)}});
  }
  return Json({{"metric", analytics::MetricName(*metric)},
               {"interval", analytics::IntervalName(*interval)},
               {"from", FormatTime(r->filter.from_ms)},
               {"to", FormatTime(r->filter.to_ms)},
               {"points", out}});
}

}  // namespace kb::api
