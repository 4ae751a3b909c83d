#include "runtime/retry.h"

#include <algorithm>

namespace sluice {

namespace {

struct TransientCode {
  int code;           // MySQL errno; 0 = match by SQLSTATE
  const char* state;  // SQLSTATE or its two-character class; "" = any
  const char* reason;
};

// MySQL family: client (2xxx) and server errnos that mean "try again".
constexpr TransientCode kMySqlTransient[] = {
    {2002, "", "cannot connect (socket)"},
    {2003, "", "cannot connect"},
    {2006, "", "server has gone away"},
    {2013, "", "lost connection during query"},
    {2055, "", "lost connection"},
    {1040, "", "too many connections"},
    {1053, "", "server shutdown in progress"},
    {1077, "", "normal shutdown"},
    {1152, "", "connection aborted"},
    {1158, "", "network read error"},
    {1159, "", "network read timeout"},
    {1160, "", "network write error"},
    {1161, "", "network write timeout"},
    {1205, "", "lock wait timeout"},
    {1213, "", "deadlock"},
    {1927, "", "connection killed"},
    {4031, "", "disconnected by the server for inactivity"},
    {0, "08", "connection exception"},
    {0, "40001", "serialization failure"},
};

// PostgreSQL: SQLSTATE classes and codes.
constexpr TransientCode kPgTransient[] = {
    {0, "08", "connection exception"},
    {0, "40001", "serialization failure"},
    {0, "40P01", "deadlock"},
    {0, "53300", "too many connections"},
    {0, "55P03", "lock not available"},
    {0, "57P01", "administrator shutdown"},
    {0, "57P02", "crash shutdown"},
    {0, "57P03", "cannot connect now"},
};

const char* Find(Dialect d, const DbError& e) {
  auto matches = [&](const TransientCode& t) {
    if (t.code != 0) return t.code == e.code;
    std::string s = t.state;
    return !s.empty() && e.sqlstate.compare(0, s.size(), s) == 0;
  };
  if (IsMySQLFamily(d)) {
    for (const auto& t : kMySqlTransient) {
      if (matches(t)) return t.reason;
    }
  } else {
    for (const auto& t : kPgTransient) {
      if (matches(t)) return t.reason;
    }
  }
  return nullptr;
}

}  // namespace

ErrorClass ClassifyError(Dialect dialect, const DbError& error) {
  return Find(dialect, error) ? ErrorClass::kTransient : ErrorClass::kFatal;
}

std::string TransientReason(Dialect dialect, const DbError& error) {
  const char* r = Find(dialect, error);
  return r ? r : "";
}

std::chrono::milliseconds RetryPolicy::Backoff(int attempt, std::mt19937_64& rng) const {
  int64_t lo = min_backoff.count();
  int64_t hi = lo;
  for (int i = 2; i < attempt && hi < max_backoff.count(); ++i) hi *= 2;
  hi = std::min<int64_t>(hi, max_backoff.count());
  std::uniform_int_distribution<int64_t> dist(lo, std::max(lo, hi));
  return std::chrono::milliseconds(dist(rng));
}

}  // namespace sluice
