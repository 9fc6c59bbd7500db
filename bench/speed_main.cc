#include <exception>
#include <iostream>

#include "bench/speed/speed.h"

int main(int argc, char** argv) {
  try {
    return kb::bench::RunSpeedBench(std::vector<std::string>(argv + 1, argv + argc), std::cout, std::cerr);
  } catch (const std::exception& e) {
    std::cerr << "kb-bench: internal error: " << e.what() << "\n";
    return 1;
  }
}
