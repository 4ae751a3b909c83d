#pragma once
// Durations ("200ms", "30s", "5m", "1h") and sizes ("512KiB", "1GiB", "10MB")
// as written in plans. A bare number is refused: the unit is never guessed.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice {

struct UnitParse {
  bool ok = false;
  uint64_t value = 0;  // milliseconds or bytes
  std::string error;
  std::string help;
};

UnitParse ParseDuration(std::string_view text);  // value in milliseconds
UnitParse ParseSize(std::string_view text);      // value in bytes

}  // namespace sluice
