// `kb-server report`: the analytics summary on the terminal, for content
// teams, as a table, CSV or JSON.
#ifndef KB_SERVER_ANALYTICS_REPORT_H_
#define KB_SERVER_ANALYTICS_REPORT_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "server/analytics/summary.h"

namespace kb::analytics {

// The summary as text in `format` ("table", "csv" or "json").
std::string FormatReport(const Summary& s, const SummaryRequest& request, const std::string& format);

// Runs `kb-server report ARGS...` (the arguments after "report"); returns
// the exit status: 0, 1 when the events cannot be read, 2 for bad usage.
int RunReport(const std::vector<std::string>& args, std::int64_t now_ms, std::ostream& out, std::ostream& err);

}  // namespace kb::analytics

#endif  // KB_SERVER_ANALYTICS_REPORT_H_
