#include "dialects/mysql/binlog_position.h"

#include <algorithm>
#include <charconv>

namespace sluice::binlog {

namespace {

template <typename T>
bool ParseNumber(std::string_view s, T* out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::vector<MariaGtid>> ParseGtidList(std::string_view text) {
  std::vector<MariaGtid> out;
  text = Trim(text);
  if (text.empty()) return out;
  while (true) {
    size_t comma = text.find(',');
    std::string_view item = Trim(text.substr(0, comma));
    size_t d1 = item.find('-');
    size_t d2 = d1 == std::string_view::npos ? d1 : item.find('-', d1 + 1);
    if (d2 == std::string_view::npos) return std::nullopt;
    MariaGtid g;
    if (!ParseNumber(item.substr(0, d1), &g.domain_id) || !ParseNumber(item.substr(d1 + 1, d2 - d1 - 1), &g.server_id) ||
        !ParseNumber(item.substr(d2 + 1), &g.seq_no)) {
      return std::nullopt;
    }
    for (const auto& o : out) {
      if (o.domain_id == g.domain_id) return std::nullopt;  // one GTID per domain
    }
    out.push_back(g);
    if (comma == std::string_view::npos) break;
    text = text.substr(comma + 1);
  }
  std::sort(out.begin(), out.end(), [](const MariaGtid& a, const MariaGtid& b) { return a.domain_id < b.domain_id; });
  return out;
}

std::string GtidListText(const std::vector<MariaGtid>& gtids) {
  std::string out;
  for (const auto& g : gtids) {
    if (!out.empty()) out += ',';
    out += std::to_string(g.domain_id) + "-" + std::to_string(g.server_id) + "-" + std::to_string(g.seq_no);
  }
  return out;
}

BinlogPosition BinlogPosition::AtFile(std::string file, uint64_t offset) {
  BinlogPosition p;
  p.file = std::move(file);
  p.offset = offset;
  return p;
}

BinlogPosition BinlogPosition::AtGtids(std::vector<MariaGtid> gtids) {
  BinlogPosition p;
  p.gtid_mode = true;
  std::sort(gtids.begin(), gtids.end(), [](const MariaGtid& a, const MariaGtid& b) { return a.domain_id < b.domain_id; });
  p.gtids = std::move(gtids);
  return p;
}

std::optional<BinlogPosition> BinlogPosition::Parse(std::string_view text, std::string* error) {
  text = Trim(text);
  size_t colon = text.rfind(':');
  if (colon != std::string_view::npos) {
    std::string_view file = text.substr(0, colon);
    uint64_t offset = 0;
    if (file.empty() || file.find_first_of("/\\") != std::string_view::npos ||
        !ParseNumber(text.substr(colon + 1), &offset) || offset < 4) {
      if (error) *error = "binlog position '" + std::string(text) + "' is not FILE:OFFSET (e.g. mariadb-bin.000003:4567)";
      return std::nullopt;
    }
    return AtFile(std::string(file), offset);
  }
  auto gtids = ParseGtidList(text);
  if (!gtids) {
    if (error) {
      *error = "binlog position '" + std::string(text) +
               "' is neither FILE:OFFSET nor a MariaDB GTID list (DOMAIN-SERVER-SEQ[,...], e.g. 0-1-123)";
    }
    return std::nullopt;
  }
  return AtGtids(std::move(*gtids));
}

std::string BinlogPosition::ToString() const {
  if (gtid_mode) return GtidListText(gtids);
  return file + ":" + std::to_string(offset);
}

void BinlogPosition::Advance(const MariaGtid& g) {
  for (auto& o : gtids) {
    if (o.domain_id == g.domain_id) {
      o = g;
      return;
    }
  }
  gtids.push_back(g);
  std::sort(gtids.begin(), gtids.end(), [](const MariaGtid& a, const MariaGtid& b) { return a.domain_id < b.domain_id; });
}

}  // namespace sluice::binlog
