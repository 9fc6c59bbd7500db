// Synonyms for customers' words: groups of words and phrases that mean the
// same thing ("sign in, log in, login"). One file per language,
// <corpus>/synonyms/<language>.txt, one group per line, entries separated by
// commas; '#' starts a comment.
#ifndef KB_INDEXER_CORPUS_SYNONYMS_H_
#define KB_INDEXER_CORPUS_SYNONYMS_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "indexer/base/error.h"

namespace kb {

using SynonymGroup = std::vector<std::string>;  // entries as written
// language -> groups
using Synonyms = std::map<std::string, std::vector<SynonymGroup>>;

// Parses one synonyms file. Every problem is reported with its line: an
// empty entry, a group of fewer than two entries.
Result<std::vector<SynonymGroup>> ParseSynonyms(std::string_view text);

// Reads <corpus_dir>/synonyms/*.txt, keyed by file name (the language).
// A corpus without a synonyms folder has no synonyms. Errors carry the path.
Result<Synonyms> ReadSynonyms(const std::string& corpus_dir);

// Every problem in every synonyms file of `corpus_dir`, not just the first
// that ReadSynonyms stops at: each with path and line, in file then line
// order. Empty when ReadSynonyms would succeed.
std::vector<Error> CheckSynonyms(const std::string& corpus_dir);

}  // namespace kb

#endif  // KB_INDEXER_CORPUS_SYNONYMS_H_
