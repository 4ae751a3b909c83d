#include "runtime/retry.h"

#include <doctest/doctest.h>

namespace sluice {
namespace {

TEST_CASE("transient errors by the dialect's table") {
  CHECK(ClassifyError(Dialect::kMariaDB, DbError{2013, "HY000", "lost"}) == ErrorClass::kTransient);
  CHECK(ClassifyError(Dialect::kMySQL, DbError{1213, "40001", "deadlock"}) == ErrorClass::kTransient);
  CHECK(ClassifyError(Dialect::kMySQL, DbError{1205, "HY000", "lock wait"}) == ErrorClass::kTransient);
  CHECK(ClassifyError(Dialect::kMySQL, DbError{1040, "08004", "too many"}) == ErrorClass::kTransient);
  CHECK(ClassifyError(Dialect::kMySQL, DbError{1064, "42000", "syntax"}) == ErrorClass::kFatal);
  CHECK(ClassifyError(Dialect::kMySQL, DbError{1142, "42000", "denied"}) == ErrorClass::kFatal);
  CHECK(ClassifyError(Dialect::kPostgreSQL, DbError{0, "57P01", "admin shutdown"}) == ErrorClass::kTransient);
  CHECK(ClassifyError(Dialect::kPostgreSQL, DbError{0, "08006", "connection failure"}) == ErrorClass::kTransient);
  CHECK(ClassifyError(Dialect::kPostgreSQL, DbError{0, "40P01", "deadlock"}) == ErrorClass::kTransient);
  CHECK(ClassifyError(Dialect::kPostgreSQL, DbError{0, "22003", "out of range"}) == ErrorClass::kFatal);
  CHECK(ClassifyError(Dialect::kPostgreSQL, DbError{0, "42501", "privilege"}) == ErrorClass::kFatal);
  CHECK(TransientReason(Dialect::kMySQL, DbError{1213, "", ""}) == "deadlock");
}

TEST_CASE("backoff grows exponentially with jitter and stays within bounds") {
  RetryPolicy p;
  p.min_backoff = std::chrono::milliseconds(100);
  p.max_backoff = std::chrono::milliseconds(1000);
  std::mt19937_64 rng(7);
  for (int attempt = 2; attempt < 12; ++attempt) {
    for (int i = 0; i < 50; ++i) {
      auto d = p.Backoff(attempt, rng).count();
      CHECK(d >= 100);
      CHECK(d <= std::min<int64_t>(1000, 100LL << (attempt - 2)));
    }
  }
}

}  // namespace
}  // namespace sluice
