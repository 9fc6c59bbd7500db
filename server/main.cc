#include <pthread.h>
#include <signal.h>

#include <iostream>
#include <thread>

#include <fmt/core.h>

#include "indexer/base/caught.h"
#include "indexer/base/time.h"
#include "indexer/index_dir.h"
#include "server/analytics/backup.h"
#include "server/analytics/report.h"
#include "server/api/api.h"
#include "server/api/config.h"
#include "server/http/forward.h"
#include "server/http/http_server.h"

// jemalloc (see kb_allocator in CMakeLists.txt) keeps memory freed in a
// burst, such as loading a word list, until it allocates again; a
// background thread hands it back to the system while the server idles.
extern "C" {
const char* malloc_conf = "background_thread:true,muzzy_decay_ms:0";
}

int main(int argc, char** argv) {
  try {
    if (argc > 1 && std::string_view(argv[1]) == "report") {
      return kb::analytics::RunReport(std::vector<std::string>(argv + 2, argv + argc), kb::NowMs(), std::cout,
                                      std::cerr);
    }
    if (argc > 1 && std::string_view(argv[1]) == "backup") {
      return kb::analytics::RunBackup(std::vector<std::string>(argv + 2, argv + argc), std::cout, std::cerr);
    }
    auto config = kb::api::ConfigFromArgs(std::vector<std::string>(argv + 1, argv + argc));
    if (!config) {
      // The usage helps with a bad flag, not with a file that is wrong.
      const kb::Error& e = config.error();
      const bool flag_problem = e.code() == kb::ErrorCode::kInvalidArgument && e.where().path.empty();
      std::cerr << "kb-server: " << e.ToString() << "\n" << (flag_problem ? kb::api::kServerUsage : "");
      return 2;
    }
    // SIGTERM and SIGINT are taken by one thread that stops the server, so
    // requests in flight finish and logs are flushed.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    auto api = kb::api::Api::Create(*config);
    if (!api) {
      std::cerr << "kb-server: " << api.error().ToString() << "\n";
      return 1;
    }
    if (!config->index_primary.empty()) (*api)->SetPrimary(kb::http::ForwardTo(config->index_primary));
    kb::http::HttpServer server(**api);
    auto port = server.Bind();
    if (!port) {
      std::cerr << "kb-server: " << port.error().ToString() << "\n";
      return 1;
    }
    std::thread stopper([&] {
      int sig = 0;
      sigwait(&signals, &sig);
      server.Stop();
    });
    // Serving needs no write access to the index; reindexing does.
    if (auto writable = kb::index_dir::CheckWritable(config->index_path);
        !writable && config->index_primary.empty()) {
      std::cerr << "kb-server: warning: " << writable.error().message()
                << "; POST /api/v1/admin/reindex fails until it is\n";
    }
    const auto status = (*api)->pool().Status();
    std::cerr << fmt::format("kb-server: serving {} ({} articles, {}) on http://{}:{}/\n", config->index_path,
                             status.documents, status.generation.empty() ? "no generation" : status.generation,
                             config->host, *port);
    server.Run();
    (*api)->Flush();
    if (stopper.joinable()) {
      pthread_kill(stopper.native_handle(), SIGTERM);  // wake it if the server stopped on its own
      stopper.join();
    }
    std::cerr << "kb-server: stopped\n";
    return 0;
  } catch (...) {
    std::cerr << kb::CaughtError("kb-server: internal error").message() << "\n";
    return 1;
  }
}
