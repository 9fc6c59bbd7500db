#include <iostream>

#include "bench/speed/speed.h"
#include "indexer/base/caught.h"

int main(int argc, char** argv) {
  return kb::RunMain("kb-bench", std::cerr, [&] {
    return kb::bench::RunSpeedBench(std::vector<std::string>(argv + 1, argv + argc), std::cout, std::cerr);
  });
}
