#include <iostream>
#include <string>
#include <vector>

#include "indexer/base/caught.h"
#include "indexer/cli/kb_index.h"

int main(int argc, char** argv) {
  return kb::RunMain("kb-index", std::cerr, [&] {
    return kb::RunKbIndex(std::vector<std::string>(argv + 1, argv + argc), std::cout, std::cerr);
  });
}
