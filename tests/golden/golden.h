#pragma once
// Golden-file comparison shared by the golden tests: compares `actual` with
// the file's contents, or rewrites the file when SLUICE_UPDATE_GOLDEN=1 (then
// review the diff with git).

#include <string>

namespace sluice::testing {

std::string ReadFileOrEmpty(const std::string& path);
// Returns "" when equal (or rewritten), else a message with the first
// differing line.
std::string CompareGolden(const std::string& path, const std::string& actual);

}  // namespace sluice::testing
