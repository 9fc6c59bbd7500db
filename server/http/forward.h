// How a replica passes requests on to its indexer (Api::SetPrimary), over
// HTTP with cpp-httplib.
#ifndef KB_SERVER_HTTP_FORWARD_H_
#define KB_SERVER_HTTP_FORWARD_H_

#include <string>

#include "server/api/api.h"

namespace kb::http {

// Sends each request to `origin` ("http://host:port") with its method,
// path, query, body, Content-Type and Authorization, and answers with the
// indexer's status, body and Content-Type. Connecting waits at most 3 s, an
// answer 30 s; an indexer that cannot be reached is a 503 `unavailable`
// naming it. Safe for concurrent use.
api::Api::Forward ForwardTo(const std::string& origin);

}  // namespace kb::http

#endif  // KB_SERVER_HTTP_FORWARD_H_
