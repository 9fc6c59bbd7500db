#include "bench/peer/lucene.h"

#include <lucene++/LuceneHeaders.h>
#include <lucene++/TermAttribute.h>

#include <fmt/core.h>

namespace kb::peer {

namespace {

const Lucene::String kId = L"id";
const Lucene::String kTitle = L"title";
const Lucene::String kBody = L"body";

Error LuceneError(std::string_view what, const Lucene::LuceneException& e) {
  return Error::Internal(fmt::format("lucene++: {}: {}", what, Lucene::StringUtils::toUTF8(e.getError())));
}

}  // namespace

struct LuceneIndex::Impl {
  Lucene::AnalyzerPtr analyzer;
  Lucene::IndexSearcherPtr searcher;
};

LuceneIndex::LuceneIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

LuceneIndex::~LuceneIndex() {
  try {
    if (impl_->searcher) impl_->searcher->close();
  } catch (const Lucene::LuceneException&) {
    // closing a read-only searcher: nothing to lose
  }
}

Result<std::unique_ptr<LuceneIndex>> LuceneIndex::Build(const std::string& path, const std::vector<Article>& articles) {
  auto impl = std::make_unique<Impl>();
  try {
    impl->analyzer = Lucene::newLucene<Lucene::StandardAnalyzer>(Lucene::LuceneVersion::LUCENE_CURRENT);
    const Lucene::DirectoryPtr dir = Lucene::FSDirectory::open(Lucene::StringUtils::toUnicode(path));
    {
      Lucene::IndexWriterPtr writer = Lucene::newLucene<Lucene::IndexWriter>(
          dir, impl->analyzer, /*create=*/true, Lucene::IndexWriter::MaxFieldLengthUNLIMITED);
      for (const Article& a : articles) {
        Lucene::DocumentPtr doc = Lucene::newLucene<Lucene::Document>();
        doc->add(Lucene::newLucene<Lucene::Field>(kId, Lucene::StringUtils::toUnicode(a.id), Lucene::Field::STORE_YES,
                                                  Lucene::Field::INDEX_NOT_ANALYZED_NO_NORMS));
        doc->add(Lucene::newLucene<Lucene::Field>(kTitle, Lucene::StringUtils::toUnicode(a.title),
                                                  Lucene::Field::STORE_YES, Lucene::Field::INDEX_ANALYZED));
        doc->add(Lucene::newLucene<Lucene::Field>(kBody, Lucene::StringUtils::toUnicode(a.body_text),
                                                  Lucene::Field::STORE_NO, Lucene::Field::INDEX_ANALYZED));
        writer->addDocument(doc);
      }
      writer->optimize();
      writer->close();
    }
    impl->searcher = Lucene::newLucene<Lucene::IndexSearcher>(dir, /*readOnly=*/true);
  } catch (const Lucene::LuceneException& e) {
    return Fail(LuceneError(fmt::format("cannot build {}", path), e));
  }
  return std::unique_ptr<LuceneIndex>(new LuceneIndex(std::move(impl)));
}

Result<std::vector<PeerHit>> LuceneIndex::Search(std::string_view query, int limit) {
  std::vector<PeerHit> hits;
  try {
    Lucene::BooleanQueryPtr q = Lucene::newLucene<Lucene::BooleanQuery>();
    const Lucene::TokenStreamPtr tokens = impl_->analyzer->tokenStream(
        kBody, Lucene::newLucene<Lucene::StringReader>(Lucene::StringUtils::toUnicode(std::string(query))));
    const Lucene::TermAttributePtr term = tokens->addAttribute<Lucene::TermAttribute>();
    int clauses = 0;
    while (tokens->incrementToken()) {
      for (const Lucene::String& field : {kTitle, kBody}) {
        q->add(Lucene::newLucene<Lucene::TermQuery>(Lucene::newLucene<Lucene::Term>(field, term->term())),
               Lucene::BooleanClause::SHOULD);
      }
      ++clauses;
    }
    tokens->close();
    if (clauses == 0) return hits;
    const Lucene::TopDocsPtr top = impl_->searcher->search(q, limit);
    for (const Lucene::ScoreDocPtr& sd : top->scoreDocs) {
      const Lucene::DocumentPtr doc = impl_->searcher->doc(sd->doc);
      hits.push_back({Lucene::StringUtils::toUTF8(doc->get(kId)), Lucene::StringUtils::toUTF8(doc->get(kTitle)),
                      sd->score});
    }
  } catch (const Lucene::LuceneException& e) {
    return Fail(LuceneError("search failed", e));
  }
  return hits;
}

}  // namespace kb::peer
