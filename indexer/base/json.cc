#include "indexer/base/json.h"

#include <algorithm>
#include <optional>
#include <string>

#include <fmt/core.h>

#include "indexer/base/utf8.h"

namespace kb {

namespace {

using Json = nlohmann::json;

// nlohmann's DOM builder, keeping what its error handler is told (where
// the parse stopped, the token, the exception it would throw) instead of
// throwing. sax_parse calls members by name, so this parse_error hides the
// builder's.
class LocatingParser : public nlohmann::detail::json_sax_dom_parser<Json> {
 public:
  explicit LocatingParser(Json& root) : json_sax_dom_parser(root, /*allow_exceptions=*/false) {}

  template <class Exception>
  bool parse_error(std::size_t position, const std::string& last_token, const Exception& ex) {
    if (!problem_) problem_ = Problem{position, last_token, ex.id, ex.what()};
    return json_sax_dom_parser::parse_error(position, last_token, ex);
  }

  struct Problem {
    std::size_t position;  // bytes read when the parser gave up
    std::string token;
    int id;  // nlohmann's exception id: 1xx parse_error, 4xx out_of_range
    std::string what;
  };
  const std::optional<Problem>& problem() const { return problem_; }

 private:
  std::optional<Problem> problem_;
};

// nlohmann prefixes "[json.exception.parse_error.101] parse error at line 1,
// column N: ": the caller reports the place its own way.
// The rest quotes what was read last, which may end inside a character.
std::string WithoutPrefix(const std::string& what) {
  const std::size_t colon = what.find(": ");
  return ToValidUtf8(colon == std::string::npos ? what : std::string_view(what).substr(colon + 2));
}

}  // namespace

Result<Json> ParseJson(std::string_view text) {
  if (auto bad = FindInvalidUtf8(text)) {
    return Fail(Error::InvalidArgument(InvalidUtf8Message(text, *bad), SourceLocation{"", bad->line, bad->column}));
  }
  Json root;
  LocatingParser parser(root);
  bool ok = false;
  try {
    ok = Json::sax_parse(text, &parser);
  } catch (const Json::exception& e) {
    // Not expected (the builder never throws); reported without a place.
    return Fail(Error::InvalidArgument(fmt::format("malformed JSON: {}", WithoutPrefix(e.what())),
                                       SourceLocation{"", 1, 0}));
  }
  if (ok && !parser.problem()) return root;
  const auto& problem = parser.problem();
  if (!problem) return Fail(Error::InvalidArgument("malformed JSON", SourceLocation{"", 1, 1}));
  // A parse error's position counts the byte that failed; a number out of
  // range has been read whole, so it starts a token's length before.
  const bool out_of_range = problem->id >= 400 && problem->id < 500;
  std::size_t offset = problem->position > 0 ? problem->position - 1 : 0;
  if (out_of_range) offset = problem->position - std::min(problem->position, problem->token.size());
  offset = std::min(offset, text.size());
  const std::size_t line_start = offset == 0 ? 0 : text.rfind('\n', offset - 1) + 1;  // npos + 1 == 0
  const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n'));
  const int column = static_cast<int>(offset - line_start) + 1;
  std::string message;
  if (out_of_range) {
    constexpr std::size_t kShown = 40;  // digits shown of a long number
    const std::string& number = problem->token;
    message = fmt::format("number out of range at column {}: {} does not fit in a double", column,
                          number.size() > kShown ? number.substr(0, kShown - 3) + "..." : number);
  } else {
    message = fmt::format("malformed JSON at column {}: {}", column, WithoutPrefix(problem->what));
  }
  return Fail(Error::InvalidArgument(std::move(message), SourceLocation{"", line, column}));
}

}  // namespace kb
