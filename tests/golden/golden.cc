#include "tests/golden/golden.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace sluice::testing {

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string CompareGolden(const std::string& path, const std::string& actual) {
  const char* update = std::getenv("SLUICE_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << actual;
    return "";
  }
  std::string expected = ReadFileOrEmpty(path);
  if (expected == actual) return "";
  std::istringstream a(actual), e(expected);
  std::string la, le;
  for (int line = 1;; ++line) {
    bool ha = static_cast<bool>(std::getline(a, la));
    bool he = static_cast<bool>(std::getline(e, le));
    if (!ha && !he) break;
    if (!ha || !he || la != le) {
      return path + ":" + std::to_string(line) + ": golden differs\n  expected: " +
             (he ? le : "<end of file>") + "\n  actual:   " + (ha ? la : "<end of file>") +
             "\n(rerun with SLUICE_UPDATE_GOLDEN=1 to accept, then review git diff)";
    }
  }
  return path + ": golden differs";
}

}  // namespace sluice::testing
