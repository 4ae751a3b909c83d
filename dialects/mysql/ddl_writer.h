#pragma once
// DDL for MySQL, MariaDB, OceanBase (MySQL mode) and TiDB.

#include "dialects/ddl_writer.h"

namespace sluice {

std::unique_ptr<DdlWriter> MakeMySqlDdlWriter(Dialect dialect);

}  // namespace sluice
