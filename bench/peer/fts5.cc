#include "bench/peer/fts5.h"

#include <sqlite3.h>

#include <fmt/core.h>

namespace kb::peer {

namespace {

Error SqlError(sqlite3* db, std::string_view what) {
  return Error::Internal(fmt::format("sqlite {}: {}", what, sqlite3_errmsg(db)));
}

}  // namespace

std::string Fts5OrQuery(std::string_view text) {
  std::string out;
  for (std::string_view word : QueryWords(text)) {
    if (!out.empty()) out += " OR ";
    out += '"';
    out.append(word);  // no '"' inside a word
    out += '"';
  }
  return out;
}

Result<std::unique_ptr<Fts5Index>> Fts5Index::Open(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    Error e = SqlError(db, "open");
    sqlite3_close(db);
    return Fail(e);
  }
  std::unique_ptr<Fts5Index> index(new Fts5Index(db));
  const char* schema =
      "PRAGMA journal_mode=WAL;"
      "CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5(id UNINDEXED, title, body, tokenize='porter unicode61');";
  if (sqlite3_exec(db, schema, nullptr, nullptr, nullptr) != SQLITE_OK) return Fail(SqlError(db, "create table"));
  return index;
}

Fts5Index::~Fts5Index() {
  sqlite3_finalize(search_);
  sqlite3_close(db_);
}

Result<void> Fts5Index::Add(const std::vector<Article>& articles) {
  if (sqlite3_exec(db_, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) return Fail(SqlError(db_, "begin"));
  sqlite3_stmt* insert = nullptr;
  if (sqlite3_prepare_v2(db_, "INSERT INTO docs(id, title, body) VALUES (?, ?, ?)", -1, &insert, nullptr) !=
      SQLITE_OK) {
    return Fail(SqlError(db_, "prepare insert"));
  }
  for (const Article& a : articles) {
    sqlite3_bind_text(insert, 1, a.id.data(), static_cast<int>(a.id.size()), SQLITE_STATIC);
    sqlite3_bind_text(insert, 2, a.title.data(), static_cast<int>(a.title.size()), SQLITE_STATIC);
    sqlite3_bind_text(insert, 3, a.body_text.data(), static_cast<int>(a.body_text.size()), SQLITE_STATIC);
    if (sqlite3_step(insert) != SQLITE_DONE) {
      sqlite3_finalize(insert);
      return Fail(SqlError(db_, "insert"));
    }
    sqlite3_reset(insert);
  }
  sqlite3_finalize(insert);
  if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) return Fail(SqlError(db_, "commit"));
  return {};
}

Result<std::vector<Fts5Hit>> Fts5Index::Search(std::string_view query, int limit) {
  std::vector<Fts5Hit> hits;
  const std::string match = Fts5OrQuery(query);
  if (match.empty()) return hits;
  if (search_ == nullptr &&
      sqlite3_prepare_v2(db_, "SELECT id, title, bm25(docs) FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT ?", -1,
                         &search_, nullptr) != SQLITE_OK) {
    return Fail(SqlError(db_, "prepare search"));
  }
  sqlite3_bind_text(search_, 1, match.data(), static_cast<int>(match.size()), SQLITE_TRANSIENT);
  sqlite3_bind_int(search_, 2, limit);
  int rc;
  while ((rc = sqlite3_step(search_)) == SQLITE_ROW) {
    Fts5Hit hit;
    hit.id = reinterpret_cast<const char*>(sqlite3_column_text(search_, 0));
    hit.title = reinterpret_cast<const char*>(sqlite3_column_text(search_, 1));
    hit.score = -sqlite3_column_double(search_, 2);
    hits.push_back(std::move(hit));
  }
  sqlite3_reset(search_);
  if (rc != SQLITE_DONE) return Fail(SqlError(db_, "search"));
  return hits;
}

}  // namespace kb::peer
