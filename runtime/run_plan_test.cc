#include "runtime/run_plan.h"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

namespace sluice {
namespace {

nlohmann::ordered_json Golden(const std::string& name) {
  std::ifstream in(std::string(SLUICE_SOURCE_DIR) + "/tests/golden/plans/" + name + ".json");
  std::stringstream ss;
  ss << in.rdbuf();
  return nlohmann::ordered_json::parse(ss.str());
}

TEST_CASE("every golden plan.json parses into a run plan") {
  for (const char* name : {"postgresql-to-oceanbase", "mysql-to-postgresql", "tidb-to-oceanbase"}) {
    CAPTURE(name);
    std::string error;
    auto plan = ParseRunPlan(Golden(name), &error);
    REQUIRE_MESSAGE(plan.has_value(), error);
    CHECK_FALSE(plan->tables.empty());
    CHECK_FALSE(plan->tasks.empty());
    CHECK_FALSE(plan->plan_fingerprint.empty());
    CHECK(plan->source.password.env.size() > 0);
    for (const auto& t : plan->tables) {
      CHECK_FALSE(t.source_schema.empty());
      CHECK_FALSE(t.target_table.empty());
    }
  }
}

TEST_CASE("names with dots keep their parts") {
  auto j = Golden("postgresql-to-oceanbase");
  j["tables"][0]["source_schema"] = "a.b";
  std::string error;
  auto plan = ParseRunPlan(j, &error);
  REQUIRE(plan);
  CHECK(plan->tables[0].source_schema == "a.b");
}

TEST_CASE("a broken plan.json names the bad field") {
  auto j = Golden("postgresql-to-oceanbase");
  j["tables"][1]["columns"][0].erase("target_type");
  std::string error;
  CHECK_FALSE(ParseRunPlan(j, &error).has_value());
  CHECK(error == "tables[1].columns[0].target_type: missing");
  j = Golden("postgresql-to-oceanbase");
  j["version"] = 2;
  CHECK_FALSE(ParseRunPlan(j, &error).has_value());
  CHECK(error.find("version 2") != std::string::npos);
  CHECK_FALSE(ParseRunPlan(nlohmann::ordered_json::parse("{\"a\":1}"), &error).has_value());
  CHECK(error.find("not a Sluice plan.json") == 0);
}

}  // namespace
}  // namespace sluice
