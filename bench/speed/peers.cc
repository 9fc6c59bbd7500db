#include "bench/speed/peers.h"

#include <filesystem>
#include <functional>

#include "bench/peer/lucene.h"
#include "bench/peer/postgres_cluster.h"
#include "bench/peer/postgres_fts.h"
#include "bench/peer/xapian_plain.h"

namespace kb::bench {

namespace {

// Times `build`, then measures `search` on every query.
template <typename Index>
Result<PeerFigures> Run(PeerFigures figures, std::size_t articles, const std::vector<std::string>& queries,
                        const std::function<Result<std::unique_ptr<Index>>()>& build,
                        const std::function<std::uintmax_t(Index&)>& bytes) {
  const auto start = Clock::now();
  auto index = build();
  if (!index) return Fail(index.error());
  figures.articles_per_s = static_cast<double>(articles) / Seconds(start);
  figures.bytes = bytes(**index);
  Error failed = Error::Internal("");
  bool ok = true;
  figures.latency = Measure(queries, [&](const std::string& q) {
    auto hits = (*index)->Search(q, 10);
    if (!hits && ok) {
      ok = false;
      failed = hits.error();
    }
  });
  if (!ok) return Fail(failed);
  for (const std::string& q : queries) {
    if (auto hits = (*index)->Search(q, 10); hits && !hits->empty()) ++figures.answered;
  }
  return figures;
}

}  // namespace

Result<std::vector<PeerFigures>> MeasurePeers(const std::vector<PeerName>& peers, const std::vector<Article>& corpus,
                                              const std::vector<std::string>& queries, const std::string& dir) {
  std::vector<PeerFigures> out;
  for (const PeerName peer : peers) {
    Result<PeerFigures> figures = PeerFigures{};
    switch (peer) {
      case PeerName::kXapian: {
        const std::string path = dir + "/xapian";
        figures = Run<peer::XapianPlain>(
            PeerFigures{.peer = peer, .name = "xapian"}, corpus.size(), queries,
            [&] { return peer::XapianPlain::Build(path, corpus); },
            [&](peer::XapianPlain&) { return DiskBytes(path); });
        break;
      }
      case PeerName::kLucene: {
        const std::string path = dir + "/lucene";
        figures = Run<peer::LuceneIndex>(
            PeerFigures{.peer = peer, .name = "lucene++"}, corpus.size(), queries,
            [&] { return peer::LuceneIndex::Build(path, corpus); },
            [&](peer::LuceneIndex&) { return DiskBytes(path); });
        break;
      }
      case PeerName::kPostgres: {
        std::string why;
        auto cluster = testing::Postgres::Start(&why);
        if (!cluster) {
          figures = PeerFigures{.peer = peer, .name = "postgres", .not_run = why};
          break;
        }
        figures = Run<peer::PostgresFts>(
            PeerFigures{.peer = peer, .name = "postgres"}, corpus.size(), queries,
            [&] { return peer::PostgresFts::Build(cluster->Url(), corpus); },
            [&](peer::PostgresFts& pg) { return pg.Bytes().value_or(0); });
        break;
      }
    }
    if (!figures) return Fail(figures.error());
    out.push_back(std::move(*figures));
  }
  return out;
}

}  // namespace kb::bench
