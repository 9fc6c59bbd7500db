// Promoting a learned phrasing into an article's `questions`: the change is
// computed against the article's source file in the corpus and returned,
// never written, so that the corpus stays the source of truth (a content
// team applies it in git and reindexes). docs/learning.md, "Control".
#ifndef KB_SERVER_LEARNING_PROMOTE_H_
#define KB_SERVER_LEARNING_PROMOTE_H_

#include <string>
#include <vector>

#include "indexer/base/error.h"

namespace kb::learning {

struct QuestionChange {
  std::string path;                    // the article's source, relative to the corpus
  int line = 0;                        // where the article starts in it
  std::vector<std::string> questions;  // the article's questions with the new one last
  // A unified diff of `path` that adds the question, or "" when the
  // source is not a Markdown file with front matter (a JSONL export: its
  // questions are edited where it comes from).
  std::string diff;
};

// The change that adds `question` to the questions of the article
// `article_id` in `locale` ("" when the corpus has it in one locale only)
// of the corpus at `corpus_dir`. kNotFound for no such article (or one in
// several locales when `locale` is ""); kFailedPrecondition when it
// already has that question (compared case-insensitively) or its corpus
// cannot be read; kInvalidArgument for an empty question.
Result<QuestionChange> AddQuestion(const std::string& corpus_dir, const std::string& article_id,
                                   const std::string& locale, const std::string& question);

// `text` as a YAML flow scalar: as it is when it reads back the same
// plain, else double-quoted.
std::string YamlScalar(const std::string& text);

}  // namespace kb::learning

#endif  // KB_SERVER_LEARNING_PROMOTE_H_
