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

// Longest identifier the dialect accepts: bytes for PostgreSQL (63),
// characters for the MySQL family (64).
size_t MaxIdentifierLength(Dialect d);
// `name` shortened to fit, deterministically: a prefix plus '_' and 8 hex
// digits of a hash (FNV-1a) of the whole name. Unchanged when it fits. The
// planner and DDL sync name objects with it, so both make the same names.
std::string FitIdentifier(const std::string& name, Dialect d);

}  // namespace sluice
