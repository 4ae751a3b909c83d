// Printing and parsing of neutral types. The text form is a head word (the
// kind, or "jsonb"), optional arguments in parentheses whose meaning depends on
// the kind, then modifiers in a fixed order: unsigned, display(w), zerofill,
// with tz, range(1970..Y), fields ..., charset X, collate Y. The parser accepts
// modifiers in any order; the printer always writes the canonical order, so
// print(parse(print(t))) is stable byte for byte.

#include "dialects/types/neutral_type.h"

#include <array>
#include <utility>

#include "dialects/types/type_text_lexer.h"

namespace sluice {

namespace {

using type_text::Token;

struct KindEntry {
  NeutralKind kind;
  const char* name;
};

constexpr std::array kKinds = {
    KindEntry{NeutralKind::kBool, "bool"},         KindEntry{NeutralKind::kInt8, "int8"},
    KindEntry{NeutralKind::kInt16, "int16"},       KindEntry{NeutralKind::kInt24, "int24"},
    KindEntry{NeutralKind::kInt32, "int32"},       KindEntry{NeutralKind::kInt64, "int64"},
    KindEntry{NeutralKind::kUInt8, "uint8"},       KindEntry{NeutralKind::kUInt16, "uint16"},
    KindEntry{NeutralKind::kUInt24, "uint24"},     KindEntry{NeutralKind::kUInt32, "uint32"},
    KindEntry{NeutralKind::kUInt64, "uint64"},     KindEntry{NeutralKind::kDecimal, "decimal"},
    KindEntry{NeutralKind::kFloat32, "float32"},   KindEntry{NeutralKind::kFloat64, "float64"},
    KindEntry{NeutralKind::kChar, "char"},         KindEntry{NeutralKind::kVarchar, "varchar"},
    KindEntry{NeutralKind::kText, "text"},         KindEntry{NeutralKind::kBinary, "binary"},
    KindEntry{NeutralKind::kVarbinary, "varbinary"}, KindEntry{NeutralKind::kBlob, "blob"},
    KindEntry{NeutralKind::kDate, "date"},         KindEntry{NeutralKind::kTime, "time"},
    KindEntry{NeutralKind::kTimestamp, "timestamp"}, KindEntry{NeutralKind::kYear, "year"},
    KindEntry{NeutralKind::kInterval, "interval"}, KindEntry{NeutralKind::kJson, "json"},
    KindEntry{NeutralKind::kUuid, "uuid"},         KindEntry{NeutralKind::kEnum, "enum"},
    KindEntry{NeutralKind::kSet, "set"},           KindEntry{NeutralKind::kBit, "bit"},
    KindEntry{NeutralKind::kVarbit, "varbit"},     KindEntry{NeutralKind::kArray, "array"},
    KindEntry{NeutralKind::kGeometry, "geometry"}, KindEntry{NeutralKind::kVector, "vector"},
    KindEntry{NeutralKind::kInet, "inet"},         KindEntry{NeutralKind::kCidr, "cidr"},
    KindEntry{NeutralKind::kMacaddr, "macaddr"},   KindEntry{NeutralKind::kMacaddr8, "macaddr8"},
    KindEntry{NeutralKind::kInet4, "inet4"},       KindEntry{NeutralKind::kInet6, "inet6"},
    KindEntry{NeutralKind::kMoney, "money"},       KindEntry{NeutralKind::kXml, "xml"},
    KindEntry{NeutralKind::kTsvector, "tsvector"}, KindEntry{NeutralKind::kTsquery, "tsquery"},
    KindEntry{NeutralKind::kRange, "range"},       KindEntry{NeutralKind::kMultirange, "multirange"},
    KindEntry{NeutralKind::kGeometric, "geometric"}, KindEntry{NeutralKind::kPgLsn, "pg_lsn"},
};

bool HasLength(NeutralKind k) {
  switch (k) {
    case NeutralKind::kChar: case NeutralKind::kVarchar: case NeutralKind::kBinary:
    case NeutralKind::kVarbinary: case NeutralKind::kBit: case NeutralKind::kVarbit:
    case NeutralKind::kVector:
      return true;
    default:
      return false;
  }
}

bool HasElement(NeutralKind k) {
  return k == NeutralKind::kArray || k == NeutralKind::kRange || k == NeutralKind::kMultirange;
}

bool HasFraction(NeutralKind k) {
  return k == NeutralKind::kTime || k == NeutralKind::kTimestamp || k == NeutralKind::kInterval;
}

bool IsNumericKind(NeutralKind k) {
  return IsIntegerKind(k) || k == NeutralKind::kDecimal || k == NeutralKind::kFloat32 ||
         k == NeutralKind::kFloat64;
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, std::string* error) : toks_(std::move(tokens)), error_(error) {}

  std::optional<NeutralType> ParseAll() {
    auto t = ParseType();
    if (!t) return std::nullopt;
    if (pos_ != toks_.size()) return Fail("unexpected '" + toks_[pos_].text + "'");
    return t;
  }

 private:
  std::optional<NeutralType> ParseType() {
    if (AtEnd() || toks_[pos_].kind != Token::Kind::kWord) return Fail("expected a neutral type name");
    std::string head = toks_[pos_++].text;
    NeutralType t;
    if (head == "jsonb") {
      t.kind = NeutralKind::kJson;
      t.jsonb = true;
    } else if (auto k = ParseNeutralKindName(head)) {
      t.kind = *k;
    } else {
      return Fail("unknown neutral type '" + head + "'");
    }
    if (Peek("(") && !ParseArgs(t)) return std::nullopt;
    while (!AtEnd() && toks_[pos_].kind == Token::Kind::kWord) {
      std::string m = toks_[pos_++].text;
      if (m == "unsigned" && (IsNumericKind(t.kind) && !IsIntegerKind(t.kind))) {
        t.is_unsigned = true;
      } else if (m == "zerofill" && IsNumericKind(t.kind)) {
        t.zerofill = true;
      } else if (m == "display" && IsIntegerKind(t.kind)) {
        auto n = ParenNumber();
        if (!n) return std::nullopt;
        t.display_width = static_cast<int>(*n);
      } else if (m == "with" && (t.kind == NeutralKind::kTime || t.kind == NeutralKind::kTimestamp)) {
        if (!ExpectWord("tz")) return std::nullopt;
        t.with_tz = true;
      } else if (m == "range" && t.kind == NeutralKind::kTimestamp) {
        if (!Expect("(")) return std::nullopt;
        auto lo = Number();
        if (!lo) return std::nullopt;
        if (*lo != 1970) return Fail("a timestamp range starts at 1970");
        if (!Expect("..")) return std::nullopt;
        auto hi = Number();
        if (!hi || !Expect(")")) return std::nullopt;
        t.range_end_year = static_cast<int>(*hi);
      } else if (m == "fields" && t.kind == NeutralKind::kInterval) {
        std::string fields;
        while (!AtEnd() && toks_[pos_].kind == Token::Kind::kWord && !IsModifier(toks_[pos_].text)) {
          if (!fields.empty()) fields += ' ';
          fields += toks_[pos_++].text;
        }
        if (fields.empty()) return Fail("'fields' needs interval fields, e.g. 'day to second'");
        t.subtype = fields;
      } else if ((m == "charset" || m == "collate") && IsCharacterKind(t.kind)) {
        if (AtEnd() || (toks_[pos_].kind != Token::Kind::kWord && toks_[pos_].kind != Token::Kind::kQuoted)) {
          return Fail("'" + m + "' needs a name");
        }
        (m == "charset" ? t.charset : t.collation) = toks_[pos_++].text;
      } else {
        return Fail("'" + m + "' does not apply to " + head);
      }
    }
    return t;
  }

  static bool IsModifier(const std::string& w) {
    return w == "charset" || w == "collate" || w == "unsigned" || w == "zerofill" ||
           w == "display" || w == "with" || w == "range";
  }

  bool ParseArgs(NeutralType& t) {
    Expect("(");
    if (HasElement(t.kind)) {
      auto e = ParseType();
      if (!e) return false;
      t.element.push_back(std::move(*e));
      return Expect(")");
    }
    if (t.kind == NeutralKind::kEnum || t.kind == NeutralKind::kSet) {
      while (true) {
        if (AtEnd() || toks_[pos_].kind != Token::Kind::kQuoted) return FailB("expected a quoted label");
        t.labels.push_back(toks_[pos_++].text);
        if (Peek(",")) { ++pos_; continue; }
        return Expect(")");
      }
    }
    if (t.kind == NeutralKind::kGeometry || t.kind == NeutralKind::kGeometric) {
      if (AtEnd() || toks_[pos_].kind != Token::Kind::kWord) return FailB("expected a geometry subtype");
      t.subtype = toks_[pos_++].text;
      if (t.kind == NeutralKind::kGeometry && t.subtype == "geometry") t.subtype.clear();
      if (t.kind == NeutralKind::kGeometry && Peek(",")) {
        ++pos_;
        auto srid = Number();
        if (!srid) return false;
        t.srid = *srid;
      }
      return Expect(")");
    }
    if (t.kind == NeutralKind::kText || t.kind == NeutralKind::kBlob) {
      if (AtEnd() || toks_[pos_].kind != Token::Kind::kWord) return FailB("expected tiny, medium or long");
      std::string c = toks_[pos_++].text;
      if (c == "tiny") t.size = SizeClass::kTiny;
      else if (c == "medium") t.size = SizeClass::kMedium;
      else if (c == "long") t.size = SizeClass::kLong;
      else if (c == "normal") t.size = SizeClass::kNormal;
      else return FailB("unknown size class '" + c + "' (tiny, medium or long)");
      return Expect(")");
    }
    auto a = Number();
    if (!a) return false;
    if (t.kind == NeutralKind::kDecimal) {
      t.precision = static_cast<int>(*a);
      t.scale = 0;
      if (Peek(",")) {
        ++pos_;
        auto s = Number();
        if (!s) return false;
        t.scale = static_cast<int>(*s);
      }
    } else if (HasLength(t.kind)) {
      t.length = *a;
    } else if (HasFraction(t.kind)) {
      t.precision = static_cast<int>(*a);
    } else {
      return FailB(std::string(NeutralKindName(t.kind)) + " takes no arguments");
    }
    return Expect(")");
  }

  std::optional<int64_t> ParenNumber() {
    if (!Expect("(")) return std::nullopt;
    auto n = Number();
    if (!n || !Expect(")")) return std::nullopt;
    return n;
  }
  std::optional<int64_t> Number() {
    if (AtEnd() || toks_[pos_].kind != Token::Kind::kNumber) {
      Fail("expected a number");
      return std::nullopt;
    }
    return toks_[pos_++].number;
  }
  bool Peek(const char* p) const {
    return !AtEnd() && toks_[pos_].kind == Token::Kind::kPunct && toks_[pos_].text == p;
  }
  bool Expect(const char* p) {
    if (Peek(p)) { ++pos_; return true; }
    Fail(std::string("expected '") + p + "'");
    return false;
  }
  bool ExpectWord(const char* w) {
    if (!AtEnd() && toks_[pos_].kind == Token::Kind::kWord && toks_[pos_].text == w) { ++pos_; return true; }
    Fail(std::string("expected '") + w + "'");
    return false;
  }
  bool AtEnd() const { return pos_ >= toks_.size(); }
  std::nullopt_t Fail(std::string msg) {
    if (error_->empty()) *error_ = std::move(msg);
    return std::nullopt;
  }
  bool FailB(std::string msg) {
    Fail(std::move(msg));
    return false;
  }

  std::vector<Token> toks_;
  size_t pos_ = 0;
  std::string* error_;
};

}  // namespace

int64_t SizeClassMaxBytes(SizeClass c) {
  switch (c) {
    case SizeClass::kTiny: return 255;
    case SizeClass::kNormal: return 65535;
    case SizeClass::kMedium: return 16777215;
    case SizeClass::kLong: return 4294967295LL;
  }
  return 0;
}

const char* SizeClassName(SizeClass c) {
  switch (c) {
    case SizeClass::kTiny: return "tiny";
    case SizeClass::kNormal: return "normal";
    case SizeClass::kMedium: return "medium";
    case SizeClass::kLong: return "long";
  }
  return "?";
}

const char* NeutralKindName(NeutralKind k) {
  for (const auto& e : kKinds) {
    if (e.kind == k) return e.name;
  }
  return "?";
}

std::optional<NeutralKind> ParseNeutralKindName(std::string_view name) {
  for (const auto& e : kKinds) {
    if (name == e.name) return e.kind;
  }
  return std::nullopt;
}

std::vector<std::string> NeutralKindNames() {
  std::vector<std::string> out;
  for (const auto& e : kKinds) out.push_back(e.name);
  out.push_back("jsonb");
  return out;
}

bool IsIntegerKind(NeutralKind k) {
  switch (k) {
    case NeutralKind::kInt8: case NeutralKind::kInt16: case NeutralKind::kInt24:
    case NeutralKind::kInt32: case NeutralKind::kInt64: case NeutralKind::kUInt8:
    case NeutralKind::kUInt16: case NeutralKind::kUInt24: case NeutralKind::kUInt32:
    case NeutralKind::kUInt64:
      return true;
    default:
      return false;
  }
}

bool IsCharacterKind(NeutralKind k) {
  return k == NeutralKind::kChar || k == NeutralKind::kVarchar || k == NeutralKind::kText ||
         k == NeutralKind::kEnum || k == NeutralKind::kSet;
}

std::string ToString(const NeutralType& t) {
  std::string out = (t.kind == NeutralKind::kJson && t.jsonb) ? "jsonb" : NeutralKindName(t.kind);
  if (t.kind == NeutralKind::kDecimal) {
    if (t.precision >= 0) {
      out += "(" + std::to_string(t.precision) + "," + std::to_string(t.scale) + ")";
    }
  } else if (HasLength(t.kind)) {
    if (t.length >= 0) out += "(" + std::to_string(t.length) + ")";
  } else if (HasFraction(t.kind)) {
    if (t.precision >= 0) out += "(" + std::to_string(t.precision) + ")";
  } else if (t.kind == NeutralKind::kText || t.kind == NeutralKind::kBlob) {
    if (t.size != SizeClass::kNormal) out += std::string("(") + SizeClassName(t.size) + ")";
  } else if (t.kind == NeutralKind::kEnum || t.kind == NeutralKind::kSet) {
    out += "(";
    for (size_t i = 0; i < t.labels.size(); ++i) {
      if (i) out += ",";
      out += type_text::QuoteLabel(t.labels[i]);
    }
    out += ")";
  } else if (HasElement(t.kind)) {
    out += "(" + (t.element.empty() ? std::string("?") : ToString(t.element[0])) + ")";
  } else if (t.kind == NeutralKind::kGeometry) {
    if (!t.subtype.empty() || t.srid >= 0) {
      out += "(" + (t.subtype.empty() ? std::string("geometry") : t.subtype);
      if (t.srid >= 0) out += "," + std::to_string(t.srid);
      out += ")";
    }
  } else if (t.kind == NeutralKind::kGeometric) {
    out += "(" + t.subtype + ")";
  }
  if (t.is_unsigned) out += " unsigned";
  if (t.display_width > 0) out += " display(" + std::to_string(t.display_width) + ")";
  if (t.zerofill) out += " zerofill";
  if (t.with_tz) out += " with tz";
  if (t.range_end_year > 0) out += " range(1970.." + std::to_string(t.range_end_year) + ")";
  if (t.kind == NeutralKind::kInterval && !t.subtype.empty()) out += " fields " + t.subtype;
  if (!t.charset.empty()) out += " charset " + t.charset;
  if (!t.collation.empty()) out += " collate " + t.collation;
  return out;
}

std::optional<NeutralType> ParseNeutralType(std::string_view text, std::string* error) {
  std::string local;
  if (error == nullptr) error = &local;
  error->clear();
  std::vector<Token> toks;
  if (!type_text::Lex(text, &toks, error)) return std::nullopt;
  Parser p(std::move(toks), error);
  return p.ParseAll();
}

int MaxBytesPerChar(std::string_view cs) {
  static constexpr std::pair<std::string_view, int> kBytes[] = {
      {"utf8mb4", 4}, {"utf8mb3", 3}, {"utf8", 3},   {"latin1", 1}, {"ascii", 1},
      {"binary", 1},  {"latin2", 1},  {"cp1250", 1}, {"cp1251", 1}, {"cp1252", 1},
      {"gbk", 2},     {"gb2312", 2},  {"big5", 2},   {"sjis", 2},   {"cp932", 2},
      {"euckr", 2},   {"ucs2", 2},    {"ujis", 3},   {"eucjpms", 3}, {"gb18030", 4},
      {"utf16", 4},   {"utf16le", 4}, {"utf32", 4},
  };
  for (const auto& [name, n] : kBytes) {
    if (cs == name) return n;
  }
  return 4;
}

}  // namespace sluice
