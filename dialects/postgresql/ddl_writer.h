#pragma once
// DDL for PostgreSQL.

#include "dialects/ddl_writer.h"

namespace sluice {

std::unique_ptr<DdlWriter> MakePgDdlWriter();

}  // namespace sluice
