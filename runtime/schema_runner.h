#pragma once
// Runners for the tasks that only run SQL on the target (schema.create,
// schema.table, schema.indexes, schema.view, schema.constraints) and for
// precheck. DDL is not transactional on MySQL-family engines, so a task
// interrupted half-way is resumed statement by statement: on a re-run, an
// "already exists" refusal of a statement means an earlier attempt ran it.

#include <memory>

#include "runtime/endpoints.h"
#include "runtime/executor.h"

namespace sluice {

std::shared_ptr<TaskRunner> MakeTargetSqlRunner(const Endpoints& endpoints);
std::shared_ptr<TaskRunner> MakePrecheckRunner(const Endpoints& endpoints);

}  // namespace sluice
