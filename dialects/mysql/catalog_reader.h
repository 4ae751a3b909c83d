#pragma once
// Reads a MySQL-family server's catalog (MySQL, MariaDB, OceanBase MySQL
// mode, TiDB) into the neutral model, through information_schema.

#include "catalog/catalog.h"
#include "dialects/mysql/mysql_connection.h"

namespace sluice {

// Every schema except the system ones (mysql, information_schema,
// performance_schema, sys, and OceanBase's / TiDB's own) that `filter`
// accepts. `dialect` is recorded in the catalog. Throws DbException when a
// catalog query fails (e.g. missing privileges).
Catalog ReadMySqlCatalog(MySqlConnection& conn, Dialect dialect, const CatalogFilter& filter = {});

// True for schema names a MySQL-family reader never reads.
bool IsMySqlSystemSchema(const std::string& schema);

}  // namespace sluice
