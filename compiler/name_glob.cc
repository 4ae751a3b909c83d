#include "compiler/name_glob.h"

#include "common/text.h"

namespace sluice {

namespace {

bool IsSpecial(char c) { return c == '*' || c == '?' || c == '[' || c == ']' || c == '\\'; }

// Matches a bracket set starting at pattern[i] == '['; returns the index after
// ']' and whether `c` is in the set. The set is known to be well-formed.
size_t MatchSet(std::string_view p, size_t i, unsigned char c, bool* in_set) {
  ++i;
  bool negate = i < p.size() && p[i] == '!';
  if (negate) ++i;
  bool found = false;
  bool first = true;
  while (i < p.size() && (p[i] != ']' || first)) {
    first = false;
    unsigned char lo = static_cast<unsigned char>(p[i]);
    if (lo == '\\' && i + 1 < p.size()) lo = static_cast<unsigned char>(p[++i]);
    unsigned char hi = lo;
    if (i + 2 < p.size() && p[i + 1] == '-' && p[i + 2] != ']') {
      hi = static_cast<unsigned char>(p[i + 2]);
      if (hi == '\\' && i + 3 < p.size()) { hi = static_cast<unsigned char>(p[i + 3]); ++i; }
      i += 2;
    }
    if (c >= lo && c <= hi) found = true;
    ++i;
  }
  *in_set = found != negate;
  return i + 1;
}

}  // namespace

bool GlobMatch(std::string_view p, std::string_view s) {
  // Iterative matcher with single-star backtracking: linear for typical
  // patterns, never exponential.
  size_t pi = 0, si = 0, star_p = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star_p = pi++;
      star_s = si;
      continue;
    }
    if (pi < p.size()) {
      unsigned char c = static_cast<unsigned char>(s[si]);
      if (p[pi] == '?') { ++pi; ++si; continue; }
      if (p[pi] == '[') {
        bool in = false;
        size_t next = MatchSet(p, pi, c, &in);
        if (in) { pi = next; ++si; continue; }
      } else if (p[pi] == '\\' && pi + 1 < p.size()) {
        if (p[pi + 1] == s[si]) { pi += 2; ++si; continue; }
      } else if (p[pi] == s[si]) {
        ++pi; ++si; continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    pi = star_p + 1;
    si = ++star_s;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

bool NameGlob::Matches(const std::vector<std::string>& names) const {
  if (names.size() != parts.size()) return false;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (!GlobMatch(parts[i], names[i])) return false;
  }
  return true;
}

std::string NameGlob::LiteralPart(size_t i) const {
  std::string out;
  const std::string& p = parts.at(i);
  for (size_t k = 0; k < p.size(); ++k) {
    if (p[k] == '\\' && k + 1 < p.size()) ++k;
    out.push_back(p[k]);
  }
  return out;
}

NameGlobParse ParseNameGlob(std::string_view text, size_t part_count) {
  NameGlobParse r;
  auto fail = [&](std::string msg, size_t off, size_t len, std::string help = {}) {
    r.ok = false;
    r.error = std::move(msg);
    r.offset = off;
    r.length = len == 0 ? 1 : len;
    r.help = std::move(help);
    return r;
  };
  std::string shape = part_count == 2 ? "schema.table" : "schema.table.column";
  r.glob.text = std::string(text);
  std::vector<std::string> parts(1);
  std::vector<size_t> part_start{0};
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"') {
      size_t start = i;
      for (++i;; ++i) {
        if (i >= text.size()) {
          return fail("unclosed '\"' in a name pattern", start, text.size() - start,
                      "close the quoted name with '\"'");
        }
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') { parts.back() += '"'; ++i; continue; }
          break;
        }
        if (IsSpecial(text[i])) parts.back() += '\\';
        parts.back() += text[i];
      }
    } else if (c == '\\') {
      if (i + 1 >= text.size()) {
        return fail("a name pattern ends with a lone '\\'", i, 1, "write '\\\\' for a backslash");
      }
      char n = text[++i];
      if (IsSpecial(n)) parts.back() += '\\';
      parts.back() += n;
    } else if (c == '.') {
      parts.emplace_back();
      part_start.push_back(i + 1);
    } else if (c == '[') {
      size_t start = i;
      size_t j = i + 1;
      if (j < text.size() && text[j] == '!') ++j;
      if (j < text.size() && text[j] == ']') ++j;  // ']' first in a set is literal
      while (j < text.size() && text[j] != ']') {
        if (text[j] == '\\') ++j;
        ++j;
      }
      if (j >= text.size()) {
        return fail("unclosed '[' in a name pattern", start, text.size() - start,
                    "close the character set with ']', or write '\\[' for a literal '['");
      }
      if (j == start + 1 || (j == start + 2 && text[start + 1] == '!')) {
        return fail("empty character set '[]' in a name pattern", start, j - start + 1);
      }
      parts.back() += std::string(text.substr(start, j - start + 1));
      r.glob.literal = false;
      i = j;
    } else if (c == ']') {
      return fail("unmatched ']' in a name pattern", i, 1, "write '\\]' for a literal ']'");
    } else {
      if (c == '*' || c == '?') r.glob.literal = false;
      parts.back() += c;
    }
  }
  if (parts.size() != part_count) {
    return fail("expected a " + shape + " pattern, found " + std::to_string(parts.size()) +
                    " part" + (parts.size() == 1 ? "" : "s"),
                0, text.size(),
                parts.size() < part_count
                    ? "write it as " + shape + ", e.g. '" +
                          (part_count == 2 ? std::string("public.*") : std::string("public.orders.total")) + "'"
                    : "quote a name that contains a dot: '\"my.name\"'");
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].empty()) {
      return fail("empty name in a " + shape + " pattern", part_start[i], 1,
                  "use '*' to match any name");
    }
  }
  r.glob.parts = std::move(parts);
  r.ok = true;
  return r;
}

std::vector<std::string> NameTemplate::Expand(const std::string& schema,
                                              const std::string& table) const {
  std::vector<std::string> out;
  for (const auto& pieces : parts) {
    std::string s;
    for (const auto& piece : pieces) {
      if (piece == "{schema}") s += schema;
      else if (piece == "{table}") s += table;
      else s += piece;
    }
    out.push_back(s);
  }
  return out;
}

NameTemplateParse ParseNameTemplate(std::string_view text) {
  NameTemplateParse r;
  auto fail = [&](std::string msg, size_t off, size_t len, std::string help = {}) {
    r.ok = false;
    r.error = std::move(msg);
    r.offset = off;
    r.length = len == 0 ? 1 : len;
    r.help = std::move(help);
    return r;
  };
  r.tmpl.text = std::string(text);
  std::vector<std::vector<std::string>> parts(1);
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) parts.back().push_back(literal);
    literal.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '{' && i + 1 < text.size() && text[i + 1] == '{') { literal += '{'; ++i; continue; }
    if (c == '}' && i + 1 < text.size() && text[i + 1] == '}') { literal += '}'; ++i; continue; }
    if (c == '{') {
      size_t close = text.find('}', i);
      if (close == std::string_view::npos) {
        return fail("unclosed '{' in a name template", i, text.size() - i,
                    "placeholders are {schema} and {table}; write '{{' for a literal brace");
      }
      std::string name(text.substr(i + 1, close - i - 1));
      if (name != "schema" && name != "table") {
        std::string dym = DidYouMean(name, {"schema", "table"});
        return fail("unknown placeholder '{" + name + "}' in a name template", i, close - i + 1,
                    dym.empty() ? "placeholders are {schema} and {table}" : dym);
      }
      flush();
      parts.back().push_back("{" + name + "}");
      (name == "schema" ? r.tmpl.uses_schema : r.tmpl.uses_table) = true;
      i = close;
      continue;
    }
    if (c == '}') {
      return fail("unmatched '}' in a name template", i, 1, "write '}}' for a literal brace");
    }
    if (c == '.') {
      flush();
      parts.emplace_back();
      continue;
    }
    if (c == '*' || c == '?' || c == '[') {
      return fail("a wildcard in a target name", i, 1,
                  "the target is a template: use {table} for the source table's name");
    }
    literal += c;
  }
  flush();
  if (parts.size() != 2) {
    return fail("expected a schema.table template, found " + std::to_string(parts.size()) +
                    " part" + (parts.size() == 1 ? "" : "s"),
                0, text.size(), "write it as 'shop.{table}'");
  }
  for (const auto& p : parts) {
    if (p.empty()) return fail("empty name in a schema.table template", 0, text.size());
  }
  r.tmpl.parts = std::move(parts);
  r.ok = true;
  return r;
}

}  // namespace sluice
