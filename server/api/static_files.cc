#include "server/api/static_files.h"

#include <filesystem>

#include "indexer/base/file.h"

namespace kb::api {

namespace {

std::string ContentType(const std::filesystem::path& p) {
  const std::string ext = p.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

bool SafeRelative(std::string_view rel) {
  if (!rel.empty() && rel.front() == '/') return false;
  if (rel.find('\0') != std::string_view::npos || rel.find('\\') != std::string_view::npos) return false;
  std::size_t start = 0;
  while (start <= rel.size()) {
    std::size_t end = rel.find('/', start);
    if (end == std::string_view::npos) end = rel.size();
    const std::string_view seg = rel.substr(start, end - start);
    if (seg == ".." || seg == "." || (!seg.empty() && seg[0] == '.')) return false;  // no dot files either
    start = end + 1;
  }
  return true;
}

}  // namespace

std::optional<HttpResponse> ServeStatic(const std::string& root, std::string_view relative) {
  namespace fs = std::filesystem;
  if (!SafeRelative(relative)) return std::nullopt;
  std::error_code ec;
  const fs::path base = fs::canonical(root, ec);
  if (ec) return std::nullopt;
  fs::path target = base / fs::path(std::string(relative));
  if (relative.empty() || relative.back() == '/') target /= "index.html";
  const fs::path real = fs::canonical(target, ec);
  if (ec || !fs::is_regular_file(real, ec)) return std::nullopt;
  // Symlinks may not lead out of the root.
  const std::string real_s = real.string(), base_s = base.string() + "/";
  if (real_s.compare(0, base_s.size(), base_s) != 0) return std::nullopt;
  auto body = ReadFile(real_s);
  if (!body) return std::nullopt;
  HttpResponse res;
  res.content_type = ContentType(real);
  res.body = std::move(*body);
  res.headers.emplace_back("Cache-Control", "public, max-age=300");
  return res;
}

}  // namespace kb::api
