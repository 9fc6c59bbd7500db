// Helpers for tests that need real files: write a tree under a TempDir.
#ifndef KB_TESTS_TEST_FILES_H_
#define KB_TESTS_TEST_FILES_H_

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "indexer/article.h"
#include "indexer/corpus/fields.h"

namespace kb::testing {

// An article as a reader would produce it from this Markdown body.
inline kb::Article MakeArticle(std::string id, std::string locale, std::string title, std::string body,
                               std::string audience = "public", std::string category = "account",
                               std::string type = "faq") {
  kb::Article a;
  a.id = std::move(id);
  a.locale = std::move(locale);
  a.title = std::move(title);
  a.body_text = ExtractMarkdown(body).text;
  a.body_markdown = std::move(body);
  a.audience = *ParseAudience(audience);
  a.category = std::move(category);
  a.type = *ParseArticleType(type);
  a.product = "web";
  a.updated = "2026-01-02";
  return a;
}

// Writes `content` to `root`/`relative`, creating directories.
inline std::string WriteFile(const std::string& root, const std::string& relative, std::string_view content) {
  const std::filesystem::path p = std::filesystem::path(root) / relative;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << content;
  return p.string();
}

// A valid Markdown article.
inline std::string Article(std::string_view id, std::string_view title, std::string_view body,
                           std::string_view extra_front_matter = "") {
  std::string s = "---\nid: ";
  s.append(id).append("\ntitle: \"").append(title).append("\"\n").append(extra_front_matter).append("---\n");
  s.append(body).append("\n");
  return s;
}

}  // namespace kb::testing

#endif  // KB_TESTS_TEST_FILES_H_
