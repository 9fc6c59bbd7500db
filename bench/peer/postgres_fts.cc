#include "bench/peer/postgres_fts.h"

#include <libpq-fe.h>

#include <fmt/core.h>

namespace kb::peer {

namespace {

Error PgError(pg_conn* conn, std::string_view what) {
  std::string message = PQerrorMessage(conn);
  while (!message.empty() && message.back() == '\n') message.pop_back();
  return Error::Internal(fmt::format("postgres: {}: {}", what, message));
}

// `field` escaped for COPY's text format.
void AppendCopyField(std::string& out, std::string_view field) {
  for (char c : field) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
}

constexpr const char* kSearch = "search";

}  // namespace

std::string TsOrQuery(std::string_view text) {
  std::string out;
  for (std::string_view word : QueryWords(text)) {
    if (!out.empty()) out += " | ";
    out.append(word);  // letters and digits only: no tsquery operator
  }
  return out;
}

PostgresFts::~PostgresFts() { PQfinish(conn_); }

Result<void> PostgresFts::Exec(const std::string& sql) {
  PGresult* r = PQexec(conn_, sql.c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
  PQclear(r);
  if (!ok) return Fail(PgError(conn_, sql.substr(0, sql.find(' ', 8))));
  return {};
}

Result<std::unique_ptr<PostgresFts>> PostgresFts::Build(const std::string& url, const std::vector<Article>& articles) {
  pg_conn* conn = PQconnectdb(url.c_str());
  std::unique_ptr<PostgresFts> pg(new PostgresFts(conn));
  if (PQstatus(conn) != CONNECTION_OK) return Fail(PgError(conn, "cannot connect"));
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);  // "table does not exist, skipping" and the like
  for (const char* sql : {
           "DROP TABLE IF EXISTS articles",
           "CREATE TABLE articles (id text PRIMARY KEY, title text NOT NULL, body text NOT NULL, "
           "tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('english', title), 'A') || "
           "to_tsvector('english', body)) STORED)",
       }) {
    if (auto r = pg->Exec(sql); !r) return Fail(r.error());
  }
  PGresult* copy = PQexec(conn, "COPY articles (id, title, body) FROM STDIN");
  const bool copying = PQresultStatus(copy) == PGRES_COPY_IN;
  PQclear(copy);
  if (!copying) return Fail(PgError(conn, "COPY"));
  std::string rows;
  for (std::size_t i = 0; i < articles.size(); ++i) {
    const Article& a = articles[i];
    AppendCopyField(rows, a.id);
    rows += '\t';
    AppendCopyField(rows, a.title);
    rows += '\t';
    AppendCopyField(rows, a.body_text);
    rows += '\n';
    if (rows.size() > (1 << 20) || i + 1 == articles.size()) {
      if (PQputCopyData(conn, rows.data(), static_cast<int>(rows.size())) != 1) return Fail(PgError(conn, "COPY data"));
      rows.clear();
    }
  }
  if (PQputCopyEnd(conn, nullptr) != 1) return Fail(PgError(conn, "COPY end"));
  PGresult* done = PQgetResult(conn);
  const bool copied = PQresultStatus(done) == PGRES_COMMAND_OK;
  PQclear(done);
  while (PGresult* more = PQgetResult(conn)) PQclear(more);
  if (!copied) return Fail(PgError(conn, "COPY"));
  for (const char* sql : {"CREATE INDEX articles_tsv ON articles USING GIN (tsv)", "VACUUM ANALYZE articles"}) {
    if (auto r = pg->Exec(sql); !r) return Fail(r.error());
  }
  PGresult* prepared = PQprepare(conn, kSearch,
                                 "SELECT id, title, ts_rank_cd(tsv, q) AS rank FROM articles, "
                                 "to_tsquery('english', $1) q WHERE tsv @@ q ORDER BY rank DESC LIMIT $2",
                                 2, nullptr);
  const bool ready = PQresultStatus(prepared) == PGRES_COMMAND_OK;
  PQclear(prepared);
  if (!ready) return Fail(PgError(conn, "prepare search"));
  return pg;
}

Result<std::vector<PeerHit>> PostgresFts::Search(std::string_view query, int limit) {
  std::vector<PeerHit> hits;
  const std::string tsquery = TsOrQuery(query);
  if (tsquery.empty()) return hits;
  const std::string n = std::to_string(limit);
  const char* params[] = {tsquery.c_str(), n.c_str()};
  PGresult* r = PQexecPrepared(conn_, kSearch, 2, params, nullptr, nullptr, 0);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    PQclear(r);
    return Fail(PgError(conn_, "search"));
  }
  for (int row = 0; row < PQntuples(r); ++row) {
    hits.push_back({PQgetvalue(r, row, 0), PQgetvalue(r, row, 1), std::strtod(PQgetvalue(r, row, 2), nullptr)});
  }
  PQclear(r);
  return hits;
}

Result<std::uintmax_t> PostgresFts::Bytes() {
  PGresult* r = PQexec(conn_, "SELECT pg_total_relation_size('articles')");
  if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
    PQclear(r);
    return Fail(PgError(conn_, "table size"));
  }
  const std::uintmax_t bytes = std::strtoull(PQgetvalue(r, 0, 0), nullptr, 10);
  PQclear(r);
  return bytes;
}

}  // namespace kb::peer
