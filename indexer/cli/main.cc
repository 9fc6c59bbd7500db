#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "indexer/cli/kb_index.h"

int main(int argc, char** argv) {
  try {
    return kb::RunKbIndex(std::vector<std::string>(argv + 1, argv + argc), std::cout, std::cerr);
  } catch (const std::exception& e) {
    std::cerr << "kb-index: internal error: " << e.what() << "\n";
    return 1;
  }
}
