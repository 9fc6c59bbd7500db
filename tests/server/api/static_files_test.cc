// ServeStatic: what may be served from under a root, and as what.
#include "server/api/static_files.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "indexer/base/temp_dir.h"
#include "tests/test_files.h"

namespace kb::api {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = tmp_.path() + "/widgets";
    testing::WriteFile(root_, "index.html", "<h1>home</h1>");
    testing::WriteFile(root_, "app.js", "export {};");
    testing::WriteFile(root_, "sub/index.html", "<h1>sub</h1>");
    testing::WriteFile(root_, "sub/page.html", "<h1>page</h1>");
    testing::WriteFile(root_, ".hidden", "dot file");
    testing::WriteFile(root_, "sub/.git/config", "dot directory");
    testing::WriteFile(tmp_.path(), "secret.txt", "outside the root");
    testing::WriteFile(tmp_.path(), "widgets-evil/secret.txt", "beside the root");
  }

  // The body served for `relative`, or "(none)".
  std::string Body(std::string_view relative) {
    auto res = ServeStatic(root_, relative);
    return res ? res->body : "(none)";
  }

  TempDir tmp_{"static-files"};
  std::string root_;
};

TEST_F(StaticFilesTest, ServesAFileWithItsTypeAndCaching) {
  auto res = ServeStatic(root_, "app.js");
  ASSERT_TRUE(res.has_value());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "export {};");
  EXPECT_EQ(res->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(res->headers, (std::vector<std::pair<std::string, std::string>>{{"Cache-Control", "public, max-age=300"}}));
  EXPECT_EQ(Body("sub/page.html"), "<h1>page</h1>");
}

TEST_F(StaticFilesTest, ADirectoryWithASlashIsItsIndexHtml) {
  EXPECT_EQ(Body(""), "<h1>home</h1>");
  EXPECT_EQ(Body("sub/"), "<h1>sub</h1>");
  EXPECT_EQ(ServeStatic(root_, "")->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(Body("sub"), "(none)");  // a directory itself is not a file
  fs::create_directories(root_ + "/empty");
  EXPECT_EQ(Body("empty/"), "(none)");
}

TEST_F(StaticFilesTest, NothingIsServedThatIsNotThere) {
  EXPECT_EQ(Body("missing.js"), "(none)");
  EXPECT_EQ(Body("sub/missing/"), "(none)");
  EXPECT_FALSE(ServeStatic(tmp_.path() + "/no-such-root", "index.html").has_value());
}

TEST_F(StaticFilesTest, DotSegmentsAreRefusedEvenInsideTheRoot) {
  for (const char* rel : {"../secret.txt", "sub/../../secret.txt", "..", "sub/..", "sub/../index.html",
                          "./index.html", ".", "sub/./page.html", "../widgets-evil/secret.txt"}) {
    EXPECT_EQ(Body(rel), "(none)") << rel;
  }
}

TEST_F(StaticFilesTest, EncodedFormsAreNamesNotDecodedAgain) {
  // The HTTP layer decodes the path once: "%2e%2e/" arrives as "../" and is
  // refused above. What arrives still encoded is a file name like any other.
  testing::WriteFile(root_, "%2e%2e/x.txt", "a directory named %2e%2e");
  EXPECT_EQ(Body("%2e%2e/x.txt"), "a directory named %2e%2e");
  EXPECT_EQ(Body("%2e%2e/secret.txt"), "(none)");
  EXPECT_EQ(Body("%2e%2e/%2e%2e/secret.txt"), "(none)");
  EXPECT_EQ(Body("..%2fsecret.txt"), "(none)");  // a dot file's name
  EXPECT_EQ(Body("..\\secret.txt"), "(none)");
  EXPECT_EQ(Body("sub\\..\\..\\secret.txt"), "(none)");
  EXPECT_EQ(Body(std::string_view("index.html\0.js", 14)), "(none)");
}

TEST_F(StaticFilesTest, AbsolutePathsAreRefused) {
  EXPECT_EQ(Body("/etc/passwd"), "(none)");
  EXPECT_EQ(Body(root_ + "/index.html"), "(none)");  // even inside the root
  EXPECT_EQ(Body("//etc/passwd"), "(none)");
}

TEST_F(StaticFilesTest, DotFilesAreNotServed) {
  EXPECT_EQ(Body(".hidden"), "(none)");
  EXPECT_EQ(Body("sub/.git/config"), "(none)");
}

TEST_F(StaticFilesTest, SymlinksMayNotLeadOutOfTheRoot) {
  fs::create_symlink(tmp_.path() + "/secret.txt", root_ + "/link-out.txt");
  fs::create_symlink(tmp_.path(), root_ + "/dir-out");
  // A sibling whose name starts with the root's is outside it too.
  fs::create_symlink(tmp_.path() + "/widgets-evil/secret.txt", root_ + "/link-beside.txt");
  EXPECT_EQ(Body("link-out.txt"), "(none)");
  EXPECT_EQ(Body("dir-out/secret.txt"), "(none)");
  EXPECT_EQ(Body("link-beside.txt"), "(none)");
  // Inside the root they are followed, and the type is the target's.
  fs::create_symlink(root_ + "/app.js", root_ + "/latest");
  fs::create_symlink(root_ + "/sub", root_ + "/alias");
  auto res = ServeStatic(root_, "latest");
  ASSERT_TRUE(res.has_value());
  EXPECT_EQ(res->body, "export {};");
  EXPECT_EQ(res->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(Body("alias/page.html"), "<h1>page</h1>");
}

TEST_F(StaticFilesTest, TheRootMayItselfBeASymlink) {
  fs::create_symlink(root_, tmp_.path() + "/current");
  EXPECT_EQ(ServeStatic(tmp_.path() + "/current", "app.js")->body, "export {};");
  EXPECT_FALSE(ServeStatic(tmp_.path() + "/current", "../secret.txt").has_value());
}

TEST_F(StaticFilesTest, ContentTypesByExtension) {
  const std::vector<std::pair<std::string, std::string>> table = {
      {"a.html", "text/html; charset=utf-8"},
      {"a.js", "text/javascript; charset=utf-8"},
      {"a.mjs", "text/javascript; charset=utf-8"},
      {"a.css", "text/css; charset=utf-8"},
      {"a.json", "application/json"},
      {"a.svg", "image/svg+xml"},
      {"a.png", "image/png"},
      {"a.ico", "image/x-icon"},
      {"a.txt", "text/plain; charset=utf-8"},
      {"a.wasm", "application/octet-stream"},
      {"README", "application/octet-stream"},
  };
  for (const auto& [name, type] : table) {
    testing::WriteFile(root_, "types/" + name, "x");
    auto res = ServeStatic(root_, "types/" + name);
    ASSERT_TRUE(res.has_value()) << name;
    EXPECT_EQ(res->content_type, type) << name;
  }
}

}  // namespace
}  // namespace kb::api
