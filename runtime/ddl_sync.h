#pragma once
// DDL during incremental sync: one source DDL statement (MySQL-family syntax,
// as the binlog logged it) becomes the target's statements, and the run plan's
// table mapping is updated so the row changes that follow land in the right
// columns. What cannot be translated exactly pauses the sync with a reason that
// says how to resume; statements about objects outside the plan are ignored
// with a reason. docs/ddl-sync.md lists what is translated and what pauses.

#include <string>
#include <vector>

#include "runtime/change.h"
#include "runtime/run_plan.h"

namespace sluice {

class TypeRuleSet;

struct DdlSyncAction {
  enum class Kind { kIgnore, kApply, kPause };
  Kind kind = Kind::kIgnore;
  // kApply: statements for the target, in order, without a trailing ';'
  // (identifiers quoted for the target dialect).
  std::vector<std::string> target_sql;
  // One line for the log, e.g. "shop.orders: add column note varchar(20)";
  // lossy translations append "(warning: ...)".
  std::string summary;
  // kPause: what cannot be translated and how to resume; kIgnore: why ignored.
  std::string reason;
};

const char* DdlSyncKindName(DdlSyncAction::Kind k);  // "ignore", "apply", "pause"

// Translates one source DDL against the plan's current mapping. Only kApply
// changes `plan.tables` (new, dropped, renamed and retyped columns with
// source_type, neutral, target and target_type filled as the planner fills
// them; renamed and dropped tables; key and unique-key column names); kIgnore
// and kPause leave the plan untouched, so a paused statement can be retried
// or skipped.
DdlSyncAction TranslateSourceDdl(RunPlan& plan, const DdlChange& ddl, const TypeRuleSet& rules);

// Same, with the type rules compiled into the binary (parsed on each call:
// DDL is rare; callers that translate many statements pass the rules).
DdlSyncAction TranslateSourceDdl(RunPlan& plan, const DdlChange& ddl);

}  // namespace sluice
