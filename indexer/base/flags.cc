#include "indexer/base/flags.h"

#include <algorithm>
#include <charconv>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

namespace kb {

struct FlagParser::Impl {
  CLI::App app;
  std::vector<std::string> value_flags;  // "--name"
  std::vector<std::pair<CLI::Option*, bool*>> given;
  std::vector<std::string>* positional = nullptr;
};

FlagParser::FlagParser() : impl_(std::make_unique<Impl>()) {
  impl_->app.set_help_flag();  // --help is each command's own
  impl_->app.allow_extras(true);
  impl_->app.allow_windows_style_options(false);
}

FlagParser::~FlagParser() = default;

FlagParser& FlagParser::Value(std::string_view name, std::string* out, bool* given) {
  const std::string flag = "--" + std::string(name);
  CLI::Option* option = impl_->app.add_option(flag, *out)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  impl_->value_flags.push_back(flag);
  if (given != nullptr) impl_->given.emplace_back(option, given);
  return *this;
}

FlagParser& FlagParser::Switch(std::string_view name, bool* out) {
  impl_->app.add_flag("--" + std::string(name), *out);
  return *this;
}

FlagParser& FlagParser::Positional(std::vector<std::string>* out) {
  impl_->positional = out;
  impl_->app.add_option("arguments", *out);
  return *this;
}

Result<void> FlagParser::Parse(const std::vector<std::string>& args) {
  auto error = [](std::string message) { return Fail(Error::InvalidArgument(std::move(message))); };
  // "--" ends the flags: what follows is positional, whatever it looks like.
  const auto end = std::find(args.begin(), args.end(), std::string("--"));
  const std::vector<std::string> flag_args(args.begin(), end);
  const auto& value_flags = impl_->value_flags;
  for (std::size_t i = 0; i < flag_args.size(); ++i) {
    // CLI11 would take a following flag as the value.
    if (std::find(value_flags.begin(), value_flags.end(), flag_args[i]) == value_flags.end()) continue;
    if (i + 1 == flag_args.size() || flag_args[i + 1].starts_with("--")) {
      return error(fmt::format("flag {} needs a value", flag_args[i]));
    }
    ++i;
  }
  std::vector<std::string> reversed(flag_args.rbegin(), flag_args.rend());  // CLI11 takes them last first
  try {
    impl_->app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    return error(e.what());
  }
  for (const std::string& extra : impl_->app.remaining()) {
    if (extra.starts_with("-") && extra.size() > 1) {
      return error(fmt::format("unknown flag {}", extra.substr(0, extra.find('='))));
    }
    return error(fmt::format("unexpected argument '{}'", extra));
  }
  if (end != args.end()) {
    if (impl_->positional == nullptr && end + 1 != args.end()) {
      return error(fmt::format("unexpected argument '{}'", *(end + 1)));
    }
    if (impl_->positional != nullptr) impl_->positional->insert(impl_->positional->end(), end + 1, args.end());
  }
  for (auto& [option, given] : impl_->given) *given = option->count() > 0;
  return {};
}

bool AsksForHelp(const std::vector<std::string>& args) {
  for (const std::string& a : args) {
    if (a == "--") return false;
    if (a == "--help" || a == "-h") return true;
  }
  return false;
}

std::optional<std::int64_t> ParseCount(std::string_view text, std::int64_t max) {
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 1 || n > max) return std::nullopt;
  return n;
}

}  // namespace kb
