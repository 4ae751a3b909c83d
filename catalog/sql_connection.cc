#include "catalog/sql_connection.h"

namespace sluice {

std::string DbError::ToString() const {
  std::string out = "ERROR";
  if (code != 0) out += " " + std::to_string(code);
  if (!sqlstate.empty()) out += " (" + sqlstate + ")";
  return out + ": " + message;
}

int QueryResult::ColumnIndex(const std::string& name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == name) return static_cast<int>(i);
  }
  return -1;
}

std::optional<std::string> QueryResult::Get(size_t row, const std::string& column) const {
  int i = ColumnIndex(column);
  if (i < 0 || row >= rows.size()) return std::nullopt;
  return rows[row][static_cast<size_t>(i)];
}

std::string QueryResult::GetOr(size_t row, const std::string& column, const std::string& fallback) const {
  auto v = Get(row, column);
  return v ? *v : fallback;
}

}  // namespace sluice
