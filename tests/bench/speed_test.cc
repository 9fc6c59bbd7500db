// kb-bench's command line: what it refuses, and what --emit --shards writes
// for --shard-overhead.
#include "bench/speed/speed.h"

#include <filesystem>
#include <sstream>

#include <gtest/gtest.h>

#include "indexer/base/temp_dir.h"

namespace kb::bench {
namespace {

struct Outcome {
  int code;
  std::string out, err;
};

Outcome Bench(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const int code = RunSpeedBench(args, out, err);
  return {code, out.str(), err.str()};
}

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

TEST(SpeedBenchTest, MalformedFlagsAreNamed) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--articles", "0"}, "kb-bench: --articles must be a whole number from 1, got '0'"},
      {{"--shards", "2"}, "kb-bench: --shards goes with --emit and is a whole number from 1 to 64, got '2'"},
      {{"--emit", "/tmp/x", "--shards", "65"},
       "kb-bench: --shards goes with --emit and is a whole number from 1 to 64, got '65'"},
      {{"--shard-overhead", "/tmp/x"}, "kb-bench: --shard-overhead needs --servers, one tcp://HOST:PORT per shard"},
      {{"--bogus"}, "kb-bench: unknown flag --bogus"},
      {{"--sizes", "1000,0"}, "kb-bench: --sizes must be whole numbers from 1, comma-separated, got '1000,0'"},
      {{"--sizes", "1000,"}, "kb-bench: --sizes must be whole numbers from 1, comma-separated, got '1000,'"},
      {{"--probe", "kb"}, "kb-bench: --probe takes one directory, as --scale writes it"},
      {{"--probe", "lucene", "/tmp"}, "kb-bench: --probe takes kb or xapian, got 'lucene'"},
      {{"stray"}, "kb-bench: unexpected argument 'stray'"},
      {{"--zipf", "0.9"}, "kb-bench: --zipf goes with --emit and is a number above 0, at most 10, got '0.9'"},
      {{"--emit", "/tmp/x", "--zipf", "0"}, "kb-bench: --zipf goes with --emit and is a number above 0, at most 10, got '0'"},
      {{"--emit", "/tmp/x", "--zipf", "0.9x"},
       "kb-bench: --zipf goes with --emit and is a number above 0, at most 10, got '0.9x'"},
  };
  for (const auto& [args, message] : cases) {
    const Outcome r = Bench(args);
    EXPECT_EQ(r.code, 2) << message;
    EXPECT_EQ(FirstLine(r.err), message);
  }
}

TEST(SpeedBenchTest, EmitWritesShardsThatShardOverheadChecks) {
  TempDir tmp("speed");
  const std::string dir = tmp.path() + "/emitted";
  const Outcome emitted = Bench({"--emit", dir, "--shards", "2", "--articles", "40", "--queries", "5"});
  ASSERT_EQ(emitted.code, 0) << emitted.err;
  EXPECT_EQ(FirstLine(emitted.out), "wrote 2 shards of 40 articles and their lexicon to " + dir + "/sharded");
  for (const std::string part : {"index", "sharded/lexicon", "sharded/shard-0", "sharded/shard-1", "queries.txt"}) {
    EXPECT_TRUE(std::filesystem::exists(dir + "/" + part)) << part;
  }
  // Three servers for two shards: the third has no shard to serve.
  const Outcome three = Bench({"--shard-overhead", dir, "--servers", "tcp://127.0.0.1:1,tcp://127.0.0.1:2,tcp://127.0.0.1:3"});
  EXPECT_EQ(three.code, 1);
  EXPECT_EQ(three.err, "kb-bench: " + dir + "/sharded has no shard 2 for server tcp://127.0.0.1:3 (write it with kb-bench --emit " +
                           dir + " --shards 3)\n");
  const Outcome none = Bench({"--shard-overhead", tmp.path(), "--servers", "tcp://127.0.0.1:1"});
  EXPECT_EQ(none.code, 1);
  EXPECT_EQ(none.err, "kb-bench: no queries in " + tmp.path() +
                          "/queries.txt (write them with kb-bench --emit DIR --shards N)\n");
}

// The lines of `text`.
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(SpeedBenchTest, EmitWithZipfCostsSearchesDrawnByTheLaw) {
  TempDir tmp("speed");
  const std::string dir = tmp.path() + "/emitted";
  const Outcome emitted = Bench({"--emit", dir, "--zipf", "1.5", "--articles", "40", "--queries", "5"});
  ASSERT_EQ(emitted.code, 0) << emitted.err;
  const std::vector<std::string> lines = Lines(emitted.out);
  ASSERT_EQ(lines.size(), 3u) << emitted.out;
  EXPECT_TRUE(lines[0].starts_with("wrote " + dir + "/index (40 articles, ")) << lines[0];
  EXPECT_TRUE(lines[1].starts_with(
      "in-process, one thread, warm, 3000 searches drawn by Zipf's law (exponent 1.5), with snippets: mean_us="))
      << lines[1];
  EXPECT_TRUE(lines[2].starts_with(
      "in-process, one thread, warm, 3000 searches drawn by Zipf's law (exponent 1.5), with snippets and facets: "
      "mean_us="))
      << lines[2];
  // Without the law, the first queries, each once (here all 5).
  const Outcome plain = Bench({"--emit", dir + "2", "--articles", "40", "--queries", "5"});
  ASSERT_EQ(plain.code, 0) << plain.err;
  EXPECT_TRUE(Lines(plain.out).at(1).starts_with("in-process, one thread, warm, 5 searches, with snippets: mean_us="))
      << plain.out;
}

}  // namespace
}  // namespace kb::bench
