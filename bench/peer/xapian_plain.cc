#include "bench/peer/xapian_plain.h"

#include <xapian.h>

#include <fmt/core.h>

namespace kb::peer {

struct XapianPlain::Impl {
  Xapian::Database db;
  Xapian::QueryParser parser;
  Xapian::Enquire enquire;
  explicit Impl(const std::string& path) : db(path), enquire(db) {
    parser.set_database(db);
    parser.set_stemmer(Xapian::Stem("english"));
    parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    parser.set_default_op(Xapian::Query::OP_OR);
    enquire.set_weighting_scheme(Xapian::BM25Weight());
  }
};

XapianPlain::XapianPlain(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
XapianPlain::~XapianPlain() = default;

Result<std::unique_ptr<XapianPlain>> XapianPlain::Build(const std::string& path, const std::vector<Article>& articles) {
  try {
    {
      Xapian::WritableDatabase db(path, Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_BACKEND_GLASS);
      Xapian::TermGenerator terms;
      terms.set_stemmer(Xapian::Stem("english"));
      for (const Article& a : articles) {
        Xapian::Document doc;
        terms.set_document(doc);
        terms.index_text(a.title);
        terms.increase_termpos();
        terms.index_text(a.body_text);
        doc.set_data(a.id + '\n' + a.title);
        db.add_document(doc);
      }
      db.commit();
    }
  } catch (const Xapian::Error& e) {
    return Fail(Error::Internal(fmt::format("xapian: cannot build {}: {}", path, e.get_description())));
  }
  return Open(path);
}

Result<std::unique_ptr<XapianPlain>> XapianPlain::Open(const std::string& path) {
  try {
    return std::unique_ptr<XapianPlain>(new XapianPlain(std::make_unique<Impl>(path)));
  } catch (const Xapian::Error& e) {
    return Fail(Error::Internal(fmt::format("xapian: cannot open {}: {}", path, e.get_description())));
  }
}

Result<std::vector<PeerHit>> XapianPlain::Search(std::string_view query, int limit) {
  std::vector<PeerHit> hits;
  try {
    Xapian::Query parsed;
    try {
      parsed = impl_->parser.parse_query(std::string(query));
    } catch (const Xapian::QueryParserError&) {
      parsed = impl_->parser.parse_query(std::string(query), 0);  // as words, as Omega does
    }
    impl_->enquire.set_query(parsed);
    const Xapian::MSet mset = impl_->enquire.get_mset(0, static_cast<Xapian::doccount>(limit));
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      const std::string data = it.get_document().get_data();
      const std::size_t newline = data.find('\n');
      hits.push_back({data.substr(0, newline), newline == std::string::npos ? "" : data.substr(newline + 1),
                      it.get_weight()});
    }
  } catch (const Xapian::QueryParserError& e) {
    return Fail(Error::InvalidArgument(fmt::format("xapian: cannot parse '{}': {}", query, e.get_msg())));
  } catch (const Xapian::Error& e) {
    return Fail(Error::Internal(fmt::format("xapian: search failed: {}", e.get_description())));
  }
  return hits;
}

}  // namespace kb::peer
