#include <iostream>

#include "bench/eval/relevance.h"
#include "indexer/base/caught.h"

int main(int argc, char** argv) {
  return kb::RunMain("kb-relevance", std::cerr, [&] {
    return kb::eval::RunRelevance(std::vector<std::string>(argv + 1, argv + argc), std::cout, std::cerr);
  });
}
