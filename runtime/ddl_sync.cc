// DDL sync: how it works.
//
// A source DDL statement is lexed (comments dropped, MySQL executable comments
// /*!NNNNN ... */ unwrapped, backquoted names and strings unescaped) and parsed
// by a small recursive-descent parser that knows only the table DDL Sluice
// follows: ALTER TABLE (column, index and rename actions), RENAME TABLE,
// CREATE/DROP INDEX, DROP TABLE, TRUNCATE and CREATE TABLE. Statements that do
// not touch a table's shape (users, grants, SET, transaction control,
// maintenance) are recognised by their first words and ignored.
//
// Each action is then translated against a copy of the plan's table: column
// types go through the same type rules as `sluice plan` (TypeRuleSet::Translate
// with the plan's server versions), DEFAULT expressions through the expression
// grammar, and the DDL writers print the target's statements. The plan's own
// decisions are kept: a column the plan drops stays dropped, a column or table
// the plan renames keeps its target name, and names that follow the source
// (the common case) follow it again. Only when every action of the statement
// translates is the copy written back into the plan; one action that cannot be
// translated exactly pauses the whole statement, so the plan never describes a
// target that was half changed.

#include "runtime/ddl_sync.h"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string_view>

#include "catalog/catalog_json.h"
#include "common/text.h"
#include "dialects/ddl_writer.h"
#include "dialects/types/native_type_text.h"
#include "dialects/types/type_rules.h"
#include "grammar/expr_parser.h"
#include "grammar/expr_printer.h"

namespace sluice {

const char* DdlSyncKindName(DdlSyncAction::Kind k) {
  switch (k) {
    case DdlSyncAction::Kind::kIgnore: return "ignore";
    case DdlSyncAction::Kind::kApply: return "apply";
    case DdlSyncAction::Kind::kPause: return "pause";
  }
  return "?";
}

namespace {

constexpr const char* kResumeHelp =
    "apply the equivalent change on the target by hand, then resume with `sluice apply --skip-ddl`";
constexpr const char* kNotInPlan = "not in the compiled plan; re-run `sluice plan` to include it";
// compiler/resolve.h's kHiddenKeyColumn (the runtime does not link the compiler).
constexpr const char* kHiddenKeyColumn = "__sluice_row_id";

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IEq(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

// ---- lexer ---------------------------------------------------------------------

struct Token {
  enum class Kind { kWord, kIdent, kString, kNumber, kPunct, kEnd };
  Kind kind = Kind::kEnd;
  std::string text;  // words and numbers as written; names and strings unescaped
  size_t begin = 0, end = 0;
};

bool IsWordByte(unsigned char c) { return std::isalnum(c) || c == '_' || c == '$' || c >= 0x80; }

// Returns false with *error on an unterminated comment, name or string.
bool Lex(std::string_view s, std::vector<Token>* out, std::string* error) {
  size_t i = 0;
  int executable = 0;  // open /*! ... */ comments, whose content is SQL
  auto push = [&](Token::Kind k, std::string text, size_t b) { out->push_back(Token{k, std::move(text), b, i}); };
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (std::isspace(c)) { ++i; continue; }
    if (s.compare(i, 3, "/*!") == 0 || s.compare(i, 4, "/*M!") == 0) {
      i += s[i + 2] == '!' ? 3 : 4;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
      ++executable;
      continue;
    }
    if (executable > 0 && s.compare(i, 2, "*/") == 0) { i += 2; --executable; continue; }
    if (s.compare(i, 2, "/*") == 0) {
      size_t close = s.find("*/", i + 2);
      if (close == std::string_view::npos) return *error = "unterminated /* comment", false;
      i = close + 2;
      continue;
    }
    if (c == '#' || (s.compare(i, 2, "--") == 0 &&
                     (i + 2 >= s.size() || std::isspace(static_cast<unsigned char>(s[i + 2])) ||
                      std::iscntrl(static_cast<unsigned char>(s[i + 2]))))) {
      while (i < s.size() && s[i] != '\n') ++i;
      continue;
    }
    size_t b = i;
    if (c == '`') {
      std::string name;
      for (++i;; ++i) {
        if (i >= s.size()) return *error = "unterminated `quoted` name", false;
        if (s[i] == '`') {
          if (i + 1 < s.size() && s[i + 1] == '`') { name += '`'; ++i; continue; }
          ++i;
          break;
        }
        name += s[i];
      }
      push(Token::Kind::kIdent, std::move(name), b);
      continue;
    }
    if (c == '\'' || c == '"') {
      char q = static_cast<char>(c);
      std::string value;
      for (++i;; ++i) {
        if (i >= s.size()) return *error = "unterminated string", false;
        if (s[i] == '\\' && i + 1 < s.size()) {
          char e = s[++i];
          switch (e) {
            case '0': value += '\0'; break;
            case 'n': value += '\n'; break;
            case 'r': value += '\r'; break;
            case 't': value += '\t'; break;
            case 'b': value += '\b'; break;
            case 'Z': value += '\x1a'; break;
            case '%': case '_': value += '\\'; value += e; break;
            default: value += e;
          }
          continue;
        }
        if (s[i] == q) {
          if (i + 1 < s.size() && s[i + 1] == q) { value += q; ++i; continue; }
          ++i;
          break;
        }
        value += s[i];
      }
      push(Token::Kind::kString, std::move(value), b);
      continue;
    }
    if (IsWordByte(c)) {
      while (i < s.size() && IsWordByte(static_cast<unsigned char>(s[i]))) ++i;
      std::string run(s.substr(b, i - b));
      bool digits = std::all_of(run.begin(), run.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); });
      if (digits) {
        if (i + 1 < s.size() && s[i] == '.' && std::isdigit(static_cast<unsigned char>(s[i + 1]))) {
          ++i;
          while (i < s.size() && IsWordByte(static_cast<unsigned char>(s[i]))) ++i;
        }
        push(Token::Kind::kNumber, std::string(s.substr(b, i - b)), b);
      } else {
        push(Token::Kind::kWord, std::move(run), b);
      }
      continue;
    }
    ++i;
    push(Token::Kind::kPunct, std::string(1, static_cast<char>(c)), b);
  }
  if (executable > 0) return *error = "unterminated /*! comment", false;
  out->push_back(Token{Token::Kind::kEnd, "", s.size(), s.size()});
  return true;
}

// ---- the statement model ----------------------------------------------------------

struct QName {
  std::string schema;  // "" when not written
  std::string name;
};

struct ColumnSpec {
  std::string name;
  std::string type_text;        // the type as written, plus CHARACTER SET / COLLATE clauses
  bool not_null = false;
  std::optional<std::string> default_text;  // DEFAULT <expr> as written
  std::optional<std::string> on_update;
  std::string comment;
  bool auto_increment = false;
  bool invisible = false;
  std::string unsupported;      // a clause sync does not translate, e.g. "a generated column"
  enum class Position { kNone, kFirst, kAfter } position = Position::kNone;
  std::string after;
};

struct IndexPartSpec {
  std::string column;
  int64_t prefix_length = 0;
  bool descending = false;
};

struct IndexSpec {
  std::string name;
  bool unique = false;
  std::string method;           // "", "btree", "hash", "fulltext", "spatial"
  std::vector<IndexPartSpec> parts;
  std::string unsupported;
};

struct AlterAction {
  enum class Kind {
    kAddColumn, kDropColumn, kModifyColumn, kChangeColumn, kRenameColumn, kSetDefault, kDropDefault,
    kRenameTable, kAddIndex, kDropIndex, kRenameIndex, kIgnore, kPause,
  };
  Kind kind = Kind::kIgnore;
  ColumnSpec column;            // add / modify / change (column.name is the new name)
  std::string name;             // the existing column or index
  std::string new_name;         // rename column / index
  QName table;                  // rename table
  IndexSpec index;              // add index
  std::string default_text;     // set default
  bool if_exists = false;
  bool if_not_exists = false;
  std::string why;              // kIgnore / kPause
};

// ---- parser -------------------------------------------------------------------------

class Parser {
 public:
  Parser(const std::vector<Token>& tokens, std::string_view text) : t_(tokens), text_(text) {}

  const Token& Peek(size_t k = 0) const { return t_[std::min(pos_ + k, t_.size() - 1)]; }
  void Next() { if (pos_ + 1 < t_.size()) ++pos_; }
  size_t pos() const { return pos_; }
  bool AtEnd() const {
    return Peek().kind == Token::Kind::kEnd || (IsPunct(';') && Peek(1).kind == Token::Kind::kEnd);
  }
  bool IsWord(const char* w, size_t k = 0) const {
    return Peek(k).kind == Token::Kind::kWord && IEq(Peek(k).text, w);
  }
  bool IsPunct(char c, size_t k = 0) const {
    return Peek(k).kind == Token::Kind::kPunct && Peek(k).text[0] == c;
  }
  bool Accept(const char* w) {
    if (!IsWord(w)) return false;
    Next();
    return true;
  }
  bool AcceptAll(std::initializer_list<const char*> words) {
    size_t k = 0;
    for (const char* w : words) if (!IsWord(w, k++)) return false;
    for (size_t i = 0; i < words.size(); ++i) Next();
    return true;
  }
  bool AcceptPunct(char c) {
    if (!IsPunct(c)) return false;
    Next();
    return true;
  }
  bool IsName(size_t k = 0) const {
    return Peek(k).kind == Token::Kind::kWord || Peek(k).kind == Token::Kind::kIdent;
  }
  std::optional<std::string> Name() {
    if (!IsName()) return std::nullopt;
    std::string n = Peek().text;
    Next();
    return n;
  }
  std::optional<QName> QualifiedName() {
    auto first = Name();
    if (!first) return std::nullopt;
    if (!AcceptPunct('.')) return QName{"", *first};
    auto second = Name();
    if (!second) return std::nullopt;
    return QName{*first, *second};
  }
  // Skips a balanced ( ... ) group starting at '('; false when unbalanced.
  bool SkipGroup() {
    if (!IsPunct('(')) return false;
    int depth = 0;
    while (Peek().kind != Token::Kind::kEnd) {
      if (IsPunct('(')) ++depth;
      if (IsPunct(')') && --depth == 0) { Next(); return true; }
      Next();
    }
    return false;
  }
  // Source text from token `from` up to (not including) the current token.
  std::string TextFrom(size_t from) const {
    size_t b = t_[from].begin;
    size_t e = pos_ > from ? t_[pos_ - 1].end : b;
    return std::string(text_.substr(b, e - b));
  }

 private:
  const std::vector<Token>& t_;
  std::string_view text_;
  size_t pos_ = 0;
};

// Words that end a column's type and start its attributes.
bool IsColumnAttribute(const Parser& p) {
  static const char* const kWords[] = {
      "NULL", "NOT", "DEFAULT", "COMMENT", "FIRST", "AFTER", "AUTO_INCREMENT", "PRIMARY", "UNIQUE",
      "KEY", "ON", "GENERATED", "AS", "VISIBLE", "INVISIBLE", "CHECK", "REFERENCES", "COLUMN_FORMAT",
      "STORAGE", "ENGINE_ATTRIBUTE", "SECONDARY_ENGINE_ATTRIBUTE", "CONSTRAINT", "COLLATE", "CHARACTER",
      "CHARSET", "VIRTUAL", "STORED", "PERSISTENT", "WITH", "WITHOUT", "SERIAL", "COMPRESSED",
  };
  if (p.Peek().kind != Token::Kind::kWord) return false;
  // CHARACTER SET is an attribute; CHARACTER(10) and CHARACTER VARYING are types.
  if (p.IsWord("CHARACTER")) return p.IsWord("SET", 1);
  for (const char* w : kWords) if (IEq(p.Peek().text, w)) return true;
  return false;
}

// A DEFAULT / ON UPDATE value: a literal (with sign or introducer), a
// parenthesised expression, or a name with an optional argument list
// (CURRENT_TIMESTAMP, CURRENT_TIMESTAMP(6), uuid()).
std::optional<std::string> ParseValue(Parser& p) {
  size_t from = p.pos();
  if (p.IsPunct('(')) {
    if (!p.SkipGroup()) return std::nullopt;
    return p.TextFrom(from);
  }
  if (p.IsPunct('-') || p.IsPunct('+')) p.Next();
  const Token& t = p.Peek();
  if (t.kind == Token::Kind::kString || t.kind == Token::Kind::kNumber) {
    p.Next();
    while (p.Peek().kind == Token::Kind::kString) p.Next();  // 'a' 'b' concatenation
    return p.TextFrom(from);
  }
  if (t.kind == Token::Kind::kWord) {
    // _utf8mb4'a', N'a', b'0101' and x'0a' lex as a word and a string.
    bool introducer = (t.text[0] == '_' || IEq(t.text, "n") || IEq(t.text, "b") || IEq(t.text, "x")) &&
                      p.Peek(1).kind == Token::Kind::kString;
    p.Next();
    if (introducer) {
      p.Next();
      return p.TextFrom(from);
    }
    if (p.IsPunct('(') && !p.SkipGroup()) return std::nullopt;
    return p.TextFrom(from);
  }
  return std::nullopt;
}

// name type attributes... ; *error on a syntax error.
bool ParseColumnSpec(Parser& p, ColumnSpec* c, bool allow_position, std::string* error) {
  // Type: words and argument lists up to the first attribute.
  size_t from = p.pos();
  if (p.Peek().kind != Token::Kind::kWord) return *error = "expected a column type", false;
  p.Next();  // the first word is always the type's (CHARACTER, SERIAL)
  while (!p.AtEnd() && !p.IsPunct(',') && !p.IsPunct(')') && !IsColumnAttribute(p)) {
    if (p.IsPunct('(')) {
      if (!p.SkipGroup()) return *error = "unbalanced parentheses in a column type", false;
    } else if (p.Peek().kind == Token::Kind::kWord || p.Peek().kind == Token::Kind::kNumber) {
      p.Next();
    } else {
      return *error = "unexpected '" + p.Peek().text + "' in a column type", false;
    }
  }
  c->type_text = p.TextFrom(from);
  if (c->type_text.empty()) return *error = "expected a column type", false;
  std::string charset, collation;
  while (!p.AtEnd() && !p.IsPunct(',') && !p.IsPunct(')')) {
    if (p.Accept("NULL")) { c->not_null = false; continue; }
    if (p.AcceptAll({"NOT", "NULL"})) { c->not_null = true; continue; }
    if (p.Accept("DEFAULT")) {
      auto v = ParseValue(p);
      if (!v) return *error = "expected a value after DEFAULT", false;
      c->default_text = *v;
      continue;
    }
    if (p.AcceptAll({"ON", "UPDATE"})) {
      auto v = ParseValue(p);
      if (!v) return *error = "expected a value after ON UPDATE", false;
      c->on_update = *v;
      continue;
    }
    if (p.Accept("COMMENT")) {
      if (p.Peek().kind != Token::Kind::kString) return *error = "expected a string after COMMENT", false;
      c->comment = p.Peek().text;
      p.Next();
      continue;
    }
    if (p.Accept("AUTO_INCREMENT")) { c->auto_increment = true; continue; }
    if (p.Accept("INVISIBLE")) { c->invisible = true; continue; }
    if (p.Accept("VISIBLE")) { c->invisible = false; continue; }
    if (p.AcceptAll({"CHARACTER", "SET"}) || p.Accept("CHARSET")) {
      p.AcceptPunct('=');
      auto n = p.Name();
      if (!n) return *error = "expected a character set name", false;
      charset = *n;
      continue;
    }
    if (p.Accept("COLLATE")) {
      p.AcceptPunct('=');
      auto n = p.Name();
      if (!n) return *error = "expected a collation name", false;
      collation = *n;
      continue;
    }
    if (p.Accept("COLUMN_FORMAT") || p.Accept("STORAGE")) {
      if (!p.Name()) return *error = "expected a value", false;
      continue;
    }
    if (allow_position && p.Accept("FIRST")) { c->position = ColumnSpec::Position::kFirst; continue; }
    if (allow_position && p.Accept("AFTER")) {
      auto n = p.Name();
      if (!n) return *error = "expected a column name after AFTER", false;
      c->position = ColumnSpec::Position::kAfter;
      c->after = *n;
      continue;
    }
    // Everything else changes more than a column's type and values.
    std::string what = Lower(p.Peek().text);
    if (what == "generated" || what == "as" || what == "virtual" || what == "stored" || what == "persistent") {
      c->unsupported = "a generated column";
    } else if (what == "primary" || what == "key") {
      c->unsupported = "a PRIMARY KEY declared with the column";
    } else if (what == "unique") {
      c->unsupported = "a UNIQUE key declared with the column";
    } else if (what == "check" || what == "constraint") {
      c->unsupported = "a CHECK constraint";
    } else if (what == "references") {
      c->unsupported = "a foreign key";
    } else if (what == "serial") {
      c->unsupported = "SERIAL DEFAULT VALUE";
    } else if (what == "with" || what == "without") {
      c->unsupported = "system versioning";
    } else if (c->unsupported.empty()) {
      c->unsupported = "the column attribute '" + p.Peek().text + "'";
    }
    // Skip to the end of this column definition.
    while (!p.AtEnd() && !p.IsPunct(',') && !p.IsPunct(')')) {
      if (p.IsPunct('(')) {
        if (!p.SkipGroup()) return *error = "unbalanced parentheses", false;
      } else {
        p.Next();
      }
    }
  }
  if (!charset.empty()) c->type_text += " CHARACTER SET " + charset;
  if (!collation.empty()) c->type_text += " COLLATE " + collation;
  return true;
}

// [name] [USING m] (col[(n)] [ASC|DESC], ...) [options]
bool ParseIndexSpec(Parser& p, IndexSpec* idx, bool name_required, std::string* error) {
  if (p.IsName() && !p.IsWord("USING") && !p.IsPunct('(')) idx->name = *p.Name();
  if (name_required && idx->name.empty()) return *error = "expected an index name", false;
  if (p.Accept("USING") || p.Accept("TYPE")) {
    auto m = p.Name();
    if (!m) return *error = "expected an index method", false;
    idx->method = Lower(*m);
  }
  if (!p.AcceptPunct('(')) return *error = "expected '(' and the index columns", false;
  while (true) {
    IndexPartSpec part;
    if (p.IsPunct('(')) {
      idx->unsupported = "an expression index";
      if (!p.SkipGroup()) return *error = "unbalanced parentheses", false;
    } else {
      auto n = p.Name();
      if (!n) return *error = "expected an index column", false;
      part.column = *n;
      if (p.AcceptPunct('(')) {
        if (p.Peek().kind != Token::Kind::kNumber) return *error = "expected a prefix length", false;
        part.prefix_length = std::atoll(p.Peek().text.c_str());
        p.Next();
        if (!p.AcceptPunct(')')) return *error = "expected ')'", false;
      }
    }
    if (p.Accept("DESC")) part.descending = true;
    else p.Accept("ASC");
    idx->parts.push_back(part);
    if (p.AcceptPunct(',')) continue;
    if (p.AcceptPunct(')')) break;
    return *error = "expected ',' or ')' in the index columns", false;
  }
  // Index options: none of them changes which rows the index holds.
  while (!p.AtEnd() && !p.IsPunct(',')) {
    if (p.Accept("USING") || p.Accept("TYPE")) {
      auto m = p.Name();
      if (!m) return *error = "expected an index method", false;
      idx->method = Lower(*m);
    } else if (p.Accept("COMMENT")) {
      if (p.Peek().kind != Token::Kind::kString) return *error = "expected a string after COMMENT", false;
      p.Next();
    } else if (p.Accept("KEY_BLOCK_SIZE")) {
      p.AcceptPunct('=');
      p.Next();
    } else if (p.Accept("VISIBLE") || p.Accept("INVISIBLE") || p.Accept("IGNORED") ||
               p.AcceptAll({"NOT", "IGNORED"})) {
    } else if (p.AcceptAll({"WITH", "PARSER"})) {
      p.Next();
    } else if (p.Accept("ALGORITHM") || p.Accept("LOCK")) {
      p.AcceptPunct('=');
      p.Next();
    } else {
      return *error = "unexpected '" + p.Peek().text + "' after the index columns", false;
    }
  }
  return true;
}

void SkipToActionEnd(Parser& p) {
  while (!p.AtEnd() && !p.IsPunct(',')) {
    if (p.IsPunct('(')) {
      if (!p.SkipGroup()) return;
    } else {
      p.Next();
    }
  }
}

AlterAction Pause(std::string why) {
  AlterAction a;
  a.kind = AlterAction::Kind::kPause;
  a.why = std::move(why);
  return a;
}

AlterAction Ignore(std::string why) {
  AlterAction a;
  a.kind = AlterAction::Kind::kIgnore;
  a.why = std::move(why);
  return a;
}

// One ALTER TABLE action; *error on a syntax error.
bool ParseAlterAction(Parser& p, AlterAction* a, std::string* error) {
  size_t from = p.pos();
  auto unsupported = [&](const std::string& what) {
    SkipToActionEnd(p);
    *a = Pause(what + " (" + Shorten(p.TextFrom(from), 80) + ") is not supported during sync");
    return true;
  };
  auto ignored = [&](const std::string& why) {
    SkipToActionEnd(p);
    *a = Ignore("'" + Shorten(p.TextFrom(from), 80) + "' " + why);
    return true;
  };
  if (p.Accept("ADD")) {
    if (p.IsWord("PRIMARY")) return unsupported("adding a primary key");
    if (p.IsWord("FOREIGN")) return unsupported("a foreign key");
    if (p.IsWord("CHECK")) return unsupported("a CHECK constraint");
    if (p.IsWord("PARTITION")) return unsupported("partitioning");
    if (p.IsWord("PERIOD") || p.IsWord("SYSTEM")) return unsupported("system versioning");
    if (p.Accept("CONSTRAINT")) {
      std::string cname;
      if (p.IsName() && !p.IsWord("UNIQUE") && !p.IsWord("PRIMARY") && !p.IsWord("FOREIGN") && !p.IsWord("CHECK")) {
        cname = *p.Name();
      }
      if (!p.Accept("UNIQUE")) {
        if (p.IsWord("PRIMARY")) return unsupported("adding a primary key");
        if (p.IsWord("FOREIGN")) return unsupported("a foreign key");
        return unsupported("a CHECK constraint");
      }
      if (!p.Accept("INDEX")) p.Accept("KEY");
      a->kind = AlterAction::Kind::kAddIndex;
      a->index.unique = true;
      if (!ParseIndexSpec(p, &a->index, false, error)) return false;
      if (a->index.name.empty()) a->index.name = cname;
      return true;
    }
    bool unique = p.Accept("UNIQUE");
    std::string method;
    if (!unique && (p.IsWord("FULLTEXT") || p.IsWord("SPATIAL"))) {
      method = Lower(p.Peek().text);
      p.Next();
    }
    bool index_word = p.Accept("INDEX") || p.Accept("KEY");
    if (unique || !method.empty() || index_word) {
      a->kind = AlterAction::Kind::kAddIndex;
      a->index.unique = unique;
      if (p.AcceptAll({"IF", "NOT", "EXISTS"})) a->if_not_exists = true;
      if (!ParseIndexSpec(p, &a->index, false, error)) return false;
      if (!method.empty()) a->index.method = method;
      return true;
    }
    p.Accept("COLUMN");
    if (p.AcceptAll({"IF", "NOT", "EXISTS"})) a->if_not_exists = true;
    a->kind = AlterAction::Kind::kAddColumn;
    if (p.AcceptPunct('(')) {
      // ADD (a int, b int): the caller splits it into one action per column.
      a->why = "group";
      return true;
    }
    auto n = p.Name();
    if (!n) return *error = "expected a column name after ADD", false;
    a->column.name = *n;
    return ParseColumnSpec(p, &a->column, true, error);
  }
  if (p.Accept("DROP")) {
    if (p.IsWord("PRIMARY")) return unsupported("dropping the primary key");
    if (p.IsWord("FOREIGN")) return unsupported("a foreign key");
    if (p.IsWord("CHECK") || p.IsWord("CONSTRAINT")) return unsupported("dropping a constraint");
    if (p.IsWord("PARTITION")) return unsupported("partitioning");
    if (p.IsWord("SYSTEM") || p.IsWord("PERIOD")) return unsupported("system versioning");
    if (p.Accept("INDEX") || p.Accept("KEY")) {
      a->kind = AlterAction::Kind::kDropIndex;
      if (p.AcceptAll({"IF", "EXISTS"})) a->if_exists = true;
      auto n = p.Name();
      if (!n) return *error = "expected an index name", false;
      a->name = *n;
      if (IEq(a->name, "PRIMARY")) return unsupported("dropping the primary key");
      return true;
    }
    p.Accept("COLUMN");
    if (p.AcceptAll({"IF", "EXISTS"})) a->if_exists = true;
    auto n = p.Name();
    if (!n) return *error = "expected a column name after DROP", false;
    a->kind = AlterAction::Kind::kDropColumn;
    a->name = *n;
    if (!p.Accept("RESTRICT")) p.Accept("CASCADE");
    return true;
  }
  if (p.IsWord("MODIFY") || p.IsWord("CHANGE")) {
    bool change = p.IsWord("CHANGE");
    p.Next();
    p.Accept("COLUMN");
    if (p.AcceptAll({"IF", "EXISTS"})) a->if_exists = true;
    auto n = p.Name();
    if (!n) return *error = "expected a column name", false;
    a->name = *n;
    if (change) {
      auto nn = p.Name();
      if (!nn) return *error = "expected the new column name", false;
      a->column.name = *nn;
      a->kind = AlterAction::Kind::kChangeColumn;
    } else {
      a->column.name = *n;
      a->kind = AlterAction::Kind::kModifyColumn;
    }
    return ParseColumnSpec(p, &a->column, true, error);
  }
  if (p.Accept("RENAME")) {
    if (p.Accept("COLUMN")) {
      auto x = p.Name();
      if (!x || !p.Accept("TO")) return *error = "expected RENAME COLUMN a TO b", false;
      auto y = p.Name();
      if (!y) return *error = "expected the new column name", false;
      a->kind = AlterAction::Kind::kRenameColumn;
      a->name = *x;
      a->new_name = *y;
      return true;
    }
    if (p.Accept("INDEX") || p.Accept("KEY")) {
      auto x = p.Name();
      if (!x || !p.Accept("TO")) return *error = "expected RENAME INDEX a TO b", false;
      auto y = p.Name();
      if (!y) return *error = "expected the new index name", false;
      a->kind = AlterAction::Kind::kRenameIndex;
      a->name = *x;
      a->new_name = *y;
      return true;
    }
    if (!p.Accept("TO")) p.Accept("AS");
    auto q = p.QualifiedName();
    if (!q) return *error = "expected the new table name", false;
    a->kind = AlterAction::Kind::kRenameTable;
    a->table = *q;
    return true;
  }
  if (p.Accept("ALTER")) {
    if (p.Accept("INDEX") || p.Accept("KEY")) return ignored("changes only the index's visibility to the optimizer");
    if (p.IsWord("CHECK") || p.IsWord("CONSTRAINT")) return unsupported("a CHECK constraint");
    p.Accept("COLUMN");
    auto n = p.Name();
    if (!n) return *error = "expected a column name after ALTER", false;
    a->name = *n;
    if (p.AcceptAll({"SET", "DEFAULT"})) {
      auto v = ParseValue(p);
      if (!v) return *error = "expected a value after SET DEFAULT", false;
      a->kind = AlterAction::Kind::kSetDefault;
      a->default_text = *v;
      return true;
    }
    if (p.AcceptAll({"DROP", "DEFAULT"})) {
      a->kind = AlterAction::Kind::kDropDefault;
      return true;
    }
    if (p.IsWord("SET")) return ignored("changes only the column's visibility");
    return unsupported("this ALTER COLUMN form");
  }
  // Table options and algorithm clauses.
  if (p.IsWord("ALGORITHM") || p.IsWord("LOCK")) {
    SkipToActionEnd(p);
    *a = Ignore("");
    return true;
  }
  for (const char* w : {"ENGINE", "AUTO_INCREMENT", "ROW_FORMAT", "KEY_BLOCK_SIZE", "STATS_PERSISTENT",
                        "STATS_AUTO_RECALC", "STATS_SAMPLE_PAGES", "PACK_KEYS", "CHECKSUM", "DELAY_KEY_WRITE",
                        "AVG_ROW_LENGTH", "MAX_ROWS", "MIN_ROWS", "COMMENT", "FORCE", "ORDER", "DISABLE",
                        "ENABLE", "PAGE_CHECKSUM", "TRANSACTIONAL", "INSERT_METHOD", "COMPRESSION",
                        "ENCRYPTION", "ENCRYPTED", "ENCRYPTION_KEY_ID", "IETF_QUOTES", "SECONDARY_ENGINE",
                        "SECONDARY_ENGINE_ATTRIBUTE", "ENGINE_ATTRIBUTE", "AUTOEXTEND_SIZE", "STATS_PERSISTENT"}) {
    if (p.IsWord(w)) return ignored("changes a storage option that does not affect the migrated rows");
  }
  if (p.IsWord("CONVERT")) return unsupported("converting the table's character set");
  if (p.IsWord("DEFAULT") || p.IsWord("CHARACTER") || p.IsWord("CHARSET") || p.IsWord("COLLATE")) {
    return unsupported("changing the table's default character set or collation");
  }
  for (const char* w : {"PARTITION", "REMOVE", "COALESCE", "REORGANIZE", "EXCHANGE", "TRUNCATE", "ANALYZE",
                        "CHECK", "OPTIMIZE", "REBUILD", "REPAIR", "DISCARD", "IMPORT", "WITH", "WITHOUT",
                        "UPGRADE", "SECONDARY_LOAD", "SECONDARY_UNLOAD"}) {
    if (p.IsWord(w)) return unsupported(std::string("'") + w + "' (partitioning or tablespace maintenance)");
  }
  return unsupported("this ALTER TABLE action");
}

// ---- translation ----------------------------------------------------------------------

// One statement's outcome, gathered action by action.
struct Work {
  std::vector<std::string> sql;
  std::vector<std::string> done;      // summary parts
  std::vector<std::string> warnings;
  std::vector<std::string> ignored;   // why actions were ignored
  std::string pause;                  // first reason to pause
  void Pause(const std::string& why) { if (pause.empty()) pause = why; }
};

bool IsCharacterTypeName(const std::string& name) {
  static const char* const kNames[] = {"char", "varchar", "character", "nchar", "nvarchar", "national char",
                                       "national varchar", "national character", "tinytext", "text",
                                       "mediumtext", "longtext", "enum", "set", "long", "long varchar",
                                       "character varying", "char varying", "varcharacter"};
  for (const char* n : kNames) if (name == n) return true;
  return false;
}

class DdlTranslator {
 public:
  DdlTranslator(RunPlan& plan, const DdlChange& ddl, const TypeRuleSet& rules)
      : plan_(plan), ddl_(ddl), rules_(rules), src_(plan.source.dialect), tgt_(plan.target.dialect),
        w_(MakeDdlWriter(plan.target.dialect)) {}

  DdlSyncAction Run() {
    std::vector<Token> tokens;
    std::string lex_error;
    if (!Lex(ddl_.statement, &tokens, &lex_error)) return PauseWith("it could not be read: " + lex_error);
    Parser p(tokens, ddl_.statement);
    if (p.AtEnd()) return IgnoreWith("an empty statement");
    if (p.Accept("ALTER")) {
      p.Accept("ONLINE");
      p.Accept("OFFLINE");
      p.Accept("IGNORE");
      if (p.Accept("TABLE")) return AlterTable(p);
      return IgnoreNonTable(p);
    }
    if (p.Accept("RENAME")) {
      if (p.Accept("TABLE") || p.Accept("TABLES")) return RenameTables(p);
      return IgnoreWith("not table DDL");
    }
    if (p.Accept("CREATE")) return Create(p);
    if (p.Accept("DROP")) return Drop(p);
    if (p.Accept("TRUNCATE")) {
      p.Accept("TABLE");
      return Truncate(p);
    }
    static const char* const kNotTableDdl[] = {
        "SET", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "FLUSH", "ANALYZE", "OPTIMIZE",
        "REPAIR", "CHECK", "CHECKSUM", "GRANT", "REVOKE", "XA", "USE", "LOCK", "UNLOCK", "INSTALL",
        "UNINSTALL", "SHUTDOWN", "START", "STOP", "RESET", "PURGE", "DO", "CALL", "SHOW", "SELECT",
        "HANDLER", "KILL", "CACHE", "BINLOG", "SIGNAL", "RESIGNAL", "PREPARE", "EXECUTE",
        "DEALLOCATE", "DECLARE", "HELP", "EXPLAIN", "DESCRIBE", "DESC"};
    for (const char* w : kNotTableDdl) {
      if (p.IsWord(w)) return IgnoreWith("not table DDL");
    }
    for (const char* w : {"INSERT", "UPDATE", "DELETE", "REPLACE", "LOAD", "WITH"}) {
      if (p.IsWord(w)) {
        return PauseWith("row changes logged as SQL statements cannot be replayed exactly (the source's "
                         "binlog_format must be ROW)");
      }
    }
    return PauseWith("it is not a statement Sluice recognises");
  }

 private:
  bool pg() const { return tgt_ == Dialect::kPostgreSQL; }

  std::string Stmt() const { return "`" + Shorten(SanitizeForDisplay(ddl_.statement), 200) + "`"; }

  // Why a CREATE / ALTER / DROP of something other than a table is ignored.
  DdlSyncAction IgnoreNonTable(const Parser& p) {
    for (size_t k = 0; k < 8 && p.Peek(k).kind != Token::Kind::kEnd; ++k) {
      for (const char* w : {"VIEW", "TRIGGER", "PROCEDURE", "FUNCTION", "EVENT"}) {
        if (p.IsWord(w, k)) {
          return IgnoreWith("views, triggers, routines and events are not synced; create them on the target by "
                            "hand if it needs them");
        }
      }
    }
    return IgnoreWith("not table DDL");
  }

  DdlSyncAction IgnoreWith(const std::string& why) {
    DdlSyncAction a;
    a.kind = DdlSyncAction::Kind::kIgnore;
    a.reason = why;
    a.summary = "ignored: " + why;
    return a;
  }

  DdlSyncAction PauseWith(const std::string& what) {
    DdlSyncAction a;
    a.kind = DdlSyncAction::Kind::kPause;
    a.reason = "cannot sync source DDL " + Stmt() + ": " + what + ". To continue, " + kResumeHelp + ".";
    a.summary = "paused: " + what;
    return a;
  }

  std::string Schema(const QName& q) const { return q.schema.empty() ? ddl_.schema : q.schema; }

  // Index of the plan table with this source name, or -1.
  int FindTable(const std::vector<RunTable>& tables, const std::string& schema, const std::string& name) const {
    for (size_t i = 0; i < tables.size(); ++i) {
      if (tables[i].source_schema == schema && tables[i].source_table == name) return static_cast<int>(i);
    }
    return -1;
  }

  std::string Q(const std::string& schema, const std::string& name) const { return w_->QualifiedName(schema, name); }
  std::string QT(const RunTable& t) const { return Q(t.target_schema, t.target_table); }
  std::string I(const std::string& name) const { return w_->QuoteIdent(name); }

  DdlSyncAction Finish(Work& w, const std::string& subject) {
    if (!w.pause.empty()) return PauseWith(subject.empty() ? w.pause : subject + ": " + w.pause);
    if (w.sql.empty() && w.done.empty()) {
      std::vector<std::string> reasons;
      for (const auto& r : w.ignored) if (!r.empty()) reasons.push_back(r);
      return IgnoreWith((subject.empty() ? "" : subject + ": ") +
                        (reasons.empty() ? std::string("no change for the target") : Join(reasons, "; ")));
    }
    DdlSyncAction a;
    a.kind = DdlSyncAction::Kind::kApply;
    a.target_sql = w.sql;
    a.summary = (subject.empty() ? "" : subject + ": ") + Join(w.done, "; ");
    std::vector<std::string> reasons;
    for (const auto& r : w.ignored) if (!r.empty()) reasons.push_back(r);
    if (!reasons.empty()) a.summary += "; ignored: " + Join(reasons, "; ");
    if (!w.warnings.empty()) a.summary += " (warning: " + Join(w.warnings, "; ") + ")";
    return a;
  }

  // ---- the plan's source catalog snapshot (table default charset/collation) ----

  const Table* SnapshotTable(const std::string& schema, const std::string& table) {
    if (!snapshot_loaded_) {
      snapshot_loaded_ = true;
      if (plan_.source_schema.is_object()) {
        auto r = CatalogFromJson(plan_.source_schema);
        if (r.ok()) snapshot_ = std::move(*r.catalog);
      }
    }
    if (!snapshot_) return nullptr;
    const sluice::Schema* s = snapshot_->FindSchema(schema);
    return s ? s->FindTable(table) : nullptr;
  }

  // ---- columns ----

  static RunColumn* FindColumn(RunTable& t, const std::string& name) {
    for (auto& c : t.columns) if (c.source == name) return &c;
    for (auto& c : t.columns) if (IEq(c.source, name)) return &c;  // MySQL column names ignore case
    return nullptr;
  }

  static int FindDropped(const RunTable& t, const std::string& name) {
    for (size_t i = 0; i < t.dropped_columns.size(); ++i) {
      if (IEq(t.dropped_columns[i], name)) return static_cast<int>(i);
    }
    return -1;
  }

  bool TargetNameTaken(const RunTable& t, const std::string& target, const RunColumn* except) const {
    auto same = [&](const std::string& a) { return pg() ? a == target : IEq(a, target); };
    if (t.hidden_key && same(kHiddenKeyColumn)) return true;
    for (const auto& c : t.columns) {
      if (&c != except && same(c.target)) return true;
    }
    return false;
  }

  static bool InKey(const RunTable& t, const std::string& source) {
    for (const auto& k : t.key) if (IEq(k, source)) return true;
    return false;
  }
  static bool InUniqueKey(const RunTable& t, const std::string& source) {
    for (const auto& uk : t.unique_keys) for (const auto& k : uk) if (IEq(k, source)) return true;
    return false;
  }

  // True when the table's row filter mentions the column.
  bool InRowFilter(const RunTable& t, const std::string& source) const {
    if (t.where.empty()) return false;
    auto parsed = ParseExpression(t.where, src_);
    if (!parsed.ok()) return true;  // unknown: assume it does
    bool found = false;
    std::function<void(const Expr&)> walk = [&](const Expr& e) {
      if (e.kind == ExprKind::kColumnRef && !e.name.empty() && IEq(e.name.back().name, source)) found = true;
      for (const auto& a : e.args) if (a) walk(*a);
      if (e.operand) walk(*e.operand);
      if (e.else_expr) walk(*e.else_expr);
    };
    walk(*parsed.expr);
    return found;
  }

  // The translated column: catalog Column for the DDL writers, RunColumn
  // for the plan, and what the target needs beside the column itself.
  struct Typed {
    Column col;
    RunColumn run;
    std::optional<NeutralType> neutral;
    std::vector<std::string> check_labels;  // PostgreSQL CHECK (col IN (...)) for enums
    bool key_prefix = false;
    bool default_is_expression = false;
    bool default_is_current_time = false;
  };

  // nullopt and w.Pause(...) when the column cannot be translated exactly.
  std::optional<Typed> TypeColumn(const RunTable& t, const ColumnSpec& spec, const std::string& target_name,
                                  bool adding, Work& w) {
    const std::string subject = "column " + spec.name;
    if (!spec.unsupported.empty()) {
      w.Pause(subject + ": " + spec.unsupported + " is not supported during sync");
      return std::nullopt;
    }
    auto parsed = ParseTypeName(spec.type_text, src_);
    if (!parsed.ok() || !parsed.type) {
      w.Pause(subject + ": its type '" + Shorten(spec.type_text, 80) + "' could not be parsed" +
              (parsed.errors.empty() ? "" : " (" + parsed.errors.front().message + ")"));
      return std::nullopt;
    }
    TypeName type = *parsed.type;
    // What the catalog reader reports for a character column: its effective
    // charset and collation (the table's default when not written). Between
    // MySQL-family engines a column that follows the table's default keeps
    // following it, as the planner decides.
    if (IsMySQLFamily(src_) && IsCharacterTypeName(type.name)) {
      if (const Table* st = SnapshotTable(t.source_schema, t.source_table)) {
        if (type.charset.empty() && type.collation.empty() && !IsMySQLFamily(tgt_)) {
          type.charset = st->charset;
          type.collation = st->collation;
        } else if (IsMySQLFamily(tgt_) && type.charset == st->charset && type.collation == st->collation) {
          type.charset.clear();
          type.collation.clear();
        }
      }
    }
    TranslateOptions topts;
    topts.from_version = plan_.source.server_version;
    topts.to_version = plan_.target.server_version;
    topts.column = t.source_schema + "." + t.source_table + "." + spec.name;
    TypeTranslation tr = rules_.Translate(type, src_, tgt_, topts);
    if (tr.outcome == Outcome::kUnsupported) {
      w.Pause(subject + ": type " + spec.type_text + " cannot be migrated: " + Join(tr.messages, "; ") +
              (tr.help.empty() ? "" : " (" + tr.help + ")"));
      return std::nullopt;
    }
    Typed out;
    out.neutral = tr.neutral;
    out.key_prefix = tr.key_prefix;
    out.check_labels = tr.check_in_labels;
    if (tr.outcome == Outcome::kLossy) {
      std::vector<std::string> lossy;
      for (const auto& m : tr.messages) if (m.rfind("note:", 0) != 0) lossy.push_back(m);
      w.warnings.push_back(spec.name + " " + spec.type_text + " → " + tr.target_text + ": " + Join(lossy, "; "));
    }
    Column& c = out.col;
    c.name = target_name;
    c.type_raw = tr.target_text;
    c.type = tr.target;
    c.nullable = !spec.not_null;
    c.comment = spec.comment;
    if (spec.invisible) {
      if (pg()) w.warnings.push_back(spec.name + ": INVISIBLE columns do not exist in PostgreSQL; it is visible");
      else c.invisible = true;
    }
    if (type.name == "serial") {
      w.Pause(subject + ": SERIAL means BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE, which adds a key and numbers "
              "existing rows");
      return std::nullopt;
    }
    if (spec.auto_increment) {
      if (adding) {
        w.Pause(subject + ": adding an AUTO_INCREMENT column numbers the existing rows on each side "
                "independently, so the values could differ");
        return std::nullopt;
      }
      if (pg()) {
        // The planner made the column an identity; it stays one. Only the
        // type changes (BIGINT UNSIGNED narrowed as the planner narrows it).
        if (tr.neutral && tr.neutral->kind == NeutralKind::kUInt64) {
          c.type_raw = "bigint";
          c.type = TypeName{};
          c.type.name = c.type.raw = "bigint";
          w.warnings.push_back(spec.name + ": BIGINT UNSIGNED AUTO_INCREMENT stays bigint (identity): values "
                               "above 9223372036854775807 cannot be stored");
        }
      } else {
        c.auto_increment = true;
      }
    }
    std::optional<int> precision;
    if (tr.neutral && tr.neutral->kind == NeutralKind::kTimestamp && tr.neutral->precision > 0) {
      precision = tr.neutral->precision;
    }
    if (spec.default_text && !(spec.auto_increment && pg())) {
      if (!TranslateDefault(*spec.default_text, tr, precision, spec.name, &out, w, adding)) return std::nullopt;
    }
    if (spec.on_update) {
      if (pg()) {
        w.warnings.push_back(spec.name + ": ON UPDATE " + *spec.on_update +
                             " has no PostgreSQL column form; the value is no longer refreshed on update");
      } else {
        auto pe = ParseExpression(*spec.on_update, src_);
        if (!pe.ok()) {
          w.Pause(subject + ": its ON UPDATE value could not be parsed");
          return std::nullopt;
        }
        PrintOptions po;
        po.current_timestamp_precision = precision;
        PrintResult pr = PrintExpression(*pe.expr, tgt_, po);
        if (pr.outcome == Outcome::kUnsupported) {
          w.Pause(subject + ": its ON UPDATE value cannot be translated: " + Join(pr.messages, "; "));
          return std::nullopt;
        }
        c.on_update = pr.text;
      }
    }
    TypeName plain = type;
    plain.charset.clear();
    plain.collation.clear();
    plain.binary = false;
    out.run.source = spec.name;
    out.run.source_type = NativeTypeText(plain, src_);
    out.run.neutral = tr.neutral_text;
    out.run.target = target_name;
    out.run.target_type = c.type_raw;
    return out;
  }

  // The DEFAULT as the planner writes it (compiler/translate.cc TranslateDefault).
  bool TranslateDefault(const std::string& text, const TypeTranslation& tr, std::optional<int> precision,
                        const std::string& column, Typed* out, Work& w, bool adding) {
    const std::string subject = "column " + column;
    auto parsed = ParseExpression(text, src_);
    if (!parsed.ok()) {
      w.Pause(subject + ": its default '" + Shorten(text, 80) + "' could not be parsed: " +
              parsed.errors.front().message);
      return false;
    }
    const Expr* e = parsed.expr.get();
    std::string sign;
    if (e->kind == ExprKind::kUnary && (e->unary_op == UnaryOp::kNegate || e->unary_op == UnaryOp::kPlus) &&
        !e->args.empty() && e->args[0] && e->args[0]->kind == ExprKind::kLiteral) {
      sign = e->unary_op == UnaryOp::kNegate ? "-" : "";
      e = e->args[0].get();
    }
    Column& c = out->col;
    NeutralKind kind = tr.neutral ? tr.neutral->kind : NeutralKind::kText;
    if (e->kind == ExprKind::kLiteral && e->literal_kind == LiteralKind::kNull) {
      c.default_value = {};
      return true;
    }
    bool literal = e->kind == ExprKind::kLiteral && e->literal_kind != LiteralKind::kHexString;
    if (literal) {
      // MySQL's TRUE and FALSE are the integers 1 and 0.
      std::string v = e->literal_kind == LiteralKind::kBool ? (IEq(e->text, "true") ? "1" : "0") : sign + e->text;
      std::string printed;
      if (kind == NeutralKind::kBool) {
        std::string l = Lower(v);
        bool truth = l == "true" || l == "t" || l == "1" || l == "yes" || l == "on";
        printed = pg() ? (truth ? "true" : "false") : (truth ? "1" : "0");
      } else if (e->literal_kind == LiteralKind::kBitString) {
        if (kind != NeutralKind::kBit) {
          w.Pause(subject + ": a bit-string default on a non-BIT column is not supported during sync");
          return false;
        }
        printed = (pg() ? "B'" : "b'") + e->text + "'";
        v = "b'" + e->text + "'";
      } else if (IsIntegerKind(kind) || kind == NeutralKind::kDecimal || kind == NeutralKind::kFloat32 ||
                 kind == NeutralKind::kFloat64) {
        bool numeric = !v.empty();
        for (char ch : v) {
          numeric = numeric && (std::isdigit(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' ||
                                ch == '+' || ch == 'e' || ch == 'E');
        }
        printed = numeric ? v : QuoteString(v, tgt_).value_or("");
      } else {
        auto q = QuoteString(v, tgt_);
        if (!q) {
          w.Pause(subject + ": its default cannot be written on the target (it holds a NUL byte)");
          return false;
        }
        printed = *q;
      }
      if (printed.empty()) {
        w.Pause(subject + ": its default cannot be written on the target");
        return false;
      }
      c.default_value = ColumnDefault{DefaultKind::kLiteral, printed, v};
      return true;
    }
    bool current_time = e->kind == ExprKind::kCurrent ||
                        (e->kind == ExprKind::kFunction && !e->name.empty() &&
                         (IEq(e->name.back().name, "now") || IEq(e->name.back().name, "current_timestamp") ||
                          IEq(e->name.back().name, "localtimestamp") || IEq(e->name.back().name, "localtime")));
    if (adding && !current_time) {
      // The target would compute the value for every existing row itself.
      w.Pause(subject + ": adding a column whose default is the expression " + Shorten(text, 60) +
              " fills the existing rows with values computed on the target, which can differ from the source's");
      return false;
    }
    PrintOptions po;
    po.current_timestamp_precision = precision;
    PrintResult pr = PrintExpression(*parsed.expr, tgt_, po);
    if (pr.outcome == Outcome::kUnsupported) {
      if (adding) {
        w.Pause(subject + ": its default " + Shorten(text, 60) + " cannot be translated: " + Join(pr.messages, "; "));
        return false;
      }
      w.warnings.push_back(column + ": its default " + Shorten(text, 60) + " cannot be translated (" +
                           Join(pr.messages, "; ") + "); the column gets no default on the target");
      c.default_value = {};
      return true;
    }
    if (pr.outcome == Outcome::kLossy) {
      w.warnings.push_back(column + ": its default becomes " + Shorten(pr.text, 60) + ": " + Join(pr.messages, "; "));
    }
    std::string printed = pr.text;
    if (!pg() && Lower(printed).rfind("current_timestamp", 0) != 0 && printed.front() != '(') {
      printed = "(" + printed + ")";
    }
    c.default_value = ColumnDefault{DefaultKind::kExpression, printed, pr.text};
    out->default_is_expression = true;
    out->default_is_current_time = current_time;
    if (adding && current_time) {
      w.warnings.push_back(column + ": existing rows get the time the target runs the ALTER, not the source's");
    }
    return true;
  }

  // The value MySQL gives existing rows when a NOT NULL column without a
  // default is added; nullopt when PostgreSQL cannot hold it or it is unclear.
  std::optional<std::string> ImplicitDefault(const Typed& typed) const {
    if (!typed.neutral) return std::nullopt;
    NeutralKind k = typed.neutral->kind;
    if (k == NeutralKind::kBool) return std::string("false");
    if (IsIntegerKind(k) || k == NeutralKind::kDecimal || k == NeutralKind::kFloat32 || k == NeutralKind::kFloat64) {
      return std::string("0");
    }
    if (k == NeutralKind::kChar || k == NeutralKind::kVarchar || k == NeutralKind::kText || k == NeutralKind::kSet ||
        k == NeutralKind::kBinary || k == NeutralKind::kVarbinary || k == NeutralKind::kBlob) {
      return std::string("''");
    }
    if (k == NeutralKind::kEnum && !typed.neutral->labels.empty()) return QuoteString(typed.neutral->labels[0], tgt_);
    return std::nullopt;
  }

  std::string EnumCheckName(const RunTable& t, const std::string& target_column) const {
    return FitIdentifier(t.target_table + "_" + target_column + "_check", tgt_);
  }

  std::string EnumCheck(const RunTable& t, const std::string& target_column, const std::vector<std::string>& labels) const {
    std::string list;
    for (size_t i = 0; i < labels.size(); ++i) list += (i ? ", " : "") + QuoteString(labels[i], tgt_).value_or("''");
    return "ALTER TABLE " + QT(t) + " ADD CONSTRAINT " + I(EnumCheckName(t, target_column)) + " CHECK (" +
           I(target_column) + " IN (" + list + "))";
  }

  std::string PositionClause(const RunTable& t, const ColumnSpec& spec, Work& w) {
    if (spec.position == ColumnSpec::Position::kNone) return "";
    if (pg()) {
      w.warnings.push_back(spec.name + ": PostgreSQL cannot place a column; it goes at the end");
      return "";
    }
    if (spec.position == ColumnSpec::Position::kFirst) return " FIRST";
    for (const auto& c : t.columns) {
      if (IEq(c.source, spec.after)) return " AFTER " + I(c.target);
    }
    w.warnings.push_back(spec.name + ": AFTER " + spec.after + " is not kept (that column is not on the target)");
    return "";
  }

  static void PlaceColumn(RunTable& t, RunColumn col, const ColumnSpec& spec) {
    auto it = t.columns.end();
    if (spec.position == ColumnSpec::Position::kFirst) {
      it = t.columns.begin();
    } else if (spec.position == ColumnSpec::Position::kAfter) {
      for (auto c = t.columns.begin(); c != t.columns.end(); ++c) {
        if (IEq(c->source, spec.after)) { it = c + 1; break; }
      }
    }
    t.columns.insert(it, std::move(col));
  }

  void AddColumn(RunTable& t, const AlterAction& a, Work& w) {
    const ColumnSpec& spec = a.column;
    if (FindDropped(t, spec.name) >= 0) {
      w.ignored.push_back("column " + spec.name + " is dropped by the plan");
      return;
    }
    if (FindColumn(t, spec.name)) {
      if (a.if_not_exists) {
        w.ignored.push_back("column " + spec.name + " already exists");
        return;
      }
      w.Pause("the plan already has a column " + spec.name);
      return;
    }
    std::string target = FitIdentifier(spec.name, tgt_);
    if (TargetNameTaken(t, target, nullptr)) {
      w.Pause("column " + spec.name + " would take the name of the target column " + target +
              ", which another source column already maps to");
      return;
    }
    auto typed = TypeColumn(t, spec, target, true, w);
    if (!typed) return;
    Column col = typed->col;
    std::vector<std::string> sql;
    bool fill_then_drop = false;
    if (pg() && !col.nullable && col.default_value.kind == DefaultKind::kNone) {
      // MySQL fills existing rows with the type's implicit default; PostgreSQL
      // would refuse a NOT NULL column without one on a non-empty table.
      auto implicit = ImplicitDefault(*typed);
      if (!implicit) {
        w.Pause("column " + spec.name + ": a NOT NULL column without a DEFAULT gets MySQL's implicit default in "
                "existing rows, which PostgreSQL cannot reproduce for type " + spec.type_text);
        return;
      }
      col.default_value = ColumnDefault{DefaultKind::kLiteral, *implicit, *implicit};
      fill_then_drop = true;
    }
    sql.push_back(w_->AddColumn(t.target_schema, t.target_table, col) + PositionClause(t, spec, w));
    if (fill_then_drop) sql.push_back("ALTER TABLE " + QT(t) + " ALTER COLUMN " + I(target) + " DROP DEFAULT");
    if (pg() && !col.comment.empty()) {
      sql.push_back("COMMENT ON COLUMN " + QT(t) + "." + I(target) + " IS " + w_->QuoteString(col.comment));
    }
    if (pg() && !typed->check_labels.empty()) sql.push_back(EnumCheck(t, target, typed->check_labels));
    for (auto& s : sql) w.sql.push_back(std::move(s));
    w.done.push_back("add column " + spec.name + " " + typed->run.source_type +
                     (target != spec.name ? " as " + target : ""));
    PlaceColumn(t, typed->run, spec);
  }

  void DropColumn(RunTable& t, const AlterAction& a, Work& w) {
    // The name stays in dropped_columns: a column added later under it is
    // dropped too, as the plan says.
    if (FindDropped(t, a.name) >= 0) {
      w.ignored.push_back("column " + a.name + " is dropped by the plan");
      return;
    }
    RunColumn* c = FindColumn(t, a.name);
    if (!c) {
      if (a.if_exists) {
        w.ignored.push_back("column " + a.name + " does not exist");
        return;
      }
      w.Pause("the plan has no column " + a.name);
      return;
    }
    if (InKey(t, c->source)) {
      w.Pause("column " + a.name + " is part of the key the sync uses to find rows; dropping it changes the key");
      return;
    }
    if (InRowFilter(t, c->source)) {
      w.Pause("column " + a.name + " is used by the plan's row filter (where: " + t.where + ")");
      return;
    }
    w.sql.push_back(w_->DropColumn(t.target_schema, t.target_table, c->target));
    w.done.push_back("drop column " + a.name);
    std::string source = c->source;
    t.columns.erase(t.columns.begin() + (c - t.columns.data()));
    // MySQL drops the column from its indexes; the rest stays unique.
    for (auto& uk : t.unique_keys) {
      uk.erase(std::remove_if(uk.begin(), uk.end(), [&](const std::string& k) { return IEq(k, source); }), uk.end());
    }
    t.unique_keys.erase(std::remove_if(t.unique_keys.begin(), t.unique_keys.end(),
                                       [](const std::vector<std::string>& uk) { return uk.empty(); }),
                        t.unique_keys.end());
  }

  // Whether PostgreSQL's ALTER COLUMN TYPE keeps every key value equal.
  static bool TrivialKeyRetype(const RunColumn& old, const Typed& now) {
    if (IEq(old.target_type, now.run.target_type)) return true;
    std::string err;
    auto before = ParseNeutralType(old.neutral, &err);
    if (!before || !now.neutral) return false;
    auto rank = [](NeutralKind k) {
      switch (k) {
        case NeutralKind::kInt8: case NeutralKind::kUInt8: return 1;
        case NeutralKind::kInt16: case NeutralKind::kUInt16: return 2;
        case NeutralKind::kInt24: case NeutralKind::kUInt24: return 3;
        case NeutralKind::kInt32: case NeutralKind::kUInt32: return 4;
        default: return 5;
      }
    };
    if (IsIntegerKind(before->kind) && IsIntegerKind(now.neutral->kind)) {
      // Integers widen without changing a value; the rule files already map
      // unsigned kinds to a signed type wide enough to hold them.
      return rank(now.neutral->kind) >= rank(before->kind);
    }
    auto text = [](NeutralKind k) { return k == NeutralKind::kChar || k == NeutralKind::kVarchar || k == NeutralKind::kText; };
    if (text(before->kind) && text(now.neutral->kind) && before->kind != NeutralKind::kChar &&
        now.neutral->kind != NeutralKind::kChar && before->collation == now.neutral->collation) {
      return now.neutral->kind == NeutralKind::kText ||
             (before->kind == NeutralKind::kVarchar && now.neutral->length >= before->length);
    }
    return false;
  }

  // MODIFY (rename = false) and CHANGE.
  void ModifyColumn(RunTable& t, const AlterAction& a, Work& w) {
    ColumnSpec spec = a.column;
    if (FindDropped(t, a.name) >= 0) {
      int i = FindDropped(t, a.name);
      if (!IEq(a.name, spec.name)) t.dropped_columns[i] = spec.name;
      w.ignored.push_back("column " + a.name + " is dropped by the plan");
      if (!IEq(a.name, spec.name)) w.done.push_back("dropped column " + a.name + " is now " + spec.name);
      return;
    }
    RunColumn* c = FindColumn(t, a.name);
    if (!c) {
      if (a.if_exists) {
        w.ignored.push_back("column " + a.name + " does not exist");
        return;
      }
      w.Pause("the plan has no column " + a.name);
      return;
    }
    if (c->generated) {
      w.Pause("column " + a.name + " is a generated column, which sync does not change");
      return;
    }
    if (c->neutral.empty()) {
      w.Pause("column " + a.name + " is mapped by a `types:` override in the plan, which plan.json does not "
              "carry, so its new type cannot be mapped the same way");
      return;
    }
    // MODIFY names the column in any case; only CHANGE renames it.
    if (a.kind == AlterAction::Kind::kModifyColumn) spec.name = c->source;
    bool rename = spec.name != c->source;
    if (rename && FindColumn(t, spec.name) && !IEq(spec.name, c->source)) {
      w.Pause("column " + spec.name + " already exists in the plan");
      return;
    }
    if (rename && !IEq(spec.name, c->source) && InRowFilter(t, c->source)) {
      w.Pause("column " + a.name + " is used by the plan's row filter (where: " + t.where + ")");
      return;
    }
    // The plan's rename is kept; otherwise the target follows the source.
    bool follows = c->target == c->source || c->target == FitIdentifier(c->source, tgt_);
    std::string target = rename && follows ? FitIdentifier(spec.name, tgt_) : c->target;
    if (target != c->target && TargetNameTaken(t, target, c)) {
      w.Pause("column " + spec.name + " would take the name of the existing target column " + target);
      return;
    }
    auto typed = TypeColumn(t, spec, target, false, w);
    if (!typed) return;
    bool key = InKey(t, c->source);
    // MySQL makes primary key columns NOT NULL whatever MODIFY says.
    if (key && t.key_kind == RunKeyKind::kPrimaryKey) typed->col.nullable = false;
    if (key && pg() && !TrivialKeyRetype(*c, *typed)) {
      w.Pause("column " + a.name + " is part of the key the sync uses to find rows, and changing its type from " +
              c->target_type + " to " + typed->run.target_type + " on PostgreSQL may change key values");
      return;
    }
    if (!pg() && typed->key_prefix && (key || InUniqueKey(t, c->source))) {
      w.Pause("column " + a.name + " is part of a key but its new target type " + typed->run.target_type +
              " needs a prefix length in a key, which would change what the key considers equal");
      return;
    }
    std::string old_target = c->target;
    bool was_enum = c->neutral.rfind("enum", 0) == 0;
    if (!pg()) {
      std::string sql = "ALTER TABLE " + QT(t) +
                        (target != old_target ? " CHANGE COLUMN " + I(old_target) + " " : " MODIFY COLUMN ") +
                        w_->ColumnDefinition(typed->col) + PositionClause(t, spec, w);
      w.sql.push_back(sql);
    } else {
      if (target != old_target) {
        w.sql.push_back("ALTER TABLE " + QT(t) + " RENAME COLUMN " + I(old_target) + " TO " + I(target));
        if (was_enum) {
          w.sql.push_back("ALTER TABLE " + QT(t) + " RENAME CONSTRAINT " + I(EnumCheckName(t, old_target)) +
                          " TO " + I(EnumCheckName(t, target)));
        }
      }
      if (was_enum) {
        w.sql.push_back("ALTER TABLE " + QT(t) + " DROP CONSTRAINT IF EXISTS " + I(EnumCheckName(t, target)));
      }
      std::vector<std::string> alter = w_->AlterColumn(t.target_schema, t.target_table, typed->col);
      // The writer gives TYPE, [SET|DROP] NOT NULL, [SET|DROP] DEFAULT.
      if (!IEq(c->target_type, typed->run.target_type) && !alter.empty()) {
        w.sql.push_back(alter[0] + " USING " + I(target) + "::" + typed->col.type_raw);
      }
      if (alter.size() > 1) w.sql.push_back(alter[1]);
      // An identity column (the planner's form of AUTO_INCREMENT, found on
      // key columns) refuses DROP DEFAULT; its numbering stays as planned.
      bool identity_safe = !spec.auto_increment && !(key && !spec.default_text);
      if (alter.size() > 2 && identity_safe) w.sql.push_back(alter[2]);
      if (!typed->check_labels.empty()) w.sql.push_back(EnumCheck(t, target, typed->check_labels));
      if (!spec.comment.empty()) {
        w.sql.push_back("COMMENT ON COLUMN " + QT(t) + "." + I(target) + " IS " + w_->QuoteString(spec.comment));
      }
    }
    std::string what = rename ? "rename column " + a.name + " to " + spec.name + " as " + typed->run.source_type
                              : "modify column " + a.name + " " + typed->run.source_type;
    if (target != spec.name) what += " (target column " + target + ")";
    w.done.push_back(what);
    std::string old_source = c->source;
    bool generated = c->generated;
    *c = typed->run;
    c->generated = generated;
    if (rename) RenameInKeys(t, old_source, spec.name);
    if (spec.position != ColumnSpec::Position::kNone) {
      RunColumn moved = *c;
      t.columns.erase(t.columns.begin() + (c - t.columns.data()));
      PlaceColumn(t, moved, spec);
    }
  }

  static void RenameInKeys(RunTable& t, const std::string& from, const std::string& to) {
    for (auto& k : t.key) if (IEq(k, from)) k = to;
    for (auto& uk : t.unique_keys) for (auto& k : uk) if (IEq(k, from)) k = to;
  }

  void RenameColumn(RunTable& t, const AlterAction& a, Work& w) {
    int dropped = FindDropped(t, a.name);
    if (dropped >= 0) {
      t.dropped_columns[dropped] = a.new_name;
      w.ignored.push_back("column " + a.name + " is dropped by the plan");
      w.done.push_back("dropped column " + a.name + " is now " + a.new_name);
      return;
    }
    RunColumn* c = FindColumn(t, a.name);
    if (!c) {
      w.Pause("the plan has no column " + a.name);
      return;
    }
    if (FindColumn(t, a.new_name) && !IEq(a.new_name, c->source)) {
      w.Pause("column " + a.new_name + " already exists in the plan");
      return;
    }
    if (InRowFilter(t, c->source)) {
      w.Pause("column " + a.name + " is used by the plan's row filter (where: " + t.where + ")");
      return;
    }
    bool follows = c->target == c->source || c->target == FitIdentifier(c->source, tgt_);
    std::string target = follows ? FitIdentifier(a.new_name, tgt_) : c->target;
    if (target != c->target) {
      if (TargetNameTaken(t, target, c)) {
        w.Pause("column " + a.new_name + " would take the name of the existing target column " + target);
        return;
      }
      w.sql.push_back("ALTER TABLE " + QT(t) + " RENAME COLUMN " + I(c->target) + " TO " + I(target));
      if (pg() && c->neutral.rfind("enum", 0) == 0) {
        w.sql.push_back("ALTER TABLE " + QT(t) + " RENAME CONSTRAINT " + I(EnumCheckName(t, c->target)) + " TO " +
                        I(EnumCheckName(t, target)));
      }
      w.done.push_back("rename column " + a.name + " to " + a.new_name);
    } else {
      w.done.push_back("source column " + a.name + " is now " + a.new_name + " (target column " + c->target +
                       " keeps its planned name)");
    }
    RenameInKeys(t, c->source, a.new_name);
    c->source = a.new_name;
    c->target = target;
  }

  void SetDefault(RunTable& t, const AlterAction& a, Work& w) {
    if (FindDropped(t, a.name) >= 0) {
      w.ignored.push_back("column " + a.name + " is dropped by the plan");
      return;
    }
    RunColumn* c = FindColumn(t, a.name);
    if (!c) {
      w.Pause("the plan has no column " + a.name);
      return;
    }
    std::string prefix = "ALTER TABLE " + QT(t) + " ALTER COLUMN " + I(c->target);
    if (a.kind == AlterAction::Kind::kDropDefault) {
      w.sql.push_back(prefix + " DROP DEFAULT");
      w.done.push_back("drop the default of column " + a.name);
      return;
    }
    if (c->neutral.empty()) {
      w.Pause("column " + a.name + " is mapped by a `types:` override in the plan, which plan.json does not carry");
      return;
    }
    ColumnSpec spec;
    spec.name = c->source;
    spec.type_text = c->source_type;
    spec.default_text = a.default_text;
    // Only the default is new: the type's own warnings were given at planning.
    Work scratch;
    auto typed = TypeColumn(t, spec, c->target, false, scratch);
    if (!scratch.pause.empty()) w.Pause(scratch.pause);
    for (const auto& m : scratch.warnings) if (m.find("default") != std::string::npos) w.warnings.push_back(m);
    if (!typed) return;
    const ColumnDefault& d = typed->col.default_value;
    w.sql.push_back(d.kind == DefaultKind::kNone ? prefix + " DROP DEFAULT" : prefix + " SET DEFAULT " + d.raw);
    w.done.push_back("set the default of column " + a.name + " to " + Shorten(a.default_text, 40));
  }

  // ---- indexes ----

  struct PlannedIndex {
    std::string name, schema, table;
  };

  // The PostgreSQL indexes the plan creates, read back from its tasks'
  // CREATE INDEX statements (plan.json keeps no other record of index names).
  std::vector<PlannedIndex> PlannedPgIndexes() const {
    std::vector<PlannedIndex> out;
    auto quoted = [](const std::string& s, size_t& i, std::string* name) {
      if (i >= s.size() || s[i] != '"') return false;
      name->clear();
      for (++i; i < s.size(); ++i) {
        if (s[i] == '"') {
          if (i + 1 < s.size() && s[i + 1] == '"') { *name += '"'; ++i; continue; }
          ++i;
          return true;
        }
        *name += s[i];
      }
      return false;
    };
    for (const auto& task : plan_.tasks) {
      for (const auto& sql : task.sql) {
        size_t i = 0;
        if (sql.rfind("CREATE INDEX ", 0) == 0) i = 13;
        else if (sql.rfind("CREATE UNIQUE INDEX ", 0) == 0) i = 20;
        else continue;
        PlannedIndex p;
        if (!quoted(sql, i, &p.name) || sql.compare(i, 4, " ON ") != 0) continue;
        i += 4;
        if (!quoted(sql, i, &p.schema) || i >= sql.size() || sql[i] != '.') continue;
        ++i;
        if (!quoted(sql, i, &p.table)) continue;
        out.push_back(std::move(p));
      }
    }
    return out;
  }

  // PostgreSQL index names are per schema: an index made during sync is
  // named "<table>_<index>" (the planner's name for a clashing index).
  std::string NewPgIndexName(const RunTable& t, const std::string& index) const {
    return FitIdentifier(t.target_table + "_" + index, tgt_);
  }

  // The target names a source index may have on PostgreSQL: the planner's
  // (when its tasks create it on this table) and the one sync gives.
  std::vector<std::string> PgIndexNames(const RunTable& t, const std::string& index) const {
    std::vector<std::string> out;
    std::set<std::string> candidates{FitIdentifier(index, tgt_), NewPgIndexName(t, index)};
    for (int n = 2; n < 10; ++n) candidates.insert(FitIdentifier(t.target_table + "_" + index + "_" + std::to_string(n), tgt_));
    for (const auto& p : PlannedPgIndexes()) {
      if (p.schema == t.target_schema && p.table == t.target_table && candidates.count(p.name)) out.push_back(p.name);
    }
    std::string mine = NewPgIndexName(t, index);
    if (std::find(out.begin(), out.end(), mine) == out.end()) out.push_back(mine);
    return out;
  }

  // The translated column types of the table, for index prefix decisions.
  bool NeedsKeyPrefix(const RunTable& t, const RunColumn& c) const {
    if (pg()) return false;
    auto parsed = ParseTypeName(c.source_type, src_);
    if (!parsed.ok() || !parsed.type) return false;
    TranslateOptions topts;
    topts.from_version = plan_.source.server_version;
    topts.to_version = plan_.target.server_version;
    topts.column = t.source_schema + "." + t.source_table + "." + c.source;
    return rules_.Translate(*parsed.type, src_, tgt_, topts).key_prefix;
  }

  void AddIndex(RunTable& t, const AlterAction& a, Work& w) {
    const IndexSpec& spec = a.index;
    std::string subject = "index " + (spec.name.empty() ? std::string("(unnamed)") : spec.name);
    if (!spec.unsupported.empty()) {
      w.Pause(subject + ": " + spec.unsupported + " is not supported during sync");
      return;
    }
    if (spec.name.empty()) {
      w.Pause(subject + ": an index without a name is named by the source server; name it in the statement "
              "so the target's index can be found again");
      return;
    }
    Index idx;
    idx.unique = spec.unique;
    std::string method = spec.method.empty() ? "btree" : spec.method;
    if (pg() && (method == "fulltext" || method == "spatial")) {
      w.ignored.push_back(subject + " is not migrated: " +
                          (method == "fulltext" ? std::string("a FULLTEXT index has no direct PostgreSQL form")
                                                : std::string("a SPATIAL index needs PostGIS")));
      return;
    }
    if (!pg() && method == "hash") {
      w.warnings.push_back(subject + ": MySQL-family InnoDB indexes are B-trees; a hash index becomes one");
      method = "btree";
    }
    if (method != "btree" && method != "hash" && method != "fulltext" && method != "spatial" && method != "rtree") {
      w.Pause(subject + ": index method '" + method + "' is not supported during sync");
      return;
    }
    idx.method = method == "rtree" ? "spatial" : method;
    std::vector<std::string> key_columns;
    bool plain = true;
    for (const auto& p : spec.parts) {
      if (FindDropped(t, p.column) >= 0) {
        w.ignored.push_back(subject + " is not migrated: its column " + p.column + " is dropped by the plan");
        return;
      }
      RunColumn* c = FindColumn(t, p.column);
      if (!c) {
        w.Pause(subject + ": the plan has no column " + p.column);
        return;
      }
      IndexPart part;
      part.column = c->target;
      part.descending = p.descending;
      if (!pg()) {
        part.prefix_length = IsMySQLFamily(src_) ? p.prefix_length : 0;
        if (part.prefix_length == 0 && method != "fulltext" && method != "spatial" && NeedsKeyPrefix(t, *c)) {
          if (spec.unique) {
            w.Pause(subject + ": unique index on " + p.column + ", whose target type can only be indexed by a "
                    "prefix; uniqueness of a prefix is stronger than the source's");
            return;
          }
          part.prefix_length = 255;
          w.warnings.push_back(subject + ": indexes the first 255 characters of " + c->target);
        }
      } else if (p.prefix_length > 0) {
        w.warnings.push_back(subject + ": its prefix length (" + std::to_string(p.prefix_length) +
                             ") is dropped: PostgreSQL indexes whole values" +
                             (spec.unique ? "; uniqueness now covers whole values" : ""));
      }
      plain = plain && p.prefix_length == 0;
      key_columns.push_back(c->source);
      idx.parts.push_back(part);
    }
    idx.name = pg() ? NewPgIndexName(t, spec.name) : FitIdentifier(spec.name, tgt_);
    std::string sql = w_->CreateIndex(t.target_schema, t.target_table, idx);
    if (a.if_not_exists && (pg() || tgt_ == Dialect::kMariaDB)) {
      sql.replace(sql.find("INDEX "), 6, "INDEX IF NOT EXISTS ");
    }
    w.sql.push_back(sql);
    w.done.push_back(std::string("add ") + (spec.unique ? "unique " : "") + "index " + spec.name +
                     (idx.name != spec.name ? " as " + idx.name : ""));
    if (spec.unique && plain) t.unique_keys.push_back(key_columns);
  }

  void DropIndex(RunTable& t, const AlterAction& a, Work& w) {
    if (pg()) {
      for (const auto& n : PgIndexNames(t, a.name)) w.sql.push_back("DROP INDEX IF EXISTS " + Q(t.target_schema, n));
    } else {
      std::string name = FitIdentifier(a.name, tgt_);
      w.sql.push_back(tgt_ == Dialect::kMariaDB || a.if_exists
                          ? "ALTER TABLE " + QT(t) + " DROP INDEX IF EXISTS " + I(name)
                          : w_->DropIndex(t.target_schema, t.target_table, name));
    }
    // unique_keys keeps the key: an extra key only makes the parallel apply's
    // conflict check more careful, never wrong.
    w.done.push_back("drop index " + a.name);
  }

  void RenameIndex(RunTable& t, const AlterAction& a, Work& w) {
    if (pg()) {
      for (const auto& n : PgIndexNames(t, a.name)) {
        w.sql.push_back("ALTER INDEX IF EXISTS " + Q(t.target_schema, n) + " RENAME TO " +
                        I(NewPgIndexName(t, a.new_name)));
      }
    } else {
      w.sql.push_back("ALTER TABLE " + QT(t) + " RENAME INDEX " + I(FitIdentifier(a.name, tgt_)) + " TO " +
                      I(FitIdentifier(a.new_name, tgt_)));
    }
    w.done.push_back("rename index " + a.name + " to " + a.new_name);
  }

  // ---- tables ----

  // The target name a renamed table gets: it follows the source when the plan
  // kept the source's name (or added a prefix/suffix around it); a table the
  // plan renamed explicitly keeps its planned name.
  std::string RenamedTarget(const RunTable& t, const std::string& new_source) const {
    if (t.target_table == t.source_table) return FitIdentifier(new_source, tgt_);
    size_t at = t.source_table.empty() ? std::string::npos : t.target_table.find(t.source_table);
    if (at != std::string::npos) {
      return FitIdentifier(t.target_table.substr(0, at) + new_source +
                               t.target_table.substr(at + t.source_table.size()),
                           tgt_);
    }
    return t.target_table;
  }

  // Renames tables[i] to schema.name in `tables`; false with w.Pause on a clash.
  bool RenameTable(std::vector<RunTable>& tables, int i, const std::string& schema, const std::string& name,
                   Work& w, std::vector<std::pair<std::string, std::string>>* mysql_pairs) {
    RunTable& t = tables[static_cast<size_t>(i)];
    std::string from = t.SourceName();
    if (schema != t.source_schema) {
      w.Pause("moving table " + from + " to another schema (" + schema + ") is not supported during sync");
      return false;
    }
    if (FindTable(tables, schema, name) >= 0) {
      w.Pause("table " + schema + "." + name + " is already in the plan");
      return false;
    }
    std::string target = RenamedTarget(t, name);
    if (target != t.target_table) {
      for (const auto& o : tables) {
        if (&o != &t && o.target_schema == t.target_schema && (pg() ? o.target_table == target : IEq(o.target_table, target))) {
          w.Pause("renaming " + from + " would give it the target name " + t.target_schema + "." + target +
                  ", which table " + o.SourceName() + " already has");
          return false;
        }
      }
      if (mysql_pairs) {
        mysql_pairs->emplace_back(QT(t), Q(t.target_schema, target));
      } else {
        w.sql.push_back("ALTER TABLE " + QT(t) + " RENAME TO " + I(target));
      }
      w.done.push_back("rename table " + from + " to " + schema + "." + name);
    } else {
      w.done.push_back("source table " + from + " is now " + schema + "." + name + " (target table " +
                       t.TargetName() + " keeps its planned name)");
    }
    t.source_table = name;
    t.target_table = target;
    return true;
  }

  DdlSyncAction AlterTable(Parser& p) {
    p.AcceptAll({"IF", "EXISTS"});
    auto q = p.QualifiedName();
    if (!q) return PauseWith("expected a table name after ALTER TABLE");
    std::string schema = Schema(*q);
    std::vector<AlterAction> actions;
    std::string error;
    while (!p.AtEnd()) {
      AlterAction a;
      if (!ParseAlterAction(p, &a, &error)) return PauseWith("it could not be parsed: " + error);
      if (a.kind == AlterAction::Kind::kAddColumn && a.why == "group") {
        // ADD (a int, b int [, INDEX ...])
        while (true) {
          AlterAction c;
          c.kind = AlterAction::Kind::kAddColumn;
          c.if_not_exists = a.if_not_exists;
          if (p.IsWord("INDEX") || p.IsWord("KEY") || p.IsWord("UNIQUE") || p.IsWord("PRIMARY") ||
              p.IsWord("CONSTRAINT") || p.IsWord("FOREIGN") || p.IsWord("CHECK") || p.IsWord("FULLTEXT")) {
            return PauseWith("keys inside ADD ( ... ) are not supported during sync");
          }
          auto n = p.Name();
          if (!n) return PauseWith("it could not be parsed: expected a column name in ADD ( ... )");
          c.column.name = *n;
          if (!ParseColumnSpec(p, &c.column, false, &error)) return PauseWith("it could not be parsed: " + error);
          actions.push_back(std::move(c));
          if (p.AcceptPunct(',')) continue;
          if (p.AcceptPunct(')')) break;
          return PauseWith("it could not be parsed: expected ',' or ')' in ADD ( ... )");
        }
      } else {
        actions.push_back(std::move(a));
      }
      if (p.AtEnd()) break;
      if (p.IsPunct(',') && (p.Peek(1).kind == Token::Kind::kEnd || (p.IsPunct(';', 1)))) {
        return PauseWith("it could not be parsed: the statement ends after ','");
      }
      if (!p.AcceptPunct(',')) {
        // PARTITION BY ... follows the actions without a comma.
        if (p.IsWord("PARTITION") || p.IsWord("REMOVE")) return PauseWith("partitioning is not supported during sync");
        return PauseWith("it could not be parsed: unexpected '" + p.Peek().text + "'");
      }
    }
    int index = FindTable(plan_.tables, schema, q->name);
    std::string subject = schema + "." + q->name;
    if (index < 0) {
      // A table outside the plan taking a planned table's name (an online
      // schema change tool's cut-over) would leave the target behind.
      for (const auto& a : actions) {
        if (a.kind == AlterAction::Kind::kRenameTable) {
          std::string to_schema = a.table.schema.empty() ? schema : a.table.schema;
          if (FindTable(plan_.tables, to_schema, a.table.name) >= 0) {
            return PauseWith("table " + subject + ", which the plan does not migrate, is renamed to " + to_schema +
                             "." + a.table.name + ", which it does; the target does not hold its rows");
          }
        }
      }
      return IgnoreWith(subject + " is " + kNotInPlan);
    }
    std::vector<RunTable> tables = plan_.tables;
    Work w;
    for (const auto& a : actions) {
      RunTable& t = tables[static_cast<size_t>(index)];
      switch (a.kind) {
        case AlterAction::Kind::kAddColumn: AddColumn(t, a, w); break;
        case AlterAction::Kind::kDropColumn: DropColumn(t, a, w); break;
        case AlterAction::Kind::kModifyColumn:
        case AlterAction::Kind::kChangeColumn: ModifyColumn(t, a, w); break;
        case AlterAction::Kind::kRenameColumn: RenameColumn(t, a, w); break;
        case AlterAction::Kind::kSetDefault:
        case AlterAction::Kind::kDropDefault: SetDefault(t, a, w); break;
        case AlterAction::Kind::kAddIndex: AddIndex(t, a, w); break;
        case AlterAction::Kind::kDropIndex: DropIndex(t, a, w); break;
        case AlterAction::Kind::kRenameIndex: RenameIndex(t, a, w); break;
        case AlterAction::Kind::kRenameTable: {
          std::string to_schema = a.table.schema.empty() ? ddl_.schema : a.table.schema;
          if (a.table.schema.empty() && to_schema.empty()) to_schema = t.source_schema;
          if (to_schema == t.source_schema && a.table.name == t.source_table) break;
          if (!RenameTable(tables, index, to_schema, a.table.name, w, nullptr)) break;
          break;
        }
        case AlterAction::Kind::kIgnore: w.ignored.push_back(a.why); break;
        case AlterAction::Kind::kPause: w.Pause(a.why); break;
      }
      if (!w.pause.empty()) break;
    }
    DdlSyncAction out = Finish(w, subject);
    if (out.kind == DdlSyncAction::Kind::kApply) plan_.tables = std::move(tables);
    return out;
  }

  DdlSyncAction RenameTables(Parser& p) {
    std::vector<std::pair<QName, QName>> pairs;
    while (true) {
      auto from = p.QualifiedName();
      if (!from || !p.Accept("TO")) return PauseWith("it could not be parsed: expected RENAME TABLE a TO b");
      auto to = p.QualifiedName();
      if (!to) return PauseWith("it could not be parsed: expected the new table name");
      pairs.emplace_back(*from, *to);
      if (!p.AcceptPunct(',')) break;
    }
    if (!p.AtEnd()) return PauseWith("it could not be parsed: unexpected '" + p.Peek().text + "'");
    std::set<std::pair<std::string, std::string>> planned;
    for (const auto& t : plan_.tables) planned.emplace(t.source_schema, t.source_table);
    std::vector<RunTable> tables = plan_.tables;
    std::vector<std::pair<std::string, std::string>> mysql_pairs;
    Work w;
    for (const auto& [from, to] : pairs) {
      std::string fs = Schema(from), ts = Schema(to);
      int i = FindTable(tables, fs, from.name);
      if (i < 0) {
        if (planned.count({ts, to.name}) || FindTable(tables, ts, to.name) >= 0) {
          w.Pause("table " + fs + "." + from.name + ", which the plan does not migrate, takes the name " + ts + "." +
                  to.name + " of a planned table (an online schema change tool's cut-over?); the target does not "
                  "hold its rows, so re-run `sluice plan` and migrate the table again");
          break;
        }
        w.ignored.push_back(fs + "." + from.name + " is " + kNotInPlan);
        continue;
      }
      if (!RenameTable(tables, i, ts, to.name, w, pg() ? nullptr : &mysql_pairs)) break;
    }
    if (!mysql_pairs.empty() && w.pause.empty()) {
      // One statement: the source's RENAME TABLE is atomic, and so is the target's.
      std::string sql = "RENAME TABLE ";
      for (size_t i = 0; i < mysql_pairs.size(); ++i) {
        sql += (i ? ", " : "") + mysql_pairs[i].first + " TO " + mysql_pairs[i].second;
      }
      w.sql.push_back(sql);
    }
    DdlSyncAction out = Finish(w, "");
    if (out.kind == DdlSyncAction::Kind::kApply) plan_.tables = std::move(tables);
    return out;
  }

  DdlSyncAction Create(Parser& p) {
    bool or_replace = p.AcceptAll({"OR", "REPLACE"});
    if (p.Accept("TEMPORARY")) return IgnoreWith("temporary tables are not migrated");
    if (p.Accept("TABLE")) {
      bool if_not_exists = p.AcceptAll({"IF", "NOT", "EXISTS"});
      auto q = p.QualifiedName();
      if (!q) return PauseWith("expected a table name after CREATE TABLE");
      std::string schema = Schema(*q);
      if (FindTable(plan_.tables, schema, q->name) >= 0) {
        if (if_not_exists && !or_replace) return IgnoreWith(schema + "." + q->name + " already exists");
        return PauseWith("table " + schema + "." + q->name + " is created again while the plan migrates it");
      }
      return IgnoreWith(schema + "." + q->name + " is " + kNotInPlan);
    }
    bool unique = p.Accept("UNIQUE");
    std::string method;
    if (!unique && (p.IsWord("FULLTEXT") || p.IsWord("SPATIAL"))) {
      method = Lower(p.Peek().text);
      p.Next();
    }
    if (p.Accept("INDEX")) {
      AlterAction a;
      a.kind = AlterAction::Kind::kAddIndex;
      a.if_not_exists = p.AcceptAll({"IF", "NOT", "EXISTS"});
      a.index.unique = unique;
      auto n = p.Name();
      if (!n) return PauseWith("it could not be parsed: expected an index name");
      a.index.name = *n;
      if (p.Accept("USING") || p.Accept("TYPE")) {
        auto m = p.Name();
        if (!m) return PauseWith("it could not be parsed: expected an index method");
        a.index.method = Lower(*m);
      }
      if (!p.Accept("ON")) return PauseWith("it could not be parsed: expected ON after the index name");
      auto q = p.QualifiedName();
      if (!q) return PauseWith("it could not be parsed: expected a table name");
      // The parts and options, as in ALTER TABLE ... ADD INDEX.
      IndexSpec rest;
      std::string error;
      if (!ParseIndexSpec(p, &rest, false, &error)) return PauseWith("it could not be parsed: " + error);
      a.index.parts = rest.parts;
      a.index.unsupported = rest.unsupported;
      if (!rest.method.empty()) a.index.method = rest.method;
      if (!method.empty()) a.index.method = method;
      return OnTable(*q, {a});
    }
    if (unique || !method.empty()) return PauseWith("it could not be parsed: expected INDEX");
    return IgnoreNonTable(p);
  }

  // Runs ALTER-style actions on one table (CREATE INDEX, DROP INDEX).
  DdlSyncAction OnTable(const QName& q, const std::vector<AlterAction>& actions) {
    std::string schema = Schema(q);
    int index = FindTable(plan_.tables, schema, q.name);
    std::string subject = schema + "." + q.name;
    if (index < 0) return IgnoreWith(subject + " is " + kNotInPlan);
    std::vector<RunTable> tables = plan_.tables;
    Work w;
    RunTable& t = tables[static_cast<size_t>(index)];
    for (const auto& a : actions) {
      if (a.kind == AlterAction::Kind::kAddIndex) AddIndex(t, a, w);
      else if (a.kind == AlterAction::Kind::kDropIndex) DropIndex(t, a, w);
    }
    DdlSyncAction out = Finish(w, subject);
    if (out.kind == DdlSyncAction::Kind::kApply) plan_.tables = std::move(tables);
    return out;
  }

  DdlSyncAction Drop(Parser& p) {
    if (p.Accept("TEMPORARY")) return IgnoreWith("temporary tables are not migrated");
    if (p.Accept("TABLE") || p.Accept("TABLES")) {
      p.AcceptAll({"IF", "EXISTS"});  // DROP TABLE IF EXISTS is what the target runs anyway
      std::vector<QName> names;
      while (true) {
        auto q = p.QualifiedName();
        if (!q) return PauseWith("it could not be parsed: expected a table name");
        names.push_back(*q);
        if (!p.AcceptPunct(',')) break;
      }
      if (!p.Accept("RESTRICT")) p.Accept("CASCADE");
      if (!p.AtEnd()) return PauseWith("it could not be parsed: unexpected '" + p.Peek().text + "'");
      std::vector<RunTable> tables = plan_.tables;
      Work w;
      for (const auto& q : names) {
        std::string schema = Schema(q);
        int i = FindTable(tables, schema, q.name);
        if (i < 0) {
          w.ignored.push_back(schema + "." + q.name + " is " + kNotInPlan);
          continue;
        }
        w.sql.push_back("DROP TABLE IF EXISTS " + QT(tables[static_cast<size_t>(i)]));
        w.done.push_back("drop table " + schema + "." + q.name);
        tables.erase(tables.begin() + i);
      }
      DdlSyncAction out = Finish(w, "");
      if (out.kind == DdlSyncAction::Kind::kApply) plan_.tables = std::move(tables);
      return out;
    }
    if (p.Accept("INDEX")) {
      p.Accept("ONLINE");
      p.Accept("OFFLINE");
      AlterAction a;
      a.kind = AlterAction::Kind::kDropIndex;
      a.if_exists = p.AcceptAll({"IF", "EXISTS"});
      auto n = p.Name();
      if (!n || !p.Accept("ON")) return PauseWith("it could not be parsed: expected DROP INDEX name ON table");
      a.name = *n;
      auto q = p.QualifiedName();
      if (!q) return PauseWith("it could not be parsed: expected a table name");
      if (IEq(a.name, "PRIMARY")) {
        if (FindTable(plan_.tables, Schema(*q), q->name) < 0) return IgnoreWith(Schema(*q) + "." + q->name + " is " + kNotInPlan);
        return PauseWith("dropping the primary key is not supported during sync");
      }
      return OnTable(*q, {a});
    }
    if (p.Accept("DATABASE") || p.Accept("SCHEMA")) {
      p.AcceptAll({"IF", "EXISTS"});
      auto n = p.Name();
      if (!n) return PauseWith("it could not be parsed: expected a database name");
      for (const auto& t : plan_.tables) {
        if (t.source_schema == *n) {
          return PauseWith("database " + *n + " holds planned tables (" + t.SourceName() +
                           "); dropping a whole database is not synced");
        }
      }
      return IgnoreWith("database " + *n + " holds no planned table");
    }
    return IgnoreNonTable(p);
  }

  DdlSyncAction Truncate(Parser& p) {
    auto q = p.QualifiedName();
    if (!q || !p.AtEnd()) return PauseWith("it could not be parsed: expected TRUNCATE TABLE name");
    std::string schema = Schema(*q);
    int i = FindTable(plan_.tables, schema, q->name);
    if (i < 0) return IgnoreWith(schema + "." + q->name + " is " + kNotInPlan);
    Work w;
    w.sql.push_back("TRUNCATE TABLE " + QT(plan_.tables[static_cast<size_t>(i)]));
    w.done.push_back("truncate");
    return Finish(w, schema + "." + q->name);
  }

  RunPlan& plan_;
  const DdlChange& ddl_;
  const TypeRuleSet& rules_;
  Dialect src_, tgt_;
  std::unique_ptr<DdlWriter> w_;
  bool snapshot_loaded_ = false;
  std::optional<Catalog> snapshot_;
};

}  // namespace

DdlSyncAction TranslateSourceDdl(RunPlan& plan, const DdlChange& ddl, const TypeRuleSet& rules) {
  return DdlTranslator(plan, ddl, rules).Run();
}

DdlSyncAction TranslateSourceDdl(RunPlan& plan, const DdlChange& ddl) {
  DiagnosticSink diags;
  auto rules = TypeRuleSet::LoadEmbedded(diags);
  assert(rules && "the embedded type rules always load");
  return TranslateSourceDdl(plan, ddl, *rules);
}

}  // namespace sluice
