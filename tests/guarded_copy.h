// Input at the very end of readable memory, for the C libraries kbsearch
// uses (md4c, gumbo): the sanitizers do not see inside them, so a read past
// the end of their input goes unnoticed; from a GuardedCopy, one that goes
// past the copy's padding crashes at once.
#ifndef KB_TESTS_GUARDED_COPY_H_
#define KB_TESTS_GUARDED_COPY_H_

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <stdexcept>
#include <string_view>

namespace kb::testing {

// A copy of `bytes`, then `padding` NUL bytes, ending where a page that
// cannot be read begins.
class GuardedCopy {
 public:
  explicit GuardedCopy(std::string_view bytes, std::size_t padding = 0) : size_(bytes.size()) {
    const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const std::size_t used = bytes.size() + padding;
    map_size_ = (used + page - 1) / page * page + page;
    void* map = ::mmap(nullptr, map_size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED) throw std::runtime_error("cannot map a guarded copy");
    map_ = static_cast<char*>(map);
    char* guard = map_ + map_size_ - page;
    if (::mprotect(guard, page, PROT_NONE) != 0) throw std::runtime_error("cannot protect the guard page");
    char* start = guard - used;
    std::memcpy(start, bytes.data(), bytes.size());
    std::memset(start + bytes.size(), 0, padding);
    data_ = start;
  }
  ~GuardedCopy() { ::munmap(map_, map_size_); }
  GuardedCopy(const GuardedCopy&) = delete;
  GuardedCopy& operator=(const GuardedCopy&) = delete;

  const char* data() const { return data_; }
  std::size_t size() const { return size_; }
  std::string_view view() const { return {data_, size_}; }

 private:
  char* map_ = nullptr;
  std::size_t map_size_ = 0;
  const char* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace kb::testing

#endif  // KB_TESTS_GUARDED_COPY_H_
