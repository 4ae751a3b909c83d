#include "common/dialect.h"

namespace sluice {

const char* DialectName(Dialect d) {
  switch (d) {
    case Dialect::kMySQL: return "mysql";
    case Dialect::kMariaDB: return "mariadb";
    case Dialect::kOceanBase: return "oceanbase";
    case Dialect::kTiDB: return "tidb";
    case Dialect::kPostgreSQL: return "postgresql";
  }
  return "?";
}

std::vector<Dialect> AllDialects() {
  return {Dialect::kMySQL, Dialect::kMariaDB, Dialect::kOceanBase, Dialect::kTiDB,
          Dialect::kPostgreSQL};
}

std::vector<std::string> DialectNames() {
  std::vector<std::string> out;
  for (Dialect d : AllDialects()) out.push_back(DialectName(d));
  return out;
}

std::optional<Dialect> ParseDialect(const std::string& name) {
  for (Dialect d : AllDialects()) {
    if (name == DialectName(d)) return d;
  }
  return std::nullopt;
}

bool IsMySQLFamily(Dialect d) { return d != Dialect::kPostgreSQL; }

}  // namespace sluice
