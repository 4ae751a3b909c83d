#include "common/dsn.h"

#include <cctype>

namespace sluice {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes `s`; returns false (with the offset of the bad escape) on a
// malformed escape.
bool PercentDecode(std::string_view s, std::string* out, size_t* bad) {
  out->clear();
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out->push_back(s[i]);
      continue;
    }
    int hi = i + 1 < s.size() ? HexValue(s[i + 1]) : -1;
    int lo = i + 2 < s.size() ? HexValue(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      *bad = i;
      return false;
    }
    out->push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return true;
}

std::string PercentEncodeUser(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

DsnParse Fail(std::string msg, size_t offset, size_t length = 1) {
  DsnParse r;
  r.error = std::move(msg);
  r.error_offset = offset;
  r.error_length = length == 0 ? 1 : length;
  return r;
}

}  // namespace

std::vector<std::string> DsnSchemes() {
  return {"mysql", "mariadb", "oceanbase", "tidb", "postgresql", "postgres"};
}

std::string Dsn::ToString() const {
  std::string out = scheme + "://";
  if (!user.empty()) out += PercentEncodeUser(user) + "@";
  out += host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != 0) out += ":" + std::to_string(port);
  if (!database.empty()) out += "/" + database;
  for (size_t i = 0; i < params.size(); ++i) {
    out += (i == 0 ? "?" : "&") + params[i].first + "=" + params[i].second;
  }
  return out;
}

DsnParse ParseDsn(std::string_view text) {
  size_t sep = text.find("://");
  if (sep == std::string_view::npos) {
    return Fail("expected scheme://user@host:port/database", 0, text.size());
  }
  DsnParse r;
  std::string scheme(text.substr(0, sep));
  for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  bool known = false;
  for (const auto& s : DsnSchemes()) known = known || s == scheme;
  if (!known) return Fail("unknown DSN scheme '" + scheme + "'", 0, sep);
  r.dsn.scheme = scheme;

  size_t pos = sep + 3;
  size_t authority_end = text.find_first_of("/?", pos);
  if (authority_end == std::string_view::npos) authority_end = text.size();
  std::string_view authority = text.substr(pos, authority_end - pos);

  // userinfo: the part before the last '@' (an '@' in a user name must be %40).
  size_t at = authority.rfind('@');
  size_t host_start = pos;
  if (at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    size_t colon = userinfo.find(':');
    std::string_view user = userinfo.substr(0, colon);
    size_t bad = 0;
    if (!PercentDecode(user, &r.dsn.user, &bad)) {
      return Fail("malformed %-escape in the user name", pos + bad, 3);
    }
    if (colon != std::string_view::npos) r.password = std::string(userinfo.substr(colon + 1));
    host_start = pos + at + 1;
  }
  std::string_view hostport = text.substr(host_start, authority_end - host_start);
  std::string_view host = hostport;
  std::string_view port;
  if (!hostport.empty() && hostport[0] == '[') {
    size_t close = hostport.find(']');
    if (close == std::string_view::npos) {
      return Fail("unclosed '[' in an IPv6 host", host_start, hostport.size());
    }
    host = hostport.substr(1, close - 1);
    std::string_view rest = hostport.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') return Fail("expected ':port' after ']'", host_start + close + 1);
      port = rest.substr(1);
    }
  } else {
    size_t colon = hostport.rfind(':');
    if (colon != std::string_view::npos) {
      host = hostport.substr(0, colon);
      port = hostport.substr(colon + 1);
    }
  }
  if (host.empty()) return Fail("the DSN has no host", host_start, hostport.size());
  for (char c : host) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == '/' || c == '@') {
      return Fail("invalid character in the host name", host_start, hostport.size());
    }
  }
  r.dsn.host = std::string(host);
  if (!port.empty() || (hostport.size() > host.size() && hostport.back() == ':')) {
    size_t port_off = host_start + (hostport.size() - port.size());
    unsigned long value = 0;
    bool digits = !port.empty() && port.size() <= 5;
    for (char c : port) digits = digits && std::isdigit(static_cast<unsigned char>(c));
    if (digits) value = std::stoul(std::string(port));
    if (!digits || value == 0 || value > 65535) {
      return Fail("port must be a number from 1 to 65535", port_off, port.size());
    }
    r.dsn.port = static_cast<uint16_t>(value);
  }

  pos = authority_end;
  if (pos < text.size() && text[pos] == '/') {
    size_t db_end = text.find('?', pos);
    if (db_end == std::string_view::npos) db_end = text.size();
    size_t bad = 0;
    if (!PercentDecode(text.substr(pos + 1, db_end - pos - 1), &r.dsn.database, &bad)) {
      return Fail("malformed %-escape in the database name", pos + 1 + bad, 3);
    }
    if (r.dsn.database.find('/') != std::string::npos) {
      return Fail("the database name contains '/'", pos + 1, db_end - pos - 1);
    }
    pos = db_end;
  }
  if (pos < text.size() && text[pos] == '?') {
    std::string_view query = text.substr(pos + 1);
    size_t off = pos + 1;
    while (!query.empty()) {
      size_t amp = query.find('&');
      std::string_view kv = query.substr(0, amp);
      size_t eq = kv.find('=');
      if (eq == std::string_view::npos || eq == 0) {
        return Fail("expected key=value in the DSN's query string", off, kv.size());
      }
      std::string key(kv.substr(0, eq)), value;
      size_t bad = 0;
      if (!PercentDecode(kv.substr(eq + 1), &value, &bad)) {
        return Fail("malformed %-escape in a DSN parameter", off + eq + 1 + bad, 3);
      }
      r.dsn.params.emplace_back(key, value);
      if (amp == std::string_view::npos) break;
      off += amp + 1;
      query = query.substr(amp + 1);
    }
  }
  r.ok = true;
  return r;
}

}  // namespace sluice
