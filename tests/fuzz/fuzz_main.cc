// The libFuzzer entry point of one target: KB_FUZZ_TARGET names it. Unless
// the command line says otherwise, -max_len is the target's own (see
// Targets()); libFuzzer reads its flags after LLVMFuzzerInitialize.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "tests/fuzz/fuzz_targets.h"

namespace {

void (*g_run)(std::string_view) = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  const kb::fuzz::FuzzTarget* target = nullptr;
  for (const kb::fuzz::FuzzTarget& t : kb::fuzz::Targets()) {
    if (t.name == KB_FUZZ_TARGET) target = &t;
  }
  if (target == nullptr) {
    std::fprintf(stderr, "no fuzz target %s\n", KB_FUZZ_TARGET);
    std::abort();
  }
  g_run = target->run;
  for (int i = 1; i < *argc; ++i) {
    if (std::string_view((*argv)[i]).starts_with("-max_len=")) return 0;
  }
  static std::string max_len = "-max_len=" + std::to_string(target->max_len);
  static std::vector<char*> args;
  args.assign(*argv, *argv + *argc);
  args.insert(args.begin() + 1, max_len.data());  // flags before corpus directories
  args.push_back(nullptr);
  *argc += 1;
  *argv = args.data();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  g_run(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
