// Golden tables for DDL sync: a source statement, run against a small plan
// for a MariaDB and a PostgreSQL target, gives a kind, the exact target SQL
// and (where it matters) the plan change. Then: every prefix of every
// statement must translate without crashing.

#include "runtime/ddl_sync.h"
#include "runtime/ddl_sync_fixture.h"

#include <doctest/doctest.h>

#include "dialects/types/type_rules.h"

namespace sluice {
namespace {

using Kind = DdlSyncAction::Kind;

std::string Lines(const std::vector<std::string>& sql) {
  std::string out;
  for (const auto& s : sql) out += "\n  " + s;
  return out;
}

const TypeRuleSet& Rules() { return DdlSyncFixtureRules(); }

RunPlan MakePlan(Dialect target) { return DdlSyncFixturePlan(target); }

struct Case {
  const char* ddl;
  Kind kind;
  std::vector<std::string> sql;  // kApply: exact statements
  const char* text = "";         // must appear in the summary (kApply) or the reason
};

void RunCases(Dialect target, const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    std::string ddl = c.ddl;
    CAPTURE(ddl);
    RunPlan plan = MakePlan(target);
    RunPlan before = plan;
    DdlSyncAction a = TranslateSourceDdl(plan, DdlChange{"shop", c.ddl}, Rules());
    CAPTURE(a.summary);
    CAPTURE(a.reason);
    std::string got = Lines(a.target_sql);
    CAPTURE(got);
    CHECK(DdlSyncKindName(a.kind) == std::string(DdlSyncKindName(c.kind)));
    CHECK(a.target_sql == c.sql);
    std::string where = a.kind == Kind::kApply ? a.summary : a.reason;
    CHECK(where.find(c.text) != std::string::npos);
    if (a.kind == Kind::kPause) {
      CHECK(a.reason.find("apply the equivalent change on the target by hand, then resume with "
                          "`sluice apply --skip-ddl`") != std::string::npos);
    }
    if (a.kind != Kind::kApply) {
      // The plan is untouched unless the change is applied.
      REQUIRE(plan.tables.size() == before.tables.size());
      for (size_t i = 0; i < plan.tables.size(); ++i) {
        CHECK(plan.tables[i].columns.size() == before.tables[i].columns.size());
        CHECK(plan.tables[i].source_table == before.tables[i].source_table);
      }
    }
  }
}

// Statements both targets treat the same way (no target SQL).
const std::vector<Case> kCommon = {
    // not in the plan
    {"CREATE TABLE t (a int)", Kind::kIgnore, {},
     "shop.t is not in the compiled plan; re-run `sluice plan` to include it"},
    {"CREATE TABLE IF NOT EXISTS orders (id int)", Kind::kIgnore, {}, "shop.orders already exists"},
    {"CREATE OR REPLACE TABLE orders (id int)", Kind::kPause, {}, "is created again"},
    {"ALTER TABLE other.orders ADD COLUMN x int", Kind::kIgnore, {}, "other.orders is not in the compiled plan"},
    {"alter table nothere drop column a", Kind::kIgnore, {}, "shop.nothere is not in the compiled plan"},
    {"DROP INDEX ix ON nothere", Kind::kIgnore, {}, "not in the compiled plan"},
    {"TRUNCATE TABLE nothere", Kind::kIgnore, {}, "not in the compiled plan"},
    // not table DDL
    {"CREATE USER 'a'@'%' IDENTIFIED BY 'x'", Kind::kIgnore, {}, "not table DDL"},
    {"GRANT SELECT ON shop.* TO 'a'@'%'", Kind::kIgnore, {}, "not table DDL"},
    {"CREATE DATABASE IF NOT EXISTS other", Kind::kIgnore, {}, "not table DDL"},
    {"SET NAMES utf8mb4", Kind::kIgnore, {}, "not table DDL"},
    {"BEGIN", Kind::kIgnore, {}, "not table DDL"},
    {"COMMIT", Kind::kIgnore, {}, "not table DDL"},
    {"SAVEPOINT s1", Kind::kIgnore, {}, "not table DDL"},
    {"FLUSH TABLES", Kind::kIgnore, {}, "not table DDL"},
    {"ANALYZE TABLE orders", Kind::kIgnore, {}, "not table DDL"},
    {"OPTIMIZE TABLE orders", Kind::kIgnore, {}, "not table DDL"},
    {"CREATE DEFINER=`root`@`%` TRIGGER trg BEFORE INSERT ON orders FOR EACH ROW SET NEW.note = 'x'",
     Kind::kIgnore, {}, "triggers"},
    {"CREATE ALGORITHM=UNDEFINED VIEW v AS SELECT 1", Kind::kIgnore, {}, "views"},
    {"DROP VIEW IF EXISTS v", Kind::kIgnore, {}, "views"},
    {"/* only a comment */", Kind::kIgnore, {}, "an empty statement"},
    {"DROP TEMPORARY TABLE IF EXISTS orders", Kind::kIgnore, {}, "temporary"},
    {"CREATE TEMPORARY TABLE tmp (a int)", Kind::kIgnore, {}, "temporary"},
    // the plan's dropped columns stay dropped
    {"ALTER TABLE orders DROP COLUMN legacy_flag", Kind::kIgnore, {}, "column legacy_flag is dropped by the plan"},
    {"ALTER TABLE orders ADD COLUMN legacy_flag int", Kind::kIgnore, {}, "column legacy_flag is dropped by the plan"},
    {"ALTER TABLE orders MODIFY legacy_flag bigint", Kind::kIgnore, {}, "column legacy_flag is dropped by the plan"},
    {"ALTER TABLE orders ADD INDEX ix_l (legacy_flag)", Kind::kIgnore, {}, "its column legacy_flag is dropped by the plan"},
    // storage options
    {"ALTER TABLE orders ENGINE=InnoDB", Kind::kIgnore, {}, "storage option"},
    {"/*!40000 ALTER TABLE `orders` DISABLE KEYS */", Kind::kIgnore, {}, "storage option"},
    {"ALTER TABLE orders AUTO_INCREMENT = 1000", Kind::kIgnore, {}, "storage option"},
    // pauses
    {"ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (id) REFERENCES x(id)", Kind::kPause, {}, "a foreign key"},
    {"ALTER TABLE orders ADD CONSTRAINT ck CHECK (id > 0)", Kind::kPause, {}, "a CHECK constraint"},
    {"ALTER TABLE orders DROP FOREIGN KEY fk", Kind::kPause, {}, "a foreign key"},
    {"ALTER TABLE orders ADD COLUMN g int GENERATED ALWAYS AS (id + 1) VIRTUAL", Kind::kPause, {},
     "column g: a generated column is not supported during sync"},
    {"ALTER TABLE orders ADD COLUMN g int AS (id + 1) STORED", Kind::kPause, {}, "a generated column"},
    {"ALTER TABLE orders PARTITION BY HASH(id) PARTITIONS 4", Kind::kPause, {}, "partitioning"},
    {"ALTER TABLE orders TRUNCATE PARTITION p0", Kind::kPause, {}, "partitioning"},
    {"ALTER TABLE orders ADD PRIMARY KEY (id, code)", Kind::kPause, {}, "adding a primary key"},
    {"ALTER TABLE orders DROP PRIMARY KEY", Kind::kPause, {}, "dropping the primary key"},
    {"ALTER TABLE orders CONVERT TO CHARACTER SET utf8mb4", Kind::kPause, {}, "character set"},
    {"ALTER TABLE orders DEFAULT CHARSET = latin1", Kind::kPause, {}, "default character set"},
    {"ALTER TABLE orders ADD COLUMN n serial", Kind::kPause, {}, "column n"},
    {"ALTER TABLE orders ADD COLUMN n int AUTO_INCREMENT", Kind::kPause, {}, "AUTO_INCREMENT"},
    {"ALTER TABLE orders ADD COLUMN u char(36) DEFAULT (uuid())", Kind::kPause, {},
     "fills the existing rows with values computed on the target"},
    {"ALTER TABLE orders ADD COLUMN x int UNIQUE", Kind::kPause, {}, "a UNIQUE key declared with the column"},
    {"ALTER TABLE orders ADD COLUMN x int REFERENCES c(id)", Kind::kPause, {}, "a foreign key"},
    {"ALTER TABLE orders ADD COLUMN x frobnicate(3)", Kind::kPause, {}, "column x"},
    {"ALTER TABLE orders ADD INDEX (note)", Kind::kPause, {}, "an index without a name"},
    {"ALTER TABLE orders ADD INDEX ix_e ((note + 1))", Kind::kPause, {}, "an expression index"},
    {"ALTER TABLE orders DROP COLUMN id", Kind::kPause, {}, "part of the key"},
    {"ALTER TABLE orders DROP COLUMN nope", Kind::kPause, {}, "the plan has no column nope"},
    {"ALTER TABLE orders ADD COLUMN note varchar(3)", Kind::kPause, {}, "already has a column note"},
    {"ALTER TABLE orders ADD COLUMN created_at datetime", Kind::kPause, {}, "target column created_at"},
    {"ALTER TABLE orders RENAME COLUMN note TO code", Kind::kPause, {}, "column code already exists"},
    {"ALTER TABLE orders MODIFY total decimal(12,2)", Kind::kPause, {}, "`types:` override"},
    {"ALTER TABLE orders FROBNICATE", Kind::kPause, {}, "this ALTER TABLE action"},
    {"ALTER TABLE orders ADD COLUMN x int,", Kind::kPause, {}, "could not be parsed"},
    {"ALTER TABLE orders ADD COLUMN x varchar(", Kind::kPause, {}, "could not be parsed"},
    {"ALTER TABLE `orders ADD COLUMN x int", Kind::kPause, {}, "unterminated"},
    {"ALTER TABLE events DROP COLUMN kind", Kind::kPause, {}, "row filter"},
    {"ALTER TABLE events RENAME COLUMN kind TO k2", Kind::kPause, {}, "row filter"},
    {"ALTER TABLE orders RENAME TO other.orders", Kind::kPause, {}, "another schema"},
    {"ALTER TABLE orders RENAME TO customer_v2", Kind::kPause, {}, "already in the plan"},
    {"ALTER TABLE ghost RENAME TO orders2", Kind::kIgnore, {}, "not in the compiled plan"},
    {"RENAME TABLE orders TO _orders_del, _orders_gho TO orders", Kind::kPause, {},
     "takes the name shop.orders of a planned table"},
    {"ALTER TABLE _orders_gho RENAME TO orders", Kind::kPause, {}, "which the plan does not migrate"},
    {"DROP DATABASE shop", Kind::kPause, {}, "holds planned tables"},
    {"DROP DATABASE other", Kind::kIgnore, {}, "holds no planned table"},
    {"INSERT INTO orders VALUES (1)", Kind::kPause, {}, "binlog_format must be ROW"},
    {"FROBNICATE ALL THE THINGS", Kind::kPause, {}, "not a statement Sluice recognises"},
};

TEST_CASE("DDL sync: statements both targets treat alike") {
  RunCases(Dialect::kMariaDB, kCommon);
  RunCases(Dialect::kPostgreSQL, kCommon);
}

TEST_CASE("DDL sync: MariaDB target") {
  RunCases(Dialect::kMariaDB, {
      {"ALTER TABLE orders ADD COLUMN note2 varchar(20) NOT NULL DEFAULT 'x' COMMENT 'it''s' AFTER code",
       Kind::kApply,
       {"ALTER TABLE `shop`.`orders` ADD COLUMN `note2` varchar(20) NOT NULL DEFAULT 'x' COMMENT 'it''s' AFTER `code`"},
       "shop.orders: add column note2 varchar(20)"},
      {"ALTER TABLE shop.orders ADD total2 DECIMAL(10,2) NOT NULL FIRST", Kind::kApply,
       {"ALTER TABLE `shop`.`orders` ADD COLUMN `total2` decimal(10,2) NOT NULL FIRST"}, "add column total2"},
      {"ALTER TABLE orders ADD COLUMN x int AFTER legacy_flag", Kind::kApply,
       {"ALTER TABLE `shop`.`orders` ADD COLUMN `x` int NULL"}, "AFTER legacy_flag is not kept"},
      {"ALTER TABLE `orders` ADD (a INT, b TEXT)", Kind::kApply,
       {"ALTER TABLE `shop`.`orders` ADD COLUMN `a` int NULL", "ALTER TABLE `shop`.`orders` ADD COLUMN `b` text NULL"},
       "add column a int; add column b text"},
      {"ALTER TABLE orders ADD COLUMN IF NOT EXISTS note int", Kind::kIgnore, {}, "already exists"},
      {"ALTER TABLE orders DROP COLUMN note", Kind::kApply, {"ALTER TABLE `shop`.`orders` DROP COLUMN `note`"},
       "drop column note"},
      {"ALTER TABLE orders DROP COLUMN IF EXISTS nope", Kind::kIgnore, {}, "does not exist"},
      {"ALTER TABLE orders MODIFY created DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)", Kind::kApply,
       {"ALTER TABLE `shop`.`orders` MODIFY COLUMN `created_at` datetime(3) NOT NULL DEFAULT current_timestamp(3)"},
       "modify column created datetime(3) (target column created_at)"},
      {"ALTER TABLE orders MODIFY COLUMN id BIGINT", Kind::kApply,
       {"ALTER TABLE `shop`.`orders` MODIFY COLUMN `id` bigint NOT NULL"}, "modify column id bigint"},
      {"ALTER TABLE orders CHANGE note memo VARCHAR(40)", Kind::kApply,
       {"ALTER TABLE `shop`.`orders` CHANGE COLUMN `note` `memo` varchar(40) NULL"},
       "rename column note to memo as varchar(40)"},
      {"ALTER TABLE orders CHANGE COLUMN created created2 DATETIME", Kind::kApply,
       {"ALTER TABLE `shop`.`orders` MODIFY COLUMN `created_at` datetime NULL"},
       "rename column created to created2 as datetime (target column created_at)"},
      {"ALTER TABLE orders RENAME COLUMN note TO memo, RENAME COLUMN created TO created2", Kind::kApply,
       {"ALTER TABLE `shop`.`orders` RENAME COLUMN `note` TO `memo`"},
       "target column created_at keeps its planned name"},
      {"ALTER TABLE orders MODIFY status ENUM('new','paid','shipped') NOT NULL DEFAULT 'new'", Kind::kApply,
       {"ALTER TABLE `shop`.`orders` MODIFY COLUMN `status` enum('new','paid','shipped') NOT NULL DEFAULT 'new'"},
       "modify column status"},
      {"ALTER TABLE orders ALTER COLUMN note SET DEFAULT 'zz', ALTER note DROP DEFAULT", Kind::kApply,
       {"ALTER TABLE `shop`.`orders` ALTER COLUMN `note` SET DEFAULT 'zz'",
        "ALTER TABLE `shop`.`orders` ALTER COLUMN `note` DROP DEFAULT"},
       "set the default of column note"},
      {"ALTER TABLE orders ADD COLUMN ts timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP",
       Kind::kApply,
       {"ALTER TABLE `shop`.`orders` ADD COLUMN `ts` timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE "
        "current_timestamp()"},
       "existing rows get the time the target runs the ALTER"},
      {"ALTER TABLE orders ADD COLUMN f tinyint(1) NOT NULL DEFAULT TRUE", Kind::kApply,
       {"ALTER TABLE `shop`.`orders` ADD COLUMN `f` tinyint(1) NOT NULL DEFAULT 1"}, "add column f"},
      {"ALTER TABLE orders ADD COLUMN d date NOT NULL", Kind::kApply,
       {"ALTER TABLE `shop`.`orders` ADD COLUMN `d` date NOT NULL"}, "add column d date"},
      {"ALTER TABLE orders ADD COLUMN n int DEFAULT -5", Kind::kApply,
       {"ALTER TABLE `shop`.`orders` ADD COLUMN `n` int NULL DEFAULT -5"}, "add column n"},
      {"ALTER TABLE orders RENAME TO orders2", Kind::kApply,
       {"ALTER TABLE `shop`.`orders` RENAME TO `orders2`"}, "rename table shop.orders to shop.orders2"},
      {"ALTER TABLE customer_v2 RENAME TO customer_v3", Kind::kApply, {},
       "target table shop.customers keeps its planned name"},
      {"RENAME TABLE orders TO old_orders, customer_v2 TO c3", Kind::kApply,
       {"RENAME TABLE `shop`.`orders` TO `shop`.`old_orders`"}, "rename table shop.orders to shop.old_orders"},
      {"RENAME TABLE orders TO tmp, events TO orders, tmp TO events", Kind::kApply,
       {"RENAME TABLE `shop`.`orders` TO `shop`.`tmp`, `shop`.`events` TO `shop`.`orders`, `shop`.`tmp` TO "
        "`shop`.`events`"},
       "rename table shop.tmp to shop.events"},
      {"ALTER TABLE orders ADD UNIQUE INDEX ux_note (note), ADD KEY ix_cr (created, status) USING HASH", Kind::kApply,
       {"CREATE UNIQUE INDEX `ux_note` ON `shop`.`orders` (`note`)",
        "CREATE INDEX `ix_cr` ON `shop`.`orders` (`created_at`, `status`)"},
       "a hash index becomes one"},
      {"ALTER TABLE orders ADD FULLTEXT INDEX ft (note)", Kind::kApply,
       {"CREATE FULLTEXT INDEX `ft` ON `shop`.`orders` (`note`)"}, "add index ft"},
      {"ALTER TABLE orders DROP INDEX ix_cr", Kind::kApply,
       {"ALTER TABLE `shop`.`orders` DROP INDEX IF EXISTS `ix_cr`"}, "drop index ix_cr"},
      {"ALTER TABLE orders RENAME INDEX a TO b", Kind::kApply,
       {"ALTER TABLE `shop`.`orders` RENAME INDEX `a` TO `b`"}, "rename index a to b"},
      {"CREATE UNIQUE INDEX ux ON orders (code(5) DESC) ALGORITHM=INPLACE", Kind::kApply,
       {"CREATE UNIQUE INDEX `ux` ON `shop`.`orders` (`code`(5) DESC)"}, "add unique index ux"},
      {"DROP INDEX ux ON shop.orders", Kind::kApply, {"ALTER TABLE `shop`.`orders` DROP INDEX IF EXISTS `ux`"},
       "drop index ux"},
      {"DROP TABLE IF EXISTS orders, nothere /* generated by server */", Kind::kApply,
       {"DROP TABLE IF EXISTS `shop`.`orders`"}, "drop table shop.orders; ignored: shop.nothere is not in"},
      {"TRUNCATE orders", Kind::kApply, {"TRUNCATE TABLE `shop`.`orders`"}, "shop.orders: truncate"},
      {"ALTER TABLE orders MODIFY id VARCHAR(20) NOT NULL", Kind::kApply,
       {"ALTER TABLE `shop`.`orders` MODIFY COLUMN `id` varchar(20) NOT NULL"}, "modify column id"},
      {"ALTER TABLE orders ALGORITHM=INPLACE, LOCK=NONE, ADD COLUMN z int", Kind::kApply,
       {"ALTER TABLE `shop`.`orders` ADD COLUMN `z` int NULL"}, "add column z int"},
  });
}

TEST_CASE("DDL sync: PostgreSQL target") {
  RunCases(Dialect::kPostgreSQL, {
      {"ALTER TABLE orders ADD COLUMN note2 varchar(20) NOT NULL DEFAULT 'x' COMMENT 'it''s' AFTER code",
       Kind::kApply,
       {"ALTER TABLE \"shop\".\"orders\" ADD COLUMN \"note2\" character varying(20) DEFAULT 'x' NOT NULL",
        "COMMENT ON COLUMN \"shop\".\"orders\".\"note2\" IS 'it''s'"},
       "PostgreSQL cannot place a column"},
      {"ALTER TABLE shop.orders ADD total2 DECIMAL(10,2) NOT NULL", Kind::kApply,
       {"ALTER TABLE \"shop\".\"orders\" ADD COLUMN \"total2\" numeric(10,2) DEFAULT 0 NOT NULL",
        "ALTER TABLE \"shop\".\"orders\" ALTER COLUMN \"total2\" DROP DEFAULT"},
       "add column total2 decimal(10,2)"},
      {"ALTER TABLE orders ADD COLUMN d date NOT NULL", Kind::kPause, {}, "implicit default"},
      {"ALTER TABLE `orders` ADD (a INT, b TEXT)", Kind::kApply,
       {"ALTER TABLE \"shop\".\"orders\" ADD COLUMN \"a\" integer",
        "ALTER TABLE \"shop\".\"orders\" ADD COLUMN \"b\" text"},
       "add column a int; add column b text"},
      {"ALTER TABLE orders ADD COLUMN e enum('x','y''z') NOT NULL", Kind::kApply,
       {"ALTER TABLE \"shop\".\"orders\" ADD COLUMN \"e\" text DEFAULT 'x' NOT NULL",
        "ALTER TABLE \"shop\".\"orders\" ALTER COLUMN \"e\" DROP DEFAULT",
        "ALTER TABLE \"shop\".\"orders\" ADD CONSTRAINT \"orders_e_check\" CHECK (\"e\" IN ('x', 'y''z'))"},
       "ENUM becomes text"},
      {"ALTER TABLE orders ADD COLUMN f tinyint(1) NOT NULL DEFAULT 1", Kind::kApply,
       {"ALTER TABLE \"shop\".\"orders\" ADD COLUMN \"f\" smallint DEFAULT 1 NOT NULL"}, "add column f"},
      {"ALTER TABLE orders DROP COLUMN note", Kind::kApply, {"ALTER TABLE \"shop\".\"orders\" DROP COLUMN \"note\""},
       "drop column note"},
      {"ALTER TABLE orders MODIFY created DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)", Kind::kApply,
       {"ALTER TABLE \"shop\".\"orders\" ALTER COLUMN \"created_at\" TYPE timestamp(3) USING "
        "\"created_at\"::timestamp(3)",
        "ALTER TABLE \"shop\".\"orders\" ALTER COLUMN \"created_at\" SET NOT NULL",
        "ALTER TABLE \"shop\".\"orders\" ALTER COLUMN \"created_at\" SET DEFAULT CURRENT_TIMESTAMP(3)"},
       "modify column created datetime(3) (target column created_at)"},
      {"ALTER TABLE orders MODIFY note varchar(20) NULL", Kind::kApply,
       {"ALTER TABLE \"shop\".\"orders\" ALTER COLUMN \"note\" DROP NOT NULL",
        "ALTER TABLE \"shop\".\"orders\" ALTER COLUMN \"note\" DROP DEFAULT"},
       "modify column note"},
      {"ALTER TABLE orders CHANGE note memo VARCHAR(40)", Kind::kApply,
       {"ALTER TABLE \"shop\".\"orders\" RENAME COLUMN \"note\" TO \"memo\"",
        "ALTER TABLE \"shop\".\"orders\" ALTER COLUMN \"memo\" TYPE character varying(40) USING "
        "\"memo\"::character varying(40)",
        "ALTER TABLE \"shop\".\"orders\" ALTER COLUMN \"memo\" DROP NOT NULL",
        "ALTER TABLE \"shop\".\"orders\" ALTER COLUMN \"memo\" DROP DEFAULT"},
       "rename column note to memo"},
      {"ALTER TABLE orders RENAME COLUMN note TO memo, RENAME COLUMN created TO created2", Kind::kApply,
       {"ALTER TABLE \"shop\".\"orders\" RENAME COLUMN \"note\" TO \"memo\""},
       "target column created_at keeps its planned name"},
      {"ALTER TABLE orders RENAME COLUMN status TO state", Kind::kApply,
       {"ALTER TABLE \"shop\".\"orders\" RENAME COLUMN \"status\" TO \"state\"",
        "ALTER TABLE \"shop\".\"orders\" RENAME CONSTRAINT \"orders_status_check\" TO \"orders_state_check\""},
       "rename column status to state"},
      {"ALTER TABLE orders MODIFY status ENUM('new','paid','shipped') NOT NULL DEFAULT 'new'", Kind::kApply,
       {"ALTER TABLE \"shop\".\"orders\" DROP CONSTRAINT IF EXISTS \"orders_status_check\"",
        "ALTER TABLE \"shop\".\"orders\" ALTER COLUMN \"status\" SET NOT NULL",
        "ALTER TABLE \"shop\".\"orders\" ALTER COLUMN \"status\" SET DEFAULT 'new'",
        "ALTER TABLE \"shop\".\"orders\" ADD CONSTRAINT \"orders_status_check\" CHECK (\"status\" IN ('new', "
        "'paid', 'shipped'))"},
       "modify column status"},
      {"ALTER TABLE orders MODIFY id BIGINT NOT NULL", Kind::kApply,
       {"ALTER TABLE \"shop\".\"orders\" ALTER COLUMN \"id\" TYPE bigint USING \"id\"::bigint",
        "ALTER TABLE \"shop\".\"orders\" ALTER COLUMN \"id\" SET NOT NULL"},
       "modify column id bigint"},
      {"ALTER TABLE orders MODIFY id VARCHAR(20) NOT NULL", Kind::kPause, {},
       "column id is part of the key the sync uses to find rows, and changing its type from integer to "
       "character varying(20) on PostgreSQL may change key values"},
      {"ALTER TABLE orders ADD COLUMN ts timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP",
       Kind::kApply,
       {"ALTER TABLE \"shop\".\"orders\" ADD COLUMN \"ts\" timestamp(0) with time zone DEFAULT CURRENT_TIMESTAMP "
        "NOT NULL"},
       "no longer refreshed on update"},
      {"ALTER TABLE orders RENAME TO orders2", Kind::kApply,
       {"ALTER TABLE \"shop\".\"orders\" RENAME TO \"orders2\""}, "rename table shop.orders to shop.orders2"},
      {"RENAME TABLE orders TO tmp, events TO orders, tmp TO events", Kind::kApply,
       {"ALTER TABLE \"shop\".\"orders\" RENAME TO \"tmp\"", "ALTER TABLE \"shop\".\"events\" RENAME TO \"orders\"",
        "ALTER TABLE \"shop\".\"tmp\" RENAME TO \"events\""},
       "rename table shop.tmp to shop.events"},
      {"ALTER TABLE orders ADD UNIQUE INDEX ux_note (note), ADD KEY ix_cr (created, status)", Kind::kApply,
       {"CREATE UNIQUE INDEX \"orders_ux_note\" ON \"shop\".\"orders\" (\"note\")",
        "CREATE INDEX \"orders_ix_cr\" ON \"shop\".\"orders\" (\"created_at\", \"status\")"},
       "add unique index ux_note as orders_ux_note"},
      {"ALTER TABLE orders ADD FULLTEXT INDEX ft (note)", Kind::kIgnore, {}, "no direct PostgreSQL form"},
      {"ALTER TABLE orders DROP INDEX ix_cr", Kind::kApply, {"DROP INDEX IF EXISTS \"shop\".\"orders_ix_cr\""},
       "drop index ix_cr"},
      {"CREATE UNIQUE INDEX IF NOT EXISTS ux ON orders (code(5))", Kind::kApply,
       {"CREATE UNIQUE INDEX IF NOT EXISTS \"orders_ux\" ON \"shop\".\"orders\" (\"code\")"},
       "its prefix length (5) is dropped"},
      {"DROP INDEX ux ON orders", Kind::kApply, {"DROP INDEX IF EXISTS \"shop\".\"orders_ux\""}, "drop index ux"},
      {"ALTER TABLE orders RENAME KEY a TO b", Kind::kApply,
       {"ALTER INDEX IF EXISTS \"shop\".\"orders_a\" RENAME TO \"orders_b\""}, "rename index a to b"},
      {"DROP TABLE orders", Kind::kApply, {"DROP TABLE IF EXISTS \"shop\".\"orders\""}, "drop table shop.orders"},
      {"TRUNCATE TABLE `shop`.`orders`", Kind::kApply, {"TRUNCATE TABLE \"shop\".\"orders\""}, "truncate"},
  });
}

TEST_CASE("DDL sync: PostgreSQL index names follow the planner's") {
  RunPlan plan = MakePlan(Dialect::kPostgreSQL);
  RunTask task;
  task.kind = "schema.indexes";
  task.sql = {"CREATE INDEX \"ix_note\" ON \"shop\".\"orders\" (\"note\")",
              "CREATE INDEX \"customers_ix\" ON \"shop\".\"customers\" (\"id\")"};
  plan.tasks.push_back(task);
  auto a = TranslateSourceDdl(plan, DdlChange{"shop", "DROP INDEX ix_note ON orders"}, Rules());
  CHECK(a.target_sql == std::vector<std::string>{"DROP INDEX IF EXISTS \"shop\".\"ix_note\"",
                                                 "DROP INDEX IF EXISTS \"shop\".\"orders_ix_note\""});
  // The planner named the other table's index `ix` with a prefix: never drop
  // an index of the same name on another table.
  a = TranslateSourceDdl(plan, DdlChange{"shop", "DROP INDEX ix ON orders"}, Rules());
  CHECK(a.target_sql == std::vector<std::string>{"DROP INDEX IF EXISTS \"shop\".\"orders_ix\""});
}

TEST_CASE("DDL sync: the plan follows applied changes") {
  for (Dialect d : {Dialect::kMariaDB, Dialect::kPostgreSQL}) {
    std::string dialect = DialectName(d);
    CAPTURE(dialect);
    RunPlan plan = MakePlan(d);
    auto run = [&](const char* sql) {
      std::string ddl = sql;
      CAPTURE(ddl);
      auto a = TranslateSourceDdl(plan, DdlChange{"shop", sql}, Rules());
      CAPTURE(a.reason);
      CAPTURE(a.summary);
      CHECK(a.kind == Kind::kApply);
    };
    run("ALTER TABLE orders ADD COLUMN memo varchar(30) AFTER id");
    // An applied change replaces plan.tables: look the table up again each time.
    auto t = [&]() -> RunTable& { return plan.tables[0]; };
    REQUIRE(t().columns.size() == 7);
    CHECK(t().columns[1].source == "memo");
    CHECK(t().columns[1].source_type == "varchar(30)");
    CHECK(t().columns[1].neutral == "varchar(30)");
    CHECK(t().columns[1].target == "memo");
    CHECK(t().columns[1].target_type == (d == Dialect::kPostgreSQL ? "character varying(30)" : "varchar(30)"));

    run("ALTER TABLE orders RENAME COLUMN code TO sku, CHANGE created made datetime(6)");
    CHECK(t().FindSource("code") == nullptr);
    REQUIRE(t().FindSource("sku") != nullptr);
    CHECK(t().FindSource("sku")->target == "sku");
    CHECK(t().unique_keys == std::vector<std::vector<std::string>>{{"sku"}});
    REQUIRE(t().FindSource("made") != nullptr);
    CHECK(t().FindSource("made")->target == "created_at");  // the plan's rename is kept
    CHECK(t().FindSource("made")->neutral == "timestamp(6)");

    run("ALTER TABLE orders MODIFY id bigint NOT NULL");
    CHECK(t().FindSource("id")->neutral == "int64");
    CHECK(t().FindSource("id")->source_type == "bigint");

    run("ALTER TABLE orders RENAME COLUMN id TO order_id");
    CHECK(t().key == std::vector<std::string>{"order_id"});

    run("CREATE UNIQUE INDEX ux_memo ON orders (memo)");
    CHECK(t().unique_keys.back() == std::vector<std::string>{"memo"});
    run("ALTER TABLE orders DROP COLUMN memo");
    CHECK(t().FindSource("memo") == nullptr);
    CHECK(t().unique_keys == std::vector<std::vector<std::string>>{{"sku"}});

    run("RENAME TABLE orders TO orders_2024");
    CHECK(plan.tables[0].source_table == "orders_2024");
    CHECK(plan.tables[0].target_table == "orders_2024");
    run("ALTER TABLE customer_v2 RENAME TO customer_v3");
    CHECK(plan.tables[1].source_table == "customer_v3");
    CHECK(plan.tables[1].target_table == "customers");
    // A later statement finds the table by its new name.
    run("ALTER TABLE orders_2024 ADD COLUMN y int");
    run("DROP TABLE customer_v3");
    CHECK(plan.tables.size() == 3);
    auto a = TranslateSourceDdl(plan, DdlChange{"shop", "CREATE TABLE customer_v3 (id int)"}, Rules());
    CHECK(a.kind == Kind::kIgnore);
    CHECK(a.reason.find("not in the compiled plan; re-run `sluice plan` to include it") != std::string::npos);
  }
}

TEST_CASE("DDL sync: a statement that pauses half way changes nothing") {
  RunPlan plan = MakePlan(Dialect::kMariaDB);
  auto a = TranslateSourceDdl(
      plan, DdlChange{"shop", "ALTER TABLE orders ADD COLUMN ok int, ADD COLUMN g int AS (id) VIRTUAL"}, Rules());
  CHECK(a.kind == Kind::kPause);
  CHECK(a.target_sql.empty());
  CHECK(plan.tables[0].FindSource("ok") == nullptr);
}

TEST_CASE("DDL sync: hostile identifiers, comments and schema qualification") {
  struct Quoted {
    Dialect d;
    const char* ddl;
    std::vector<std::string> sql;
  };
  std::vector<Quoted> cases = {
      {Dialect::kMariaDB, "ALTER TABLE `we``ird \"tab\" ü` ADD COLUMN `a``b c` int, ADD `select` int",
       {"ALTER TABLE `shop`.`we``ird \"tab\" ü` ADD COLUMN `a``b c` int NULL",
        "ALTER TABLE `shop`.`we``ird \"tab\" ü` ADD COLUMN `select` int NULL"}},
      {Dialect::kPostgreSQL, "ALTER TABLE `we``ird \"tab\" ü` ADD COLUMN `naïve\"q` int, ADD `select` int",
       {"ALTER TABLE \"shop\".\"we`ird \"\"tab\"\" ü\" ADD COLUMN \"naïve\"\"q\" integer",
        "ALTER TABLE \"shop\".\"we`ird \"\"tab\"\" ü\" ADD COLUMN \"select\" integer"}},
      {Dialect::kMariaDB,
       "/* leading */ ALTER /*!50000 ONLINE */ TABLE -- a comment\n `shop`.`orders` # another\n ADD COLUMN x "
       "INT /* inline */ COMMENT '-- not a comment'",
       {"ALTER TABLE `shop`.`orders` ADD COLUMN `x` int NULL COMMENT '-- not a comment'"}},
      {Dialect::kPostgreSQL, "alter table ORDERS add column X int", {}},  // table names are case-sensitive
      {Dialect::kPostgreSQL, "alter table orders add column X int",
       {"ALTER TABLE \"shop\".\"orders\" ADD COLUMN \"X\" integer"}},
      {Dialect::kMariaDB, "ALTER TABLE orders MODIFY NOTE varchar(5)",  // column names ignore case
       {"ALTER TABLE `shop`.`orders` MODIFY COLUMN `note` varchar(5) NULL"}},
      {Dialect::kMariaDB, "ALTER TABLE orders ADD COLUMN s varchar(3) DEFAULT 'a\\'b\\\\c'",
       {"ALTER TABLE `shop`.`orders` ADD COLUMN `s` varchar(3) NULL DEFAULT 'a''b\\\\c'"}},
      {Dialect::kPostgreSQL, "ALTER TABLE orders ADD COLUMN s varchar(3) DEFAULT 'a\\'b\\\\c'",
       {"ALTER TABLE \"shop\".\"orders\" ADD COLUMN \"s\" character varying(3) DEFAULT 'a''b\\c'"}},
  };
  for (const auto& c : cases) {
    std::string ddl = c.ddl;
    CAPTURE(ddl);
    RunPlan plan = MakePlan(c.d);
    auto a = TranslateSourceDdl(plan, DdlChange{"shop", c.ddl}, Rules());
    CAPTURE(a.reason);
    std::string got = Lines(a.target_sql);
    CAPTURE(got);
    CHECK(a.kind == (c.sql.empty() ? Kind::kIgnore : Kind::kApply));
    CHECK(a.target_sql == c.sql);
  }
  // The statement's schema wins over the session's.
  RunPlan plan = MakePlan(Dialect::kMariaDB);
  auto a = TranslateSourceDdl(plan, DdlChange{"other", "ALTER TABLE shop.orders ADD COLUMN x int"}, Rules());
  CHECK(a.kind == Kind::kApply);
  a = TranslateSourceDdl(plan, DdlChange{"other", "ALTER TABLE orders ADD COLUMN y int"}, Rules());
  CHECK(a.kind == Kind::kIgnore);
}

TEST_CASE("DDL sync: a new column takes the table's default collation, as planned columns do") {
  RunPlan plan = DdlSyncFixturePlan(Dialect::kPostgreSQL, {.source_catalog = true});
  auto a = TranslateSourceDdl(plan, DdlChange{"shop", "ALTER TABLE orders ADD COLUMN n varchar(5)"}, Rules());
  CAPTURE(a.reason);
  REQUIRE(a.kind == Kind::kApply);
  CHECK(a.target_sql == std::vector<std::string>{
                            "ALTER TABLE \"shop\".\"orders\" ADD COLUMN \"n\" character varying(5) COLLATE \"C\""});
  CHECK(a.summary.find("PAD SPACE") != std::string::npos);
  // Between MySQL-family engines a column that follows the table's default keeps following it.
  RunPlan my = DdlSyncFixturePlan(Dialect::kMariaDB, {.source_catalog = true});
  a = TranslateSourceDdl(
      my, DdlChange{"shop", "ALTER TABLE orders ADD COLUMN n varchar(5) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"},
      Rules());
  CHECK(a.target_sql == std::vector<std::string>{"ALTER TABLE `shop`.`orders` ADD COLUMN `n` varchar(5) NULL"});
}

TEST_CASE("DDL sync: every prefix of every statement translates without crashing") {
  std::vector<const char*> statements;
  for (const auto& c : kCommon) statements.push_back(c.ddl);
  for (const char* s :
       {"ALTER TABLE orders ADD COLUMN note2 varchar(20) NOT NULL DEFAULT 'x' COMMENT 'it''s' AFTER code",
        "ALTER TABLE `orders` ADD (a INT, b TEXT)", "ALTER TABLE orders CHANGE note memo VARCHAR(40)",
        "ALTER TABLE orders MODIFY created DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)",
        "RENAME TABLE orders TO tmp, events TO orders, tmp TO events",
        "ALTER TABLE orders ADD UNIQUE INDEX ux_note (note), ADD KEY ix_cr (created, status) USING HASH",
        "CREATE UNIQUE INDEX ux ON orders (code(5) DESC) ALGORITHM=INPLACE",
        "/* leading */ ALTER /*!50000 ONLINE */ TABLE -- a comment\n `shop`.`orders` # another\n ADD COLUMN x",
        "ALTER TABLE `we``ird \"tab\" ü` ADD COLUMN `naïve\"q` int, ADD `select` int",
        "ALTER TABLE orders ADD COLUMN s varchar(3) DEFAULT _utf8mb4'a\\'b' COLLATE utf8mb4_bin",
        "ALTER TABLE orders ALTER COLUMN note SET DEFAULT 'zz', ALTER note DROP DEFAULT",
        "DROP TABLE IF EXISTS orders, nothere /* generated by server */"}) {
    statements.push_back(s);
  }
  int applied = 0;
  for (Dialect d : {Dialect::kMariaDB, Dialect::kPostgreSQL}) {
    for (const char* s : statements) {
      std::string full = s;
      for (size_t n = 0; n <= full.size(); ++n) {
        RunPlan plan = MakePlan(d);
        auto a = TranslateSourceDdl(plan, DdlChange{"shop", full.substr(0, n)}, Rules());
        if (a.kind == Kind::kApply) {
          ++applied;
          CHECK(!a.summary.empty());
        } else {
          CHECK(!a.reason.empty());
        }
      }
    }
  }
  CHECK(applied > 0);
}

}  // namespace
}  // namespace sluice
