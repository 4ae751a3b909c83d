#include "common/dialect.h"

#include <cstdint>
#include <cstdio>

namespace sluice {

const char* DialectName(Dialect d) {
  switch (d) {
    case Dialect::kMySQL: return "mysql";
    case Dialect::kMariaDB: return "mariadb";
    case Dialect::kOceanBase: return "oceanbase";
    case Dialect::kTiDB: return "tidb";
    case Dialect::kPostgreSQL: return "postgresql";
  }
  return "?";
}

std::vector<Dialect> AllDialects() {
  return {Dialect::kMySQL, Dialect::kMariaDB, Dialect::kOceanBase, Dialect::kTiDB,
          Dialect::kPostgreSQL};
}

std::vector<std::string> DialectNames() {
  std::vector<std::string> out;
  for (Dialect d : AllDialects()) out.push_back(DialectName(d));
  return out;
}

std::optional<Dialect> ParseDialect(const std::string& name) {
  for (Dialect d : AllDialects()) {
    if (name == DialectName(d)) return d;
  }
  return std::nullopt;
}

bool IsMySQLFamily(Dialect d) { return d != Dialect::kPostgreSQL; }

namespace {

uint32_t Fnv1a(const std::string& s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

}  // namespace

size_t MaxIdentifierLength(Dialect d) { return d == Dialect::kPostgreSQL ? 63 : 64; }

std::string FitIdentifier(const std::string& name, Dialect d) {
  size_t max = MaxIdentifierLength(d);
  // PostgreSQL counts bytes; MySQL counts characters.
  size_t length = 0;
  for (unsigned char c : name) {
    if (d == Dialect::kPostgreSQL || (c & 0xC0) != 0x80) ++length;
  }
  if (length <= max) return name;
  char hash[16];
  snprintf(hash, sizeof hash, "_%08x", Fnv1a(name));
  size_t keep = max - 9;  // room for "_xxxxxxxx"
  std::string out;
  size_t count = 0;
  for (size_t i = 0; i < name.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    bool starts_char = (c & 0xC0) != 0x80;
    if (starts_char) {
      // Stop before a character that would not fit whole.
      size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
      size_t cost = d == Dialect::kPostgreSQL ? len : 1;
      if (count + cost > keep) break;
      count += cost;
      out.append(name, i, len);
      i += len - 1;
    }
  }
  return out + hash;
}

}  // namespace sluice
