#pragma once
// Connection strings: scheme://user@host:port/database?key=value
//
// Schemes: mysql, mariadb, oceanbase, tidb (MySQL protocol) and postgresql /
// postgres. The user part is percent-decoded, so OceanBase's
// "user@tenant#cluster" is written root%40sys%23demo. A password inside the
// DSN is refused by the validator (it would end up in files and logs); the
// parser still finds it so that it can be masked in every message.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice {

struct Dsn {
  std::string scheme;
  std::string user;
  std::string host;      // without IPv6 brackets
  uint16_t port = 0;     // 0: the dialect's default port
  std::string database;  // may be empty for MySQL-family servers
  std::vector<std::pair<std::string, std::string>> params;

  // The DSN as it may be shown: never contains a password.
  std::string ToString() const;
  bool IsPostgres() const { return scheme == "postgresql" || scheme == "postgres"; }
};

struct DsnParse {
  bool ok = false;
  Dsn dsn;
  std::string error;          // when !ok
  size_t error_offset = 0;    // byte offset of the problem in the input
  size_t error_length = 1;
  std::string password;       // a password found in the DSN, as written (masked, refused)
};

DsnParse ParseDsn(std::string_view text);

// Schemes the parser accepts.
std::vector<std::string> DsnSchemes();

}  // namespace sluice
