#include "bench/speed/synthetic.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/core.h>

namespace kb::bench {

namespace {

// splitmix64: small, fast, and the same on every platform.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  int Between(int lo, int hi) { return lo + static_cast<int>(Next() % static_cast<std::uint64_t>(hi - lo + 1)); }

 private:
  std::uint64_t state_;
};

// The head of the vocabulary: the hundred most frequent words of written
// English (Oxford English Corpus), in rank order. In real text the top ranks
// of Zipf's law are these words, not content words.
constexpr const char* kFunctionWords[] = {
    "the",   "be",    "to",    "of",     "and",   "a",     "in",    "that",  "have",  "i",     "it",
    "for",   "not",   "on",    "with",   "he",    "as",    "you",   "do",    "at",    "this",  "but",
    "his",   "by",    "from",  "they",   "we",    "say",   "her",   "she",   "or",    "an",    "will",
    "my",    "one",   "all",   "would",  "there", "their", "what",  "so",    "up",    "out",   "if",
    "about", "who",   "get",   "which",  "go",    "me",    "when",  "make",  "can",   "like",  "time",
    "no",    "just",  "him",   "know",   "take",  "people", "into", "year",  "your",  "good",  "some",
    "could", "them",  "see",   "other",  "than",  "then",  "now",   "look",  "only",  "come",  "its",
    "over",  "think", "also",  "back",   "after", "use",   "two",   "how",   "our",   "work",  "first",
    "well",  "way",   "even",  "new",    "want",  "because", "any", "these", "give",  "day",   "most",
    "us",
};

constexpr const char* kOnsets[] = {"b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v",
                                   "w", "z", "br", "cl", "dr", "gr", "pl", "st", "tr", "sh", "ch"};
constexpr const char* kVowels[] = {"a", "e", "i", "o", "u", "ai", "ea", "ou", "io"};
constexpr const char* kCodas[] = {"", "n", "r", "s", "t", "l", "x", "nd", "st", "ck"};

std::vector<std::string> MakeVocabulary(int size, Rng& rng) {
  std::vector<std::string> words(std::begin(kFunctionWords), std::end(kFunctionWords));
  std::set<std::string> seen(words.begin(), words.end());
  while (static_cast<int>(words.size()) < size) {
    std::string w;
    const int syllables = rng.Between(1, 4);
    for (int s = 0; s < syllables; ++s) {
      w += kOnsets[rng.Next() % std::size(kOnsets)];
      w += kVowels[rng.Next() % std::size(kVowels)];
    }
    w += kCodas[rng.Next() % std::size(kCodas)];
    if (seen.insert(w).second) words.push_back(std::move(w));
  }
  return words;
}

class Zipf {
 public:
  Zipf(int n, double s) : cdf_(static_cast<std::size_t>(n)) {
    double sum = 0;
    for (int i = 0; i < n; ++i) cdf_[static_cast<std::size_t>(i)] = (sum += 1.0 / std::pow(i + 1, s));
    for (double& c : cdf_) c /= sum;
  }
  int Sample(Rng& rng) const {
    return static_cast<int>(std::lower_bound(cdf_.begin(), cdf_.end(), rng.Uniform()) - cdf_.begin());
  }

 private:
  std::vector<double> cdf_;
};

std::string Sentence(const std::vector<std::string>& vocab, const Zipf& zipf, Rng& rng, int words) {
  std::string s;
  for (int i = 0; i < words; ++i) {
    if (i > 0) s += ' ';
    s += vocab[static_cast<std::size_t>(zipf.Sample(rng))];
  }
  return s;
}

constexpr const char* kCategories[] = {"account", "billing", "sync", "sharing", "desktop",
                                       "mobile",  "sso",     "api",  "admin",   "security"};

}  // namespace

std::vector<Article> MakeSyntheticCorpus(const SyntheticOptions& options) {
  Rng rng(options.seed);
  const std::vector<std::string> vocab = MakeVocabulary(options.vocabulary, rng);
  const Zipf zipf(options.vocabulary, options.zipf_exponent);
  std::vector<Article> corpus;
  corpus.reserve(static_cast<std::size_t>(options.articles));
  for (int i = 0; i < options.articles; ++i) {
    Article a;
    a.id = fmt::format("syn-{:07d}", i);
    a.locale = "en";
    a.title = Sentence(vocab, zipf, rng, rng.Between(4, 10));
    a.type = rng.Uniform() < 0.3 ? ArticleType::kTroubleshooting : ArticleType::kFaq;
    a.category = kCategories[rng.Next() % std::size(kCategories)];
    a.product = rng.Uniform() < 0.5 ? "desktop" : "web";
    a.audience = rng.Uniform() < 0.1 ? ArticleAudience::kInternal : ArticleAudience::kPublic;
    a.updated = fmt::format("2026-{:02d}-{:02d}", rng.Between(1, 12), rng.Between(1, 28));
    for (int q = rng.Between(0, 2); q > 0; --q) a.questions.push_back(Sentence(vocab, zipf, rng, rng.Between(5, 9)));
    // Body: 3 to 8 paragraphs of 20 to 60 words (60 to 480 words).
    for (int p = rng.Between(3, 8); p > 0; --p) {
      if (!a.body_text.empty()) a.body_text += "\n\n";
      a.body_text += Sentence(vocab, zipf, rng, rng.Between(20, 60)) + ".";
    }
    a.body_markdown = a.body_text;
    corpus.push_back(std::move(a));
  }
  return corpus;
}

std::vector<Article> ShortArticles(std::vector<Article> corpus, int body_words) {
  for (Article& a : corpus) {
    int words = 0;
    bool in_word = false;
    std::size_t cut = a.body_text.size();
    for (std::size_t i = 0; i < a.body_text.size(); ++i) {
      const bool space = a.body_text[i] == ' ' || a.body_text[i] == '\n';
      if (!space && !in_word && ++words > body_words) {
        cut = i;
        break;
      }
      in_word = !space;
    }
    a.body_text.resize(cut);
    while (!a.body_text.empty() && (a.body_text.back() == ' ' || a.body_text.back() == '\n')) a.body_text.pop_back();
    a.body_markdown = a.body_text;
    a.questions.clear();
  }
  return corpus;
}

std::vector<std::string> MakeSyntheticQueries(const std::vector<Article>& corpus, int count, std::uint64_t seed) {
  Rng rng(seed);
  const std::set<std::string> function_words(std::begin(kFunctionWords), std::end(kFunctionWords));
  std::vector<std::string> queries;
  while (static_cast<int>(queries.size()) < count && !corpus.empty()) {
    const Article& a = corpus[rng.Next() % corpus.size()];
    std::vector<std::string> words;
    std::size_t start = 0;
    const std::string& t = a.title;
    for (std::size_t sp; start <= t.size(); start = sp + 1) {
      sp = t.find(' ', start);
      if (sp == std::string::npos) sp = t.size();
      std::string w = t.substr(start, sp - start);
      if (!w.empty() && !function_words.contains(w) && std::find(words.begin(), words.end(), w) == words.end()) {
        words.push_back(std::move(w));
      }
    }
    const std::size_t want = static_cast<std::size_t>(rng.Between(2, 3));
    if (words.size() < want) continue;
    std::string q;
    for (std::size_t k = 0; k < want; ++k) {
      const std::size_t pick = k + rng.Next() % (words.size() - k);
      std::swap(words[k], words[pick]);
      q += (k ? " " : "") + words[k];
    }
    queries.push_back(std::move(q));
  }
  return queries;
}

std::vector<std::string> ZipfDraws(const std::vector<std::string>& items, double s, std::size_t count,
                                   std::uint64_t seed) {
  std::vector<std::string> out;
  if (items.empty()) return out;
  const Zipf zipf(static_cast<int>(items.size()), s);
  Rng rng(seed);
  for (std::size_t i = 0; i < count; ++i) out.push_back(items[static_cast<std::size_t>(zipf.Sample(rng))]);
  return out;
}

}  // namespace kb::bench
