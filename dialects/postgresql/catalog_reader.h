#pragma once
// Reads a PostgreSQL database's catalog into the neutral model, through
// pg_catalog.

#include "catalog/catalog.h"
#include "dialects/postgresql/pg_connection.h"

namespace sluice {

// Every schema of the connected database except pg_catalog,
// information_schema, pg_toast and temporary schemas, that `filter` accepts.
// Partitions are folded into their parent's Partitioning; temporary tables
// and objects belonging to extensions are skipped. Names in expressions,
// types and view bodies are schema-qualified (the reader runs with
// search_path = pg_catalog and restores the session's search_path after).
// Throws DbException when a catalog query fails.
Catalog ReadPgCatalog(PgConnection& conn, const CatalogFilter& filter = {});

bool IsPgSystemSchema(const std::string& schema);

}  // namespace sluice
