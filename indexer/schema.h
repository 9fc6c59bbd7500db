// The index schema: the contract between the indexer, which writes documents,
// and the searcher, which reads them. Every term prefix, value slot and
// document-data field is defined here and nowhere else.
//
// Text fields. Each word of an article is stemmed and indexed
//   * in the combined text with its positions ("Zreset"). Its within-document
//     frequency is BM25F-style: a title word counts as several body words
//     (the field weights below), each field's count is divided by BM25's
//     length norm on that field's own length (1 - b + b * length /
//     average_length, BM25F), and the sum is scaled by kWdfScale.
//     Length normalisation is thus done once, at index time, so the searcher
//     ranks with BM25 at b = 0 and never looks up document lengths, the
//     costliest part of a BM25 match in Xapian;
//   * for the short fields (title, questions, tags) also under the field's
//     prefix after "Z" ("ZSreset" for the title), so a search can tell and
//     weigh where a word matched. A combined-text match found in none of
//     them is a body match. (Body words are not indexed twice: they are most
//     of the text, and indexing time grows with every term.)
// Fields are separated by a gap in positions so phrases do not cross them.
//
// Boolean filter terms (exact values, no stemming): Q<locale>:<id> (unique
// key), L<locale>, L<language>, XP<product>, XC<category>, XY<type>,
// XA<audience>, K<tag>.
//
// Value slots: kSlotUpdated holds "YYYYMMDD"; kSlotSummary a JSON object
// with what a result list shows (id, title, type, locale, product, category,
// tags, audience, updated), then kSummaryTextSeparator and the body as plain
// text, what snippets read; kSlotCategory, kSlotType and kSlotProduct the
// raw values and kSlotTags the tags joined by kValueSeparator, for facet
// counts.
//
// Document data: a JSON object with the long fields an article page needs
// (questions, body Markdown, steps).
#ifndef KB_INDEXER_SCHEMA_H_
#define KB_INDEXER_SCHEMA_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "indexer/base/error.h"
#include "indexer/article.h"
#include "indexer/text/analyzer.h"

namespace kb::schema {

// Text field prefixes.
inline constexpr std::string_view kTitle = "S";
inline constexpr std::string_view kQuestions = "XQ";
inline constexpr std::string_view kTags = "XT";
// Marks a stemmed term, as in Xapian's TermGenerator.
inline constexpr std::string_view kStemmed = "Z";

// Type-ahead: the first 1 to kMaxIndexedPrefixChars characters of each
// title word, normalised but not stemmed ("XEp", "XEpa", "XEpas", "XEpass").
// A partial word that short is one posting list; a longer one is a wildcard
// over the stemmed title terms, which then expands to few terms.
inline constexpr std::string_view kTitlePrefix = "XE";
inline constexpr std::size_t kMaxIndexedPrefixChars = 4;

// The first 1..kMaxIndexedPrefixChars characters of `word`.
std::vector<std::string> WordPrefixes(std::string_view word);

// Spelling data (Xapian's spelling table) holds the corpus's own words, so
// that a query word the index does not know can be corrected to one it does.
// Only words of at least kMinSpellingChars letters, without digits, take
// part: shorter ones have too many neighbours one typo away.
inline constexpr std::size_t kMinSpellingChars = 4;

// The distinct words of `article` that go into the spelling data.
std::vector<std::string> SpellingWords(const Article& article);

// Whether a normalised word may be spell-checked at all.
bool IsSpellable(std::string_view word);

// Internal articles' words go into the spelling data too, so that agents'
// typos are corrected to them, but spelled in an alphabet of their own:
// each character moved by kInternalSpellingShift into Unicode's
// Supplementary Private Use Area-A. Xapian proposes only words that share
// an n-gram with the word looked up, and no customer's word shares one with
// these, so a public lookup never reaches them (the searcher also refuses
// any proposal in this alphabet for a public request). An agent's lookup
// asks in both alphabets. Words with a character outside the Basic
// Multilingual Plane have no internal spelling.
inline constexpr char32_t kInternalSpellingShift = 0xF0000;

// `word` in the internal alphabet, or "" when it has none.
std::string InternalSpelling(std::string_view word);

// The word an internal spelling stands for; "" if `spelling` is not one.
std::string FromInternalSpelling(std::string_view spelling);

// Whether `word` has a character of the internal alphabet.
bool HasInternalSpelling(std::string_view word);

// The spelling-data entry for `word` of an article of `audience`: the word
// itself for public articles, its internal spelling for the others.
std::string SpellingEntry(std::string_view word, ArticleAudience audience);

// Learned phrasings (docs/learning.md): each stem of an article's learned
// phrasings, under kLearned for customers' phrasings and kLearnedAgent for
// agents' (which only agents' searches look for). A learned phrasing counts
// once, as words of the body: it is customers' text nobody reviewed, and
// the evidence behind it decides whether it is learned, never how much it
// weighs, so that no amount of traffic makes one phrasing outweigh the
// article's own words. There is no length normalisation: an article is not
// penalised for how much it taught. Learned words are not in the combined
// text, the spelling data or the type-ahead prefixes.
inline constexpr std::string_view kLearned = "XL";
inline constexpr std::string_view kLearnedAgent = "XG";
inline constexpr double kLearnedPhrasingWeight = 1;

// Boolean filter prefixes.
inline constexpr std::string_view kId = "Q";
inline constexpr std::string_view kLocale = "L";
inline constexpr std::string_view kProduct = "XP";
inline constexpr std::string_view kCategory = "XC";
inline constexpr std::string_view kType = "XY";
inline constexpr std::string_view kAudience = "XA";
inline constexpr std::string_view kTag = "K";

// Value slots.
inline constexpr unsigned kSlotUpdated = 0;
inline constexpr unsigned kSlotSummary = 1;
inline constexpr unsigned kSlotCategory = 2;  // for facet counts
inline constexpr unsigned kSlotType = 3;      // for facet counts
inline constexpr unsigned kSlotProduct = 4;   // for facet counts
inline constexpr unsigned kSlotTags = 5;      // for facet counts: tags joined by kValueSeparator
// "<16 hex digits of ArticleHash> <locale>:<id>": what incremental builds
// compare against the corpus.
inline constexpr unsigned kSlotHash = 6;
// The learned phrasings as a JSON array of [text, weight, clients, agent]
// (absent when there are none): what a full build carries over from the
// live generation, and what --explain and the dashboard show.
inline constexpr unsigned kSlotLearned = 7;

// Ends the summary's JSON in kSlotSummary when the body's plain text
// follows (JSON as written escapes every control character, so the first
// NUL is this one). Values are stored uncompressed, apart from the
// compressed data record: a result reads its summary and its snippet's
// text with one lookup and a copy.
inline constexpr char kSummaryTextSeparator = '\0';

// Separates the values of a multi-valued slot (kSlotTags).
inline constexpr char kValueSeparator = '\x1f';

// The text fields, for per-field statistics.
enum class Field : std::uint8_t { kTitle, kQuestions, kTags, kBody };
inline constexpr std::size_t kFieldCount = 4;

// Field weights: how many body words one word in each field counts as.
inline constexpr std::array<double, kFieldCount> kFieldWeights = {4, 3, 2, 1};
inline constexpr double FieldWeight(Field f) { return kFieldWeights[static_cast<std::size_t>(f)]; }
static_assert(kLearnedPhrasingWeight == FieldWeight(Field::kBody), "a learned phrasing weighs as body words");

// A number per text field: lengths in words, or their averages.
struct FieldLengths {
  std::array<double, kFieldCount> values{};
  double& operator[](Field f) { return values[static_cast<std::size_t>(f)]; }
  double operator[](Field f) const { return values[static_cast<std::size_t>(f)]; }
  bool operator==(const FieldLengths&) const = default;
};

// Position gap between fields.
inline constexpr unsigned kFieldGap = 100;

// BM25's length-normalisation strength b, applied at index time.
inline constexpr double kLengthB = 0.75;
// Resolution of normalised within-document frequencies: a body word in an
// article of average length has wdf kWdfScale. The searcher's k1 is scaled
// by the same factor.
inline constexpr double kWdfScale = 16;

// Database metadata key holding the average field lengths used to normalise
// the documents of an index (FormatLengths), so that later additions agree.
inline constexpr std::string_view kMetaAverageLengths = "kb:average_field_lengths";

// Database metadata key holding kSchemaVersion. An index written with
// another version is rebuilt in full rather than updated.
inline constexpr std::string_view kMetaSchemaVersion = "kb:schema_version";
inline constexpr std::string_view kSchemaVersion = "8";

// Database metadata keys stamped by every build and update that commits:
// the generation written (its directory name, "gen-000042") and when, in
// milliseconds since the epoch. They travel with the database, so a replica
// made by Xapian's replication reports what its indexer built, and when.
inline constexpr std::string_view kMetaGeneration = "kb:generation";
inline constexpr std::string_view kMetaBuiltMs = "kb:built_ms";

// Database metadata key prefix for the synonym groups of a language
// ("kb:synonyms:en"): a JSON array of groups, each an array of entries, each
// an array of the entry's analysed words (stemmed, stopwords kept).
inline constexpr std::string_view kMetaSynonymsPrefix = "kb:synonyms:";

// Database metadata of a sharded index's lexicon: the statistics of every
// term of the whole index but the article ids (kId): how many articles hold
// it, and how many public ones, under TermStatsKey(term), and
// kMetaTermStats = "1" when they are there. Searches read word statistics
// from the lexicon instead of asking each shard (docs/scaling.md).
inline constexpr std::string_view kMetaTermStats = "kb:term_stats";
inline constexpr std::string_view kMetaTermStatsPrefix = "kb:tf:";

// A sharded index's lexicon also holds each article's page: the values and
// data of its document (PageOf), what a result page shows and its snippet
// reads, under PageKey(the docid it has in the whole index), and
// kMetaPages = "1". A page of results is read from the lexicon, which is
// local, rather than in a round trip per document from the shards.
inline constexpr std::string_view kMetaPages = "kb:pages";

struct TermStats {
  std::uint32_t all = 0;
  std::uint32_t visible = 0;  // in public articles
  bool operator==(const TermStats&) const = default;
};

// kMetaTermStatsPrefix + term, or nullopt when that is too long for a
// Xapian metadata key: such terms are counted in the shards themselves.
std::optional<std::string> TermStatsKey(std::string_view term);
// "ALL VISIBLE", and back (nullopt when malformed).
std::string FormatTermStats(const TermStats& stats);
std::optional<TermStats> ParseTermStats(std::string_view text);

std::string PageKey(std::uint32_t docid);

// The length of each text field of an article, in words (all questions
// together, all tags together).
FieldLengths Lengths(const Article& article);

// BM25's length norm, 1 - b + b * length / average_length (1 when the
// average is unknown).
double LengthNorm(double length, double average_length);

// The stored wdf of a term whose normalised, field-weighted frequency is
// `weighted_tf` (at least 1).
unsigned NormalisedWdf(double weighted_tf);

// Field lengths as stored in the index metadata ("4 0.5 1 80"), and back.
std::string FormatLengths(const FieldLengths& lengths);
std::optional<FieldLengths> ParseLengths(std::string_view text);

// A hash of everything of `article` that goes into its document (and of
// kSchemaVersion): equal hashes mean the stored document is up to date.
// Learned phrasings count by text, audience and clients, so that a weight
// that decays rewrites nothing.
std::uint64_t ArticleHash(const Article& article);

// The key incremental builds match articles by: "<locale>:<id>".
std::string ArticleKey(std::string_view locale, std::string_view id);

// The unique-key term of an article.
std::string IdTerm(std::string_view locale, std::string_view id);

// Boolean term of a prefix and a value ("XC" + "billing").
std::string BooleanTerm(std::string_view prefix, std::string_view value);

// The text fields in index order, each as (text, field, term prefix; empty
// for the body). Multi-valued fields (questions, tags) give one call per
// value.
template <typename F>
void ForEachField(const Article& article, F&& f) {
  f(std::string_view(article.title), Field::kTitle, std::string_view(kTitle));
  for (const std::string& q : article.questions) f(std::string_view(q), Field::kQuestions, std::string_view(kQuestions));
  for (const std::string& tag : article.tags) f(std::string_view(tag), Field::kTags, std::string_view(kTags));
  f(std::string_view(article.body_text), Field::kBody, std::string_view());
}

// The words of `text` (its `tokens`) written with hyphens between them, as
// one word: each run of two to kMaxHyphenated parts ("E-Mail-Adresse" gives
// "email", "emailadresse" and "mailadresse"), by the token index of its
// first part, in token order.
std::vector<std::pair<std::size_t, std::string>> Hyphenated(std::string_view text,
                                                            const std::vector<text::Token>& tokens);

}  // namespace kb::schema

#endif  // KB_INDEXER_SCHEMA_H_
