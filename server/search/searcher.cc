#include "server/search/searcher.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <unordered_set>

#include <fmt/core.h>

#include "indexer/schema.h"
#include "indexer/text/analyzer.h"
#include "server/search/snippet.h"

namespace kb::search {

namespace {

// BM25 with the textbook k1. Length normalisation (b) was applied at index
// time (see indexer/schema.h), so b is 0 here and k1 is in the index's wdf
// units.
constexpr double kK1 = 1.2;
Xapian::BM25Weight Bm25() { return Xapian::BM25Weight(kK1 * schema::kWdfScale, 0.0, 1.0, 0.0, 0.5); }

struct AnalysedQuery {
  std::vector<std::string> stems;  // distinct, in query order
  Xapian::Query query;
};

AnalysedQuery Analyse(const std::string& text, const text::Analyzer& analyzer) {
  const std::vector<text::Token> tokens = analyzer.Tokenize(text);
  // Drop stopwords unless that would leave nothing ("how do i", "to be").
  const bool all_stop = std::all_of(tokens.begin(), tokens.end(),
                                    [&](const text::Token& t) { return analyzer.IsStopword(t.term); });
  AnalysedQuery out;
  std::unordered_set<std::string> seen;
  std::vector<Xapian::Query> parts;
  for (const text::Token& t : tokens) {
    if (!all_stop && analyzer.IsStopword(t.term)) continue;
    std::string stem = analyzer.Stem(t.term);
    if (!seen.insert(stem).second) continue;
    parts.emplace_back(std::string(schema::kStemmed) + stem);
    out.stems.push_back(std::move(stem));
  }
  if (!parts.empty()) out.query = Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());
  return out;
}

// Restricts `query` to what `request` may see. Filter terms that every
// document has are left out: ANDing with a posting list as long as the
// database costs as much as the search itself. Audience is expressed as
// "not internal", the short list, rather than "public", the long one.
Xapian::Query Restrict(const Xapian::Database& db, Xapian::Query query, const SearchRequest& request) {
  const Xapian::doccount all = db.get_doccount();
  std::vector<Xapian::Query> musts;
  auto must = [&](std::string term) {
    if (db.get_termfreq(term) != all) musts.emplace_back(std::move(term));
  };
  if (!request.locale.empty()) must(schema::BooleanTerm(schema::kLocale, text::LanguageOf(request.locale)));
  const SearchFilters& f = request.filters;
  if (!f.product.empty()) must(schema::BooleanTerm(schema::kProduct, f.product));
  if (!f.category.empty()) must(schema::BooleanTerm(schema::kCategory, f.category));
  if (!f.type.empty()) must(schema::BooleanTerm(schema::kType, f.type));
  for (const std::string& tag : f.tags) must(schema::BooleanTerm(schema::kTag, tag));
  if (!musts.empty()) {
    query = Xapian::Query(Xapian::Query::OP_FILTER, query, Xapian::Query(Xapian::Query::OP_AND, musts.begin(), musts.end()));
  }
  if (request.audience == Audience::kPublic) {
    std::string internal = schema::BooleanTerm(schema::kAudience, "internal");
    if (db.get_termfreq(internal) > 0) query = Xapian::Query(Xapian::Query::OP_AND_NOT, query, Xapian::Query(internal));
  }
  return query;
}

bool IsBlank(std::string_view s) { return s.find_first_not_of(" \t\r\n\f\v") == std::string_view::npos; }

}  // namespace

struct Searcher::Impl {
  Xapian::Database db;
  SearcherOptions options;
  std::map<std::string, std::unique_ptr<text::Analyzer>> analyzers;

  const text::Analyzer& AnalyzerFor(const std::string& locale) {
    const std::string language = text::LanguageOf(locale.empty() ? options.default_locale : locale);
    auto& a = analyzers[language];
    if (!a) a = std::make_unique<text::Analyzer>(language);
    return *a;
  }

  SearchResponse Run(const SearchRequest& request, const text::Analyzer& analyzer, const AnalysedQuery& q) {
    SearchResponse response;
    Xapian::Enquire enquire(db);
    enquire.set_query(Restrict(db, q.query, request));
    enquire.set_weighting_scheme(Bm25());
    enquire.set_docid_order(Xapian::Enquire::DONT_CARE);
    Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(request.offset),
                                         static_cast<Xapian::doccount>(request.limit));
    response.total_estimate = mset.get_matches_estimated();
    const std::unordered_set<std::string> stems(q.stems.begin(), q.stems.end());
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      const Xapian::Document doc = it.get_document();
      Article a = schema::StoredArticle(doc,
                                        request.snippets ? schema::StoredParts::kAll : schema::StoredParts::kSummary);
      SearchHit hit;
      hit.score = it.get_weight();
      if (request.snippets) hit.snippet = MakeSnippet(a.body_text.empty() ? a.title : a.body_text, stems, analyzer);
      hit.id = std::move(a.id);
      hit.title = std::move(a.title);
      hit.locale = std::move(a.locale);
      hit.category = std::move(a.category);
      hit.type = std::move(a.type);
      hit.updated = std::move(a.updated);
      hit.audience = std::move(a.audience);
      response.hits.push_back(std::move(hit));
    }
    return response;
  }
};

Searcher::Searcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Searcher::~Searcher() = default;

Result<std::unique_ptr<Searcher>> Searcher::Open(const SearcherOptions& options) {
  if (options.index_paths.empty()) return Fail(Error::InvalidArgument("no index to open"));
  Xapian::Database db;
  for (const std::string& path : options.index_paths) {
    try {
      db.add_database(Xapian::Database(path));
    } catch (const Xapian::DatabaseNotFoundError& e) {
      return Fail(Error::NotFound(fmt::format("no index at {}: build one with 'kb-index build'", path)));
    } catch (const Xapian::DatabaseOpeningError& e) {
      return Fail(Error::NotFound(fmt::format("cannot open index {}: {}", path, e.get_msg())));
    } catch (const Xapian::Error& e) {
      return Fail(Error::DataLoss(fmt::format("cannot read index {}: {}", path, e.get_description())));
    }
  }
  return FromDatabase(std::move(db), options);
}

std::unique_ptr<Searcher> Searcher::FromDatabase(Xapian::Database db, const SearcherOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->db = std::move(db);
  impl->options = options;
  return std::unique_ptr<Searcher>(new Searcher(std::move(impl)));
}

Result<SearchResponse> Searcher::Search(const SearchRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  if (IsBlank(request.query)) return Fail(Error::InvalidArgument("query is empty: type a few words to search for"));
  if (request.offset < 0) return Fail(Error::InvalidArgument(fmt::format("offset must be >= 0, got {}", request.offset)));
  if (request.limit < 1 || request.limit > 1000) {
    return Fail(Error::InvalidArgument(fmt::format("limit must be between 1 and 1000, got {}", request.limit)));
  }
  const text::Analyzer& analyzer = impl_->AnalyzerFor(request.locale);
  const AnalysedQuery q = Analyse(request.query, analyzer);
  SearchResponse response;
  if (!q.stems.empty()) {
    try {
      try {
        response = impl_->Run(request, analyzer, q);
      } catch (const Xapian::DatabaseModifiedError&) {
        impl_->db.reopen();  // a writer committed under us: look again once
        response = impl_->Run(request, analyzer, q);
      }
    } catch (const Xapian::Error& e) {
      return Fail(Error::Internal(fmt::format("search failed: {}", e.get_description())));
    }
  }
  response.took_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
  return response;
}

}  // namespace kb::search
