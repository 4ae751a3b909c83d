// Integration test: ReadMySqlCatalog against the real MariaDB server named by
// SLUICE_TEST_MARIADB_DSN (scripts/test-servers.sh). Builds a rich schema in
// a database of its own, asserts what the reader returns, and compares the
// snapshot with testdata/catalog_mariadb.golden.json (database name and
// version-dependent bits masked; SLUICE_UPDATE_GOLDEN=1 rewrites it).

#include "dialects/mysql/catalog_reader.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <random>

#include "catalog/catalog_json.h"
#include "catalog/catalog_test_util.h"
#include "common/dsn.h"

namespace sluice {
namespace {

ConnectionConfig ConfigFromEnv(const std::string& database = "") {
  const char* text = std::getenv("SLUICE_TEST_MARIADB_DSN");
  if (text == nullptr || *text == '\0') {
    FAIL("SLUICE_TEST_MARIADB_DSN is not set: start the servers with "
         "`scripts/test-servers.sh start DIR && source DIR/env`");
  }
  DsnParse parse = ParseDsn(text);
  REQUIRE_MESSAGE(parse.ok, "bad SLUICE_TEST_MARIADB_DSN: " << parse.error);
  ConnectionConfig config;
  config.dsn = parse.dsn;
  config.dsn.database = database;
  return config;
}

std::string UniqueName(const std::string& prefix) {
  std::random_device rd;
  return prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(rd() % 1000000);
}

// A database of its own, dropped at the end of the test.
struct ScratchDatabase {
  explicit ScratchDatabase(std::string n) : name(std::move(n)), admin(ConfigFromEnv()) {
    admin.Exec("CREATE DATABASE " + admin.QuoteIdent(name) + " CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci");
  }
  ~ScratchDatabase() {
    try {
      admin.Exec("DROP DATABASE IF EXISTS " + admin.QuoteIdent(name));
    } catch (const DbException&) {
    }
  }
  std::string name;
  MySqlConnection admin;
};

const char* const kSchema[] = {
    R"(CREATE TABLE customers (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL COMMENT 'login name',
  name VARCHAR(100) NOT NULL DEFAULT 'it''s',
  nickname VARCHAR(10) DEFAULT 'NULL',
  status ENUM('active','paused','it''s') NOT NULL DEFAULT 'active',
  flags SET('a','b') DEFAULT 'a,b',
  balance DECIMAL(12,2) NOT NULL DEFAULT 0.00,
  score DOUBLE DEFAULT NULL,
  tiny TINYINT(1) NOT NULL DEFAULT 1,
  small SMALLINT,
  medium MEDIUMINT,
  big BIGINT NOT NULL DEFAULT -5,
  z INT(5) ZEROFILL,
  bits BIT(3) DEFAULT b'101',
  birth DATE DEFAULT '2000-01-01',
  t TIME(2),
  y YEAR,
  created DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  token VARCHAR(36) DEFAULT (uuid()),
  twice INT DEFAULT (1 + 1),
  doc JSON,
  bio TEXT,
  avatar BLOB,
  raw_bin VARBINARY(16),
  code CHAR(3) CHARACTER SET latin1,
  secret INT INVISIBLE,
  email_domain VARCHAR(255) AS (SUBSTRING_INDEX(email, '@', -1)) VIRTUAL,
  name_len INT AS (CHAR_LENGTH(name)) STORED,
  loc POINT NOT NULL,
  UNIQUE KEY uq_email (email),
  KEY ix_name_prefix (name(10)),
  KEY ix_desc (big DESC, created),
  FULLTEXT KEY ft_bio (bio),
  SPATIAL KEY sp_loc (loc),
  KEY ix_ignored (small) COMMENT 'not used' IGNORED,
  CONSTRAINT ck_balance CHECK (balance >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='people')",
    R"(CREATE TABLE orders (
  id BIGINT NOT NULL AUTO_INCREMENT,
  customer_id INT UNSIGNED,
  placed DATE NOT NULL,
  total DECIMAL(10,2),
  PRIMARY KEY (id, placed),
  KEY ix_customer (customer_id)
) PARTITION BY RANGE (YEAR(placed)) (
  PARTITION p2023 VALUES LESS THAN (2024),
  PARTITION p2024 VALUES LESS THAN (2025),
  PARTITION pmax VALUES LESS THAN MAXVALUE))",
    R"(CREATE TABLE events (
  id INT NOT NULL,
  kind VARCHAR(10) NOT NULL,
  PRIMARY KEY (id, kind)
) PARTITION BY LIST COLUMNS (kind) (
  PARTITION p_ab VALUES IN ('a','b'),
  PARTITION p_c VALUES IN ('c')))",
    R"(CREATE TABLE `order items "ü"` (
  order_id BIGINT NOT NULL,
  line INT NOT NULL,
  customer_id INT UNSIGNED,
  `select` VARCHAR(10) DEFAULT 'x',
  `we"ird ``col`` ü` INT,
  PRIMARY KEY (order_id, line),
  CONSTRAINT fk_items_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
    ON DELETE SET NULL ON UPDATE CASCADE,
  CONSTRAINT `fk "self"` FOREIGN KEY (order_id, line) REFERENCES `order items "ü"` (order_id, line)
    ON DELETE CASCADE
))",
    "CREATE TABLE audit_log (at DATETIME, msg TEXT)",
    R"(CREATE VIEW v_active AS SELECT id, email, status FROM customers WHERE status = 'active'
  WITH CASCADED CHECK OPTION)",
    "CREATE VIEW v_active_emails AS SELECT email FROM v_active",
    R"(CREATE SQL SECURITY INVOKER VIEW `v summary` AS
  SELECT customer_id, COUNT(*) AS n FROM `order items "ü"` GROUP BY customer_id)",
    "CREATE SEQUENCE seq_invoice START WITH 100 INCREMENT BY 5 MAXVALUE 100000 CACHE 10 CYCLE",
    R"(CREATE TRIGGER trg_orders_bi BEFORE INSERT ON orders FOR EACH ROW
  SET NEW.total = COALESCE(NEW.total, 0))",
    R"(CREATE FUNCTION add_tax(amount DECIMAL(10,2)) RETURNS DECIMAL(10,2) DETERMINISTIC
  RETURN amount * 1.2)",
    R"(CREATE PROCEDURE count_orders(IN cid INT, OUT n INT)
BEGIN
  SELECT COUNT(*) INTO n FROM orders WHERE customer_id = cid;
END)",
    "CREATE TEMPORARY TABLE tmp_scratch (x INT)",
};

const Column& Col(const Table& t, const std::string& name) {
  const Column* c = t.FindColumn(name);
  REQUIRE_MESSAGE(c != nullptr, "no column " << name << " in " << t.name);
  return *c;
}

const Index& Idx(const Table& t, const std::string& name) {
  const Index* i = t.FindIndex(name);
  REQUIRE_MESSAGE(i != nullptr, "no index " << name << " in " << t.name);
  return *i;
}

TEST_CASE("ReadMySqlCatalog reads a rich MariaDB schema") {
  ScratchDatabase db(UniqueName("sluice_catrd"));
  ScratchDatabase other(db.name + "_other");
  MySqlConnection conn(ConfigFromEnv(db.name));
  for (const char* sql : kSchema) conn.Exec(sql);
  conn.Exec("CREATE TABLE " + conn.QuoteIdent(other.name) + ".elsewhere (id INT PRIMARY KEY)");
  conn.Exec("INSERT INTO audit_log VALUES (NOW(), 'a'), (NOW(), 'b')");

  CatalogFilter filter;
  filter.schema = [&](const std::string& s) { return s == db.name; };
  Catalog catalog = ReadMySqlCatalog(conn, Dialect::kMariaDB, filter);
  CHECK(catalog.dialect == Dialect::kMariaDB);
  CHECK(catalog.server_version.find("MariaDB") != std::string::npos);
  REQUIRE(catalog.schemas.size() == 1);
  const Schema& s = catalog.schemas[0];
  CHECK(s.name == db.name);

  std::vector<std::string> tables;
  for (const Table& t : s.tables) tables.push_back(t.name);
  CHECK(tables == std::vector<std::string>{"audit_log", "customers", "events", "order items \"ü\"", "orders"});

  SUBCASE("columns, types and defaults") {
    const Table& c = *s.FindTable("customers");
    CHECK(c.comment == "people");
    CHECK(c.engine == "InnoDB");
    CHECK(c.charset == "utf8mb4");
    CHECK(c.collation == "utf8mb4_unicode_ci");
    CHECK(c.columns.size() == 30);
    CHECK(c.columns[0].name == "id");
    CHECK(c.columns[29].name == "loc");

    const Column& id = Col(c, "id");
    CHECK(id.type_raw == "int(10) unsigned");
    CHECK(id.type.name == "int");
    CHECK(id.type.is_unsigned);
    CHECK(id.auto_increment);
    CHECK_FALSE(id.nullable);
    CHECK(id.default_value.kind == DefaultKind::kNone);

    const Column& email = Col(c, "email");
    CHECK(email.collation == "utf8mb4_bin");
    CHECK(email.charset == "utf8mb4");
    CHECK(email.comment == "login name");
    CHECK(email.type.params == std::vector<int64_t>{255});

    CHECK(Col(c, "name").default_value.kind == DefaultKind::kLiteral);
    CHECK(Col(c, "name").default_value.value == "it's");
    CHECK(Col(c, "name").default_value.raw == "'it''s'");
    CHECK(Col(c, "nickname").default_value.value == "NULL");  // the string, not SQL NULL
    CHECK(Col(c, "nickname").default_value.kind == DefaultKind::kLiteral);
    CHECK(Col(c, "score").default_value.kind == DefaultKind::kNone);  // DEFAULT NULL
    CHECK(Col(c, "small").default_value.kind == DefaultKind::kNone);

    const Column& status = Col(c, "status");
    CHECK(status.type.labels == std::vector<std::string>{"active", "paused", "it's"});
    CHECK(status.default_value.value == "active");
    CHECK(Col(c, "flags").type.labels == std::vector<std::string>{"a", "b"});
    CHECK(Col(c, "flags").default_value.value == "a,b");
    CHECK(Col(c, "balance").type.params == std::vector<int64_t>{12, 2});
    CHECK(Col(c, "balance").default_value.value == "0.00");
    CHECK(Col(c, "big").default_value.value == "-5");
    CHECK(Col(c, "z").type.zerofill);
    CHECK(Col(c, "bits").default_value.kind == DefaultKind::kLiteral);
    CHECK(Col(c, "bits").default_value.raw == "b'101'");
    CHECK(Col(c, "birth").default_value.value == "2000-01-01");
    CHECK(Col(c, "t").type.params == std::vector<int64_t>{2});

    const Column& created = Col(c, "created");
    CHECK(created.type.params == std::vector<int64_t>{3});
    CHECK(created.default_value.kind == DefaultKind::kExpression);
    CHECK(created.default_value.raw == "current_timestamp(3)");
    CHECK(created.on_update.empty());
    const Column& updated = Col(c, "updated");
    CHECK(updated.default_value.kind == DefaultKind::kExpression);
    CHECK(updated.on_update == "current_timestamp()");
    CHECK(Col(c, "token").default_value.kind == DefaultKind::kExpression);
    CHECK(Col(c, "token").default_value.value == "uuid()");
    CHECK(Col(c, "twice").default_value.kind == DefaultKind::kExpression);

    CHECK(Col(c, "doc").type_raw == "longtext");
    CHECK(Col(c, "doc").type.name == "json");  // MariaDB's JSON alias
    CHECK(Col(c, "code").charset == "latin1");
    CHECK(Col(c, "secret").invisible);
    CHECK_FALSE(Col(c, "email").invisible);

    const Column& domain = Col(c, "email_domain");
    CHECK(domain.generated == GeneratedKind::kVirtual);
    CHECK(domain.generation_expression.find("substring_index") != std::string::npos);
    CHECK(domain.default_value.kind == DefaultKind::kNone);
    CHECK(Col(c, "name_len").generated == GeneratedKind::kStored);
    CHECK(Col(c, "loc").type.name == "point");
  }

  SUBCASE("keys and indexes") {
    const Table& c = *s.FindTable("customers");
    REQUIRE(c.primary_key);
    CHECK(c.primary_key->name == "PRIMARY");
    CHECK(c.primary_key->columns == std::vector<std::string>{"id"});
    CHECK(Idx(c, "PRIMARY").primary);
    const Index& uq = Idx(c, "uq_email");
    CHECK(uq.unique);
    CHECK_FALSE(uq.primary);
    CHECK(uq.method == "btree");
    CHECK(Idx(c, "ix_name_prefix").parts[0].prefix_length == 10);
    const Index& desc = Idx(c, "ix_desc");
    REQUIRE(desc.parts.size() == 2);
    CHECK(desc.parts[0].column == "big");
    CHECK(desc.parts[0].descending);
    CHECK_FALSE(desc.parts[1].descending);
    CHECK(Idx(c, "ft_bio").method == "fulltext");
    CHECK(Idx(c, "sp_loc").method == "spatial");
    CHECK_FALSE(Idx(c, "ix_ignored").visible);
    CHECK(Idx(c, "ix_ignored").comment == "not used");
    CHECK(Idx(c, "uq_email").visible);

    const Table& audit = *s.FindTable("audit_log");
    CHECK_FALSE(audit.primary_key);
    CHECK(audit.indexes.empty());
    REQUIRE(audit.row_estimate);
  }

  SUBCASE("foreign keys and checks") {
    const Table& items = *s.FindTable("order items \"ü\"");
    REQUIRE(items.foreign_keys.size() == 2);
    const ForeignKey& self = items.foreign_keys[0];
    CHECK(self.name == "fk \"self\"");
    CHECK(self.columns == std::vector<std::string>{"order_id", "line"});
    CHECK(self.referenced_columns == std::vector<std::string>{"order_id", "line"});
    CHECK(self.on_delete == "CASCADE");
    CHECK(self.on_update == "RESTRICT");  // MariaDB's default when not stated
    const ForeignKey& fk = items.foreign_keys[1];
    CHECK(fk.name == "fk_items_customer");
    CHECK(fk.referenced_schema == db.name);
    CHECK(fk.referenced_table == "customers");
    CHECK(fk.on_delete == "SET NULL");
    CHECK(fk.on_update == "CASCADE");
    CHECK(fk.match == "SIMPLE");
    CHECK(Col(items, "we\"ird `col` ü").type.name == "int");
    CHECK(Col(items, "select").default_value.value == "x");

    const Table& c = *s.FindTable("customers");
    std::vector<std::string> checks;
    for (const Check& k : c.checks) checks.push_back(k.name + ": " + k.expression);
    CHECK(checks == std::vector<std::string>{"ck_balance: `balance` >= 0", "doc: json_valid(`doc`)"});
  }

  SUBCASE("partitions") {
    const Table& orders = *s.FindTable("orders");
    REQUIRE(orders.partitioning);
    CHECK(orders.partitioning->method == "range");
    CHECK(orders.partitioning->expression == "year(`placed`)");
    CHECK_FALSE(orders.partitioning->columns_form);
    REQUIRE(orders.partitioning->partitions.size() == 3);
    CHECK(orders.partitioning->partitions[0].name == "p2023");
    CHECK(orders.partitioning->partitions[0].bound == "VALUES LESS THAN (2024)");
    CHECK(orders.partitioning->partitions[2].bound == "VALUES LESS THAN MAXVALUE");
    const Table& events = *s.FindTable("events");
    REQUIRE(events.partitioning);
    CHECK(events.partitioning->method == "list");
    CHECK(events.partitioning->columns_form);
    CHECK(events.partitioning->columns == std::vector<std::string>{"kind"});
    CHECK(events.partitioning->partitions[0].bound == "VALUES IN ('a','b')");
    CHECK_FALSE(s.FindTable("customers")->partitioning);
  }

  SUBCASE("views, sequences, triggers, routines") {
    REQUIRE(s.views.size() == 3);
    const View& active = *s.FindView("v_active");
    CHECK(active.check_option == "CASCADED");
    CHECK(active.security == "DEFINER");
    CHECK(active.depends_on == std::vector<std::string>{db.name + ".customers"});
    CHECK(active.columns.size() == 3);
    CHECK(active.definition.find("`customers`") != std::string::npos);
    const View& emails = *s.FindView("v_active_emails");
    CHECK(emails.depends_on == std::vector<std::string>{db.name + ".v_active"});
    const View& summary = *s.FindView("v summary");
    CHECK(summary.security == "INVOKER");
    CHECK(summary.depends_on == std::vector<std::string>{db.name + ".order items \"ü\""});

    ViewOrder order = SortViewsByDependency(catalog);
    REQUIRE(order.order.size() == 3);
    CHECK(order.order[0].name == "v summary");
    CHECK(order.order[1].name == "v_active");
    CHECK(order.order[2].name == "v_active_emails");

    REQUIRE(s.sequences.size() == 1);
    const Sequence& seq = s.sequences[0];
    CHECK(seq.name == "seq_invoice");
    CHECK(seq.start == 100);
    CHECK(seq.increment == 5);
    CHECK(seq.max_value == 100000);
    CHECK(seq.cache == 10);
    CHECK(seq.cycle);

    REQUIRE(s.triggers.size() == 1);
    CHECK(s.triggers[0].name == "trg_orders_bi");
    CHECK(s.triggers[0].table == "orders");
    CHECK(s.triggers[0].timing == "BEFORE");
    CHECK(s.triggers[0].events == std::vector<std::string>{"INSERT"});
    CHECK(s.triggers[0].definition.find("COALESCE") != std::string::npos);

    REQUIRE(s.routines.size() == 2);
    CHECK(s.routines[0].name == "add_tax");
    CHECK(s.routines[0].kind == "function");
    CHECK(s.routines[0].arguments == "`amount` decimal(10,2)");
    CHECK(s.routines[0].returns == "decimal(10,2)");
    CHECK(s.routines[1].name == "count_orders");
    CHECK(s.routines[1].kind == "procedure");
    CHECK(s.routines[1].arguments == "IN `cid` int(11), OUT `n` int(11)");
  }

  SUBCASE("snapshot matches the golden file and round-trips") {
    std::string text = CatalogToJsonText(catalog);
    CatalogJsonResult back = CatalogFromJsonText(text);
    REQUIRE_MESSAGE(back.ok(), back.error);
    CHECK(CatalogToJsonText(*back.catalog) == text);

    Catalog masked = catalog;
    masked.server_version = "<masked>";
    for (Schema& m : masked.schemas) {
      for (Table& t : m.tables) t.row_estimate.reset();
    }
    std::string golden = testing::ReplaceAll(CatalogToJsonText(masked), db.name, "sluice_test_db");
    std::string problem =
        testing::CompareWithGolden(golden, SLUICE_SOURCE_DIR "/dialects/mysql/testdata/catalog_mariadb.golden.json");
    CHECK_MESSAGE(problem.empty(), problem);
  }
}

TEST_CASE("ReadMySqlCatalog applies the table filter and skips system schemas") {
  ScratchDatabase db(UniqueName("sluice_catrd_f"));
  MySqlConnection conn(ConfigFromEnv(db.name));
  conn.Exec("CREATE TABLE keep_me (id INT PRIMARY KEY, v INT, KEY ix_v (v))");
  conn.Exec("CREATE TABLE skip_me (id INT PRIMARY KEY)");
  CatalogFilter filter;
  filter.table = [&](const std::string& schema, const std::string& table) {
    return schema != db.name || table != "skip_me";
  };
  Catalog catalog = ReadMySqlCatalog(conn, Dialect::kMariaDB, filter);
  for (const Schema& s : catalog.schemas) CHECK_FALSE(IsMySqlSystemSchema(s.name));
  const Schema* s = catalog.FindSchema(db.name);
  REQUIRE(s != nullptr);
  REQUIRE(s->tables.size() == 1);
  CHECK(s->tables[0].name == "keep_me");
  CHECK(s->tables[0].columns.size() == 2);
  CHECK(s->tables[0].indexes.size() == 2);
}

TEST_CASE("MySqlConnection: binary-safe results, errors with codes, quoting") {
  MySqlConnection conn(ConfigFromEnv());
  QueryResult r = conn.Query("SELECT CONCAT('a', CHAR(0), 'b') AS v, NULL AS n, " +
                             conn.QuoteString("it's \\ \"x\"") + " AS q");
  REQUIRE(r.rows.size() == 1);
  CHECK(r.columns == std::vector<std::string>{"v", "n", "q"});
  CHECK(*r.rows[0][0] == std::string("a\0b", 3));
  CHECK_FALSE(r.rows[0][1].has_value());
  CHECK(*r.rows[0][2] == "it's \\ \"x\"");
  CHECK(conn.Query("SELECT 1 AS " + conn.QuoteIdent("we`ird")).columns[0] == "we`ird");
  CHECK(conn.ServerVersion().find("MariaDB") != std::string::npos);
  try {
    conn.Query("SELECT * FROM no_such_db.no_such_table");
    FAIL("expected an error");
  } catch (const DbException& e) {
    CHECK(e.error().code == 1146);
    CHECK(e.error().sqlstate == "42S02");
    CHECK(std::string(e.what()).rfind("ERROR 1146 (42S02): ", 0) == 0);
  }
  ConnectionConfig bad = ConfigFromEnv();
  bad.dsn.user = "nobody_here";
  bad.password = "s3cret-pw";
  try {
    MySqlConnection never(bad);
    FAIL("expected an error");
  } catch (const DbException& e) {
    CHECK(e.error().code == 1045);
    CHECK(std::string(e.what()).find("s3cret-pw") == std::string::npos);
    CHECK(std::string(e.what()).find("cannot connect to mysql://nobody_here@") != std::string::npos);
  }
}

TEST_CASE("MySqlConnection: password logins work and the password never shows in errors") {
  const char* user = std::getenv("SLUICE_TEST_PW_USER");
  const char* password = std::getenv("SLUICE_TEST_PW_PASSWORD");
  if (user == nullptr || password == nullptr) {
    MESSAGE("SLUICE_TEST_PW_USER / SLUICE_TEST_PW_PASSWORD not set (servers not from scripts/test-servers.sh)");
    return;
  }
  ConnectionConfig good = ConfigFromEnv();
  good.dsn.user = user;
  good.password = password;
  MySqlConnection conn(good);
  CHECK(conn.Query("SELECT 1").rows.size() == 1);
  ConnectionConfig bad = good;
  bad.password = std::string(password) + "-wrong";
  try {
    MySqlConnection never(bad);
    FAIL("expected an error");
  } catch (const DbException& e) {
    CHECK(e.error().code == 1045);
    CHECK(std::string(e.what()).find(bad.password) == std::string::npos);
  }
}

}  // namespace
}  // namespace sluice
