#include "runtime/full_copy.h"

#include <doctest/doctest.h>

namespace sluice {
namespace {

TEST_CASE("integer chunk bounds: increasing and inside the range") {
  auto b = IntegerChunkBounds("1", "1000", 1000, 100);
  REQUIRE(b.size() == 9);
  CHECK(b.front() == "100");
  CHECK(b.back() == "900");
  CHECK(IntegerChunkBounds("5", "5", 1, 100).empty());
}

TEST_CASE("integer chunk bounds: the whole int64 range") {
  auto b = IntegerChunkBounds("-9223372036854775808", "9223372036854775807", 4, 1);
  REQUIRE(b.size() == 3);
  CHECK(b[0] == "-4611686018427387905");
  CHECK(b[1] == "-1");
  CHECK(b[2] == "4611686018427387903");
}

TEST_CASE("integer chunk bounds: BIGINT UNSIGNED keys above 2^63 do not wrap") {
  // A bound above 2^63 - 1 once wrapped to a negative number: the chunk
  // ranges then overlapped, and rows were copied twice.
  auto b = IntegerChunkBounds("0", "18446744073709551615", 4, 1);
  REQUIRE(b.size() == 3);
  CHECK(b[0] == "4611686018427387903");
  CHECK(b[1] == "9223372036854775807");
  CHECK(b[2] == "13835058055282163711");
  for (size_t i = 1; i < b.size(); ++i) CHECK(std::stold(b[i]) > std::stold(b[i - 1]));
}

}  // namespace
}  // namespace sluice
