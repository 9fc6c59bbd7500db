// An article as a Xapian document, by the schema (indexer/schema.h): what
// the writer stores and the reader decodes. Only the writer and the reader
// include this header.
#ifndef KB_INDEXER_DOCUMENT_H_
#define KB_INDEXER_DOCUMENT_H_

#include <string>
#include <unordered_set>
#include <vector>

#include <xapian.h>

#include "indexer/article.h"
#include "indexer/schema.h"
#include "indexer/text/analyzer.h"

namespace kb::schema {

// Stems whose positions are kept (see MakeDocument).
using PhraseWords = std::unordered_set<std::string>;

// Builds the Xapian document for `article`. `analyzer` must be for the
// article's locale; `average` holds the index's average field lengths (0 for
// a field: no length normalisation of it). Positions are what phrase
// matching needs and the costliest part of indexing: they are kept only for
// the stems in `phrase_words` (the words of multi-word synonyms, which are
// matched as phrases), or for every stem when it is null.
// When `spelling_words` is given, it receives SpellingWords(article) (in no
// particular order), from the same pass over the text. Text that is not
// valid UTF-8 (which the readers refuse) is stored with U+FFFD in place of
// each bad sequence; nothing about the article makes this throw.
Xapian::Document MakeDocument(const Article& article, const text::Analyzer& analyzer, const FieldLengths& average,
                              const PhraseWords* phrase_words = nullptr,
                              std::vector<std::string>* spelling_words = nullptr);

// Which parts of the stored article to decode.
enum class StoredParts {
  kSummary,  // id, title, type, locale, product, category, tags, audience, updated
  kText,     // also the body as plain text, what a snippet reads (from the summary's slot)
  kAll,      // also questions, body (Markdown and text), steps and learned phrasings
};

// The learned phrasings stored with `doc` (schema::kSlotLearned); what
// cannot be decoded is left out.
std::vector<LearnedPhrasing> StoredLearned(const Xapian::Document& doc);

// Decodes what MakeDocument stored. Fields that cannot be decoded are left
// empty (an unreadable audience reads as internal). Never throws, whatever
// the document holds.
Article StoredArticle(const Xapian::Document& doc, StoredParts parts);

// What a result page reads of `doc`, a document MakeDocument made, as one
// string (a sharded index's page, kMetaPages): its summary and its plain
// text, which StoredArticle reads back from
// PageDocument(page), a document without terms; an empty document for a
// string that is not a page.
std::string PageOf(const Xapian::Document& doc);
Xapian::Document PageDocument(const std::string& page);

}  // namespace kb::schema

#endif  // KB_INDEXER_DOCUMENT_H_
