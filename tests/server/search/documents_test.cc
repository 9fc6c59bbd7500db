// FetchDocuments reads the documents of databases searched together in the
// order asked, the remote ones each on a thread of its own, and throws what
// Xapian throws.
#include "server/search/documents.h"

#include <gtest/gtest.h>

#include "indexer/base/temp_dir.h"

namespace kb::search {
namespace {

// Three databases whose documents hold "part P doc M".
std::vector<Part> Parts(const std::string& dir, bool remote) {
  std::vector<Part> parts;
  for (int p = 0; p < 3; ++p) {
    Xapian::WritableDatabase db(dir + "/part" + std::to_string(p), Xapian::DB_CREATE_OR_OPEN | Xapian::DB_BACKEND_GLASS);
    if (db.get_doccount() == 0) {
      for (int m = 1; m <= 4 - p; ++m) {
        Xapian::Document doc;
        doc.set_data("part " + std::to_string(p) + " doc " + std::to_string(m));
        db.add_document(doc);
      }
      db.commit();
    }
    parts.push_back(Part{.db = Xapian::Database(dir + "/part" + std::to_string(p)), .remote = remote && p > 0});
  }
  return parts;
}

TEST(FetchDocumentsTest, ReadsEachDocumentFromItsPartInTheOrderAsked) {
  TempDir tmp("documents");
  for (const bool remote : {false, true}) {
    const std::vector<Part> parts = Parts(tmp.path(), remote);
    // Together, docid d is document (d - 1) / 3 + 1 of part (d - 1) % 3.
    const std::vector<Xapian::docid> docids = {8, 1, 3, 2, 10, 6, 5};
    const std::vector<Xapian::Document> docs = FetchDocuments(parts, docids);
    std::vector<std::string> data;
    for (const Xapian::Document& d : docs) data.push_back(d.get_data());
    EXPECT_EQ(data, (std::vector<std::string>{"part 1 doc 3", "part 0 doc 1", "part 2 doc 1", "part 1 doc 1",
                                              "part 0 doc 4", "part 2 doc 2", "part 1 doc 2"}))
        << remote;
    EXPECT_TRUE(FetchDocuments(parts, {}).empty());
  }
  EXPECT_TRUE(FetchDocuments({}, {}).empty());
}

TEST(FetchDocumentsTest, ThrowsWhatXapianThrows) {
  TempDir tmp("documents");
  for (const bool remote : {false, true}) {
    const std::vector<Part> parts = Parts(tmp.path(), remote);
    // Part 2 has two documents: docid 9 would be its third.
    EXPECT_THROW((void)FetchDocuments(parts, {1, 9, 2}), Xapian::DocNotFoundError) << remote;
  }
}

}  // namespace
}  // namespace kb::search
