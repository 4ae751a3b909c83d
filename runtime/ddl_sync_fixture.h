#pragma once
// The small compiled plan DDL sync is tested and fuzzed against
// (ddl_sync_test.cc, ddl_sync_fuzz.cc): one fixture, so the golden cases and
// the fuzzer exercise the same mapping.

#include "dialects/types/type_rules.h"
#include "runtime/run_plan.h"

namespace sluice {

struct DdlSyncFixtureOptions {
  bool index_tasks = false;  // PostgreSQL targets: a schema.indexes task with the planner's index names
  bool source_catalog = false;  // the plan carries the source catalog (shop.orders' charset and collation)
};

// shop.orders as the planner maps it (`created` renamed to `created_at`,
// `legacy_flag` dropped, a `types:` override on `total`, a unique `code`);
// shop.customer_v2 renamed to shop.customers; a table with a hostile name;
// a table with a row filter. The source is MySQL.
RunPlan DdlSyncFixturePlan(Dialect target, DdlSyncFixtureOptions options = {});

// The embedded type rules (loaded once; aborts if they do not load).
const TypeRuleSet& DdlSyncFixtureRules();

}  // namespace sluice
