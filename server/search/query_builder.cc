#include "server/search/query_builder.h"

#include <algorithm>
#include <unordered_set>

#include <fmt/core.h>

#include "indexer/base/utf8.h"
#include "indexer/schema.h"

namespace kb::search {

namespace {

// BM25F's saturation k1. Length normalisation (b) was applied at index time
// (see indexer/schema.h), so b is 0 here and k1 is in the index's wdf units,
// where one title word already counts four body words. With the textbook
// 1.2 such a word saturates at once and a title match is worth barely more
// than a stray body mention; BM25F needs a larger k1 than BM25 on one field.
// Both collections in docs/relevance.md improve steadily from 1.2 to about
// 3 and stay flat to 6; 3 is the round value at the start of that plateau.
constexpr double kK1 = 3.0;

}  // namespace

Xapian::BM25Weight Bm25() { return Xapian::BM25Weight(kK1 * schema::kWdfScale, 0.0, 1.0, 0.0, 0.5); }


std::string Correction(const Xapian::Database& db, const std::string& term, const std::string& stem,
                       const text::WordList* words, bool keep_real_words) {
  if (!schema::IsSpellable(term) || db.get_termfreq(std::string(schema::kStemmed) + stem) > 0) return {};
  if (keep_real_words && words != nullptr && words->Contains(term)) return {};
  const unsigned max_edits = Utf8Length(term) >= 8 ? 2 : 1;
  try {
    return db.get_spelling_suggestion(term, max_edits);
  } catch (const Xapian::UnimplementedError&) {
    return {};  // no spelling data in this backend
  }
}

namespace {

// The two words the index knows that `term`, a word it does not know, was
// typed without a space between ("resetpassword"), as stems; empty when
// there is none, or `term` is a real word of the language. Of several
// splits, the one whose rarer half is the most common.
std::vector<std::string> Split(const Xapian::Database& db, const text::Analyzer& analyzer, const std::string& term,
                               const std::string& stem, const text::WordList* words) {
  constexpr std::size_t kMinPiece = 2;
  const std::string z(schema::kStemmed);
  if (term.size() < 2 * kMinPiece || db.get_termfreq(z + stem) > 0 || (words != nullptr && words->Contains(term))) {
    return {};
  }
  std::vector<std::string> best;
  Xapian::doccount best_freq = 0;
  for (std::size_t cut = kMinPiece; cut + kMinPiece <= term.size(); ++cut) {
    if ((static_cast<unsigned char>(term[cut]) & 0xC0) == 0x80) continue;  // inside a character
    const std::string left = term.substr(0, cut), right = term.substr(cut);
    if (analyzer.IsStopword(left) || analyzer.IsStopword(right)) continue;
    std::string a = analyzer.Stem(left), b = analyzer.Stem(right);
    const Xapian::doccount freq = std::min(db.get_termfreq(z + a), db.get_termfreq(z + b));
    if (freq > best_freq) {
      best_freq = freq;
      best = {std::move(a), std::move(b)};
    }
  }
  return best;
}

}  // namespace

AnalyzedQuery Analyze(const std::string& text, const text::Analyzer& analyzer, const RankingOptions& ranking,
                      const SynonymTable* synonyms, const text::WordList* words, const Xapian::Database& db) {
  const std::vector<text::Token> tokens = analyzer.Tokenize(text);
  // Function words ("how", "do", "my") count for little, but they still
  // count: dropping them loses matches, keeping them at full weight lets
  // them outweigh the words that matter. A query of nothing else ("how do
  // i") keeps them at full weight.
  const bool all_stop = std::all_of(tokens.begin(), tokens.end(),
                                    [&](const text::Token& t) { return analyzer.IsStopword(t.term); });
  std::vector<std::string> stems;
  for (const text::Token& t : tokens) stems.push_back(analyzer.Stem(t.term));
  const std::string z(schema::kStemmed);
  // Real words the index lacks are kept as typed while some other word of
  // the query finds articles; a query that would find nothing at all is
  // corrected even so ("threat" -> "thread").
  bool finds_something = false;
  for (std::size_t i = 0; i < tokens.size() && !finds_something && ranking.typos && words != nullptr; ++i) {
    finds_something = !analyzer.IsStopword(tokens[i].term) && db.get_termfreq(z + stems[i]) > 0;
  }
  AnalyzedQuery out;
  std::unordered_set<std::string> seen;
  std::vector<Xapian::Query> groups;  // synonym groups found in the query
  std::vector<std::pair<std::size_t, std::string>> corrections;  // token index -> corrected word
  std::unordered_set<std::size_t> seen_groups;
  for (std::size_t i = 0; i < tokens.size();) {
    // The longest synonym entry starting here (stopwords count: "log in").
    std::size_t matched = 0;
    if (ranking.synonyms && synonyms != nullptr) {
      std::string key;
      for (std::size_t n = 1; n <= synonyms->longest && i + n <= tokens.size(); ++n) {
        key += (n > 1 ? " " : "") + stems[i + n - 1];
        if (auto g = synonyms->entry_group.find(key); g != synonyms->entry_group.end()) {
          matched = n;
          if (seen_groups.insert(g->second).second) {
            std::vector<Xapian::Query> alternatives;
            for (const auto& entry : synonyms->groups[g->second]) {
              std::vector<Xapian::Query> words;
              for (const std::string& w : entry) {
                words.emplace_back(z + w);
                out.marks.push_back(w);
              }
              alternatives.push_back(words.size() == 1 ? words[0]
                                                       : Xapian::Query(Xapian::Query::OP_PHRASE, words.begin(),
                                                                       words.end(), static_cast<Xapian::termcount>(words.size())));
            }
            groups.emplace_back(Xapian::Query::OP_SYNONYM, alternatives.begin(), alternatives.end());
            std::string label;
            for (const auto& entry : synonyms->groups[g->second]) {
              std::string words;
              for (const std::string& w : entry) words += (words.empty() ? "" : " ") + w;
              label += (label.empty() ? "" : " | ") + words;
            }
            out.explained.push_back({label, groups.back(), {}});
            for (const auto& entry : synonyms->groups[g->second]) {
              out.explained.back().stems.insert(out.explained.back().stems.end(), entry.begin(), entry.end());
            }
          }
        }
      }
    }
    if (matched > 0) {
      i += matched;
      continue;
    }
    const bool stopword = ranking.stopwords && !all_stop && analyzer.IsStopword(tokens[i].term);
    if (!stopword && ranking.typos) {
      // A word the index has never seen is most likely a typo: search for the
      // corpus word it is closest to instead, and tell the customer.
      if (std::string fixed = Correction(db, tokens[i].term, stems[i], words, finds_something); !fixed.empty()) {
        corrections.emplace_back(i, fixed);
        stems[i] = analyzer.Stem(fixed);
      }
    }
    if (ranking.compounds && !stopword && analyzer.stems()) {
      // Meilisearch's word concatenation and splitting. Only for languages
      // written with spaces (the ones with stemmers); the pieces of a
      // Japanese sentence are not words typed apart.
      // The second word may be a function word: "log in", "set up".
      if (i + 1 < tokens.size() && !analyzer.IsStopword(tokens[i].term)) {
        const std::string joined = analyzer.Stem(tokens[i].term + tokens[i + 1].term);
        if (joined != stems[i] && joined != stems[i + 1] && db.get_termfreq(z + joined) > 0 &&
            seen.insert(joined).second) {
          out.compounds.push_back({tokens[i].term + " " + tokens[i + 1].term, {joined}});
        }
      }
      if (corrections.empty() || corrections.back().first != i) {
        if (auto pieces = Split(db, analyzer, tokens[i].term, stems[i], words); !pieces.empty()) {
          out.compounds.push_back({tokens[i].term, pieces});
        }
      }
    }
    if (seen.insert(stems[i]).second) (stopword ? out.weak : out.stems).push_back(stems[i]);
    ++i;
  }
  if (!corrections.empty()) {
    // The customer's text with each corrected word replaced.
    std::size_t cursor = 0;
    for (const auto& [index, fixed] : corrections) {
      out.did_you_mean.append(text.substr(cursor, tokens[index].begin - cursor)).append(fixed);
      cursor = tokens[index].end;
    }
    out.did_you_mean.append(text.substr(cursor));
  }
  out.marks.insert(out.marks.end(), out.stems.begin(), out.stems.end());
  std::vector<Xapian::Query> parts = std::move(groups);
  for (const std::string& stem : out.stems) {
    Xapian::Query word(z + stem);
    if (ranking.field_boost) {
      // A word in the title is evidence of its own, scored on the title's
      // statistics. (Customer questions already weigh 3 body words in the
      // combined text; a second boost for them measured worse, and cost a
      // posting list per word.)
      word = Xapian::Query(Xapian::Query::OP_OR, word,
                           Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                                         Xapian::Query(z + std::string(schema::kTitle) + stem), kFieldBoostWeight));
    }
    parts.push_back(word);
    out.explained.push_back({stem, Xapian::Query(z + stem), {stem}});
    if (ranking.field_boost) {
      out.explained.push_back({stem + " (title boost)",
                               Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                                             Xapian::Query(z + std::string(schema::kTitle) + stem), kFieldBoostWeight),
                               {stem},
                               "title"});
    }
  }
  for (const AnalyzedQuery::Compound& c : out.compounds) {
    std::vector<Xapian::Query> words;
    for (const std::string& stem : c.stems) {
      words.emplace_back(z + stem);
      out.marks.push_back(stem);
    }
    parts.emplace_back(Xapian::Query::OP_OR, words.begin(), words.end());
    std::string label;
    for (const std::string& stem : c.stems) label += (label.empty() ? "" : " ") + stem;
    out.explained.push_back({fmt::format("{} (typed \"{}\")", label, c.typed), parts.back(), c.stems});
  }
  for (const std::string& w : out.weak) {
    parts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(z + w), kStopwordWeight);
    out.explained.push_back({w + " (function word)", parts.back(), {w}});
  }
  if (parts.empty()) return out;
  out.query = Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());
  if (ranking.proximity && out.stems.size() >= 2) {
    // Neighbouring query words found next to each other, or close together,
    // in the article: a small bonus on top of the words' own weight, in the
    // proportions of the sequential dependence model (Metzler & Croft 2005:
    // 0.85 words, 0.10 ordered pairs, 0.05 pairs within 8 words).
    std::vector<Xapian::Query> phrases, windows;
    for (std::size_t i = 0; i + 1 < out.stems.size(); ++i) {
      const Xapian::Query pair[] = {Xapian::Query(z + out.stems[i]), Xapian::Query(z + out.stems[i + 1])};
      phrases.emplace_back(Xapian::Query::OP_PHRASE, std::begin(pair), std::end(pair), 2);
      windows.emplace_back(Xapian::Query::OP_NEAR, std::begin(pair), std::end(pair), kProximityWindow);
    }
    const Xapian::Query bonus(
        Xapian::Query::OP_OR,
        Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(Xapian::Query::OP_OR, phrases.begin(), phrases.end()),
                      kPhraseWeight),
        Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(Xapian::Query::OP_OR, windows.begin(), windows.end()),
                      kProximityWeight));
    out.query = Xapian::Query(Xapian::Query::OP_AND_MAYBE, out.query, bonus);
  }
  return out;
}

Xapian::Query Restrict(const Xapian::Database& db, Xapian::Query query, const std::string& locale,
                       Audience audience, const SearchFilters& f) {
  const Xapian::doccount all = db.get_doccount();
  std::vector<Xapian::Query> musts;
  auto must = [&](std::string term) {
    if (db.get_termfreq(term) != all) musts.emplace_back(std::move(term));
  };
  if (!locale.empty()) must(schema::BooleanTerm(schema::kLocale, text::LanguageOf(locale)));
  if (!f.product.empty()) must(schema::BooleanTerm(schema::kProduct, f.product));
  if (!f.category.empty()) must(schema::BooleanTerm(schema::kCategory, f.category));
  if (!f.type.empty()) must(schema::BooleanTerm(schema::kType, f.type));
  for (const std::string& tag : f.tags) must(schema::BooleanTerm(schema::kTag, tag));
  if (!musts.empty()) {
    query = Xapian::Query(Xapian::Query::OP_FILTER, query, Xapian::Query(Xapian::Query::OP_AND, musts.begin(), musts.end()));
  }
  if (audience == Audience::kPublic) {
    std::string internal = schema::BooleanTerm(schema::kAudience, "internal");
    if (db.get_termfreq(internal) > 0) query = Xapian::Query(Xapian::Query::OP_AND_NOT, query, Xapian::Query(internal));
  }
  return query;
}


}  // namespace kb::search
