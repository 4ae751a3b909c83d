#pragma once
// Retry as a policy plus a table of which server errors are transient.
//
// Transient: the same statement can succeed later (lost connection, server
// gone away or shutting down, deadlock, lock wait timeout, too many
// connections, serialization failure). Fatal: retrying cannot help (syntax,
// privilege, data errors) — the task stops with the server's message.

#include <chrono>
#include <cstdint>
#include <random>
#include <string>

#include "catalog/sql_connection.h"
#include "common/dialect.h"

namespace sluice {

enum class ErrorClass { kTransient, kFatal };

// Classifies a server error by the dialect's table (MySQL errno, then SQLSTATE).
ErrorClass ClassifyError(Dialect dialect, const DbError& error);
// Why an error is transient, for logs ("lost connection"), or "" when fatal.
std::string TransientReason(Dialect dialect, const DbError& error);

struct RetryPolicy {
  int attempts = 8;                 // total tries, the first included
  std::chrono::milliseconds min_backoff{200};
  std::chrono::milliseconds max_backoff{30000};

  // Delay before try `attempt` (2, 3, ...): exponential with full jitter,
  // between min_backoff and min(max_backoff, min_backoff * 2^(attempt-2)).
  std::chrono::milliseconds Backoff(int attempt, std::mt19937_64& rng) const;
};

}  // namespace sluice
