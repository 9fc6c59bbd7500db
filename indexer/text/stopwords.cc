#include "indexer/text/stopwords.h"

#include <string>
#include <unordered_map>
#include <unordered_set>

namespace kb::text {

namespace {

// Function words and question words. The lists are short on purpose: a
// help-center query is short, and a content word wrongly dropped costs more
// than a function word wrongly kept. Entries are folded the way the analyzer
// folds (no diacritics, no apostrophes).
const char* const kEnglish[] = {
    "a", "about", "am", "an", "and", "any", "are", "as", "at", "be", "been", "being", "but", "by", "can", "could",
    "did", "do", "does", "doing", "for", "from", "had", "has", "have", "having", "he", "her", "here", "him", "his",
    "how", "i", "if", "im", "in", "into", "is", "it", "its", "ive", "me", "my", "myself", "of", "on", "or", "our",
    "ours", "she", "should", "so", "some", "such", "than", "that", "the", "their", "them", "then", "there",
    "these", "they", "this", "those", "to", "too", "us", "very", "was", "we", "were", "what", "when", "where",
    "which", "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "yourself",
    // Help-request filler: "is there a way to", "is it possible", "does anyone know", "I want to",
    // "what's the best / easiest way", "I need", "I'd like", "a specific / particular / certain ...".
    "able", "anybody", "anyone", "anything", "just", "know", "maybe", "please", "possible", "somehow",
    "someone", "something", "want", "way", "wish", "best", "better", "easiest", "easy", "easily", "simple",
    "simplest", "need", "like", "id", "specific", "particular", "certain",
    // Contractions of the words above, as the normaliser writes them (without the apostrophe).
    "whats", "hows", "wheres", "whos", "thats", "theres", "heres", "lets", "youre", "theyre", "ill", "youve",
    "weve", "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "cant", "cannot", "wont", "couldnt", "wouldnt",
    "shouldnt",
    // Hedges and discourse words of customer text ("I think", "kind of", "surely there must be",
    // "it still doesn't"): how the customer feels about the problem, not what it is.
    "really", "actually", "basically", "perhaps", "probably", "surely", "still", "must", "think", "guess",
    "kind", "quite", "rather", "anyway", "though", "although", "however", "whether",
};

const char* const kGerman[] = {
    "aber", "als", "am", "an", "auch", "auf", "aus", "bei", "bin", "bis", "bist", "da", "damit", "das", "dass",
    "dein", "deine", "dem", "den", "der", "des", "die", "dies", "diese", "dieser", "du", "durch", "ein", "eine",
    "einem", "einen", "einer", "eines", "er", "es", "fur", "hat", "hatte", "ich", "ihr", "ihre", "im", "in",
    "ist", "ja", "kann", "man", "mein", "meine", "meinem", "meinen", "meiner", "mich", "mir", "mit", "muss",
    "nach", "oder", "sich", "sie", "sind", "so", "uber", "um", "und", "uns", "unser", "vom", "von", "vor", "war",
    "warum", "was", "weil", "wenn", "werden", "wie", "wieso", "wir", "wird", "wo", "zu", "zum", "zur",
};

const char* const kJapanese[] = {
    "の", "を", "は", "が", "に", "で", "と", "も", "へ", "や", "か", "な", "ね", "よ", "から", "まで", "より",
    "です", "ます", "ました", "ません", "でした", "する", "します", "した", "して", "される", "ある", "あります",
    "いる", "います", "こと", "もの", "これ", "それ", "あれ", "この", "その", "どう", "どの", "どこ", "なぜ",
    "どうすれば", "どうやって", "ください", "たい", "ない", "なる", "れる", "られる", "方法", "には", "では",
};

using StopwordSet = std::unordered_set<std::string, std::hash<std::string>>;

const std::unordered_map<std::string, StopwordSet>& Lists() {
  static const auto* lists = [] {
    auto* m = new std::unordered_map<std::string, StopwordSet>();
    (*m)["en"] = StopwordSet(std::begin(kEnglish), std::end(kEnglish));
    (*m)["de"] = StopwordSet(std::begin(kGerman), std::end(kGerman));
    (*m)["ja"] = StopwordSet(std::begin(kJapanese), std::end(kJapanese));
    return m;
  }();
  return *lists;
}

}  // namespace

bool IsStopword(std::string_view language, std::string_view term) {
  const auto& lists = Lists();
  auto it = lists.find(std::string(language));
  if (it == lists.end()) return false;
  return it->second.contains(std::string(term));
}

}  // namespace kb::text
