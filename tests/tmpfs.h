// A small tmpfs mounted for one test: a disk that really fills up, and a
// directory that really cannot be written (root ignores permission bits,
// not a read-only mount). Mounting needs root (CAP_SYS_ADMIN); where it is
// refused, Mount says why and the test skips with that reason.
#ifndef KB_TESTS_TMPFS_H_
#define KB_TESTS_TMPFS_H_

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace kb::testing {

class Tmpfs {
 public:
  // Mounts a tmpfs of `size` (mount's size option: "1m") on `dir`, which is
  // created. Null when mounting is not permitted, with the reason in `why`.
  static std::unique_ptr<Tmpfs> Mount(const std::string& dir, const std::string& size, std::string* why) {
    std::filesystem::create_directories(dir);
    const std::string options = "size=" + size + ",mode=0755";
    if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, options.c_str()) != 0) {
      *why = "cannot mount a tmpfs on " + dir + " (" + std::strerror(errno) +
             "): the fault tests need root, or CAP_SYS_ADMIN";
      return nullptr;
    }
    return std::unique_ptr<Tmpfs>(new Tmpfs(dir));
  }

  ~Tmpfs() {
    Unfill();
    ::umount2(dir_.c_str(), MNT_DETACH);
  }
  Tmpfs(const Tmpfs&) = delete;
  Tmpfs& operator=(const Tmpfs&) = delete;

  const std::string& path() const { return dir_; }

  // Takes every free byte with a file of zeros, until the kernel answers
  // ENOSPC; true when it did.
  bool Fill() {
    const int fd = ::open(filler().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return false;
    const std::vector<char> zeros(4096, 0);
    ssize_t n;
    while ((n = ::write(fd, zeros.data(), zeros.size())) > 0) {
    }
    const bool full = n < 0 && errno == ENOSPC;
    ::close(fd);
    return full;
  }

  // Gives the space taken by Fill back.
  void Unfill() { ::unlink(filler().c_str()); }

  // Remounts it read-only (true) or read-write (false); whether that worked.
  bool SetReadOnly(bool read_only) {
    const unsigned long flags = MS_REMOUNT | (read_only ? MS_RDONLY : 0);
    return ::mount(nullptr, dir_.c_str(), nullptr, flags, nullptr) == 0;
  }

 private:
  explicit Tmpfs(std::string dir) : dir_(std::move(dir)) {}
  std::string filler() const { return dir_ + "/.filler"; }
  std::string dir_;
};

}  // namespace kb::testing

#endif  // KB_TESTS_TMPFS_H_
