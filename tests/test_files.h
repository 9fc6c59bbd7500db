// Helpers for tests that need real files: write a tree under a TempDir.
#ifndef KB_TESTS_TEST_FILES_H_
#define KB_TESTS_TEST_FILES_H_

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace kb::testing {

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
