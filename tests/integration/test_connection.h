#pragma once
// Sluice connection configs for the test servers (test_env.h), for tests that
// drive Sluice's own connection classes.

#include <cstdint>
#include <string>

#include "catalog/sql_connection.h"
#include "tests/integration/test_env.h"

namespace sluice::testing {

// The server's admin user (root / postgres, no password); `scheme` is
// "mysql" or "postgresql".
inline ConnectionConfig AdminConnectionConfig(const ServerEndpoint& server, const std::string& scheme,
                                              const std::string& database) {
  ConnectionConfig c;
  c.dsn.scheme = scheme;
  c.dsn.host = server.host;
  c.dsn.port = static_cast<uint16_t>(server.port);
  c.dsn.user = server.admin_user;
  c.dsn.database = database;
  return c;
}

}  // namespace sluice::testing
