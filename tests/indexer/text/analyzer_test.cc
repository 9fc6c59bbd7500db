#include "indexer/text/analyzer.h"

#include <algorithm>
#include <filesystem>
#include <random>

#include <gtest/gtest.h>

#include "indexer/base/file.h"

namespace kb::text {
namespace {

std::vector<std::string> Terms(std::string_view text) {
  std::vector<std::string> out;
  for (const Token& t : Tokenize(text)) out.push_back(t.term);
  return out;
}

TEST(TokenizeTest, SplitsWordsAndDropsPunctuation) {
  EXPECT_EQ(Terms("Sync stuck at 99%? Error DBX-1042!"),
            (std::vector<std::string>{"sync", "stuck", "at", "99", "error", "dbx", "1042"}));
}

TEST(TokenizeTest, OffsetsPointIntoTheOriginalText) {
  const std::string text = "Café ouvert";
  const std::vector<Token> tokens = Tokenize(text);
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].term, "cafe");
  EXPECT_EQ(text.substr(tokens[0].begin, tokens[0].end - tokens[0].begin), "Café");
  EXPECT_EQ(text.substr(tokens[1].begin, tokens[1].end - tokens[1].begin), "ouvert");
}

bool SameTokens(const std::vector<Token>& a, const std::vector<Token>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const Token& x, const Token& y) {
    return x.term == y.term && x.begin == y.begin && x.end == y.end;
  });
}

std::string Describe(const std::vector<Token>& tokens) {
  std::string out;
  for (const Token& t : tokens) out += "[" + t.term + " " + std::to_string(t.begin) + "-" + std::to_string(t.end) + "]";
  return out;
}

// ASCII text takes its own path, chunk by chunk between spaces: it must find
// exactly the words, offsets and terms ICU's break iterator finds in the
// whole text, ASCII or not.
TEST(TokenizeTest, AsciiPathAgreesWithIcuOnEveryKindOfPunctuation) {
  std::vector<std::string> alphabet;
  for (char c : std::string("aZx09_.,;:'\"-!?/@#$%&*()[]{}<>=+~`^|\\ \t\n\r\x7f\x01")) alphabet.emplace_back(1, c);
  const int ascii_symbols = static_cast<int>(alphabet.size());
  // Non-ASCII: a letter, a curly apostrophe, a dash, a no-break space, a
  // combining accent, CJK and kana, an emoji with a joiner.
  for (const char* u : {"é", "’", "—", "\u00a0", "\u0301", "日本", "パス", "😀", "\u200d"}) alphabet.emplace_back(u);
  std::mt19937 rng(7);
  int compared = 0;
  for (int n = 0; n < 40000; ++n) {
    std::string text;
    const bool mixed = n % 2 == 1;
    // Mixed texts are long and spaced enough for runs of ASCII words
    // between non-ASCII ones.
    const int length = 1 + static_cast<int>(rng() % (mixed ? 160 : 24));
    for (int i = 0; i < length; ++i) {
      const std::size_t k = mixed && rng() % 8 == 0 ? rng() % alphabet.size() : rng() % ascii_symbols;
      text += alphabet[k];
      if (mixed && rng() % 3 == 0) text += ' ';
    }
    const std::vector<Token> fast = Tokenize(text), icu = TokenizeWithIcu(text);
    ASSERT_TRUE(SameTokens(fast, icu)) << "text: \"" << text << "\"\nchunked: " << Describe(fast)
                                       << "\nicu:     " << Describe(icu);
    ++compared;
  }
  EXPECT_EQ(compared, 40000);
}

TEST(TokenizeTest, AsciiPathAgreesWithIcuOnTheBundledArticles) {
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(std::string(KB_SOURCE_DIR) + "/corpus")) {
    if (!entry.is_regular_file()) continue;
    const std::string text = ReadFile(entry.path().string()).value_or("");
    ++files;
    EXPECT_TRUE(SameTokens(Tokenize(text), TokenizeWithIcu(text))) << entry.path();
  }
  EXPECT_GT(files, 170);
}

// The spans snippets read of ASCII text are Tokenize's words, each one's
// bytes normalising to its term: on random ASCII and on the bundled
// articles. Text that is not all ASCII has none.
TEST(TokenizeTest, AsciiWordSpansAreTokenizesWords) {
  auto expect_same = [](const std::string& text) {
    std::vector<WordSpan> spans;
    ASSERT_TRUE(AsciiWordSpans(text, &spans)) << text;
    const std::vector<Token> tokens = Tokenize(text);
    ASSERT_EQ(spans.size(), tokens.size()) << text;
    for (std::size_t i = 0; i < spans.size(); ++i) {
      EXPECT_EQ(spans[i].begin, tokens[i].begin) << text;
      EXPECT_EQ(spans[i].end, tokens[i].end) << text;
      EXPECT_EQ(NormalizeWord(std::string_view(text).substr(spans[i].begin, spans[i].end - spans[i].begin)),
                tokens[i].term)
          << text;
    }
  };
  const std::string symbols = "aZ09_.',;:@-' \n\t\"&";
  std::mt19937 rng(11);
  for (int n = 0; n < 20000; ++n) {
    std::string text;
    const int length = 1 + static_cast<int>(rng() % 40);
    for (int i = 0; i < length; ++i) text += symbols[rng() % symbols.size()];
    expect_same(text);
  }
  // Too long to be a term, with and without its apostrophes.
  expect_same(std::string(70, 'a') + " ok " + std::string(64, 'b') + " " + std::string(64, 'c') + std::string(3, '\'') +
              "d " + std::string(63, 'e') + "'s");
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(std::string(KB_SOURCE_DIR) + "/corpus/en")) {
    if (!entry.is_regular_file()) continue;
    const std::string text = ReadFile(entry.path().string()).value_or("");
    std::vector<WordSpan> spans;
    if (!AsciiWordSpans(text, &spans)) continue;
    ++files;
    expect_same(text);
  }
  EXPECT_GT(files, 20);
  std::vector<WordSpan> untouched = {{1, 2}};
  EXPECT_FALSE(AsciiWordSpans("Größe", &untouched));
  EXPECT_EQ(untouched.size(), 1u);
}

TEST(TokenizeTest, FoldsCaseAndDiacritics) {
  EXPECT_EQ(Terms("CAFÉ café cafe"), (std::vector<std::string>{"cafe", "cafe", "cafe"}));
  EXPECT_EQ(Terms("Zurücksetzen Größe"), (std::vector<std::string>{"zurucksetzen", "grosse"}));
}

TEST(TokenizeTest, AppliesNfkc) {
  // Full-width Latin letters and digits become ASCII.
  EXPECT_EQ(Terms("ＤＢＸ４０１"), (std::vector<std::string>{"dbx401"}));
}

TEST(TokenizeTest, RemovesApostrophesInsideWords) {
  EXPECT_EQ(Terms("can't don’t"), (std::vector<std::string>{"cant", "dont"}));
}

TEST(TokenizeTest, SegmentsJapaneseIntoWords) {
  EXPECT_EQ(Terms("パスワードをリセットする方法"),
            (std::vector<std::string>{"パスワード", "を", "リセット", "する", "方法"}));
}

TEST(TokenizeTest, KeepsJapaneseVoicedMarks) {
  // が must not fold to か, nor ド to ト.
  EXPECT_EQ(Terms("ダウンロードが"), (std::vector<std::string>{"ダウンロード", "が"}));
}

TEST(TokenizeTest, DropsOverlongTokens) {
  const std::string huge(kMaxTermBytes + 1, 'x');
  EXPECT_EQ(Terms("short " + huge + " word"), (std::vector<std::string>{"short", "word"}));
}

TEST(TokenizeTest, EmptyAndSymbolOnlyTextHasNoTokens) {
  EXPECT_TRUE(Tokenize("").empty());
  EXPECT_TRUE(Tokenize(" ?!# () :: ").empty());
}

TEST(LanguageOfTest, TakesThePrimarySubtag) {
  EXPECT_EQ(LanguageOf("de-AT"), "de");
  EXPECT_EQ(LanguageOf("EN_us"), "en");
  EXPECT_EQ(LanguageOf("ja"), "ja");
}

TEST(AnalyzerTest, StemsEnglish) {
  Analyzer en("en-US");
  EXPECT_TRUE(en.stems());
  EXPECT_EQ(en.Stem("passwords"), "password");
  EXPECT_EQ(en.Stem("syncing"), en.Stem("sync"));
  EXPECT_EQ(en.Stem("invoices"), en.Stem("invoice"));
}

TEST(AnalyzerTest, StemsGermanAfterFolding) {
  Analyzer de("de");
  EXPECT_EQ(de.Stem("rechnungen"), de.Stem("rechnung"));
}

TEST(AnalyzerTest, LeavesCodesAndNumbersAlone) {
  Analyzer en("en");
  EXPECT_EQ(en.Stem("1042"), "1042");
  EXPECT_EQ(en.Stem("v2s"), "v2s");
}

TEST(AnalyzerTest, JapaneseIsNotStemmed) {
  Analyzer ja("ja");
  EXPECT_FALSE(ja.stems());
  EXPECT_EQ(ja.Stem("リセット"), "リセット");
}

TEST(AnalyzerTest, KnowsStopwordsPerLanguage) {
  EXPECT_TRUE(Analyzer("en").IsStopword("how"));
  EXPECT_FALSE(Analyzer("en").IsStopword("password"));
  EXPECT_TRUE(Analyzer("de").IsStopword("wie"));
  EXPECT_TRUE(Analyzer("de").IsStopword("fur"));  // "für", folded
  EXPECT_TRUE(Analyzer("ja").IsStopword("を"));
  EXPECT_FALSE(Analyzer("fr").IsStopword("le"));  // no list: nothing is dropped
}

// Contractions reach the list as the tokenizer writes them, apostrophe
// dropped; the frame of a help request counts as function words, what it
// asks about does not.
// The words of `text` that are English stopwords, and the others.
std::pair<std::vector<std::string>, std::vector<std::string>> StopAndContent(std::string_view text) {
  const Analyzer en("en");
  std::vector<std::string> stop, content;
  for (const Token& t : en.Tokenize(text)) (en.IsStopword(t.term) ? stop : content).push_back(t.term);
  return {stop, content};
}

TEST(AnalyzerTest, ContractionsAndRequestFillerAreStopwords) {
  const auto [stop, content] = StopAndContent("What's the easiest way? I don't need it, I'd like to delete my account");
  EXPECT_EQ(stop, (std::vector<std::string>{"whats", "the", "easiest", "way", "i", "dont", "need", "it", "id", "like",
                                            "to", "my"}));
  EXPECT_EQ(content, (std::vector<std::string>{"delete", "account"}));
}

TEST(AnalyzerTest, HedgesAreStopwords) {
  const auto [stop, content] =
      StopAndContent("I think it still kind of crashes, surely there must be a fix to sort files");
  EXPECT_EQ(stop, (std::vector<std::string>{"i", "think", "it", "still", "kind", "of", "surely", "there", "must", "be",
                                            "a", "to"}));
  EXPECT_EQ(content, (std::vector<std::string>{"crashes", "fix", "sort", "files"}));  // "sort" is a topic here
}

}  // namespace
}  // namespace kb::text
