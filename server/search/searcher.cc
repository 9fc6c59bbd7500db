#include "server/search/searcher.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <memory>
#include <unordered_set>

#include <fmt/core.h>

#include "indexer/base/strings.h"
#include "indexer/document.h"
#include "indexer/schema.h"
#include "indexer/text/analyzer.h"
#include "indexer/text/word_list.h"
#include "indexer/xapian_error.h"
#include "server/search/documents.h"
#include "server/search/query_builder.h"
#include "server/search/ranked_page.h"
#include "server/search/searcher_xapian.h"
#include "server/search/snippet.h"
#include "server/search/suggest.h"
#include "server/search/synonym_table.h"

namespace kb::search {

namespace {

// Adds the counts of a multi-valued slot's values (joined by
// schema::kValueSeparator), counted per joined set, to `out`: each value
// once per document. A Xapian::ValueCountMatchSpy counts them, since that is
// the one xapian-tcpsrv can run on a remote shard.
void CountMultiValues(const Xapian::ValueCountMatchSpy& spy, std::map<std::string, std::int64_t>& out) {
  for (auto it = spy.values_begin(); it != spy.values_end(); ++it) {
    const std::string joined = *it;
    std::string_view rest = joined;
    while (!rest.empty()) {
      const std::size_t end = rest.find(schema::kValueSeparator);
      const std::string_view value = rest.substr(0, end);
      if (!value.empty()) out[std::string(value)] += it.get_termfreq();
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    }
  }
}

// The shard at `path`, "tcp://host:port", that xapian-tcpsrv serves:
// kUnavailable when it does not answer within `timeout`.
Result<Xapian::Database> OpenRemoteShard(const std::string& path, std::chrono::milliseconds timeout) {
  auto address = ParseShardAddress(path);
  if (!address) return Fail(address.error());
  const auto ms = static_cast<useconds_t>(timeout.count());
  try {
    return Xapian::Remote::open(address->host, address->port, ms, ms);
  } catch (const Xapian::NetworkError& e) {
    return Fail(Error::Unavailable(fmt::format("shard {} does not answer: {}", path, e.get_msg())));
  } catch (const Xapian::Error& e) {
    return Fail(FromXapian(e, fmt::format("cannot open shard {}", path)));
  }
}

}  // namespace

struct Searcher::Impl {
  // One of the databases searched together: an index directory, or a
  // remote shard, which is left out while it does not answer.
  struct Member {
    std::string path;
    Xapian::Database db;
    bool up = true;
  };
  std::vector<Member> members;
  bool remote = false;  // some member is a remote shard
  std::shared_ptr<ShardHealth> health;
  Xapian::Database db;  // the members that are up, together
  SearcherOptions options;
  std::string damage;  // see Searcher::Damage

  void Combine() {
    Xapian::Database all;
    for (const Member& m : members) {
      if (m.up) all.add_database(m.db);
    }
    db = std::move(all);
  }

  // The lexicon, when the index is sharded and its lexicon holds term
  // statistics (Vocabulary).
  const Xapian::Database* TermStats() const { return members.empty() ? nullptr : TermStatsOf(members[0].db, members.size()); }

  int Down() const {
    return static_cast<int>(std::count_if(members.begin(), members.end(), [](const Member& m) { return !m.up; }));
  }

  // Connects to the remote shard `m` again: up when it answers, down (for
  // every Searcher sharing `health`) when not.
  void Connect(Member& m) {
    auto one = OpenRemoteShard(m.path, options.shard_timeout);
    m.up = one.has_value();
    if (one) {
      m.db = std::move(*one);
      health->MarkUp(m.path);
    } else {
      m.db = Xapian::Database();
      health->MarkDown(m.path);
    }
  }

  // Brings the remote members up to what `health` knows: the shards another
  // Searcher found down are left out without waiting for them, and a shard
  // that is down is tried again when its retry time comes (or once another
  // Searcher found it back).
  void Refresh() {
    bool changed = false;
    for (Member& m : members) {
      if (!IsRemoteShard(m.path)) continue;
      const bool known_down = health->IsDown(m.path);
      if (m.up && !known_down) continue;
      if (known_down && !health->ShouldTry(m.path)) {
        if (m.up) {
          m.up = false;
          m.db = Xapian::Database();
          changed = true;
        }
        continue;
      }
      Connect(m);
      changed = true;
    }
    if (changed) Combine();
  }

  // After a call to a remote shard failed (a timeout, or a connection
  // closed: xapian-tcpsrv closes idle ones), every remote member connects
  // again.
  void Reconnect() {
    for (Member& m : members) {
      if (IsRemoteShard(m.path) && (m.up || health->ShouldTry(m.path))) Connect(m);
    }
    Combine();
  }

  Error ShardsDownError() const {
    const auto shards = std::count_if(members.begin(), members.end(), [](const Member& m) { return IsRemoteShard(m.path); });
    return Error::Unavailable(fmt::format("{} of the index's {} shards {} not answer; try again in a few seconds",
                                          Down(), shards, Down() == 1 ? "does" : "do"));
  }

  // f(), a search, suggestion or lookup, over the shards that answer: with
  // one reconnection when a remote call fails, and kUnavailable while a
  // shard is down unless options.partial_results.
  template <typename F>
  auto Remotely(F&& f) -> decltype(f()) {
    if (!remote) return f();
    Refresh();
    for (int attempt = 0;; ++attempt) {
      if (!options.partial_results && Down() > 0) return Fail(ShardsDownError());
      try {
        return f();
      } catch (const Xapian::NetworkError& e) {
        if (attempt == 1) return Fail(Error::Unavailable("a shard of the index failed twice; try again in a few seconds"));
        Reconnect();
      }
    }
  }

  std::map<std::string, std::unique_ptr<text::Analyzer>> analyzers;

  std::map<std::string, SynonymTable> synonyms;

  const SynonymTable* SynonymsFor(const std::string& locale) {
    const std::string language = text::LanguageOf(locale.empty() ? options.default_locale : locale);
    auto it = synonyms.find(language);
    if (it == synonyms.end()) {
      std::string stored;
      try {
        stored = db.get_metadata(std::string(schema::kMetaSynonymsPrefix) + language);
      } catch (const Xapian::Error&) {
      }
      it = synonyms.emplace(language, SynonymTable::FromJson(stored)).first;
    }
    return &it->second;
  }

  // The word list of the locale's language (see SearcherOptions), or
  // nullptr. Shared by every searcher of the process.
  std::map<std::string, std::shared_ptr<const text::WordList>> word_lists;
  const text::WordList* WordsFor(const std::string& locale) {
    const std::string language = text::LanguageOf(locale.empty() ? options.default_locale : locale);
    auto it = word_lists.find(language);
    if (it == word_lists.end()) {
      // A list that cannot be read costs only its protection: Api::Create
      // reports it at startup for the default locale.
      auto list = text::SharedWordList(text::WordListPath(options.dictionary_dir, language));
      it = word_lists.emplace(language, list ? *list : nullptr).first;
    }
    return it->second.get();
  }

  const text::Analyzer& AnalyzerFor(const std::string& locale) {
    const std::string language = text::LanguageOf(locale.empty() ? options.default_locale : locale);
    auto& a = analyzers[language];
    if (!a) a = std::make_unique<text::Analyzer>(language);
    return *a;
  }

  // What each part of `q` contributes to the document `hit`: its weight on
  // the document alone (BM25 sums independent parts), and the fields of the
  // article its words occur in.
  std::vector<TermExplanation> Explain(Xapian::docid hit, const Article& a, const text::Analyzer& analyzer,
                                       const AnalyzedQuery& q) {
    std::map<std::string, std::unordered_set<std::string>> fields_of;  // stem -> fields
    auto scan = [&](const std::string& text, const char* field) {
      for (const text::Token& t : analyzer.Tokenize(text)) fields_of[analyzer.Stem(t.term)].insert(field);
    };
    scan(a.title, "title");
    for (const std::string& question : a.questions) scan(question, "questions");
    for (const std::string& tag : a.tags) scan(tag, "tags");
    scan(a.body_text, "body");
    for (const LearnedPhrasing& p : a.learned) scan(p.text, "learned");
    std::vector<TermExplanation> out;
    for (const AnalyzedQuery::Part& part : q.explained) {
      Xapian::Enquire enquire(db);
      enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, part.query, Xapian::Query(schema::IdTerm(a.locale, a.id))));
      enquire.set_weighting_scheme(Bm25());
      const Xapian::MSet mset = enquire.get_mset(0, 1);
      if (mset.empty() || *mset.begin() != hit) continue;
      TermExplanation e{part.label, {}, mset.begin().get_weight()};
      for (const char* field : {"title", "questions", "tags", "body", "learned"}) {
        if (part.only_field != nullptr && std::string_view(part.only_field) != field) continue;
        // Learned words are a field of their own, matched by their own part.
        if (part.only_field == nullptr && std::string_view(field) == "learned") continue;
        for (const std::string& stem : part.stems) {
          if (fields_of[stem].contains(field)) {
            e.fields.push_back(field);
            break;
          }
        }
      }
      out.push_back(std::move(e));
    }
    return out;
  }

  // `result`, remembering a read that found the index damaged.
  template <typename T>
  Result<T> Noting(Result<T> result) {
    if (!result && result.error().code() == ErrorCode::kDataLoss) damage = result.error().message();
    return result;
  }

  Result<Article> Lookup(const ArticleRequest& request);

  // One search in the request's own locale.
  Result<SearchResponse> SearchIn(const SearchRequest& request) {
    const text::Analyzer& analyzer = AnalyzerFor(request.locale);
    SearchResponse response;
    try {
      // The analysis reads the index too (spelling, term frequencies), so a
      // commit under us is retried from there.
      for (int attempt = 0;; ++attempt) {
        try {
          const Vocabulary vocabulary(db, request.audience, TermStats());
          const AnalyzedQuery q = BuildQuery(request.query, QueryContext{.analyzer = analyzer,
                                                                         .ranking = options.ranking,
                                                                         .synonyms = SynonymsFor(request.locale),
                                                                         .words = WordsFor(request.locale),
                                                                         .vocabulary = vocabulary,
                                                                         .audience = request.audience});
          if (q.query.empty()) return response;
          response = Run(request, analyzer, q, vocabulary);
          response.did_you_mean = q.did_you_mean;
          break;
        } catch (const Xapian::DatabaseModifiedError&) {
          if (attempt == 1) throw;
          db.reopen();  // a writer committed under us: look again once
        }
      }
    } catch (const Xapian::NetworkError&) {
      throw;  // a remote shard: see Remotely
    } catch (const Xapian::Error& e) {
      return Fail(FromXapian(e, "search failed"));
    }
    return response;
  }

  // The documents of `page`: from the lexicon's pages when it has them
  // (schema::kMetaPages) and `pages` (they hold what results show, not what
  // an explanation reads), else from the remote shards, in parallel.
  std::vector<Xapian::Document> PageDocuments(const RankedPage& page, bool pages) const {
    std::vector<Part> parts;
    std::vector<std::size_t> member_of;  // of each part
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (!members[i].up) continue;
      parts.push_back(Part{.db = members[i].db, .remote = IsRemoteShard(members[i].path)});
      member_of.push_back(i);
    }
    std::vector<Xapian::docid> docids;
    for (const RankedMatch& r : page.matches) docids.push_back(r.docid);
    if (pages && TermStats() != nullptr && members[0].db.get_metadata(std::string(schema::kMetaPages)) == "1") {
      // Members are the lexicon, then the shards in order: the whole
      // index's docid of document m of shard k is (m - 1) * shards + k + 1.
      const auto n = static_cast<Xapian::docid>(parts.size());
      const auto shards = static_cast<Xapian::docid>(members.size() - 1);
      std::vector<Xapian::Document> out;
      for (Xapian::docid d : docids) {
        const std::size_t member = member_of[(d - 1) % n];
        if (member == 0) break;
        const Xapian::docid whole = ((d - 1) / n) * shards + static_cast<Xapian::docid>(member - 1) + 1;
        const std::string stored = members[0].db.get_metadata(schema::PageKey(whole));
        if (stored.empty()) break;
        out.push_back(schema::PageDocument(stored));
      }
      if (out.size() == docids.size()) return out;
    }
    return FetchDocuments(parts, docids);
  }

  SearchResponse Run(const SearchRequest& request, const text::Analyzer& analyzer, const AnalyzedQuery& q,
                     const Vocabulary& vocabulary) {
    SearchResponse response;
    Xapian::Enquire enquire(db);
    enquire.set_query(Restrict(vocabulary, q.query, request.locale, request.audience, request.filters));
    enquire.set_weighting_scheme(Bm25());
    enquire.set_docid_order(Xapian::Enquire::DONT_CARE);
    Xapian::ValueCountMatchSpy category_spy(schema::kSlotCategory), type_spy(schema::kSlotType),
        product_spy(schema::kSlotProduct);
    Xapian::ValueCountMatchSpy tags_spy(schema::kSlotTags);
    Xapian::doccount check_at_least = 0;
    if (request.facets) {
      enquire.add_matchspy(&category_spy);
      enquire.add_matchspy(&type_spy);
      enquire.add_matchspy(&product_spy);
      enquire.add_matchspy(&tags_spy);
      check_at_least = kFacetCheckLimit;
    }
    const RankedPage page = RankPage(enquire, static_cast<Xapian::doccount>(request.offset),
                                     static_cast<Xapian::doccount>(request.limit), check_at_least);
    const Xapian::MSet& mset = page.mset;
    response.total_estimate = mset.get_matches_estimated();
    if (request.facets) {
      auto count = [](const Xapian::ValueCountMatchSpy& spy, std::map<std::string, std::int64_t>& out) {
        for (auto it = spy.values_begin(); it != spy.values_end(); ++it) out[*it] = it.get_termfreq();
      };
      count(category_spy, response.facets["category"]);
      count(type_spy, response.facets["type"]);
      count(product_spy, response.facets["product"]);
      CountMultiValues(tags_spy, response.facets["tags"]);
    }
    const std::unordered_set<std::string> stems(q.marks.begin(), q.marks.end());
    const std::vector<Xapian::Document> remote_docs =
        remote ? PageDocuments(page, /*pages=*/!request.explain) : std::vector<Xapian::Document>{};
    for (std::size_t i = 0; i < page.matches.size(); ++i) {
      const RankedMatch& r = page.matches[i];
      const Xapian::Document doc = remote ? remote_docs[i] : r.it.get_document();
      Article a = schema::StoredArticle(doc, request.explain    ? schema::StoredParts::kAll
                                             : request.snippets ? schema::StoredParts::kText
                                                                : schema::StoredParts::kSummary);
      SearchHit hit;
      hit.score = r.score;
      if (request.snippets) hit.snippet = MakeSnippet(a.body_text.empty() ? a.title : a.body_text, stems, analyzer);
      if (request.explain) hit.explanation = Explain(r.docid, a, analyzer, q);
      hit.id = std::move(a.id);
      hit.title = std::move(a.title);
      hit.locale = std::move(a.locale);
      hit.category = std::move(a.category);
      hit.type = a.type;
      hit.updated = std::move(a.updated);
      hit.audience = a.audience;
      response.hits.push_back(std::move(hit));
    }
    return response;
  }
};

Searcher::Searcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Searcher::~Searcher() = default;

Result<Xapian::Database> OpenDatabase(const std::string& path) {
  try {
    return Xapian::Database(path);
  } catch (const Xapian::DatabaseNotFoundError& e) {
    return Fail(Error::NotFound(fmt::format("no index at {}: build one with 'kb-index build'", path)));
  } catch (const Xapian::DatabaseOpeningError& e) {
    return Fail(Error::NotFound(fmt::format("cannot open index {}: {}", path, e.get_msg())));
  } catch (const Xapian::Error& e) {
    Error error = FromXapian(e, fmt::format("cannot read index {}", path));
    if (error.code() == ErrorCode::kInternal) error = Error::DataLoss(error.message());
    return Fail(std::move(error));
  }
}

Result<std::unique_ptr<Searcher>> Searcher::Open(const SearcherOptions& options) {
  if (options.index_paths.empty()) return Fail(Error::InvalidArgument("no index to open"));
  auto impl = std::make_unique<Searcher::Impl>();
  impl->options = options;
  impl->health = options.shard_health ? options.shard_health : std::make_shared<ShardHealth>();
  for (const std::string& path : options.index_paths) {
    Impl::Member& m = impl->members.emplace_back(Impl::Member{path, {}, true});
    if (!IsRemoteShard(path)) {
      auto one = OpenDatabase(path);
      if (!one) return Fail(one.error());
      m.db = std::move(*one);
      continue;
    }
    // A shard that does not answer is searched without, and tried again
    // (see Impl::Remotely): the server starts whatever order hosts come up in.
    impl->remote = true;
    if (auto address = ParseShardAddress(path); !address) return Fail(address.error());
    if (impl->health->IsDown(path)) {
      m.up = false;
      continue;
    }
    impl->Connect(m);
  }
  impl->Combine();
  return std::unique_ptr<Searcher>(new Searcher(std::move(impl)));
}

std::unique_ptr<Searcher> SearcherFromDatabase(Xapian::Database db, const SearcherOptions& options) {
  auto impl = std::make_unique<Searcher::Impl>();
  impl->members.push_back(Searcher::Impl::Member{"", db, true});
  impl->db = std::move(db);
  impl->options = options;
  impl->health = std::make_shared<ShardHealth>();
  return std::unique_ptr<Searcher>(new Searcher(std::move(impl)));
}

Result<SearchResponse> Searcher::Search(const SearchRequest& request) {
  if (IsBlank(request.query)) return Fail(Error::InvalidArgument("query is empty: type a few words to search for"));
  if (request.offset < 0) return Fail(Error::InvalidArgument(fmt::format("offset must be >= 0, got {}", request.offset)));
  if (request.limit < 1 || request.limit > 1000) {
    return Fail(Error::InvalidArgument(fmt::format("limit must be between 1 and 1000, got {}", request.limit)));
  }
  return impl_->Remotely([&]() -> Result<SearchResponse> {
    auto response = impl_->Noting(impl_->SearchIn(request));
    if (!response) return response;
    // Nothing in the customer's language: answer from the default locale
    // rather than with nothing.
    const std::string fallback = impl_->options.default_locale;
    if (response->total_estimate == 0 && !request.locale.empty() && !fallback.empty() &&
        text::LanguageOf(request.locale) != text::LanguageOf(fallback)) {
      SearchRequest again = request;
      again.locale = fallback;
      response = impl_->Noting(impl_->SearchIn(again));
      if (!response) return response;
    }
    response->partial = impl_->Down() > 0;
    return response;
  });
}

Result<std::vector<Suggestion>> Searcher::Suggest(const SuggestRequest& request) {
  return impl_->Remotely([&] {
    return impl_->Noting(
        SuggestTitles(request, impl_->AnalyzerFor(request.locale), impl_->WordsFor(request.locale), impl_->db,
                      impl_->TermStats()));
  });
}

Result<Article> Searcher::GetArticle(const ArticleRequest& request) {
  return impl_->Remotely([&]() -> Result<Article> {
    auto article = impl_->Noting(impl_->Lookup(request));
    // It may be on a shard that does not answer.
    if (!article && article.error().code() == ErrorCode::kNotFound && impl_->Down() > 0) {
      return Fail(impl_->ShardsDownError());
    }
    return article;
  });
}

Result<Article> Searcher::Impl::Lookup(const ArticleRequest& request) {
  if (request.id.empty()) return Fail(Error::InvalidArgument("article id is empty"));
  std::vector<std::string> locales;
  auto add = [&](const std::string& l) {
    if (!l.empty() && std::find(locales.begin(), locales.end(), l) == locales.end()) locales.push_back(l);
  };
  add(request.locale);
  add(text::LanguageOf(request.locale));
  add(options.default_locale);
  try {
    for (int attempt = 0;; ++attempt) {
      try {
        for (const std::string& locale : locales) {
          const std::string term = schema::IdTerm(locale, request.id);
          Xapian::PostingIterator p = db.postlist_begin(term);
          if (p == db.postlist_end(term)) continue;
          Article a = schema::StoredArticle(db.get_document(*p), schema::StoredParts::kAll);
          if (request.audience == Audience::kPublic && a.audience != ArticleAudience::kPublic) continue;
          return a;
        }
        break;
      } catch (const Xapian::DatabaseModifiedError&) {
        if (attempt == 1) throw;
        db.reopen();  // a writer committed under us: look again once
      }
    }
  } catch (const Xapian::NetworkError&) {
    throw;  // a remote shard: see Remotely
  } catch (const Xapian::Error& e) {
    return Fail(FromXapian(e, "article lookup failed"));
  }
  return Fail(Error::NotFound(fmt::format("no article '{}'", request.id)));
}

std::int64_t Searcher::DocumentCount(Audience audience) const {
  const Xapian::Database& db = impl_->db;
  try {
    if (audience == Audience::kAgent) return db.get_doccount();
    return db.get_doccount() - db.get_termfreq(schema::BooleanTerm(schema::kAudience, "internal"));
  } catch (const Xapian::Error&) {
    return 0;  // a remote shard that stopped answering: the next search reconnects
  }
}

int Searcher::ShardsDown() const { return impl_->Down(); }

Searcher::BuildStamp Searcher::Stamp() const {
  BuildStamp stamp;
  try {
    stamp.generation = impl_->db.get_metadata(std::string(schema::kMetaGeneration));
    const std::string built = impl_->db.get_metadata(std::string(schema::kMetaBuiltMs));
    std::from_chars(built.data(), built.data() + built.size(), stamp.built_ms);
  } catch (const Xapian::Error&) {
    return {};  // the next search reports what is wrong with it
  }
  return stamp;
}

std::string Searcher::Damage() const { return impl_->damage; }

}  // namespace kb::search
