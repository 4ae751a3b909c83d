// Replays every fuzz corpus file through the plan loader in the ordinary
// (non-fuzzing) build, so inputs that once crashed keep being exercised by
// every test run. Also proves the loader never crashes on truncations of a
// valid plan, cut at every byte (the Ninja build-log habit).

#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

namespace fs = std::filesystem;

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST_CASE("every corpus file loads without crashing") {
  int n = 0;
  for (const auto& e : fs::directory_iterator(std::string(SLUICE_SOURCE_DIR) + "/tests/fuzz/plan/corpus")) {
    std::string data = Read(e.path());
    CAPTURE(e.path().string());
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(data.data()), data.size());
    ++n;
  }
  CHECK(n >= 10);
}

TEST_CASE("every truncation of a valid plan loads without crashing") {
  std::string plan = Read(std::string(SLUICE_SOURCE_DIR) + "/plans/postgresql-to-oceanbase.yaml");
  REQUIRE(plan.size() > 500);
  for (size_t len = 0; len <= plan.size(); ++len) {
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(plan.data()), len);
  }
  CHECK(true);  // reaching here without a crash is the assertion
}

}  // namespace
