#include "dialects/postgresql/pgoutput_values.h"

#include <doctest/doctest.h>

using sluice::PgTextToCanonical;
namespace pgoid = sluice::pgoid;

namespace {

std::string Canon(uint32_t oid, int32_t typmod, std::string_view text) {
  auto v = PgTextToCanonical(oid, typmod, text);
  REQUIRE_MESSAGE(v.ok, v.error);
  return v.text;
}

bool Rejects(uint32_t oid, int32_t typmod, std::string_view text) { return !PgTextToCanonical(oid, typmod, text).ok; }

}  // namespace

TEST_CASE("bool becomes 1/0") {
  CHECK(Canon(pgoid::kBool, -1, "t") == "1");
  CHECK(Canon(pgoid::kBool, -1, "f") == "0");
  CHECK(Rejects(pgoid::kBool, -1, "true"));
  CHECK(Rejects(pgoid::kBool, -1, ""));
}

TEST_CASE("bytea hex becomes raw bytes") {
  CHECK(Canon(pgoid::kBytea, -1, "\\x") == "");
  CHECK(Canon(pgoid::kBytea, -1, "\\x00ff41") == std::string("\0\xff" "A", 3));
  CHECK(Canon(pgoid::kBytea, -1, "\\xDEADbeef") == "\xde\xad\xbe\xef");
  CHECK(Rejects(pgoid::kBytea, -1, "\\x0"));
  CHECK(Rejects(pgoid::kBytea, -1, "\\xzz"));
  CHECK(Rejects(pgoid::kBytea, -1, "\\001"));  // escape format is never requested
}

TEST_CASE("floats: shortest round-trip text, inf/-inf/nan") {
  CHECK(Canon(pgoid::kFloat8, -1, "0.1") == "0.1");
  CHECK(Canon(pgoid::kFloat8, -1, "1e+300") == "1e+300");
  CHECK(Canon(pgoid::kFloat8, -1, "-2.5") == "-2.5");
  CHECK(Canon(pgoid::kFloat8, -1, "Infinity") == "inf");
  CHECK(Canon(pgoid::kFloat8, -1, "-Infinity") == "-inf");
  CHECK(Canon(pgoid::kFloat8, -1, "NaN") == "nan");
  CHECK(Canon(pgoid::kFloat4, -1, "3.4028235e+38") == "3.4028235e+38");
  CHECK(Canon(pgoid::kFloat4, -1, "0.1") == "0.1");
  CHECK(Rejects(pgoid::kFloat8, -1, "1.0x"));
  CHECK(Rejects(pgoid::kFloat8, -1, ""));
}

TEST_CASE("timestamps are padded to their precision; timestamptz is UTC without offset") {
  CHECK(Canon(pgoid::kTimestamp, 3, "2024-01-02 03:04:05.12") == "2024-01-02 03:04:05.120");
  CHECK(Canon(pgoid::kTimestamp, 0, "2024-01-02 03:04:05") == "2024-01-02 03:04:05");
  CHECK(Canon(pgoid::kTimestamp, -1, "2024-01-02 03:04:05") == "2024-01-02 03:04:05.000000");
  CHECK(Canon(pgoid::kTimestamptz, -1, "2024-01-02 03:04:05.5+00") == "2024-01-02 03:04:05.500000");
  CHECK(Canon(pgoid::kTimestamptz, 2, "2024-02-29 23:30:00+08") == "2024-02-29 15:30:00.00");
  CHECK(Canon(pgoid::kTimestamptz, 0, "2023-12-31 22:00:00-02:30") == "2024-01-01 00:30:00");
  CHECK(Canon(pgoid::kTimestamptz, 0, "1970-01-01 00:00:00+00:00:01") == "1969-12-31 23:59:59");
  CHECK(Canon(pgoid::kTimestamptz, -1, "infinity") == "infinity");
  CHECK(Canon(pgoid::kTimestamp, -1, "-infinity") == "-infinity");
  CHECK(Canon(pgoid::kTimestamp, 0, "0044-03-15 12:00:00 BC") == "0044-03-15 12:00:00 BC");
  CHECK(Canon(pgoid::kTimestamp, 0, "294276-12-31 23:59:59") == "294276-12-31 23:59:59");
  CHECK(Rejects(pgoid::kTimestamptz, -1, "2024-01-02 03:04:05"));  // no offset
  CHECK(Rejects(pgoid::kTimestamp, -1, "2024-13-02 03:04:05"));
  CHECK(Rejects(pgoid::kTimestamp, -1, "2024-01-02T03:04:05"));
  CHECK(Rejects(pgoid::kTimestamp, -1, "2024-01-02 03:04:05."));
}

TEST_CASE("time is padded; timetz, date, interval, numeric and the rest pass through") {
  CHECK(Canon(pgoid::kTime, 3, "13:14:15.5") == "13:14:15.500");
  CHECK(Canon(pgoid::kTime, 0, "24:00:00") == "24:00:00");
  CHECK(Rejects(pgoid::kTime, -1, "1:2:3"));
  CHECK(Canon(pgoid::kTimetz, -1, "13:14:15+02") == "13:14:15+02");
  CHECK(Canon(pgoid::kDate, -1, "2024-02-29") == "2024-02-29");
  CHECK(Canon(pgoid::kInterval, -1, "1 year 2 mons 3 days 04:05:06.5") == "1 year 2 mons 3 days 04:05:06.5");
  CHECK(Canon(pgoid::kNumeric, -1, "-12345678901234567890.000100") == "-12345678901234567890.000100");
  CHECK(Canon(pgoid::kJsonb, -1, "{\"a\": [1, 2]}") == "{\"a\": [1, 2]}");
  CHECK(Canon(1007, -1, "{1,2,NULL}") == "{1,2,NULL}");  // int4[]
  CHECK(Canon(pgoid::kText, -1, "\xf0\x9f\x98\x80") == "\xf0\x9f\x98\x80");
}

TEST_CASE("bit(n) becomes big-endian bytes") {
  CHECK(Canon(pgoid::kBit, 3, "101") == std::string("\x05", 1));
  CHECK(Canon(pgoid::kBit, 10, "1000000001") == std::string("\x02\x01", 2));
  CHECK(Canon(pgoid::kBit, 8, "00000000") == std::string("\0", 1));
  CHECK(Rejects(pgoid::kBit, 3, "10"));
  CHECK(Rejects(pgoid::kBit, 3, "102"));
  CHECK(Canon(pgoid::kVarbit, -1, "1011") == "1011");
}
