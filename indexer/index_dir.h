// The on-disk layout of an index directory, shared by the writer (which
// builds generations and swaps them in) and the reader (which follows the
// live one).
//
//   DIR/XAPIANDB      a Xapian stub file, "auto gen-000042": the live
//                     generation. Xapian::Database(DIR) opens what it names.
//   DIR/gen-000042/   the live generation (a glass database)
//   DIR/gen-000041/   the previous generation, kept for readers that still
//                     have it open; older ones are removed
//   DIR/.lock         held (flock) by the one build allowed at a time
// A replica's copy, which xapian-replicate keeps (docs/scaling.md), has the
// same shape with its own names: DIR/XAPIANDB names DIR/replica_N, which
// the replication swaps the same way.
// A build writes a new generation beside the live one and only then replaces
// XAPIANDB with rename(2), so readers see either the old index or the new
// one, and a failed or killed build leaves the live index untouched.
#ifndef KB_INDEXER_INDEX_DIR_H_
#define KB_INDEXER_INDEX_DIR_H_

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "indexer/base/error.h"

namespace kb::index_dir {

inline constexpr std::string_view kStubName = "XAPIANDB";
inline constexpr std::string_view kLockName = ".lock";
inline constexpr std::string_view kGenPrefix = "gen-";
inline constexpr std::string_view kReplicaPrefix = "replica_";

// Holds an exclusive flock on a file for its lifetime.
class FileLock {
 public:
  static Result<std::unique_ptr<FileLock>> Acquire(const std::filesystem::path& path);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_;
};

// The number of a generation directory name ("gen-000042" -> 42), or -1.
int GenerationNumber(const std::string& name);

// Replaces DIR/XAPIANDB so that it names `generation`, atomically and durably.
Result<void> PointStubAt(const std::filesystem::path& dir, const std::string& generation);

// Removes generations other than the live one and the one before it, and
// the debris of builds that did not finish.
void RemoveOldGenerations(const std::filesystem::path& dir, int live, int previous);

// "gen-000042" for 42.
std::string GenerationName(int number);

// Makes `index_dir` ready for a build: creates it when missing.
// kFailedPrecondition when it is not a directory, or holds files and is not
// an index directory (a build never writes into someone else's folder).
Result<void> PrepareForBuild(const std::string& index_dir);

// Whether a build could write into `index_dir` now (access(2), which also
// sees a read-only mount); kFailedPrecondition "INDEX_DIR is not writable:
// REASON" when not.
Result<void> CheckWritable(const std::string& index_dir);

// The number for a new generation: above `live` and above every
// generation directory present, finished or not (at least 1).
int NextGeneration(const std::string& index_dir, int live);

// Whether `name` is a copy xapian-replicate made ("replica_0").
bool IsReplicaCopy(const std::string& name);

// The name of the live generation of `index_dir` ("gen-000042", or a
// replica's "replica_1"), or kNotFound; kDataLoss when the stub names no
// generation.
Result<std::string> LiveGeneration(const std::string& index_dir);

}  // namespace kb::index_dir

#endif  // KB_INDEXER_INDEX_DIR_H_
