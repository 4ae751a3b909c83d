#pragma once
// DDL writers: catalog objects (catalog/catalog.h) printed as the CREATE /
// ALTER statements of one target dialect. The schema translator builds the
// target's tables as catalog objects whose type names, defaults and
// expressions are already in the target's SQL; a writer only arranges them
// into statements, quoting every identifier.
//
// Statements are returned without a trailing ';'. The split follows the
// migration's order: a table is created with its columns and primary key
// only; secondary indexes come after the data; foreign keys and held-back
// CHECK constraints at switchover.

#include <memory>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "common/dialect.h"

namespace sluice {

class DdlWriter {
 public:
  virtual ~DdlWriter() = default;

  virtual Dialect dialect() const = 0;
  virtual std::string QuoteIdent(const std::string& name) const = 0;
  virtual std::string QuoteString(const std::string& value) const = 0;
  std::string QualifiedName(const std::string& schema, const std::string& name) const {
    return QuoteIdent(schema) + "." + QuoteIdent(name);
  }

  // CREATE DATABASE / CREATE SCHEMA, if it does not exist.
  virtual std::string CreateSchema(const std::string& schema) const = 0;
  // CREATE TABLE with columns, the primary key and, where the engine needs
  // them at creation (MySQL AUTO_INCREMENT columns must be indexed), those
  // indexes; then comments where they are separate statements.
  virtual std::vector<std::string> CreateTable(const std::string& schema, const Table& table) const = 0;
  // Names of the indexes CreateTable already creates inline (not to be
  // created again after the copy).
  virtual std::vector<std::string> InlinedIndexes(const Table& table) const = 0;
  // A secondary index (unique, plain, fulltext, spatial, expression, partial).
  virtual std::string CreateIndex(const std::string& schema, const std::string& table,
                                  const Index& index) const = 0;
  virtual std::string DropIndex(const std::string& schema, const std::string& table,
                                const std::string& index) const = 0;
  // The same statement shapes on every engine; only what each engine
  // supports of a foreign key (MATCH FULL, DEFERRABLE: PostgreSQL) differs.
  std::string AddForeignKey(const std::string& schema, const std::string& table, const ForeignKey& fk) const;
  std::string AddCheck(const std::string& schema, const std::string& table, const Check& check) const;
  std::string AddColumn(const std::string& schema, const std::string& table, const Column& column) const;
  std::string DropColumn(const std::string& schema, const std::string& table, const std::string& column) const;
  // "a", "b" quoted and comma-separated.
  std::string ColumnList(const std::vector<std::string>& columns) const;
  // Changes a column's type, nullability and default to those of `column`.
  virtual std::vector<std::string> AlterColumn(const std::string& schema, const std::string& table,
                                               const Column& column) const = 0;
  virtual std::string CreateView(const std::string& schema, const View& view) const = 0;

  // The column's definition as it appears inside CREATE TABLE.
  virtual std::string ColumnDefinition(const Column& column) const = 0;
};

std::unique_ptr<DdlWriter> MakeDdlWriter(Dialect dialect);

}  // namespace sluice
