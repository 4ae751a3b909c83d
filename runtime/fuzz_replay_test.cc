// Replays the change log and DDL sync fuzz corpora (tests/fuzz/change_log,
// tests/fuzz/ddl_sync) through their fuzz targets in the ordinary build, so
// inputs that once failed stay fixed; the targets abort on a broken promise.
// It also checks that the seeds still reach what they were written for, so a
// format change that makes them all fail early shows up here.

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace sluice {

struct ChangeLogFuzzResult {
  bool decoded = false;
  bool opened = false;
  bool recovery_threw = false;
  bool read_threw = false;
  bool truncated = false;
  size_t records_read = 0;
  bool reopened = false;
};
ChangeLogFuzzResult ChangeLogFuzzInput(const uint8_t* data, size_t size);

struct DdlSyncFuzzResult {
  int ignored = 0, applied = 0, paused = 0;
};
DdlSyncFuzzResult DdlSyncFuzzInput(const uint8_t* data, size_t size);

namespace {

namespace fs = std::filesystem;

// The corpus files of tests/fuzz/<name>/corpus, sorted, with their bytes.
std::vector<std::pair<std::string, std::string>> Corpus(const std::string& name) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& e : fs::directory_iterator(std::string(SLUICE_SOURCE_DIR) + "/tests/fuzz/" + name + "/corpus")) {
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    out.emplace_back(e.path().filename().string(), ss.str());
  }
  std::sort(out.begin(), out.end());
  return out;
}

const uint8_t* Bytes(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

TEST_CASE("every change log corpus input decodes, recovers or fails cleanly") {
  auto corpus = Corpus("change_log");
  REQUIRE(corpus.size() >= 10);
  int decoded = 0, opened = 0, recovery_threw = 0, read_threw = 0, truncated = 0, with_records = 0, reopened = 0;
  for (const auto& [name, data] : corpus) {
    CAPTURE(name);
    auto r = ChangeLogFuzzInput(Bytes(data), data.size());
    decoded += r.decoded;
    opened += r.opened;
    recovery_threw += r.recovery_threw;
    read_threw += r.read_threw;
    truncated += r.truncated;
    with_records += r.records_read > 0;
    reopened += r.reopened;
  }
  CHECK(decoded >= 2);
  CHECK(opened >= 4);
  CHECK(recovery_threw >= 1);
  CHECK(read_threw >= 1);
  CHECK(truncated >= 1);
  CHECK(with_records >= 3);
  CHECK(reopened >= 1);
}

TEST_CASE("every DDL sync corpus input is ignored, applied or paused") {
  auto corpus = Corpus("ddl_sync");
  REQUIRE(corpus.size() >= 10);
  int ignored = 0, applied = 0, paused = 0;
  for (const auto& [name, data] : corpus) {
    CAPTURE(name);
    auto r = DdlSyncFuzzInput(Bytes(data), data.size());
    CHECK(r.ignored + r.applied + r.paused >= 1);
    ignored += r.ignored;
    applied += r.applied;
    paused += r.paused;
  }
  CHECK(ignored >= 1);
  CHECK(applied >= 3);
  CHECK(paused >= 1);
}

TEST_CASE("the fuzz targets take empty input") {
  CHECK(!ChangeLogFuzzInput(nullptr, 0).opened);
  CHECK(DdlSyncFuzzInput(nullptr, 0).applied == 0);
}

}  // namespace
}  // namespace sluice
