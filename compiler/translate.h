#pragma once
// Translate: the resolved source tables and views become the target's schema,
// written in the target dialect's SQL, as catalog objects (so the DDL writers
// and the diff against an existing target work on one model).
//
// Every decision that loses something or cannot be made is a Finding attached
// to its table (for `sluice plan`'s grouped output) and, when it is an error,
// also a diagnostic. Lossy findings become errors under --strict.

#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "common/diagnostics.h"
#include "common/outcome.h"
#include "compiler/plan.h"
#include "compiler/resolve.h"

namespace sluice {

class TypeRuleSet;

struct Finding {
  Outcome outcome = Outcome::kLossy;  // kLossy: warning; kUnsupported: error
  std::string subject;                // "column total", "index ix_name", "view v"
  std::string message;
  std::string help;
  std::string rule;                   // the rule that decided, e.g. "dialects/types/rules/mysql.yaml:42 (decimal)"
};

// How one column was translated, for `sluice plan` and plan.json.
struct ColumnTranslation {
  std::string source_name;
  std::string source_type;   // as the source spells it
  std::string neutral_type;  // the neutral type text ("" for overrides)
  std::string target_name;
  std::string target_type;   // as the target spells it
  Outcome outcome = Outcome::kExact;
  bool generated = false;    // never written by the copy or the sync
};

struct TranslatedTable {
  const TableMapping* mapping = nullptr;
  Table table;                  // the target table; indexes exclude the primary key
  std::vector<ColumnTranslation> columns;
  std::vector<Finding> findings;
  bool hidden_key = false;      // kHiddenKeyColumn added (dropped at switchover)
};

struct TranslatedView {
  const ViewMapping* mapping = nullptr;
  View view;                    // definition in the target's SQL
  std::vector<Finding> findings;
  bool ok = true;               // false: the view is reported, never emitted
};

struct TargetSchema {
  Dialect dialect = Dialect::kMySQL;
  std::vector<std::string> schemas;  // target schemas (databases) the tables live in, sorted
  std::vector<TranslatedTable> tables;
  std::vector<TranslatedView> views;  // dependency order
};

struct TranslateSettings {
  Dialect source = Dialect::kMySQL;
  Dialect target = Dialect::kMySQL;
  std::string source_version;
  std::string target_version;
  bool strict = false;
};

// MaxIdentifierLength and FitIdentifier: common/dialect.h.

// `source` is the catalog `resolved` was made from (enum and domain types are
// looked up there).
TargetSchema Translate(const Plan& plan, const Catalog& source, const ResolvedPlan& resolved,
                       const TypeRuleSet& rules, const TranslateSettings& settings,
                       DiagnosticSink& diags);

}  // namespace sluice
