#include "indexer/text/analyzer.h"

#include <algorithm>
#include <memory>
#include <unordered_set>

#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utext.h>

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

std::vector<Token> Tokenize(std::string_view text) {
  std::vector<Token> tokens;
  if (text.empty()) return tokens;
  UErrorCode status = U_ZERO_ERROR;
  UText* ut = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &status);
  if (U_FAILURE(status)) return tokens;
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
      tokens.push_back(Token{std::move(term), b, e});
    }
  }
  // Detach the iterator from the UText before it is closed.
  bi.setText(icu::UnicodeString());
  utext_close(ut);
  return tokens;
}

std::string LanguageOf(std::string_view locale) {
  std::string lang(locale.substr(0, locale.find_first_of("-_")));
  for (char& c : lang) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return lang;
}

Analyzer::Analyzer(std::string_view locale) : language_(LanguageOf(locale)) {
  if (language_.empty()) return;
  try {
    stemmer_ = Xapian::Stem(language_);
    stems_ = language_ != "none";
  } catch (const Xapian::InvalidArgumentError&) {
    stems_ = false;  // no Snowball stemmer for this language (e.g. ja)
  }
}

std::string Analyzer::Stem(const std::string& term) const {
  if (!stems_) return term;
  // Numbers and mixed codes ("dbx", "1042", "v2") are not words to stem.
  if (std::any_of(term.begin(), term.end(), [](char c) { return c >= '0' && c <= '9'; })) return term;
  constexpr std::size_t kMaxCached = 1 << 16;
  if (auto it = stem_cache_.find(term); it != stem_cache_.end()) return it->second;
  if (stem_cache_.size() >= kMaxCached) stem_cache_.clear();
  std::string stem = stemmer_(term);
  stem_cache_.emplace(term, stem);
  return stem;
}

bool Analyzer::IsStopword(std::string_view term) const { return text::IsStopword(language_, term); }

}  // namespace kb::text
