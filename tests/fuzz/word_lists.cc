// A synonyms file and a word list, from the same input: errors name a line;
// synonym groups have two or more non-empty entries; every word of a list
// that parses is found in it.
#include <fmt/core.h>

#include "indexer/base/lines.h"
#include "indexer/corpus/synonyms.h"
#include "indexer/text/analyzer.h"
#include "indexer/text/word_list.h"
#include "tests/fuzz/fuzz_targets.h"

namespace kb::fuzz {

void FuzzWordLists(std::string_view input) {
  const int lines = LineCount(input);
  auto groups = ParseSynonyms(input);
  if (!groups) {
    const Error& e = groups.error();
    Check(e.where().line >= 1 && e.where().line <= lines, "a synonyms error outside the input: " + e.ToString());
    Check(IsUtf8(e.message()), "a synonyms error message is not valid UTF-8");
  } else {
    for (const SynonymGroup& g : *groups) {
      Check(g.size() >= 2, "a synonym group of fewer than two entries");
      for (const std::string& entry : g) {
        Check(!entry.empty() && entry.find(',') == std::string::npos && IsUtf8(entry), "a bad synonym entry");
      }
    }
  }
  auto list = text::WordList::Parse(input);
  if (!list) {
    const Error& e = list.error();
    Check(e.where().line >= 1 && e.where().line <= lines, "a word list error outside the input: " + e.ToString());
    return;
  }
  LineReader reader(input);
  std::string_view line;
  while (reader.Next(line)) {
    const std::string word = text::NormalizeWord(line);
    if (!word.empty()) Check(list->Contains(word), fmt::format("word list lost line {}", reader.number()));
  }
}

}  // namespace kb::fuzz
