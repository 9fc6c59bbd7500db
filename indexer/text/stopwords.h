// Per-language stopword lists, in normalised (folded) form.
#ifndef KB_INDEXER_TEXT_STOPWORDS_H_
#define KB_INDEXER_TEXT_STOPWORDS_H_

#include <string_view>

namespace kb::text {

// True when `term` (already normalised by NormalizeWord) is a stopword of
// `language` (a primary language subtag such as "en"). Unknown languages
// have no stopwords.
bool IsStopword(std::string_view language, std::string_view term);

}  // namespace kb::text

#endif  // KB_INDEXER_TEXT_STOPWORDS_H_
