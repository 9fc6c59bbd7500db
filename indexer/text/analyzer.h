// The one text analyzer: both the indexer and the query side turn text into
// terms here, so a word in an article and the same word in a query always
// become the same term.
//
// Pipeline: ICU word segmentation (BreakIterator; dictionary-based for
// Japanese and Chinese) -> NFKC + case folding -> diacritic folding
// ("café" -> "cafe", but Japanese voiced kana keep their marks) -> optional
// Snowball stemming per language (Xapian's stemmers).
//
// This is the only code in kbsearch that uses ICU.
#ifndef KB_INDEXER_TEXT_ANALYZER_H_
#define KB_INDEXER_TEXT_ANALYZER_H_

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>
#include <string_view>
#include <vector>

namespace kb::text {

// A word found in a text.
struct Token {
  std::string term;   // normalised and folded, not stemmed
  std::size_t begin;  // byte offset of the word in the analysed text
  std::size_t end;    // byte offset one past the word
};

// Longest term, in bytes, that the analyzer emits; longer "words" (base64,
// hashes, URLs glued together) are dropped.
inline constexpr std::size_t kMaxTermBytes = 64;

// Splits `text` (valid UTF-8) into normalised words. Punctuation, spaces and
// symbols are dropped. Thread-safe. Words are found by ICU's word break
// rules (Unicode UAX #29); ASCII text takes a direct path through the same
// rules, several times faster (most help-center text, and every query
// typed in English, is ASCII).
std::vector<Token> Tokenize(std::string_view text);

// Where Tokenize finds the words of `text`, when `text` is all ASCII: the
// same words, not normalised (NormalizeWord of a span's bytes is its
// Token::term). False, and `spans` untouched, for other text.
struct WordSpan {
  std::size_t begin, end;
};
bool AsciiWordSpans(std::string_view text, std::vector<WordSpan>* spans);

// Tokenize, always through ICU's break iterator: what the ASCII path must
// agree with (tests compare them).
std::vector<Token> TokenizeWithIcu(std::string_view text);

// Normalises one word the way Tokenize does (NFKC, case fold, diacritic
// fold, apostrophes removed). Thread-safe.
std::string NormalizeWord(std::string_view word);

// The primary language subtag of a BCP 47 tag, lower-cased: "de-AT" -> "de".
std::string LanguageOf(std::string_view locale);

// Stemming and stopwords for one language.
//
// Not safe for concurrent use (the Snowball stemmer keeps scratch state):
// give each thread its own. Construction is cheap. Movable, not copyable.
class Analyzer {
 public:
  // `locale` is a BCP 47 tag; only its language matters. Languages without a
  // Snowball stemmer (e.g. "ja") are analysed without stemming.
  explicit Analyzer(std::string_view locale);

  Analyzer(Analyzer&&) noexcept;
  Analyzer& operator=(Analyzer&&) noexcept;
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;
  ~Analyzer();

  bool stems() const { return stems_; }

  // The stem of a normalised term (the term itself when not stemming).
  std::string Stem(const std::string& term) const;

  // True for function words ("the", "how", "der", "を") that carry little
  // meaning in a query.
  bool IsStopword(std::string_view term) const;

  std::vector<Token> Tokenize(std::string_view text) const { return text::Tokenize(text); }

 private:
  struct Stemmer;  // Xapian's Snowball stemmer, which only analyzer.cc sees
  std::string language_;
  std::unique_ptr<Stemmer> stemmer_;  // set when stems_
  bool stems_ = false;
  // Stems already computed: words repeat (Zipf), and Snowball costs more
  // than a lookup. Bounded; cleared when full.
  mutable std::unordered_map<std::string, std::string> stem_cache_;
};

}  // namespace kb::text

#endif  // KB_INDEXER_TEXT_ANALYZER_H_
