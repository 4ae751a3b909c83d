#pragma once
// Helpers for tests that compare a catalog snapshot with a golden file
// (header-only, used by the dialects' integration tests).
//
// SLUICE_UPDATE_GOLDEN=1 rewrites the golden file instead of comparing.

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace sluice::testing {

inline std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  if (from.empty()) return text;
  size_t at = 0;
  while ((at = text.find(from, at)) != std::string::npos) {
    text.replace(at, from.size(), to);
    at += to.size();
  }
  return text;
}

// "" when equal, else a message naming the first differing line of both.
inline std::string CompareWithGolden(const std::string& actual, const std::string& golden_path) {
  const char* update = std::getenv("SLUICE_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream out(golden_path, std::ios::binary);
    out << actual;
    return out ? "" : "cannot write " + golden_path;
  }
  std::ifstream in(golden_path, std::ios::binary);
  if (!in) return "missing golden file " + golden_path + " (run with SLUICE_UPDATE_GOLDEN=1 to create it)";
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string expected = buffer.str();
  if (expected == actual) return "";
  std::istringstream a(actual), e(expected);
  std::string la, le;
  for (int line = 1;; ++line) {
    bool ha = static_cast<bool>(std::getline(a, la));
    bool he = static_cast<bool>(std::getline(e, le));
    if (!ha && !he) break;
    if (!ha || !he || la != le) {
      return golden_path + ":" + std::to_string(line) + ": differs\n  golden: " + (he ? le : "<end>") +
             "\n  actual: " + (ha ? la : "<end>") + "\n(SLUICE_UPDATE_GOLDEN=1 rewrites it; review the diff)";
    }
  }
  return golden_path + ": differs";
}

}  // namespace sluice::testing
