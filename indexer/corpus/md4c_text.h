// Small helpers over md4c's parse results, shared by the indexer's Markdown
// reader and the server's HTML renderer.
#ifndef KB_INDEXER_CORPUS_MD4C_TEXT_H_
#define KB_INDEXER_CORPUS_MD4C_TEXT_H_

#include <string>

#include <md4c.h>

namespace kb {

// The text of an attribute (a link's href, an image's src) with md4c's
// entity and escape parts resolved; entities other than the four XML ones
// are kept as written.
std::string AttributeText(const MD_ATTRIBUTE& a);

}  // namespace kb

#endif  // KB_INDEXER_CORPUS_MD4C_TEXT_H_
