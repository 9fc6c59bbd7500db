#include "indexer/text/analyzer.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <unordered_set>

#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utext.h>
#include <xapian.h>

#include "indexer/text/stopwords.h"

namespace kb::text {

namespace {

icu::BreakIterator& WordBreaker() {
  // BreakIterator is not thread-safe and costly to create: one per thread.
  thread_local std::unique_ptr<icu::BreakIterator> breaker = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> bi(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    if (U_FAILURE(status) || !bi) std::abort();  // ICU data missing: nothing can work
    return bi;
  }();
  return *breaker;
}

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

bool IsApostrophe(UChar32 c) { return c == 0x27 || c == 0x2019 || c == 0xFF07; }

// Japanese voiced sound marks: stripping them would turn が into か.
bool KeepMark(UChar32 c) { return c == 0x3099 || c == 0x309A; }

std::string FoldNonAscii(std::string_view word) {
  UErrorCode status = U_ZERO_ERROR;
  static const icu::Normalizer2* nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(status);
  static const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  static const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return std::string(word);

  icu::UnicodeString s = icu::UnicodeString::fromUTF8(icu::StringPiece(word.data(), static_cast<int32_t>(word.size())));
  icu::UnicodeString folded = nfkc_cf->normalize(s, status);
  icu::UnicodeString decomposed = nfd->normalize(folded, status);
  icu::UnicodeString stripped;
  for (int32_t i = 0; i < decomposed.length();) {
    UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    if (u_charType(c) == U_NON_SPACING_MARK && !KeepMark(c)) continue;
    if (IsApostrophe(c)) continue;
    stripped.append(c);
  }
  icu::UnicodeString composed = nfc->normalize(stripped, status);
  if (U_FAILURE(status)) return std::string(word);
  std::string out;
  composed.toUTF8String(out);
  return out;
}

}  // namespace

std::string NormalizeWord(std::string_view word) {
  if (IsAscii(word)) {
    std::string out;
    out.reserve(word.size());
    for (char c : word) {
      if (c == '\'') continue;
      out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    }
    return out;
  }
  return FoldNonAscii(word);
}

namespace {

// UAX #29 word-break classes of the ASCII characters, as ICU's root rules
// have them: '@' is a letter there (so "user@example.com" stays one word)
// and the colon is not MidLetter.
enum class WordClass : std::uint8_t { kOther, kLetter, kNumeric, kExtendNumLet, kMidLetter, kMidNum, kMidNumLet };

constexpr WordClass ClassOf(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '@') return WordClass::kLetter;
  if (c >= '0' && c <= '9') return WordClass::kNumeric;
  switch (c) {
    case '_': return WordClass::kExtendNumLet;
    case '.': case '\'': return WordClass::kMidNumLet;  // MidNumLet and Single_Quote
    case ',': case ';': return WordClass::kMidNum;
    default: return WordClass::kOther;
  }
}

// Calls fn(begin, end) for each word's bytes, before normalisation.
template <typename Fn>
void ForEachAsciiWord(std::string_view text, Fn&& fn) {
  const std::size_t n = text.size();
  auto cls = [&](std::size_t i) { return i < n ? ClassOf(text[i]) : WordClass::kOther; };
  auto alnum = [](WordClass c) { return c == WordClass::kLetter || c == WordClass::kNumeric; };
  std::size_t i = 0;
  while (i < n) {
    WordClass c = cls(i);
    if (!alnum(c) && c != WordClass::kExtendNumLet) {
      ++i;
      continue;
    }
    const std::size_t begin = i;
    bool word = false;
    while (true) {
      word = word || alnum(c);
      const WordClass next = cls(i + 1);
      if (alnum(next) || next == WordClass::kExtendNumLet) {
        // WB13a/b join '_' with anything; letters and digits join each other.
        ++i;
        c = next;
        continue;
      }
      const bool letter_mid = c == WordClass::kLetter &&
                              (next == WordClass::kMidLetter || next == WordClass::kMidNumLet) &&
                              cls(i + 2) == WordClass::kLetter;
      const bool number_mid = c == WordClass::kNumeric &&
                              (next == WordClass::kMidNum || next == WordClass::kMidNumLet) &&
                              cls(i + 2) == WordClass::kNumeric;
      if (letter_mid || number_mid) {
        i += 2;
        c = cls(i);
        continue;
      }
      break;
    }
    const std::size_t end = i + 1;
    i = end;
    if (!word && end - begin < 2) continue;
    fn(begin, end);
  }
}

// The words of ASCII text by UAX #29: letters and digits run together
// (WB5, WB8-10), joined by '_' (WB13a/b); a '.' or '\'' between two letters
// (WB6/7) and a '.', '\'', ',' or ';' between two digits (WB11/12) does not
// break. A lone '_' is not a word; ICU counts a run of them as one.
void TokenizeAscii(std::string_view text, std::size_t offset, std::vector<Token>& tokens) {
  ForEachAsciiWord(text, [&](std::size_t begin, std::size_t end) {
    std::string term = NormalizeWord(text.substr(begin, end - begin));
    if (term.empty() || term.size() > kMaxTermBytes) return;
    tokens.push_back(Token{std::move(term), offset + begin, offset + end});
  });
}

void TokenizeIcu(std::string_view text, std::size_t offset, std::vector<Token>& tokens);

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

// No rule of UAX #29 joins anything across a space, so the text is cut at
// ASCII whitespace into chunks: runs of ASCII chunks take the direct path,
// the others ICU. An ICU region starts at the space before its chunk (a
// combining mark after a space belongs to the space) and takes in short
// ASCII runs between non-ASCII chunks, so that mixed text ("Größe der
// Datei") costs few ICU calls.
std::vector<Token> Tokenize(std::string_view text) {
  std::vector<Token> tokens;
  const std::size_t n = text.size();
  constexpr int kMinAsciiRun = 8;  // chunks; shorter runs between non-ASCII ones go to ICU
  std::size_t ascii_from = 0;      // start of the text not yet tokenised
  std::size_t icu_from = 0, icu_to = 0;  // pending ICU region, if icu_to > icu_from
  int ascii_chunks = 0;                  // ASCII chunks since icu_to
  auto flush_icu = [&] {
    if (icu_to == icu_from) return;
    TokenizeIcu(text.substr(icu_from, icu_to - icu_from), icu_from, tokens);
    ascii_from = icu_to;
    icu_from = icu_to = 0;
  };
  std::size_t i = 0;
  while (i < n) {
    while (i < n && IsAsciiSpace(text[i])) ++i;
    if (i == n) break;
    std::size_t j = i;
    bool ascii = true;
    for (; j < n && !IsAsciiSpace(text[j]); ++j) ascii = ascii && static_cast<unsigned char>(text[j]) < 0x80;
    if (ascii) {
      ++ascii_chunks;
      if (icu_to > icu_from && ascii_chunks >= kMinAsciiRun) flush_icu();
    } else {
      if (icu_to > icu_from && ascii_chunks < kMinAsciiRun) {
        icu_to = j;  // absorb the short ASCII run
      } else {
        const std::size_t from = i > 0 ? i - 1 : 0;
        if (from > ascii_from) TokenizeAscii(text.substr(ascii_from, from - ascii_from), ascii_from, tokens);
        icu_from = from;
        icu_to = j;
      }
      ascii_chunks = 0;
    }
    i = j;
  }
  flush_icu();
  if (n > ascii_from) TokenizeAscii(text.substr(ascii_from), ascii_from, tokens);
  return tokens;
}

bool AsciiWordSpans(std::string_view text, std::vector<WordSpan>* spans) {
  if (!IsAscii(text)) return false;
  spans->clear();
  ForEachAsciiWord(text, [&](std::size_t begin, std::size_t end) {
    // The length NormalizeWord would give: apostrophes go.
    const auto bytes = (end - begin) - static_cast<std::size_t>(std::count(text.begin() + static_cast<std::ptrdiff_t>(begin),
                                                                            text.begin() + static_cast<std::ptrdiff_t>(end), '\''));
    if (bytes == 0 || bytes > kMaxTermBytes) return;
    spans->push_back(WordSpan{begin, end});
  });
  return true;
}

std::vector<Token> TokenizeWithIcu(std::string_view text) {
  std::vector<Token> tokens;
  TokenizeIcu(text, 0, tokens);
  return tokens;
}

namespace {

void TokenizeIcu(std::string_view text, std::size_t offset, std::vector<Token>& tokens) {
  if (text.empty()) return;
  UErrorCode status = U_ZERO_ERROR;
  UText* ut = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &status);
  if (U_FAILURE(status)) return;
  icu::BreakIterator& bi = WordBreaker();
  bi.setText(ut, status);
  if (U_SUCCESS(status)) {
    int32_t start = bi.first();
    for (int32_t end = bi.next(); end != icu::BreakIterator::DONE; start = end, end = bi.next()) {
      if (bi.getRuleStatus() < UBRK_WORD_NONE_LIMIT) continue;  // spaces, punctuation, symbols
      const auto b = static_cast<std::size_t>(start);
      const auto e = static_cast<std::size_t>(end);
      std::string term = NormalizeWord(text.substr(b, e - b));
      if (term.empty() || term.size() > kMaxTermBytes) continue;
      tokens.push_back(Token{std::move(term), offset + b, offset + e});
    }
  }
  // Detach the iterator from the UText before it is closed.
  bi.setText(icu::UnicodeString());
  utext_close(ut);
}

}  // namespace

std::string LanguageOf(std::string_view locale) {
  std::string lang(locale.substr(0, locale.find_first_of("-_")));
  for (char& c : lang) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return lang;
}

struct Analyzer::Stemmer {
  Xapian::Stem stem;
};

Analyzer::Analyzer(std::string_view locale) : language_(LanguageOf(locale)) {
  if (language_.empty() || language_ == "none") return;
  try {
    stemmer_ = std::make_unique<Stemmer>(Stemmer{Xapian::Stem(language_)});
    stems_ = true;
  } catch (const Xapian::InvalidArgumentError&) {
    stems_ = false;  // no Snowball stemmer for this language (e.g. ja)
  }
}

Analyzer::Analyzer(Analyzer&&) noexcept = default;
Analyzer& Analyzer::operator=(Analyzer&&) noexcept = default;
Analyzer::~Analyzer() = default;

std::string Analyzer::Stem(const std::string& term) const {
  if (!stems_) return term;
  // Numbers and mixed codes ("dbx", "1042", "v2") are not words to stem.
  if (std::any_of(term.begin(), term.end(), [](char c) { return c >= '0' && c <= '9'; })) return term;
  constexpr std::size_t kMaxCached = 1 << 16;
  if (auto it = stem_cache_.find(term); it != stem_cache_.end()) return it->second;
  if (stem_cache_.size() >= kMaxCached) stem_cache_.clear();
  std::string stem = stemmer_->stem(term);
  stem_cache_.emplace(term, stem);
  return stem;
}

bool Analyzer::IsStopword(std::string_view term) const { return text::IsStopword(language_, term); }

}  // namespace kb::text
