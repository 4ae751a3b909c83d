#include "compiler/units.h"

#include <doctest/doctest.h>

namespace sluice {
namespace {

TEST_CASE("durations") {
  CHECK(ParseDuration("200ms").value == 200);
  CHECK(ParseDuration("30s").value == 30000);
  CHECK(ParseDuration("5m").value == 300000);
  CHECK(ParseDuration("1h").value == 3600000);
  auto bare = ParseDuration("30");
  CHECK_FALSE(bare.ok);
  CHECK(bare.error == "the duration '30' has no unit");
  auto typo = ParseDuration("30sec");
  CHECK_FALSE(typo.ok);
  CHECK_FALSE(ParseDuration("fast").ok);
  CHECK_FALSE(ParseDuration("99999999999999999999h").ok);
}

TEST_CASE("sizes") {
  CHECK(ParseSize("1GiB").value == (1ull << 30));
  CHECK(ParseSize("512KiB").value == 512 * 1024);
  CHECK(ParseSize("10MB").value == 10000000);
  auto typo = ParseSize("1GB2");
  CHECK_FALSE(typo.ok);
  auto gib = ParseSize("4Gib");
  CHECK_FALSE(gib.ok);
  CHECK(gib.help == "did you mean 'GiB'?");
  CHECK_FALSE(ParseSize("18446744073709551615TiB").ok);
}

}  // namespace
}  // namespace sluice
