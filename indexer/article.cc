#include "indexer/article.h"

#include <array>
#include <cctype>

namespace kb {

std::string_view ArticleTypeName(ArticleType type) {
  return type == ArticleType::kTroubleshooting ? "troubleshooting" : "faq";
}

std::optional<ArticleType> ParseArticleType(std::string_view name) {
  if (name == "faq") return ArticleType::kFaq;
  if (name == "troubleshooting") return ArticleType::kTroubleshooting;
  return std::nullopt;
}

std::string_view AudienceName(ArticleAudience audience) {
  return audience == ArticleAudience::kInternal ? "internal" : "public";
}

std::optional<ArticleAudience> ParseAudience(std::string_view name) {
  if (name == "public") return ArticleAudience::kPublic;
  if (name == "internal") return ArticleAudience::kInternal;
  return std::nullopt;
}

std::optional<std::string> CheckId(std::string_view id) {
  if (id.empty()) return "id is empty";
  for (unsigned char c : id) {
    if (c <= 0x20 || c == 0x7F) return "id must not contain whitespace or control characters";
  }
  return std::nullopt;
}

std::optional<std::string> CanonicalLocale(std::string_view tag) {
  // language(2-3 letters) then subtags of 1-8 alphanumerics.
  std::string out;
  std::size_t i = 0;
  int index = 0;
  while (i <= tag.size()) {
    std::size_t j = tag.find_first_of("-_", i);
    if (j == std::string_view::npos) j = tag.size();
    std::string_view sub = tag.substr(i, j - i);
    if (sub.empty() || sub.size() > 8) return std::nullopt;
    for (unsigned char c : sub) {
      if (!std::isalnum(c)) return std::nullopt;
    }
    std::string part(sub);
    if (index == 0) {
      if (sub.size() < 2 || sub.size() > 3) return std::nullopt;
      for (unsigned char c : sub) {
        if (!std::isalpha(c)) return std::nullopt;
      }
      for (char& c : part) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (sub.size() == 2 && std::isalpha(static_cast<unsigned char>(sub[0]))) {
      for (char& c : part) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));  // region
    } else if (sub.size() == 4 && std::isalpha(static_cast<unsigned char>(sub[0]))) {
      for (char& c : part) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));  // script
      part[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(part[0])));
    } else {
      for (char& c : part) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (index > 0) out += '-';
    out += part;
    ++index;
    i = j + 1;
  }
  return out;
}

std::optional<std::string> CanonicalDate(std::string_view text) {
  if (text.size() < 10) return std::nullopt;
  if (text.size() > 10 && text[10] != 'T' && text[10] != ' ') return std::nullopt;
  const std::string_view d = text.substr(0, 10);
  for (int k : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(d[k]))) return std::nullopt;
  }
  if (d[4] != '-' || d[7] != '-') return std::nullopt;
  const int year = std::stoi(std::string(d.substr(0, 4)));
  const int month = std::stoi(std::string(d.substr(5, 2)));
  const int day = std::stoi(std::string(d.substr(8, 2)));
  static constexpr std::array<int, 12> kDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1]) return std::nullopt;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29 && !leap) return std::nullopt;
  return std::string(d);
}

}  // namespace kb
