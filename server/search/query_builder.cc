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

// The two words the index knows that `term`, a word it does not know, was
// typed without a space between ("resetpassword"), as stems; empty when
// there is none, or `term` is a real word of the language. Of several
// splits, the one whose rarer half is the most common.
std::vector<std::string> SplitInTwo(const Vocabulary& vocabulary, const text::Analyzer& analyzer, const std::string& term,
                               const std::string& stem, const text::WordList* words) {
  constexpr std::size_t kMinPiece = 2;
  const std::string z(schema::kStemmed);
  if (term.size() < 2 * kMinPiece || vocabulary.Knows(z + stem) || (words != nullptr && words->Contains(term))) {
    return {};
  }
  std::vector<std::string> best;
  Xapian::doccount best_freq = 0;
  for (std::size_t cut = kMinPiece; cut + kMinPiece <= term.size(); ++cut) {
    if ((static_cast<unsigned char>(term[cut]) & 0xC0) == 0x80) continue;  // inside a character
    const std::string left = term.substr(0, cut), right = term.substr(cut);
    if (analyzer.IsStopword(left) || analyzer.IsStopword(right)) continue;
    std::string a = analyzer.Stem(left), b = analyzer.Stem(right);
    const Xapian::doccount freq = std::min(vocabulary.TermFreq(z + a), vocabulary.TermFreq(z + b));
    if (freq > best_freq) {
      best_freq = freq;
      best = {std::move(a), std::move(b)};
    }
  }
  return best;
}

// The stem in the title at kFieldBoostWeight.
Xapian::Query TitleBoost(const std::string& stem) {
  return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                       Xapian::Query(std::string(schema::kStemmed) + std::string(schema::kTitle) + stem),
                       kFieldBoostWeight);
}

// Words joined by `separator`.
std::string Join(const std::vector<std::string>& words, std::string_view separator) {
  std::string out;
  for (const std::string& w : words) out.append(out.empty() ? "" : separator).append(w);
  return out;
}

}  // namespace

AnalyzedQuery BuildQuery(std::string_view text, const QueryContext& context) {
  std::vector<QueryWord> words = SplitIntoWords(text, context.analyzer);
  words = ExpandSynonyms(std::move(words), context);
  words = MarkFunctionWords(std::move(words), context);
  words = CorrectTypos(std::move(words), context);  // before compounds: a corrected word is not split
  words = FindCompounds(std::move(words), context);
  AnalyzedQuery out = AssembleQuery(CollectTerms(words), context);
  out.did_you_mean = DidYouMean(text, words);
  return out;
}

std::vector<QueryWord> SplitIntoWords(std::string_view text, const text::Analyzer& analyzer) {
  std::vector<QueryWord> words;
  for (text::Token& t : analyzer.Tokenize(text)) {
    std::string stem = analyzer.Stem(t.term);
    words.push_back(
        QueryWord{.term = std::move(t.term), .begin = t.begin, .end = t.end, .typed_stem = stem, .stem = stem});
  }
  return words;
}

std::vector<QueryWord> ExpandSynonyms(std::vector<QueryWord> words, const QueryContext& context) {
  if (!context.ranking.synonyms || context.synonyms == nullptr) return words;
  const SynonymTable& synonyms = *context.synonyms;
  std::unordered_set<std::size_t> seen_groups;
  for (std::size_t i = 0; i < words.size();) {
    // The longest synonym entry starting here (stopwords count: "log in").
    // The groups of shorter entries starting here are searched too.
    std::size_t matched = 0;
    std::string key;
    for (std::size_t n = 1; n <= synonyms.longest && i + n <= words.size(); ++n) {
      key += (n > 1 ? " " : "") + words[i + n - 1].stem;
      if (auto g = synonyms.entry_group.find(key); g != synonyms.entry_group.end()) {
        matched = n;
        if (seen_groups.insert(g->second).second) words[i].synonym_groups.push_back(g->second);
      }
    }
    if (matched == 0) {
      ++i;
      continue;
    }
    for (std::size_t end = i + matched; i < end; ++i) words[i].in_synonym = true;
  }
  return words;
}

std::vector<QueryWord> MarkFunctionWords(std::vector<QueryWord> words, const QueryContext& context) {
  // Function words ("how", "do", "my") count for little, but they still
  // count: dropping them loses matches, keeping them at full weight lets
  // them outweigh the words that matter. A query of nothing else ("how do
  // i") keeps them at full weight.
  const text::Analyzer& analyzer = context.analyzer;
  if (!context.ranking.stopwords ||
      std::all_of(words.begin(), words.end(), [&](const QueryWord& w) { return analyzer.IsStopword(w.term); })) {
    return words;
  }
  for (QueryWord& w : words) w.function_word = !w.in_synonym && analyzer.IsStopword(w.term);
  return words;
}

std::vector<QueryWord> CorrectTypos(std::vector<QueryWord> words, const QueryContext& context) {
  if (!context.ranking.typos) return words;
  const text::Analyzer& analyzer = context.analyzer;
  const std::string z(schema::kStemmed);
  // Real words the index lacks are kept as typed while some other word of
  // the query finds articles; a query that would find nothing at all is
  // corrected even so ("threat" -> "thread").
  const bool finds_something =
      context.words != nullptr && std::any_of(words.begin(), words.end(), [&](const QueryWord& w) {
        return !analyzer.IsStopword(w.term) && context.vocabulary.Knows(z + w.typed_stem);
      });
  for (QueryWord& w : words) {
    if (w.in_synonym || w.function_word) continue;
    // Customers' own words for an article ("fb") are no typos once learned.
    if (!LearnedWords(w.stem, context).empty()) continue;
    // A word the index has never seen is most likely a typo: search for the
    // corpus word it is closest to instead, and tell the customer.
    if (std::string fixed = Correction(context.vocabulary, w.term, w.stem, context.words, finds_something); !fixed.empty()) {
      w.stem = analyzer.Stem(fixed);
      w.correction = std::move(fixed);
    }
  }
  return words;
}

std::vector<QueryWord> FindCompounds(std::vector<QueryWord> words, const QueryContext& context) {
  // Meilisearch's word concatenation and splitting. Only for languages
  // written with spaces (the ones with stemmers); the pieces of a
  // Japanese sentence are not words typed apart.
  const text::Analyzer& analyzer = context.analyzer;
  if (!context.ranking.compounds || !analyzer.stems()) return words;
  const std::string z(schema::kStemmed);
  for (std::size_t i = 0; i < words.size(); ++i) {
    QueryWord& w = words[i];
    if (w.in_synonym || w.function_word) continue;
    // The second word may be a function word: "log in", "set up". It is
    // compared as typed, the first as corrected.
    if (i + 1 < words.size() && !analyzer.IsStopword(w.term)) {
      std::string joined = analyzer.Stem(w.term + words[i + 1].term);
      if (joined != w.stem && joined != words[i + 1].typed_stem && context.vocabulary.Knows(z + joined)) {
        w.joined = std::move(joined);
      }
    }
    if (w.correction.empty()) w.split = SplitInTwo(context.vocabulary, analyzer, w.term, w.stem, context.words);
  }
  return words;
}

QueryTerms CollectTerms(const std::vector<QueryWord>& words) {
  QueryTerms out;
  std::unordered_set<std::string> seen;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const QueryWord& w = words[i];
    out.synonym_groups.insert(out.synonym_groups.end(), w.synonym_groups.begin(), w.synonym_groups.end());
    if (w.in_synonym) continue;
    if (!w.joined.empty() && seen.insert(w.joined).second) {
      out.compounds.push_back({w.term + " " + words[i + 1].term, {w.joined}});
    }
    if (!w.split.empty()) out.compounds.push_back({w.term, w.split});
    if (seen.insert(w.stem).second) (w.function_word ? out.weak : out.stems).push_back(w.stem);
  }
  return out;
}

std::string DidYouMean(std::string_view text, const std::vector<QueryWord>& words) {
  // The customer's text with each corrected word replaced.
  std::string out;
  std::size_t cursor = 0;
  for (const QueryWord& w : words) {
    if (w.correction.empty()) continue;
    out.append(text.substr(cursor, w.begin - cursor)).append(w.correction);
    cursor = w.end;
  }
  if (cursor == 0) return {};  // nothing corrected
  out.append(text.substr(cursor));
  return out;
}

AnalyzedQuery AssembleQuery(const QueryTerms& terms, const QueryContext& context) {
  AnalyzedQuery out;
  const std::string z(schema::kStemmed);
  std::vector<Xapian::Query> parts;
  for (std::size_t group : terms.synonym_groups) {
    // Each entry of the group as a word or a phrase, one alternative of the
    // same term.
    const std::vector<std::vector<std::string>>& entries = context.synonyms->groups[group];
    std::vector<Xapian::Query> alternatives;
    std::vector<std::string> labels, stems;
    for (const std::vector<std::string>& entry : entries) {
      std::vector<Xapian::Query> words;
      for (const std::string& w : entry) words.emplace_back(z + w);
      alternatives.push_back(words.size() == 1 ? words[0]
                                               : Xapian::Query(Xapian::Query::OP_PHRASE, words.begin(), words.end(),
                                                               static_cast<Xapian::termcount>(words.size())));
      labels.push_back(Join(entry, " "));
      stems.insert(stems.end(), entry.begin(), entry.end());
    }
    parts.emplace_back(Xapian::Query::OP_SYNONYM, alternatives.begin(), alternatives.end());
    out.marks.insert(out.marks.end(), stems.begin(), stems.end());
    out.explained.push_back({Join(labels, " | "), parts.back(), std::move(stems)});
  }
  out.marks.insert(out.marks.end(), terms.stems.begin(), terms.stems.end());
  for (const std::string& stem : terms.stems) {
    const Xapian::Query learned = LearnedWords(stem, context);
    const Xapian::Query word =
        learned.empty() ? Xapian::Query(z + stem) : Xapian::Query(Xapian::Query::OP_SYNONYM, Xapian::Query(z + stem), learned);
    parts.push_back(BoostTitleFields(word, stem, context.ranking));
    out.explained.push_back({stem, Xapian::Query(z + stem), {stem}});
    if (context.ranking.field_boost) {
      out.explained.push_back({stem + " (title boost)", TitleBoost(stem), {stem}, "title"});
    }
    if (!learned.empty()) out.explained.push_back({stem + " (learned)", learned, {stem}, "learned"});
  }
  for (const QueryTerms::Compound& c : terms.compounds) {
    std::vector<Xapian::Query> words;
    for (const std::string& stem : c.stems) words.emplace_back(z + stem);
    out.marks.insert(out.marks.end(), c.stems.begin(), c.stems.end());
    parts.emplace_back(Xapian::Query::OP_OR, words.begin(), words.end());
    out.explained.push_back({fmt::format("{} (typed \"{}\")", Join(c.stems, " "), c.typed), parts.back(), c.stems});
  }
  for (const std::string& w : terms.weak) {
    parts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(z + w), kStopwordWeight);
    out.explained.push_back({w + " (function word)", parts.back(), {w}});
  }
  if (parts.empty()) return out;
  out.query =
      AddProximity(Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end()), terms.stems, context.ranking);
  return out;
}

Xapian::Query BoostTitleFields(Xapian::Query word, const std::string& stem, const RankingOptions& ranking) {
  if (!ranking.field_boost) return word;
  // A word in the title is evidence of its own, scored on the title's
  // statistics. (Customer questions already weigh 3 body words in the
  // combined text; a second boost for them measured worse, and cost a
  // posting list per word.)
  return Xapian::Query(Xapian::Query::OP_OR, word, TitleBoost(stem));
}

Xapian::Query LearnedWords(const std::string& stem, const QueryContext& context) {
  if (!context.ranking.learned) return Xapian::Query();
  // Only what an article the audience may see has learned: nothing costs a
  // posting list, or shows in an explanation, until usage taught it.
  std::vector<Xapian::Query> learned;
  const std::string customers(schema::kLearned), agents(schema::kLearnedAgent);
  if (std::string term = customers + stem; context.vocabulary.HasPrefix(customers) && context.vocabulary.Knows(term)) {
    learned.emplace_back(term);
  }
  if (context.audience == Audience::kAgent) {
    if (std::string term = agents + stem; context.vocabulary.HasPrefix(agents) && context.vocabulary.Knows(term)) {
      learned.emplace_back(term);
    }
  }
  if (learned.empty()) return Xapian::Query();
  return learned.size() == 1 ? learned[0] : Xapian::Query(Xapian::Query::OP_OR, learned.begin(), learned.end());
}

Xapian::Query AddProximity(Xapian::Query query, const std::vector<std::string>& stems, const RankingOptions& ranking) {
  if (!ranking.proximity || stems.size() < 2) return query;
  // Neighbouring query words found next to each other, or close together,
  // in the article: a small bonus on top of the words' own weight, in the
  // proportions of the sequential dependence model (Metzler & Croft 2005:
  // 0.85 words, 0.10 ordered pairs, 0.05 pairs within 8 words).
  const std::string z(schema::kStemmed);
  std::vector<Xapian::Query> phrases, windows;
  for (std::size_t i = 0; i + 1 < stems.size(); ++i) {
    const Xapian::Query pair[] = {Xapian::Query(z + stems[i]), Xapian::Query(z + stems[i + 1])};
    phrases.emplace_back(Xapian::Query::OP_PHRASE, std::begin(pair), std::end(pair), 2);
    windows.emplace_back(Xapian::Query::OP_NEAR, std::begin(pair), std::end(pair), kProximityWindow);
  }
  const Xapian::Query bonus(
      Xapian::Query::OP_OR,
      Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(Xapian::Query::OP_OR, phrases.begin(), phrases.end()),
                    kPhraseWeight),
      Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(Xapian::Query::OP_OR, windows.begin(), windows.end()),
                    kProximityWeight));
  return Xapian::Query(Xapian::Query::OP_AND_MAYBE, query, bonus);
}

Xapian::BM25Weight Bm25() { return Xapian::BM25Weight(kK1 * schema::kWdfScale, 0.0, 1.0, 0.0, 0.5); }

std::string Correction(const Vocabulary& vocabulary, const std::string& term, const std::string& stem,
                       const text::WordList* words, bool keep_real_words) {
  if (!schema::IsSpellable(term) || vocabulary.Knows(std::string(schema::kStemmed) + stem)) return {};
  if (keep_real_words && words != nullptr && words->Contains(term)) return {};
  const unsigned max_edits = Utf8Length(term) >= 8 ? 2 : 1;
  return vocabulary.SpellingSuggestion(term, max_edits);
}

Xapian::Query Restrict(const Vocabulary& vocabulary, Xapian::Query query, const std::string& locale,
                       Audience audience, const SearchFilters& f) {
  const Xapian::doccount all = vocabulary.DocCount();
  std::vector<Xapian::Query> musts;
  auto must = [&](std::string term) {
    if (vocabulary.AllTermFreq(term) != all) musts.emplace_back(std::move(term));
  };
  if (!locale.empty()) must(schema::BooleanTerm(schema::kLocale, text::LanguageOf(locale)));
  if (!f.product.empty()) must(schema::BooleanTerm(schema::kProduct, f.product));
  if (!f.category.empty()) must(schema::BooleanTerm(schema::kCategory, f.category));
  if (f.type) must(schema::BooleanTerm(schema::kType, ArticleTypeName(*f.type)));
  for (const std::string& tag : f.tags) must(schema::BooleanTerm(schema::kTag, tag));
  if (!musts.empty()) {
    query = Xapian::Query(Xapian::Query::OP_FILTER, query, Xapian::Query(Xapian::Query::OP_AND, musts.begin(), musts.end()));
  }
  if (audience == Audience::kPublic) {
    std::string internal = schema::BooleanTerm(schema::kAudience, "internal");
    if (vocabulary.AllTermFreq(internal) > 0) query = Xapian::Query(Xapian::Query::OP_AND_NOT, query, Xapian::Query(internal));
  }
  return query;
}

}  // namespace kb::search
