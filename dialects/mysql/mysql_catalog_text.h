#pragma once
// Interpreting the text a MySQL-family information_schema reports: column
// types, defaults (MariaDB and MySQL spell them differently), the EXTRA
// column, partition bounds and the tables a view definition names. Pure
// functions, unit-tested without a server.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "catalog/catalog.h"

namespace sluice {

// A TypeName from COLUMNS.DATA_TYPE ("int") and COLUMN_TYPE ("int(10) unsigned
// zerofill", "enum('a','b''c')", "decimal(10,2)"). `raw` is COLUMN_TYPE.
TypeName MySqlTypeName(const std::string& data_type, const std::string& column_type);

// COLUMNS.COLUMN_DEFAULT (nullopt = SQL NULL) classified. MariaDB (>= 10.2.7)
// quotes string literals ('it''s'), reports an explicit or implicit DEFAULT
// NULL as the text NULL and prints expressions as text (current_timestamp(),
// (1 + 1)); MySQL reports literals unquoted and marks expression defaults
// with DEFAULT_GENERATED in EXTRA. A NULL default becomes kNone either way.
ColumnDefault MySqlColumnDefault(const std::optional<std::string>& column_default, const std::string& extra,
                                 bool mariadb_quoting);

// The value of a quoted SQL string literal ('a''b' or 'a\'b' -> a'b); the
// text unchanged when it is not quoted.
std::string UnquoteMySqlLiteral(const std::string& text);

// "on update current_timestamp(3)" in EXTRA -> "current_timestamp(3)", else "".
std::string MySqlOnUpdate(const std::string& extra);

// Case-insensitive whole-word search in EXTRA ("VIRTUAL GENERATED", "INVISIBLE", ...).
bool ExtraHas(const std::string& extra, const std::string& words);

// Pairs `a`.`b` of backquoted identifiers in a view definition, string
// literals skipped, in order of first appearance, without duplicates.
std::vector<std::pair<std::string, std::string>> MySqlQualifiedReferences(const std::string& sql);

// "`a`,`b``c`" -> {"a", "b`c"}; an unquoted list is split on commas and trimmed.
std::vector<std::string> SplitMySqlIdentList(const std::string& text);

// The bound clause of a partition: RANGE -> "VALUES LESS THAN (10)" or
// "VALUES LESS THAN MAXVALUE", LIST -> "VALUES IN (1,2)", HASH/KEY -> "".
std::string MySqlPartitionBound(const std::string& method, bool columns_form, const std::optional<std::string>& description);

}  // namespace sluice
