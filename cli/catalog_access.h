#pragma once
// Where the CLI gets catalogs: a JSON snapshot file, or a live server read
// through the dialect's catalog reader. Errors are diagnostics that say what
// to fix (wrong password, unreachable host, unreadable snapshot).

#include <optional>
#include <string>

#include "catalog/catalog.h"
#include "common/diagnostics.h"
#include "common/dsn.h"
#include "common/secrets.h"

namespace sluice::cli {

std::optional<Catalog> LoadCatalogSnapshot(const std::string& path, DiagnosticSink& diags);

struct LiveEndpoint {
  std::string role;  // "source" / "target": for messages
  Dialect dialect = Dialect::kMySQL;
  Dsn dsn;
  SecretSource password;
};

std::optional<Catalog> ReadLiveCatalog(const LiveEndpoint& endpoint, const CatalogFilter& filter,
                                       DiagnosticSink& diags);

}  // namespace sluice::cli
