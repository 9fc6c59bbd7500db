#include <exception>
#include <iostream>

#include "bench/eval/relevance.h"

int main(int argc, char** argv) {
  try {
    return kb::eval::RunRelevance(std::vector<std::string>(argv + 1, argv + argc), std::cout, std::cerr);
  } catch (const std::exception& e) {
    std::cerr << "kb-relevance: internal error: " << e.what() << "\n";
    return 1;
  }
}
