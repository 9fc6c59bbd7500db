#include "server/search/documents.h"

#include <exception>
#include <thread>

namespace kb::search {

std::vector<Xapian::Document> FetchDocuments(const std::vector<Part>& parts, const std::vector<Xapian::docid>& docids) {
  std::vector<Xapian::Document> out(docids.size());
  const auto n = static_cast<Xapian::docid>(parts.size());
  if (n == 0) return out;
  // Which of `docids` each part holds.
  std::vector<std::vector<std::size_t>> wanted(parts.size());
  for (std::size_t i = 0; i < docids.size(); ++i) wanted[(docids[i] - 1) % n].push_back(i);
  std::vector<std::exception_ptr> errors(parts.size());
  auto read_part = [&](std::size_t p) {
    try {
      for (std::size_t i : wanted[p]) out[i] = parts[p].db.get_document((docids[i] - 1) / n + 1);
    } catch (...) {
      errors[p] = std::current_exception();
    }
  };
  std::vector<std::size_t> remote;
  for (std::size_t p = 0; p < parts.size(); ++p) {
    if (wanted[p].empty()) continue;
    if (parts[p].remote) {
      remote.push_back(p);
    } else {
      read_part(p);
    }
  }
  {
    std::vector<std::jthread> threads;
    for (std::size_t j = 1; j < remote.size(); ++j) threads.emplace_back(read_part, remote[j]);
    if (!remote.empty()) read_part(remote[0]);
  }
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  return out;
}

}  // namespace kb::search
