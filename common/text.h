#pragma once
// Small text helpers shared by every stage: display sanitising, UTF-8 checks,
// and "did you mean" suggestions.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

// Byte offset of the first invalid UTF-8 sequence, or nullopt when valid.
std::optional<size_t> FindInvalidUtf8(std::string_view s);

// Text safe to print on a terminal: control characters (except tab) and
// invalid UTF-8 bytes are replaced by '?'.
std::string SanitizeForDisplay(std::string_view s);

// Optimal string alignment distance (Levenshtein plus adjacent swaps).
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word` when it is plausibly a typo of it
// (distance at most a third of the word's length, at least 1), else "".
std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates);

// "did you mean 'x'?" or "" when nothing is close.
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);

// "'a', 'b' or 'c'".
std::string QuotedList(const std::vector<std::string>& items, std::string_view last_sep = " or ");

std::string Join(const std::vector<std::string>& items, std::string_view sep);

// A value shortened to at most `max` bytes for messages ("abc…").
std::string Shorten(std::string_view s, size_t max);

}  // namespace sluice
