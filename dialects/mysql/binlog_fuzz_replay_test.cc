// Replays the binlog fuzz corpus (tests/fuzz/binlog) through the fuzz target
// in the ordinary build, so inputs that once failed stay fixed.

#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

TEST_CASE("every binlog corpus input decodes or fails cleanly") {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(std::string(SLUICE_SOURCE_DIR) + "/tests/fuzz/binlog")) {
    if (e.path().extension() == ".md") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string data = ss.str();
    CAPTURE(e.path().string());
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(data.data()), data.size());
    ++n;
  }
  CHECK(n >= 8);
}
