#include "server/search/vocabulary.h"

#include <algorithm>

#include "indexer/base/utf8.h"
#include "indexer/schema.h"

namespace kb::search {

namespace {

// Levenshtein distance over code points.
unsigned EditDistance(const std::u32string& a, const std::u32string& b) {
  std::vector<unsigned> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = static_cast<unsigned>(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    unsigned diagonal = row[0];
    row[0] = static_cast<unsigned>(i);
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const unsigned above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0u : 1u)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string SpellingOf(const Xapian::Database& db, const std::string& word, unsigned max_edits) {
  try {
    return db.get_spelling_suggestion(word, max_edits);
  } catch (const Xapian::UnimplementedError&) {
    return {};  // no spelling data in this backend
  }
}

}  // namespace

const Xapian::Database* TermStatsOf(const Xapian::Database& first, std::size_t databases) {
  if (databases < 2) return nullptr;
  return first.get_metadata(std::string(schema::kMetaTermStats)) == "1" ? &first : nullptr;
}

Vocabulary::Vocabulary(const Xapian::Database& db, Audience audience, const Xapian::Database* lexicon)
    : db_(db), lexicon_(lexicon), audience_(audience), internal_term_(schema::BooleanTerm(schema::kAudience, "internal")) {
  has_internal_ = audience_ == Audience::kPublic && AllTermFreq(internal_term_) > 0;
}

std::optional<schema::TermStats> Vocabulary::Stats(const std::string& term) const {
  if (lexicon_ == nullptr) return std::nullopt;
  const std::optional<std::string> key = schema::TermStatsKey(term);
  if (!key) return std::nullopt;
  const std::string value = lexicon_->get_metadata(*key);
  if (value.empty()) return schema::TermStats{};
  return schema::ParseTermStats(value);  // malformed: ask the shards
}

Xapian::doccount Vocabulary::AllTermFreq(const std::string& term) const {
  if (const auto stats = Stats(term)) return stats->all;
  return db_.get_termfreq(term);
}

std::vector<std::pair<std::string, Xapian::doccount>> Vocabulary::TermsWithPrefix(const std::string& prefix) const {
  std::vector<std::pair<std::string, Xapian::doccount>> out;
  if (const auto key = schema::TermStatsKey(prefix); lexicon_ != nullptr && key) {
    const std::size_t skip = schema::kMetaTermStatsPrefix.size();
    for (auto k = lexicon_->metadata_keys_begin(*key); k != lexicon_->metadata_keys_end(*key); ++k) {
      const std::string name = *k;
      if (const auto stats = schema::ParseTermStats(lexicon_->get_metadata(name))) {
        out.emplace_back(name.substr(skip), stats->all);
      }
    }
    return out;
  }
  for (auto t = db_.allterms_begin(prefix); t != db_.allterms_end(prefix); ++t) out.emplace_back(*t, t.get_termfreq());
  return out;
}

Xapian::doccount Vocabulary::TermFreq(const std::string& term) const {
  if (const auto stats = Stats(term)) return audience_ == Audience::kPublic ? stats->visible : stats->all;
  const Xapian::doccount all = db_.get_termfreq(term);
  if (!has_internal_ || all == 0) return all;
  // Documents with `term` that are also internal: walk the shorter list and
  // skip through the other.
  const bool term_shorter = all <= db_.get_termfreq(internal_term_);
  const std::string& walk = term_shorter ? term : internal_term_;
  const std::string& probe = term_shorter ? internal_term_ : term;
  Xapian::doccount both = 0;
  Xapian::PostingIterator p = db_.postlist_begin(probe);
  const Xapian::PostingIterator p_end = db_.postlist_end(probe);
  for (auto w = db_.postlist_begin(walk); w != db_.postlist_end(walk) && p != p_end; ++w) {
    p.skip_to(*w);
    if (p != p_end && *p == *w) ++both;
  }
  return all - both;
}

bool Vocabulary::Knows(const std::string& term) const {
  if (const auto stats = Stats(term)) return (audience_ == Audience::kPublic ? stats->visible : stats->all) > 0;
  if (!has_internal_) return db_.get_termfreq(term) > 0;
  // The first public document that has it is enough. Most unknown terms
  // have no postings at all: then the internal list is not opened.
  Xapian::PostingIterator it = db_.postlist_begin(term);
  const Xapian::PostingIterator end = db_.postlist_end(term);
  if (it == end) return false;
  Xapian::PostingIterator internal = db_.postlist_begin(internal_term_);
  const Xapian::PostingIterator internal_end = db_.postlist_end(internal_term_);
  for (; it != end; ++it) {
    internal.skip_to(*it);
    if (internal == internal_end || *internal != *it) return true;
  }
  return false;
}

bool Vocabulary::HasPrefix(const std::string& prefix) const {
  auto it = prefixes_.find(prefix);
  if (it == prefixes_.end()) {
    bool any = false;
    if (const auto key = schema::TermStatsKey(prefix); lexicon_ != nullptr && key) {
      any = lexicon_->metadata_keys_begin(*key) != lexicon_->metadata_keys_end(*key);
    } else {
      any = db_.allterms_begin(prefix) != db_.allterms_end(prefix);
    }
    it = prefixes_.emplace(prefix, any).first;
  }
  return it->second;
}

std::string Vocabulary::SpellingSuggestion(const std::string& word, unsigned max_edits) const {
  if (schema::HasInternalSpelling(word)) return {};
  std::string found = SpellingOf(db_, word, max_edits);
  if (schema::HasInternalSpelling(found)) found.clear();
  if (audience_ == Audience::kPublic) return found;
  // Agents: the nearer of the public and the internal proposal; of two as
  // near, the public one.
  const std::string internal_spelling = schema::InternalSpelling(word);
  if (internal_spelling.empty()) return found;
  const std::string internal = SpellingOf(db_, internal_spelling, max_edits);
  const std::string internal_word = schema::FromInternalSpelling(internal);
  if (internal_word.empty()) return found;
  if (found.empty()) return internal_word;
  const std::u32string typed = DecodeUtf8(word);
  const unsigned public_edits = EditDistance(typed, DecodeUtf8(found));
  const unsigned internal_edits = EditDistance(typed, DecodeUtf8(internal_word));
  return internal_edits < public_edits ? internal_word : found;
}

}  // namespace kb::search
