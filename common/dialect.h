#pragma once
// The database engines Sluice knows. Every layer names engines with this enum.

#include <optional>
#include <string>
#include <vector>

namespace sluice {

enum class Dialect { kMySQL, kMariaDB, kOceanBase, kTiDB, kPostgreSQL };

// "mysql", "mariadb", "oceanbase", "tidb", "postgresql".
const char* DialectName(Dialect d);
std::optional<Dialect> ParseDialect(const std::string& name);
std::vector<std::string> DialectNames();
std::vector<Dialect> AllDialects();

// MySQL, MariaDB, OceanBase (MySQL mode) and TiDB speak MySQL's protocol and SQL.
bool IsMySQLFamily(Dialect d);

}  // namespace sluice
