#include "dialects/mysql/mysql_catalog_text.h"

#include <doctest/doctest.h>

#include "dialects/mysql/mysql_connection.h"

namespace sluice {
namespace {

TEST_CASE("MySqlTypeName reads COLUMN_TYPE") {
  TypeName t = MySqlTypeName("int", "int(10) unsigned zerofill");
  CHECK(t.name == "int");
  CHECK(t.params == std::vector<int64_t>{10});
  CHECK(t.is_unsigned);
  CHECK(t.zerofill);
  CHECK(t.raw == "int(10) unsigned zerofill");

  t = MySqlTypeName("bigint", "bigint unsigned");  // MySQL 8: no display width
  CHECK(t.params.empty());
  CHECK(t.is_unsigned);
  CHECK_FALSE(t.zerofill);

  t = MySqlTypeName("decimal", "decimal(10,2)");
  CHECK(t.params == std::vector<int64_t>{10, 2});
  CHECK_FALSE(t.is_unsigned);

  t = MySqlTypeName("enum", "enum('a','b''c','d,e','x\\\\y')");
  CHECK(t.name == "enum");
  CHECK(t.labels == std::vector<std::string>{"a", "b'c", "d,e", "x\\y"});
  CHECK(t.params.empty());

  t = MySqlTypeName("set", "set('r','w')");
  CHECK(t.labels == std::vector<std::string>{"r", "w"});

  t = MySqlTypeName("DATETIME", "datetime(6)");
  CHECK(t.name == "datetime");
  CHECK(t.params == std::vector<int64_t>{6});

  t = MySqlTypeName("longtext", "longtext");
  CHECK(t.params.empty());
  CHECK(t.name == "longtext");
}

TEST_CASE("MariaDB defaults: quoted literals, NULL text, expressions") {
  ColumnDefault d = MySqlColumnDefault(std::string("'it''s'"), "", true);
  CHECK(d.kind == DefaultKind::kLiteral);
  CHECK(d.value == "it's");
  CHECK(d.raw == "'it''s'");
  CHECK(MySqlColumnDefault(std::string("'a\\\\b'"), "", true).value == "a\\b");
  CHECK(MySqlColumnDefault(std::string("'NULL'"), "", true).value == "NULL");  // the string NULL
  CHECK(MySqlColumnDefault(std::string("NULL"), "", true).kind == DefaultKind::kNone);
  CHECK(MySqlColumnDefault(std::nullopt, "", true).kind == DefaultKind::kNone);
  CHECK(MySqlColumnDefault(std::string("-5"), "", true).kind == DefaultKind::kLiteral);
  CHECK(MySqlColumnDefault(std::string("1.50"), "", true).value == "1.50");
  CHECK(MySqlColumnDefault(std::string("b'101'"), "", true).kind == DefaultKind::kLiteral);
  d = MySqlColumnDefault(std::string("current_timestamp(3)"), "on update current_timestamp(3)", true);
  CHECK(d.kind == DefaultKind::kExpression);
  CHECK(d.value == "current_timestamp(3)");
  CHECK(MySqlColumnDefault(std::string("(1 + 1)"), "", true).kind == DefaultKind::kExpression);
  CHECK(MySqlColumnDefault(std::string("uuid()"), "", true).kind == DefaultKind::kExpression);
}

TEST_CASE("MySQL defaults: unquoted literals, DEFAULT_GENERATED expressions") {
  ColumnDefault d = MySqlColumnDefault(std::string("it's"), "", false);
  CHECK(d.kind == DefaultKind::kLiteral);
  CHECK(d.value == "it's");
  CHECK(MySqlColumnDefault(std::string("NULL"), "", false).kind == DefaultKind::kLiteral);  // the string NULL
  CHECK(MySqlColumnDefault(std::nullopt, "", false).kind == DefaultKind::kNone);
  CHECK(MySqlColumnDefault(std::string("CURRENT_TIMESTAMP"), "DEFAULT_GENERATED", false).kind ==
        DefaultKind::kExpression);
  CHECK(MySqlColumnDefault(std::string("CURRENT_TIMESTAMP"), "", false).kind == DefaultKind::kExpression);  // 5.7
  CHECK(MySqlColumnDefault(std::string("(rand())"), "DEFAULT_GENERATED", false).kind == DefaultKind::kExpression);
}

TEST_CASE("EXTRA words and ON UPDATE") {
  CHECK(MySqlOnUpdate("on update current_timestamp(3)") == "current_timestamp(3)");
  CHECK(MySqlOnUpdate("DEFAULT_GENERATED on update CURRENT_TIMESTAMP INVISIBLE") == "CURRENT_TIMESTAMP");
  CHECK(MySqlOnUpdate("auto_increment") == "");
  CHECK(ExtraHas("VIRTUAL GENERATED", "virtual generated"));
  CHECK(ExtraHas("DEFAULT_GENERATED on update CURRENT_TIMESTAMP INVISIBLE", "INVISIBLE"));
  CHECK_FALSE(ExtraHas("DEFAULT_GENERATED", "GENERATED"));
}

TEST_CASE("view definitions: qualified references, literals skipped") {
  auto refs = MySqlQualifiedReferences(
      "select `db`.`t`.`id` AS `id`, 'x`.`y' AS `s` from (`db`.`t` join `other`.`a``b`) where `t`.`id` > 0");
  using P = std::pair<std::string, std::string>;
  CHECK(refs == std::vector<P>{P{"db", "t"}, P{"t", "id"}, P{"other", "a`b"}});
}

TEST_CASE("identifier lists and partition bounds") {
  CHECK(SplitMySqlIdentList("`a`,`b``c`") == std::vector<std::string>{"a", "b`c"});
  CHECK(SplitMySqlIdentList("a, b") == std::vector<std::string>{"a", "b"});
  CHECK(MySqlPartitionBound("range", false, std::string("10")) == "VALUES LESS THAN (10)");
  CHECK(MySqlPartitionBound("range", false, std::string("MAXVALUE")) == "VALUES LESS THAN MAXVALUE");
  CHECK(MySqlPartitionBound("range", true, std::string("'2024-01-01',MAXVALUE")) ==
        "VALUES LESS THAN ('2024-01-01',MAXVALUE)");
  CHECK(MySqlPartitionBound("list", false, std::string("1,2")) == "VALUES IN (1,2)");
  CHECK(MySqlPartitionBound("hash", false, std::nullopt) == "");
}

TEST_CASE("MySQL identifier quoting doubles backticks") {
  CHECK(MySqlConnection::QuoteMySqlIdent("a`b") == "`a``b`");
  CHECK(MySqlConnection::QuoteMySqlIdent("order") == "`order`");
}

}  // namespace
}  // namespace sluice
