#include "dialects/ddl_writer.h"

#include "dialects/mysql/ddl_writer.h"
#include "dialects/postgresql/ddl_writer.h"

namespace sluice {

std::unique_ptr<DdlWriter> MakeDdlWriter(Dialect dialect) {
  if (dialect == Dialect::kPostgreSQL) return MakePgDdlWriter();
  return MakeMySqlDdlWriter(dialect);
}

}  // namespace sluice
