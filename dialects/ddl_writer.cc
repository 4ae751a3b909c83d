#include "dialects/ddl_writer.h"

#include "dialects/mysql/ddl_writer.h"
#include "dialects/postgresql/ddl_writer.h"

namespace sluice {

std::unique_ptr<DdlWriter> MakeDdlWriter(Dialect dialect) {
  if (dialect == Dialect::kPostgreSQL) return MakePgDdlWriter();
  return MakeMySqlDdlWriter(dialect);
}

std::string DdlWriter::ColumnList(const std::vector<std::string>& columns) const {
  std::string out;
  for (size_t i = 0; i < columns.size(); ++i) out += (i ? ", " : "") + QuoteIdent(columns[i]);
  return out;
}

std::string DdlWriter::AddForeignKey(const std::string& schema, const std::string& table, const ForeignKey& fk) const {
  bool pg = dialect() == Dialect::kPostgreSQL;
  std::string sql = "ALTER TABLE " + QualifiedName(schema, table) + " ADD CONSTRAINT " + QuoteIdent(fk.name) +
                    " FOREIGN KEY (" + ColumnList(fk.columns) + ") REFERENCES " +
                    QualifiedName(fk.referenced_schema, fk.referenced_table) + " (" +
                    ColumnList(fk.referenced_columns) + ")";
  if (pg && fk.match == "FULL") sql += " MATCH FULL";
  if (fk.on_delete != "NO ACTION") sql += " ON DELETE " + fk.on_delete;
  if (fk.on_update != "NO ACTION") sql += " ON UPDATE " + fk.on_update;
  if (pg && fk.deferrable) sql += fk.initially_deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE";
  return sql;
}

std::string DdlWriter::AddCheck(const std::string& schema, const std::string& table, const Check& check) const {
  return "ALTER TABLE " + QualifiedName(schema, table) + " ADD CONSTRAINT " + QuoteIdent(check.name) + " CHECK (" +
         check.expression + ")";
}

std::string DdlWriter::AddColumn(const std::string& schema, const std::string& table, const Column& column) const {
  return "ALTER TABLE " + QualifiedName(schema, table) + " ADD COLUMN " + ColumnDefinition(column);
}

std::string DdlWriter::DropColumn(const std::string& schema, const std::string& table, const std::string& column) const {
  return "ALTER TABLE " + QualifiedName(schema, table) + " DROP COLUMN " + QuoteIdent(column);
}

}  // namespace sluice
