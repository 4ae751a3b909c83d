#include "runtime/table_codec.h"

#include <cctype>

#include "dialects/mysql/mysql_connection.h"
#include "dialects/postgresql/pg_connection.h"
#include "runtime/executor.h"

namespace sluice {

namespace {

std::optional<NeutralType> ParseNeutral(const std::string& text) {
  if (text.empty()) return std::nullopt;
  std::string error;
  return ParseNeutralType(text, &error);
}

std::string Lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

}  // namespace

std::string TableCodec::QuoteSource(const std::string& n) const {
  return IsMySQLFamily(source) ? MySqlConnection::QuoteMySqlIdent(n) : PgConnection::QuotePgIdent(n);
}

std::string TableCodec::QuoteTarget(const std::string& n) const {
  return IsMySQLFamily(target) ? MySqlConnection::QuoteMySqlIdent(n) : PgConnection::QuotePgIdent(n);
}

std::optional<size_t> TableCodec::FindSource(const std::string& source_name) const {
  for (size_t i = 0; i < cols.size(); ++i) {
    if (cols[i].source == source_name) return i;
  }
  return std::nullopt;
}

TableCodec MakeTableCodec(const RunPlan& plan, const RunTable& t) {
  TableCodec s;
  s.table = &t;
  s.source = plan.source.dialect;
  s.target = plan.target.dialect;
  auto tz = ParseFixedOffset(plan.settings.time_zone);
  if (!tz) {
    throw TaskError("full.time_zone '" + plan.settings.time_zone +
                    "' is a zone name; Sluice converts with fixed offsets only: write it as +HH:MM");
  }
  for (const auto& c : t.columns) {
    if (c.generated) continue;  // computed by the target; never written
    TableColumn cc;
    cc.source = c.source;
    cc.target = c.target;
    cc.codec.source = s.source;
    cc.codec.target = s.target;
    cc.codec.neutral = ParseNeutral(c.neutral);
    cc.codec.target_type = c.target_type;
    cc.codec.zero_date = plan.settings.zero_date;
    cc.codec.tz_offset_minutes = *tz;
    std::string tt = Lower(c.target_type);
    cc.codec.target_has_tz = tt.find("with time zone") != std::string::npos || tt.rfind("timestamp", 0) == 0;
    if (IsMySQLFamily(s.target) && tt.rfind("timestamp", 0) == 0) cc.codec.target_has_tz = true;
    if (IsMySQLFamily(s.target) && tt.rfind("datetime", 0) == 0) cc.codec.target_has_tz = false;
    cc.bit_target = IsMySQLFamily(s.target) && tt.rfind("bit", 0) == 0;
    const auto& n = cc.codec.neutral;
    cc.binary = n && (n->kind == NeutralKind::kBinary || n->kind == NeutralKind::kVarbinary || n->kind == NeutralKind::kBlob);
    s.cols.push_back(std::move(cc));
  }
  if (t.key_kind == RunKeyKind::kHiddenKey || t.key.empty()) {
    s.keyless = true;
  } else {
    for (const auto& k : t.key) {
      auto i = s.FindSource(k);
      if (!i) throw TaskError("key column '" + k + "' of " + t.SourceName() + " is not migrated");
      s.key.push_back(*i);
    }
  }
  for (const auto& uk : t.unique_keys) {
    std::vector<size_t> idx;
    for (const auto& k : uk) {
      if (auto i = s.FindSource(k)) idx.push_back(*i);
    }
    if (idx.size() == uk.size() && !idx.empty()) s.unique_keys.push_back(std::move(idx));
  }
  s.source_table_sql = s.QuoteSource(t.source_schema) + "." + s.QuoteSource(t.source_table);
  s.target_table_sql = s.QuoteTarget(t.target_schema) + "." + s.QuoteTarget(t.target_table);
  return s;
}

std::string HexDigits(std::string_view bytes) {
  static const char* hex = "0123456789abcdef";
  std::string h;
  h.reserve(bytes.size() * 2);
  for (unsigned char ch : bytes) {
    h += hex[ch >> 4];
    h += hex[ch & 15];
  }
  return h;
}

std::string TargetTextLiteral(SqlConnection& target, const TableColumn& c, const std::string& text) {
  if (c.bit_target) return text;  // the codec prints BIT as an unsigned number
  const auto& n = c.codec.neutral;
  if (n && IsIntegerKind(n->kind)) {
    bool plain = !text.empty();
    for (char ch : text) plain = plain && (std::isdigit(static_cast<unsigned char>(ch)) || ch == '-');
    if (plain) return text;
  }
  if (c.binary) {
    if (IsMySQLFamily(c.codec.target)) return "X'" + HexDigits(text) + "'";
  }
  return target.QuoteString(text);
}

std::optional<std::string> CanonicalTargetLiteral(SqlConnection& target, const TableColumn& c,
                                                  const std::string& canonical, std::string* reason) {
  Converted t = FromCanonical(c.codec, canonical);
  if (t.kind == Converted::Kind::kNull) return std::string("NULL");
  if (t.kind == Converted::Kind::kBad) {
    *reason = t.reason;
    return std::nullopt;
  }
  return TargetTextLiteral(target, c, t.text);
}

}  // namespace sluice
