#pragma once
// Deterministic JSON snapshots of a Catalog, and the reverse.
//
// The snapshot is what `sluice inspect` prints and what `sluice plan
// --source-catalog F` reads for offline runs, so it must be stable byte for
// byte: the catalog is normalised (NormalizeCatalog) before writing, object
// keys always come in the same order, and fields at their default value
// (empty string, false, 0, empty list) are left out. The document opens with
//   {"format": "sluice-catalog", "version": 1, "dialect": ..., "server_version": ..., "schemas": [...]}
// Reading accepts exactly what writing produces: a missing field takes its
// default, an unknown field or a wrong JSON type is an error naming the path
// of the bad field, e.g.
//   schemas[0].tables[2].columns[1].nullable: expected a boolean, got string "yes"

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "catalog/catalog.h"

namespace sluice {

inline constexpr const char* kCatalogJsonFormat = "sluice-catalog";
inline constexpr int kCatalogJsonVersion = 1;

nlohmann::ordered_json CatalogToJson(const Catalog& catalog);
// Pretty-printed (2-space indent), UTF-8 unescaped, ending with a newline.
std::string CatalogToJsonText(const Catalog& catalog);

struct CatalogJsonResult {
  std::optional<Catalog> catalog;  // set on success
  std::string error;               // "<path>: <problem>" on failure
  bool ok() const { return catalog.has_value(); }
};

CatalogJsonResult CatalogFromJson(const nlohmann::ordered_json& json);
CatalogJsonResult CatalogFromJsonText(std::string_view text);

}  // namespace sluice
