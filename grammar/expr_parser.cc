// How parsing works.
//
// 1. The text is checked for valid UTF-8 (the ANTLR runtime decodes it into
//    code points, and ANTLR offsets count code points): a table maps each
//    code-point index back to its byte offset so every error and span is a
//    byte offset into the caller's text.
// 2. The generated lexer of the source family (MySqlExprLexer.g4 or
//    PgExprLexer.g4; both number tokens alike for SqlExprParser.g4)
//    turns the text into a token list. The first lexer error stops it, with a
//    message chosen from the character that failed ("unclosed string literal").
// 3. A pre-scan over the tokens refuses nesting deeper than kMaxNestingDepth
//    (parentheses, brackets, CASE, runs of prefix operators) before the
//    recursive-descent parser can exhaust the stack, and reports unbalanced
//    parentheses with a precise location.
// 4. The parser runs in SLL mode with a bail-out strategy (fast), and only on
//    failure again in full LL mode with an error listener that keeps the
//    first syntax error in plain words ("unexpected ')'").
// 5. The parse tree depth is measured without recursion (long operator chains
//    are left-deep), then the Builder walks it into the neutral AST
//    (grammar/expr_ast.h), unescaping literals per family and reporting the
//    semantic errors the grammar cannot (unknown interval units, ...).

#include "grammar/expr_parser.h"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <exception>
#include <stdexcept>

#include "MySqlExprLexer.h"
#include "PgExprLexer.h"
#include "SqlExprParser.h"
#include "antlr4-runtime.h"
#include "common/text.h"

namespace sluice {
namespace {

using P = sluice_antlr::SqlExprParser;

// Parse-tree levels allowed: every parenthesis costs a handful of levels and
// an operator chain of n terms costs n.
constexpr size_t kMaxTreeDepth = 3000;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Thrown inside the builder to stop at the first semantic error.
struct BuildError {
  ParseError error;
};

// Code point index -> byte offset; entry [n] is the text size.
std::vector<uint32_t> CodePointOffsets(std::string_view text) {
  std::vector<uint32_t> out;
  out.reserve(text.size() + 1);
  for (uint32_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) out.push_back(i);
  }
  out.push_back(static_cast<uint32_t>(text.size()));
  return out;
}

class Source {
 public:
  Source(std::string_view text) : text_(text), offsets_(CodePointOffsets(text)) {}
  std::string_view text() const { return text_; }
  uint32_t Byte(size_t cp) const {
    return cp < offsets_.size() ? offsets_[cp] : static_cast<uint32_t>(text_.size());
  }
  Span SpanOf(antlr4::Token* t) const {
    if (t == nullptr || t->getType() == antlr4::Token::EOF) {
      return Span{static_cast<uint32_t>(text_.size()), 0};
    }
    uint32_t b = Byte(t->getStartIndex());
    uint32_t e = Byte(t->getStopIndex() + 1);
    return Span{b, e >= b ? e - b : 0};
  }
  Span SpanOf(antlr4::ParserRuleContext* ctx) const {
    Span a = SpanOf(ctx->getStart());
    antlr4::Token* stop = ctx->getStop();
    if (stop == nullptr || stop->getType() == antlr4::Token::EOF ||
        stop->getTokenIndex() < ctx->getStart()->getTokenIndex()) {
      return a;
    }
    Span b = SpanOf(stop);
    return Span{a.offset, b.offset + b.length - a.offset};
  }
  std::string Slice(Span s) const { return std::string(text_.substr(s.offset, s.length)); }

 private:
  std::string_view text_;
  std::vector<uint32_t> offsets_;
};

ParseError MakeError(Span s, std::string message, std::string hint = {}) {
  return ParseError{s.offset, s.length, std::move(message), std::move(hint)};
}

// ---------------------------------------------------------------- lexing

class LexerErrors : public antlr4::BaseErrorListener {
 public:
  explicit LexerErrors(const Source& src, bool pg) : src_(src), pg_(pg) {}
  void syntaxError(antlr4::Recognizer* recognizer, antlr4::Token*, size_t, size_t,
                   const std::string&, std::exception_ptr) override {
    if (error_) return;
    auto* lexer = static_cast<antlr4::Lexer*>(recognizer);
    size_t start = lexer->tokenStartCharIndex;
    uint32_t b = src_.Byte(start);
    std::string_view rest = src_.text().substr(b);
    uint32_t to_end = static_cast<uint32_t>(rest.size());
    char c = rest.empty() ? '\0' : rest[0];
    ParseError e;
    e.offset = b;
    if (c == '\'' || ((c == 'E' || c == 'e' || c == 'N' || c == 'n' || c == 'X' || c == 'x' ||
                       c == 'B' || c == 'b') &&
                      rest.size() > 1 && rest[1] == '\'')) {
      bool hexbit = c == 'X' || c == 'x' || c == 'B' || c == 'b';
      size_t close = rest.find('\'', 2);
      if (hexbit && close != std::string_view::npos) {
        e.length = static_cast<uint32_t>(close + 1);
        e.message = (c == 'X' || c == 'x') ? "invalid hexadecimal literal" : "invalid bit literal";
        e.hint = (c == 'X' || c == 'x') ? "X'..' takes an even number of hex digits 0-9 and A-F"
                                        : "B'..' takes only the digits 0 and 1";
      } else {
        e.length = to_end;
        e.message = "unclosed string literal";
        e.hint = pg_ ? "end the string with '; write a quote inside it as ''"
                     : "end the string with '; write a quote inside it as '' or \\'";
      }
    } else if (c == '"') {
      e.length = to_end;
      e.message = pg_ ? "unclosed quoted identifier" : "unclosed string literal";
      e.hint = pg_ ? "end the name with \"; write a quote inside it as \"\""
                   : "end the string with \"";
    } else if (c == '`') {
      if (pg_) {
        e.length = 1;
        e.message = "unexpected character '`'";
        e.hint = "backticks quote names in MySQL; PostgreSQL quotes names with \"double quotes\"";
      } else {
        e.length = to_end;
        e.message = "unclosed quoted identifier";
        e.hint = "end the name with `; write a backtick inside it as ``";
      }
    } else if (rest.substr(0, 2) == "/*") {
      e.length = to_end;
      e.message = "unclosed comment";
      e.hint = "end the comment with */";
    } else {
      // One whole UTF-8 character.
      uint32_t len = static_cast<uint32_t>(src_.Byte(start + 1) - b);
      e.length = std::max<uint32_t>(len, rest.empty() ? 0 : 1);
      std::string ch(rest.substr(0, e.length));
      e.message = "unexpected character '" + SanitizeForDisplay(ch) + "'";
      if (c == '$' && !pg_) e.hint = "$ quoting and $n parameters are PostgreSQL syntax";
    }
    error_ = std::move(e);
  }
  const std::optional<ParseError>& error() const { return error_; }

 private:
  const Source& src_;
  bool pg_;
  std::optional<ParseError> error_;
};

// ---------------------------------------------------------------- parse errors

std::string TokenDisplay(const antlr4::Token* t) {
  if (t == nullptr || t->getType() == antlr4::Token::EOF) return "end of input";
  return "'" + SanitizeForDisplay(Shorten(t->getText(), 40)) + "'";
}

// A token stream that remembers the furthest token the parser looked at.
// When prediction fails (no viable alternative), ANTLR reports the token
// where the decision started; the real culprit is the furthest token any
// alternative reached. This matters most for the per-family dispatch in
// `expr`, whose other-family alternative often lives longer.
class TrackingTokenStream : public antlr4::CommonTokenStream {
 public:
  using antlr4::CommonTokenStream::CommonTokenStream;
  antlr4::Token* LT(ssize_t k) override {
    antlr4::Token* t = antlr4::CommonTokenStream::LT(k);
    if (t != nullptr && k > 0 && (furthest_ == nullptr || t->getTokenIndex() > furthest_->getTokenIndex())) {
      furthest_ = t;
    }
    return t;
  }
  antlr4::Token* furthest() const { return furthest_; }
  void ResetFurthest() { furthest_ = nullptr; }

 private:
  antlr4::Token* furthest_ = nullptr;
};

class ParserErrors : public antlr4::BaseErrorListener {
 public:
  ParserErrors(const Source& src, bool pg, TrackingTokenStream* stream) : src_(src), pg_(pg), stream_(stream) {}
  void syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* offending, size_t, size_t,
                   const std::string&, std::exception_ptr ep) override {
    if (error_) return;
    auto* parser = static_cast<antlr4::Parser*>(recognizer);
    bool no_viable = false;
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (antlr4::NoViableAltException&) {
      no_viable = true;
    } catch (...) {
    }
    if (no_viable && stream_->furthest() != nullptr && offending != nullptr &&
        stream_->furthest()->getTokenIndex() > offending->getTokenIndex()) {
      offending = stream_->furthest();
      no_viable_moved_ = true;
    }
    ParseError e = MakeError(src_.SpanOf(offending), "unexpected " + TokenDisplay(offending));
    if (offending == nullptr || offending->getType() == antlr4::Token::EOF) {
      e.message = "unexpected end of input";
    }
    e.hint = Hint(parser, offending);
    error_ = std::move(e);
  }
  const std::optional<ParseError>& error() const { return error_; }

 private:
  std::string Hint(antlr4::Parser* parser, antlr4::Token* t) {
    std::string text = t ? t->getText() : "";
    size_t type = t ? t->getType() : antlr4::Token::EOF;
    if (!pg_) {
      if (type == P::TYPECAST) return "'::' casts are PostgreSQL syntax; use CAST(x AS type)";
      if (type == P::ILIKE) return "ILIKE is PostgreSQL syntax; MySQL LIKE is case-insensitive under _ci collations";
      if (type == P::REGEX_CI || type == P::NOT_REGEX || type == P::NOT_REGEX_CI ||
          text == "~") {
        return "regular-expression operators in MySQL are REGEXP / NOT REGEXP";
      }
      if (type == P::ARRAY || text == "[") return "arrays are PostgreSQL syntax";
    } else {
      if (type == P::REGEXP || type == P::RLIKE) return "PostgreSQL matches regular expressions with ~ (or ~* ignoring case)";
      if (type == P::NULL_SAFE_EQ) return "write a IS NOT DISTINCT FROM b in PostgreSQL";
      if (type == P::XOR) return "PostgreSQL has no logical XOR; write (a OR b) AND NOT (a AND b)";
      if (type == P::DIV) return "write div(a, b) or trunc(a / b) in PostgreSQL";
    }
    // A short list of expected tokens helps ("expected ')'"); a long one does not.
    // After moving to the furthest token the parser's state no longer matches it.
    if (no_viable_moved_) return "";
    antlr4::misc::IntervalSet expected;
    try {
      expected = parser->getExpectedTokens();
    } catch (...) {
      return "";
    }
    if (expected.size() == 0 || expected.size() > 4) return "";
    std::vector<std::string> names;
    const auto& vocab = parser->getVocabulary();
    for (size_t tt : expected.toList()) {
      if (tt == antlr4::Token::EOF) {
        names.push_back("end of input");
        continue;
      }
      std::string lit = vocab.getLiteralName(tt);
      if (!lit.empty()) {
        names.push_back(lit);
      } else {
        std::string sym = vocab.getSymbolicName(tt);
        if (!sym.empty() && sym.back() == '_') sym.pop_back();
        if (sym == "IDENT") sym = "a name";
        else if (sym == "INTEGER") sym = "a number";
        else if (sym.find("STRING") != std::string::npos) sym = "a string";
        else sym = "'" + sym + "'";
        names.push_back(sym);
      }
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    std::string out = "expected ";
    for (size_t i = 0; i < names.size(); ++i) {
      if (i > 0) out += (i + 1 == names.size()) ? " or " : ", ";
      out += names[i];
    }
    return out;
  }

  const Source& src_;
  bool pg_;
  TrackingTokenStream* stream_;
  bool no_viable_moved_ = false;
  std::optional<ParseError> error_;
};

// Pre-scan: balance and depth. Returns the first problem.
std::optional<ParseError> ScanNesting(const Source& src,
                                      const std::vector<std::unique_ptr<antlr4::Token>>& toks) {
  struct Open {
    antlr4::Token* tok;
    char close;
  };
  std::vector<Open> stack;
  size_t prefix_run = 0;
  for (const auto& tp : toks) {
    antlr4::Token* t = tp.get();
    if (t->getType() == antlr4::Token::EOF) break;
    std::string s = t->getText();
    size_t type = t->getType();
    bool prefixish = s == "-" || s == "+" || s == "~" || s == "!" || type == P::NOT;
    prefix_run = prefixish ? prefix_run + 1 : 0;
    if (s == "(" || s == "[" || type == P::CASE) {
      stack.push_back(Open{t, s == "(" ? ')' : s == "[" ? ']' : 'E'});
    } else if (s == ")" || s == "]" || type == P::END) {
      char want = s == ")" ? ')' : s == "]" ? ']' : 'E';
      if (stack.empty() || stack.back().close != want) {
        if (want == 'E') {
          if (stack.empty()) return MakeError(src.SpanOf(t), "unexpected 'END'", "there is no CASE for this END");
          // let the parser report END in odd places
          return std::nullopt;
        }
        if (stack.empty()) {
          return MakeError(src.SpanOf(t), "unexpected '" + s + "'",
                           std::string("there is no '") + (want == ')' ? "(" : "[") + "' for it to close");
        }
        return std::nullopt;  // mismatched kinds: the parser says it better
      }
      stack.pop_back();
    }
    if (stack.size() + prefix_run > static_cast<size_t>(kMaxNestingDepth)) {
      return MakeError(src.SpanOf(t),
                       "expression nested too deeply (more than " +
                           std::to_string(kMaxNestingDepth) + " levels)",
                       "simplify the expression or split it");
    }
  }
  if (!stack.empty()) {
    const Open& o = stack.back();
    if (o.close == 'E') {
      return MakeError(src.SpanOf(o.tok), "CASE without END", "end the CASE expression with END");
    }
    return MakeError(src.SpanOf(o.tok), std::string("unclosed '") + (o.close == ')' ? "(" : "[") + "'",
                     std::string("add a matching '") + o.close + "'");
  }
  return std::nullopt;
}

size_t TreeDepth(antlr4::tree::ParseTree* root) {
  size_t max_depth = 0;
  std::vector<std::pair<antlr4::tree::ParseTree*, size_t>> stack{{root, 1}};
  while (!stack.empty()) {
    auto [node, d] = stack.back();
    stack.pop_back();
    max_depth = std::max(max_depth, d);
    for (auto* c : node->children) stack.emplace_back(c, d + 1);
  }
  return max_depth;
}

// ---------------------------------------------------------------- literals

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// MySQL string body (quotes removed): backslash escapes and doubled quotes.
std::string UnescapeMySQL(std::string_view body, char quote) {
  std::string out;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c == quote && i + 1 < body.size() && body[i + 1] == quote) {
      out += quote;
      ++i;
    } else if (c == '\\' && i + 1 < body.size()) {
      char n = body[++i];
      switch (n) {
        case '0': out += '\0'; break;
        case 'b': out += '\b'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'Z': out += '\x1A'; break;
        // \% and \_ keep their backslash: they are LIKE-pattern escapes.
        case '%': out += "\\%"; break;
        case '_': out += "\\_"; break;
        default: out += n; break;
      }
    } else {
      out += c;
    }
  }
  return out;
}

std::string UndoubleQuote(std::string_view body, char quote) {
  std::string out;
  for (size_t i = 0; i < body.size(); ++i) {
    out += body[i];
    if (body[i] == quote && i + 1 < body.size() && body[i + 1] == quote) ++i;
  }
  return out;
}

// PostgreSQL E'..' body.
std::string UnescapePgE(std::string_view body) {
  std::string out;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c == '\'' && i + 1 < body.size() && body[i + 1] == '\'') {
      out += '\'';
      ++i;
      continue;
    }
    if (c != '\\' || i + 1 >= body.size()) {
      out += c;
      continue;
    }
    char n = body[++i];
    switch (n) {
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'x': {
        int v = 0, k = 0;
        while (k < 2 && i + 1 < body.size() && HexVal(body[i + 1]) >= 0) v = v * 16 + HexVal(body[++i]), ++k;
        if (k == 0) out += 'x'; else out += static_cast<char>(v);
        break;
      }
      case 'u':
      case 'U': {
        int want = n == 'u' ? 4 : 8, k = 0;
        uint32_t v = 0;
        while (k < want && i + 1 < body.size() && HexVal(body[i + 1]) >= 0) v = v * 16 + HexVal(body[++i]), ++k;
        if (k == want && v <= 0x10FFFF && (v < 0xD800 || v > 0xDFFF)) AppendUtf8(out, v);
        else out += n;
        break;
      }
      default:
        if (n >= '0' && n <= '7') {
          int v = n - '0', k = 1;
          while (k < 3 && i + 1 < body.size() && body[i + 1] >= '0' && body[i + 1] <= '7') v = v * 8 + (body[++i] - '0'), ++k;
          out += static_cast<char>(v & 0xFF);
        } else {
          out += n;
        }
    }
  }
  return out;
}

// ---------------------------------------------------------------- builder

const std::vector<std::string>& MySQLIntervalUnits() {
  static const std::vector<std::string> k = {
      "microsecond", "second", "minute", "hour", "day", "week", "month", "quarter", "year",
      "second_microsecond", "minute_microsecond", "minute_second", "hour_microsecond",
      "hour_second", "hour_minute", "day_microsecond", "day_second", "day_minute", "day_hour",
      "year_month"};
  return k;
}

const std::vector<std::string>& PgIntervalUnits() {
  static const std::vector<std::string> k = {"year", "month", "day", "hour", "minute", "second"};
  return k;
}

class Builder {
 public:
  Builder(const Source& src, Dialect d) : src_(src), dialect_(d), pg_(d == Dialect::kPostgreSQL) {}

  [[noreturn]] void Fail(Span s, std::string message, std::string hint = {}) {
    throw BuildError{MakeError(s, std::move(message), std::move(hint))};
  }

  ExprPtr New(ExprKind k, antlr4::ParserRuleContext* ctx) {
    auto e = std::make_unique<Expr>(k);
    e->span = src_.SpanOf(ctx);
    e->source = dialect_;
    return e;
  }

  // ------------------------------------------------------------ names

  Identifier Ident(P::IdentifierContext* ctx) {
    Identifier id;
    std::string t = ctx->getText();
    if (ctx->QUOTED_IDENT()) {
      id.name = UndoubleQuote(std::string_view(t).substr(1, t.size() - 2), '"');
      id.quoted = true;
    } else if (ctx->BACKTICK_IDENT()) {
      id.name = UndoubleQuote(std::string_view(t).substr(1, t.size() - 2), '`');
      id.quoted = true;
    } else {
      id.name = t;
    }
    if (id.quoted && id.name.empty()) {
      Fail(src_.SpanOf(ctx), "empty quoted name", "a name needs at least one character");
    }
    return id;
  }

  std::vector<Identifier> Qualified(P::QualifiedNameContext* ctx) {
    std::vector<Identifier> out;
    for (auto* i : ctx->identifier()) out.push_back(Ident(i));
    return out;
  }

  // ------------------------------------------------------------ strings

  std::string StringPart(P::StringPartContext* ctx) {
    std::string t = ctx->getText();
    std::string_view v(t);
    if (ctx->SQ_STRING()) {
      return pg_ ? UndoubleQuote(v.substr(1, v.size() - 2), '\'')
                 : UnescapeMySQL(v.substr(1, v.size() - 2), '\'');
    }
    if (ctx->DQ_STRING()) return UnescapeMySQL(v.substr(1, v.size() - 2), '"');
    if (ctx->E_STRING()) return UnescapePgE(v.substr(2, v.size() - 3));
    // Dollar-quoted: $tag$ body $tag$.
    size_t tag_end = v.find('$', 1);
    size_t tag_len = tag_end + 1;
    return std::string(v.substr(tag_len, v.size() - 2 * tag_len));
  }

  std::string String(P::StringLitContext* ctx) {
    std::string out;
    for (auto* p : ctx->stringPart()) out += StringPart(p);
    return out;
  }

  std::string NationalBody(antlr4::tree::TerminalNode* n) {
    std::string t = n->getText();
    std::string_view body = std::string_view(t).substr(2, t.size() - 3);
    return pg_ ? UndoubleQuote(body, '\'') : UnescapeMySQL(body, '\'');
  }

  // ------------------------------------------------------------ expressions

  ExprPtr Build(P::ExprContext* ctx) {
    if (ctx->myExpr()) return My(ctx->myExpr());
    return Pg(ctx->pgExpr());
  }

  ExprPtr Build(P::BitExprContext* ctx) {
    if (ctx->myBitExpr()) return MyBit(ctx->myBitExpr());
    return PgBit(ctx->pgBitExpr());
  }

  ExprPtr Binary(antlr4::ParserRuleContext* ctx, BinaryOp op, ExprPtr a, ExprPtr b) {
    auto e = New(ExprKind::kBinary, ctx);
    e->binary_op = op;
    e->args.push_back(std::move(a));
    e->args.push_back(std::move(b));
    return e;
  }

  ExprPtr Unary(antlr4::ParserRuleContext* ctx, UnaryOp op, ExprPtr a) {
    auto e = New(ExprKind::kUnary, ctx);
    e->unary_op = op;
    e->args.push_back(std::move(a));
    return e;
  }

  BinaryOp CompareOp(P::CompOpContext* c) {
    std::string s = c->getText();
    if (s == "=") return BinaryOp::kEq;
    if (s == "<>" || s == "!=") return BinaryOp::kNe;
    if (s == "<") return BinaryOp::kLt;
    if (s == "<=") return BinaryOp::kLe;
    if (s == ">") return BinaryOp::kGt;
    if (s == ">=") return BinaryOp::kGe;
    return BinaryOp::kEq;  // <=> is handled by the caller
  }

  ExprPtr InList(antlr4::ParserRuleContext* ctx, ExprPtr x, bool negated, P::SelectStmtContext* sel,
                 P::ExprListContext* list) {
    auto e = New(sel ? ExprKind::kInSubquery : ExprKind::kInList, ctx);
    e->negated = negated;
    e->args.push_back(std::move(x));
    if (sel) {
      e->select = BuildSelect(sel);
    } else {
      for (auto* i : list->expr()) e->args.push_back(Build(i));
    }
    return e;
  }

  ExprPtr Compare(antlr4::ParserRuleContext* ctx, P::CompOpContext* op, ExprPtr a, ExprPtr b) {
    if (op->getText() == "<=>") {
      if (pg_) Fail(src_.SpanOf(op), "unexpected '<=>'", "write a IS NOT DISTINCT FROM b in PostgreSQL");
      auto e = New(ExprKind::kIsDistinct, ctx);
      e->negated = true;
      e->args.push_back(std::move(a));
      e->args.push_back(std::move(b));
      return e;
    }
    return Binary(ctx, CompareOp(op), std::move(a), std::move(b));
  }

  ExprPtr Quantified(antlr4::ParserRuleContext* ctx, P::CompOpContext* op, antlr4::Token* quant,
                     ExprPtr a, P::SelectStmtContext* sel, P::ExprContext* rhs) {
    if (op->getText() == "<=>") Fail(src_.SpanOf(op), "'<=>' cannot be used with ANY or ALL");
    auto e = New(ExprKind::kQuantified, ctx);
    e->binary_op = CompareOp(op);
    e->text = quant->getType() == P::ALL ? "all" : "any";
    e->args.push_back(std::move(a));
    if (sel) e->select = BuildSelect(sel);
    else e->args.push_back(Build(rhs));
    return e;
  }

  ExprPtr IsBool(antlr4::ParserRuleContext* ctx, ExprPtr x, bool negated, bool t, bool f) {
    auto e = New(ExprKind::kIsBool, ctx);
    e->negated = negated;
    e->text = t ? "true" : f ? "false" : "unknown";
    e->args.push_back(std::move(x));
    return e;
  }

  ExprPtr My(P::MyExprContext* ctx) {
    if (auto* c = dynamic_cast<P::MyBaseContext*>(ctx)) return MyBit(c->myBitExpr());
    if (auto* c = dynamic_cast<P::MyInContext*>(ctx)) {
      return InList(c, My(c->myExpr()), c->NOT() != nullptr, c->selectStmt(), c->exprList());
    }
    if (auto* c = dynamic_cast<P::MyBetweenContext*>(ctx)) {
      auto e = New(ExprKind::kBetween, c);
      e->negated = c->NOT() != nullptr;
      e->args.push_back(My(c->myExpr(0)));
      e->args.push_back(MyBit(c->myBitExpr()));
      e->args.push_back(My(c->myExpr(1)));
      return e;
    }
    if (auto* c = dynamic_cast<P::MyLikeContext*>(ctx)) {
      auto e = New(ExprKind::kLike, c);
      e->negated = c->NOT() != nullptr;
      e->args.push_back(My(c->myExpr()));
      e->args.push_back(MyBit(c->myBitExpr(0)));
      if (c->ESCAPE()) e->args.push_back(MyBit(c->myBitExpr(1)));
      return e;
    }
    if (auto* c = dynamic_cast<P::MyRegexpContext*>(ctx)) {
      auto e = New(ExprKind::kRegex, c);
      e->negated = c->NOT() != nullptr;
      e->collation_dependent = true;
      e->args.push_back(My(c->myExpr()));
      e->args.push_back(MyBit(c->myBitExpr()));
      return e;
    }
    if (auto* c = dynamic_cast<P::MyQuantifiedContext*>(ctx)) {
      return Quantified(c, c->compOp(), c->quant, My(c->myExpr()), c->selectStmt(), nullptr);
    }
    if (auto* c = dynamic_cast<P::MyCompareContext*>(ctx)) {
      return Compare(c, c->compOp(), My(c->myExpr(0)), My(c->myExpr(1)));
    }
    if (auto* c = dynamic_cast<P::MyIsNullContext*>(ctx)) {
      auto e = New(ExprKind::kIsNull, c);
      e->negated = c->NOT() != nullptr;
      e->args.push_back(My(c->myExpr()));
      return e;
    }
    if (auto* c = dynamic_cast<P::MyIsBoolContext*>(ctx)) {
      return IsBool(c, My(c->myExpr()), c->NOT() != nullptr, c->TRUE_(), c->FALSE_());
    }
    if (auto* c = dynamic_cast<P::MyNotContext*>(ctx)) return Unary(c, UnaryOp::kNot, My(c->myExpr()));
    if (auto* c = dynamic_cast<P::MyAndContext*>(ctx)) {
      return Binary(c, BinaryOp::kAnd, My(c->myExpr(0)), My(c->myExpr(1)));
    }
    if (auto* c = dynamic_cast<P::MyXorContext*>(ctx)) {
      return Binary(c, BinaryOp::kXor, My(c->myExpr(0)), My(c->myExpr(1)));
    }
    if (auto* c = dynamic_cast<P::MyOrContext*>(ctx)) {
      return Binary(c, BinaryOp::kOr, My(c->myExpr(0)), My(c->myExpr(1)));
    }
    Fail(src_.SpanOf(ctx), "unsupported expression");
  }

  ExprPtr MyBit(P::MyBitExprContext* ctx) {
    if (auto* c = dynamic_cast<P::MyBitBaseContext*>(ctx)) return MySimple(c->mySimpleExpr());
    if (auto* c = dynamic_cast<P::MyBitOpContext*>(ctx)) {
      std::string op = Lower(c->op->getText());
      BinaryOp b = op == "^"    ? BinaryOp::kBitXor
                   : op == "*"  ? BinaryOp::kMul
                   : op == "/"  ? BinaryOp::kDiv
                   : op == "div" ? BinaryOp::kIntDiv
                   : op == "%" || op == "mod" ? BinaryOp::kMod
                   : op == "+"  ? BinaryOp::kAdd
                   : op == "-"  ? BinaryOp::kSub
                   : op == "<<" ? BinaryOp::kShiftLeft
                   : op == ">>" ? BinaryOp::kShiftRight
                   : op == "&"  ? BinaryOp::kBitAnd
                                : BinaryOp::kBitOr;
      return Binary(c, b, MyBit(c->myBitExpr(0)), MyBit(c->myBitExpr(1)));
    }
    if (auto* c = dynamic_cast<P::MyJsonOpContext*>(ctx)) {
      auto path = New(ExprKind::kLiteral, c->stringLit());
      path->literal_kind = LiteralKind::kString;
      path->text = String(c->stringLit());
      return Binary(c, c->op->getText() == "->" ? BinaryOp::kJsonGet : BinaryOp::kJsonGetText,
                    MyBit(c->myBitExpr()), std::move(path));
    }
    Fail(src_.SpanOf(ctx), "unsupported expression");
  }

  ExprPtr MySimple(P::MySimpleExprContext* ctx) {
    if (auto* c = dynamic_cast<P::MySimplePrimaryContext*>(ctx)) return Primary(c->primary());
    if (auto* c = dynamic_cast<P::MySimpleCollateContext*>(ctx)) {
      auto e = New(ExprKind::kCollate, c);
      e->text = Collation(c->collationName());
      e->args.push_back(MySimple(c->mySimpleExpr()));
      return e;
    }
    if (auto* c = dynamic_cast<P::MySimpleUnaryContext*>(ctx)) {
      std::string op = c->op->getText();
      UnaryOp u = op == "-" ? UnaryOp::kNegate : op == "+" ? UnaryOp::kPlus : op == "~" ? UnaryOp::kBitNot : UnaryOp::kNot;
      return Unary(c, u, MySimple(c->mySimpleExpr()));
    }
    if (auto* c = dynamic_cast<P::MySimpleBinaryContext*>(ctx)) {
      return Unary(c, UnaryOp::kBinary, MySimple(c->mySimpleExpr()));
    }
    Fail(src_.SpanOf(ctx), "unsupported expression");
  }

  ExprPtr Pg(P::PgExprContext* ctx) {
    if (auto* c = dynamic_cast<P::PgBaseContext*>(ctx)) return PgBit(c->pgBitExpr());
    if (auto* c = dynamic_cast<P::PgInContext*>(ctx)) {
      return InList(c, Pg(c->pgExpr()), c->NOT() != nullptr, c->selectStmt(), c->exprList());
    }
    if (auto* c = dynamic_cast<P::PgBetweenContext*>(ctx)) {
      auto e = New(ExprKind::kBetween, c);
      e->negated = c->NOT() != nullptr;
      e->symmetric = c->SYMMETRIC() != nullptr;
      e->args.push_back(Pg(c->pgExpr()));
      e->args.push_back(PgBit(c->pgBitExpr(0)));
      e->args.push_back(PgBit(c->pgBitExpr(1)));
      return e;
    }
    if (auto* c = dynamic_cast<P::PgLikeContext*>(ctx)) {
      auto e = New(ExprKind::kLike, c);
      e->negated = c->NOT() != nullptr;
      e->case_insensitive = c->op->getType() == P::ILIKE;
      e->args.push_back(Pg(c->pgExpr()));
      e->args.push_back(PgBit(c->pgBitExpr(0)));
      if (c->ESCAPE()) e->args.push_back(PgBit(c->pgBitExpr(1)));
      return e;
    }
    if (auto* c = dynamic_cast<P::PgSimilarContext*>(ctx)) {
      auto e = New(ExprKind::kLike, c);
      e->negated = c->NOT() != nullptr;
      e->similar = true;
      e->args.push_back(Pg(c->pgExpr()));
      e->args.push_back(PgBit(c->pgBitExpr(0)));
      if (c->ESCAPE()) e->args.push_back(PgBit(c->pgBitExpr(1)));
      return e;
    }
    if (auto* c = dynamic_cast<P::PgQuantifiedContext*>(ctx)) {
      return Quantified(c, c->compOp(), c->quant, Pg(c->pgExpr()), c->selectStmt(), c->expr());
    }
    if (auto* c = dynamic_cast<P::PgCompareContext*>(ctx)) {
      return Compare(c, c->compOp(), Pg(c->pgExpr(0)), Pg(c->pgExpr(1)));
    }
    if (auto* c = dynamic_cast<P::PgIsNullContext*>(ctx)) {
      auto e = New(ExprKind::kIsNull, c);
      e->negated = c->NOT() != nullptr;
      e->args.push_back(Pg(c->pgExpr()));
      return e;
    }
    if (auto* c = dynamic_cast<P::PgIsNullPostfixContext*>(ctx)) {
      auto e = New(ExprKind::kIsNull, c);
      e->negated = c->op->getType() == P::NOTNULL;
      e->args.push_back(Pg(c->pgExpr()));
      return e;
    }
    if (auto* c = dynamic_cast<P::PgIsBoolContext*>(ctx)) {
      return IsBool(c, Pg(c->pgExpr()), c->NOT() != nullptr, c->TRUE_(), c->FALSE_());
    }
    if (auto* c = dynamic_cast<P::PgIsDistinctContext*>(ctx)) {
      auto e = New(ExprKind::kIsDistinct, c);
      e->negated = c->NOT() != nullptr;
      e->args.push_back(Pg(c->pgExpr()));
      e->args.push_back(PgBit(c->pgBitExpr()));
      return e;
    }
    if (auto* c = dynamic_cast<P::PgNotContext*>(ctx)) return Unary(c, UnaryOp::kNot, Pg(c->pgExpr()));
    if (auto* c = dynamic_cast<P::PgAndContext*>(ctx)) {
      return Binary(c, BinaryOp::kAnd, Pg(c->pgExpr(0)), Pg(c->pgExpr(1)));
    }
    if (auto* c = dynamic_cast<P::PgOrContext*>(ctx)) {
      return Binary(c, BinaryOp::kOr, Pg(c->pgExpr(0)), Pg(c->pgExpr(1)));
    }
    Fail(src_.SpanOf(ctx), "unsupported expression");
  }

  ExprPtr PgBit(P::PgBitExprContext* ctx) {
    if (auto* c = dynamic_cast<P::PgBitBaseContext*>(ctx)) return PgUnary(c->pgUnaryExpr());
    if (auto* c = dynamic_cast<P::PgAtTimeZoneContext*>(ctx)) {
      auto e = New(ExprKind::kAtTimeZone, c);
      e->args.push_back(PgBit(c->pgBitExpr(0)));
      e->args.push_back(PgBit(c->pgBitExpr(1)));
      return e;
    }
    if (auto* c = dynamic_cast<P::PgBitOpContext*>(ctx)) {
      std::string op = c->op->getText();
      struct Row {
        const char* text;
        BinaryOp op;
      };
      static const Row kOps[] = {
          {"^", BinaryOp::kPow},           {"*", BinaryOp::kMul},          {"/", BinaryOp::kDiv},
          {"%", BinaryOp::kMod},           {"+", BinaryOp::kAdd},          {"-", BinaryOp::kSub},
          {"||", BinaryOp::kConcat},       {"&", BinaryOp::kBitAnd},       {"|", BinaryOp::kBitOr},
          {"#", BinaryOp::kBitXor},        {"<<", BinaryOp::kShiftLeft},   {">>", BinaryOp::kShiftRight},
          {"->", BinaryOp::kJsonGet},      {"->>", BinaryOp::kJsonGetText}, {"#>", BinaryOp::kJsonPath},
          {"#>>", BinaryOp::kJsonPathText}, {"@>", BinaryOp::kContains},  {"<@", BinaryOp::kContainedBy},
          {"&&", BinaryOp::kOverlaps},     {"?", BinaryOp::kHasKey},       {"?|", BinaryOp::kHasAnyKey},
          {"?&", BinaryOp::kHasAllKeys},
      };
      for (const Row& r : kOps) {
        if (op == r.text) return Binary(c, r.op, PgBit(c->pgBitExpr(0)), PgBit(c->pgBitExpr(1)));
      }
      // Regular-expression operators.
      auto e = New(ExprKind::kRegex, c);
      e->negated = op[0] == '!';
      e->case_insensitive = op.back() == '*';
      e->args.push_back(PgBit(c->pgBitExpr(0)));
      e->args.push_back(PgBit(c->pgBitExpr(1)));
      return e;
    }
    Fail(src_.SpanOf(ctx), "unsupported expression");
  }

  ExprPtr PgUnary(P::PgUnaryExprContext* ctx) {
    if (auto* c = dynamic_cast<P::PgUnaryBaseContext*>(ctx)) return PgPostfix(c->pgPostfixExpr());
    auto* c = static_cast<P::PgUnaryContext*>(ctx);
    std::string op = c->op->getText();
    UnaryOp u = op == "-" ? UnaryOp::kNegate : op == "+" ? UnaryOp::kPlus : UnaryOp::kBitNot;
    return Unary(c, u, PgUnary(c->pgUnaryExpr()));
  }

  ExprPtr PgPostfix(P::PgPostfixExprContext* ctx) {
    if (auto* c = dynamic_cast<P::PgPostfixPrimaryContext*>(ctx)) return Primary(c->primary());
    if (auto* c = dynamic_cast<P::PgCastContext*>(ctx)) {
      auto e = New(ExprKind::kCast, c);
      e->cast_syntax = CastSyntax::kColons;
      e->args.push_back(PgPostfix(c->pgPostfixExpr()));
      e->type = Type(c->typeName());
      return e;
    }
    if (auto* c = dynamic_cast<P::PgSubscriptContext*>(ctx)) {
      auto e = New(ExprKind::kSubscript, c);
      e->args.push_back(PgPostfix(c->pgPostfixExpr()));
      // expr? (':' expr?)?: find which side each expr is on by the colon's position.
      antlr4::tree::TerminalNode* colon = nullptr;
      for (auto* ch : c->children) {
        if (auto* t = dynamic_cast<antlr4::tree::TerminalNode*>(ch); t && t->getText() == ":") colon = t;
      }
      e->slice = colon != nullptr;
      ExprPtr lo, hi;
      for (auto* x : c->expr()) {
        if (colon && x->getStart()->getTokenIndex() > colon->getSymbol()->getTokenIndex()) hi = Build(x);
        else lo = Build(x);
      }
      if (!e->slice && !lo) Fail(src_.SpanOf(c), "empty subscript", "write a[1] or a[1:2]");
      e->args.push_back(std::move(lo));
      if (e->slice) e->args.push_back(std::move(hi));
      return e;
    }
    if (auto* c = dynamic_cast<P::PgCollateContext*>(ctx)) {
      auto e = New(ExprKind::kCollate, c);
      e->text = Collation(c->collationName());
      e->args.push_back(PgPostfix(c->pgPostfixExpr()));
      return e;
    }
    Fail(src_.SpanOf(ctx), "unsupported expression");
  }

  std::string Collation(P::CollationNameContext* c) {
    if (c->identifier()) return Ident(c->identifier()).name;
    if (c->stringLit()) return String(c->stringLit());
    return "binary";
  }

  std::string Charset(P::CharsetNameContext* c) {
    if (c->identifier()) return Ident(c->identifier()).name;
    if (c->stringLit()) return String(c->stringLit());
    return "binary";
  }

  std::string IntervalUnit(P::IntervalQualifierContext* q, std::optional<int>* precision) {
    auto units = q->intervalUnit();
    std::string out;
    const auto& allowed = pg_ ? PgIntervalUnits() : MySQLIntervalUnits();
    for (size_t i = 0; i < units.size(); ++i) {
      std::string u = Lower(units[i]->getText());
      if (std::find(allowed.begin(), allowed.end(), u) == allowed.end()) {
        std::string hint = DidYouMean(u, allowed);
        if (hint.empty()) hint = "units are " + Join(allowed, ", ");
        Fail(src_.SpanOf(units[i]), "unknown interval unit '" + SanitizeForDisplay(units[i]->getText()) + "'",
             hint);
      }
      if (i > 0) {
        if (!pg_) Fail(src_.SpanOf(q), "MySQL interval units are single words", "write e.g. DAY_SECOND");
        out += " to ";
      }
      out += u;
    }
    if (q->INTEGER()) *precision = IntValue(q->INTEGER());
    return out;
  }

  int IntValue(antlr4::tree::TerminalNode* n) {
    std::string t = n->getText();
    if (t.size() > 9) Fail(src_.SpanOf(n->getSymbol()), "number too large");
    return std::stoi(t);
  }

  ExprPtr Literal(P::LiteralContext* ctx) {
    auto e = New(ExprKind::kLiteral, ctx);
    if (dynamic_cast<P::LitIntegerContext*>(ctx)) {
      e->literal_kind = LiteralKind::kInteger;
      e->text = ctx->getText();
    } else if (dynamic_cast<P::LitDecimalContext*>(ctx)) {
      e->literal_kind = LiteralKind::kDecimal;
      e->text = ctx->getText();
    } else if (dynamic_cast<P::LitFloatContext*>(ctx)) {
      e->literal_kind = LiteralKind::kFloat;
      e->text = ctx->getText();
    } else if (dynamic_cast<P::LitHexNumContext*>(ctx)) {
      e->literal_kind = LiteralKind::kHexString;
      e->hex_number = true;
      e->text = Upper(ctx->getText().substr(2));
    } else if (dynamic_cast<P::LitBitNumContext*>(ctx)) {
      e->literal_kind = LiteralKind::kBitString;
      e->hex_number = true;
      e->text = ctx->getText().substr(2);
    } else if (auto* c = dynamic_cast<P::LitHexStringContext*>(ctx)) {
      HexString(c->HEX_STRING(), e.get());
    } else if (auto* c = dynamic_cast<P::LitBitStringContext*>(ctx)) {
      std::string t = c->getText();
      e->literal_kind = LiteralKind::kBitString;
      e->text = t.substr(2, t.size() - 3);
    } else if (auto* c = dynamic_cast<P::LitIntroducedContext*>(ctx)) {
      e->introducer = Lower(c->INTRODUCER()->getText().substr(1));
      if (c->stringLit()) {
        e->literal_kind = LiteralKind::kString;
        e->text = String(c->stringLit());
      } else if (c->HEX_STRING()) {
        HexString(c->HEX_STRING(), e.get());
      } else {
        std::string t = c->BIT_STRING()->getText();
        e->literal_kind = LiteralKind::kBitString;
        e->text = t.substr(2, t.size() - 3);
      }
    } else if (auto* c = dynamic_cast<P::LitNationalContext*>(ctx)) {
      e->literal_kind = LiteralKind::kString;
      e->introducer = "N";
      e->text = NationalBody(c->NSTRING());
      for (auto* s : c->stringLit()) e->text += String(s);
    } else if (auto* c = dynamic_cast<P::LitStringContext*>(ctx)) {
      e->literal_kind = LiteralKind::kString;
      e->text = String(c->stringLit());
    } else if (auto* c = dynamic_cast<P::LitBoolContext*>(ctx)) {
      e->literal_kind = LiteralKind::kBool;
      e->text = c->TRUE_() ? "true" : "false";
    } else {
      e->literal_kind = LiteralKind::kNull;
    }
    return e;
  }

  void HexString(antlr4::tree::TerminalNode* n, Expr* e) {
    std::string t = n->getText();
    std::string digits = Upper(t.substr(2, t.size() - 3));
    if (pg_) {
      // PostgreSQL X'1F' is a bit string: four bits per digit.
      e->literal_kind = LiteralKind::kBitString;
      for (char c : digits) {
        int v = HexVal(c);
        for (int b = 3; b >= 0; --b) e->text += ((v >> b) & 1) ? '1' : '0';
      }
      return;
    }
    if (digits.size() % 2 != 0) {
      Fail(src_.SpanOf(n->getSymbol()), "invalid hexadecimal literal",
           "X'..' takes an even number of hex digits");
    }
    e->literal_kind = LiteralKind::kHexString;
    e->text = digits;
  }

  ExprPtr Primary(P::PrimaryContext* ctx) {
    if (auto* c = dynamic_cast<P::PrimLiteralContext*>(ctx)) return Literal(c->literal());
    if (auto* c = dynamic_cast<P::PrimTypedLiteralContext*>(ctx)) {
      auto e = New(ExprKind::kLiteral, c);
      e->literal_kind = c->DATE() ? LiteralKind::kDate : c->TIME() ? LiteralKind::kTime : LiteralKind::kTimestamp;
      e->text = String(c->stringLit());
      return e;
    }
    if (auto* c = dynamic_cast<P::PrimIntervalStringContext*>(ctx)) {
      auto e = New(ExprKind::kInterval, c);
      auto v = New(ExprKind::kLiteral, c->stringLit());
      v->literal_kind = LiteralKind::kString;
      v->text = String(c->stringLit());
      e->args.push_back(std::move(v));
      if (c->intervalQualifier()) e->text = IntervalUnit(c->intervalQualifier(), &e->precision);
      else if (!pg_) Fail(src_.SpanOf(c), "INTERVAL needs a unit in MySQL", "write e.g. INTERVAL 1 DAY");
      return e;
    }
    if (auto* c = dynamic_cast<P::PrimIntervalExprContext*>(ctx)) {
      if (pg_) {
        Fail(src_.SpanOf(c->expr()), "PostgreSQL interval literals take a quoted string",
             "write e.g. INTERVAL '1 day'");
      }
      auto e = New(ExprKind::kInterval, c);
      e->args.push_back(Build(c->expr()));
      e->text = IntervalUnit(c->intervalQualifier(), &e->precision);
      return e;
    }
    if (auto* c = dynamic_cast<P::PrimCurrentContext*>(ctx)) {
      auto e = New(ExprKind::kCurrent, c);
      e->text = Lower(c->kw->getText());
      if (c->INTEGER()) e->precision = IntValue(c->INTEGER());
      e->parens = c->children.size() > 1;
      return e;
    }
    if (auto* c = dynamic_cast<P::PrimCurrentDateContext*>(ctx)) {
      auto e = New(ExprKind::kCurrent, c);
      e->text = "current_date";
      e->parens = c->children.size() > 1;
      return e;
    }
    if (auto* c = dynamic_cast<P::PrimCastContext*>(ctx)) {
      auto e = New(ExprKind::kCast, c);
      e->args.push_back(Build(c->expr()));
      e->type = Type(c->typeName());
      return e;
    }
    if (auto* c = dynamic_cast<P::PrimConvertContext*>(ctx)) {
      auto e = New(ExprKind::kCast, c);
      e->cast_syntax = CastSyntax::kConvert;
      e->args.push_back(Build(c->expr()));
      e->type = Type(c->typeName());
      return e;
    }
    if (auto* c = dynamic_cast<P::PrimConvertUsingContext*>(ctx)) {
      auto e = New(ExprKind::kConvertUsing, c);
      e->args.push_back(Build(c->expr()));
      e->text = Charset(c->charsetName());
      return e;
    }
    if (auto* c = dynamic_cast<P::PrimExtractContext*>(ctx)) {
      auto e = Special(c, "extract", FunctionSyntax::kExtract);
      auto* f = c->extractField();
      e->text = Lower(f->identifier() ? Ident(f->identifier()).name : String(f->stringLit()));
      e->args.push_back(Build(c->expr()));
      e->arg_names.push_back("");
      return e;
    }
    if (auto* c = dynamic_cast<P::PrimSubstringFromContext*>(ctx)) {
      auto e = Special(c, "substring", FunctionSyntax::kSubstringFrom);
      for (auto* x : c->expr()) e->args.push_back(Build(x));
      e->arg_names.assign(e->args.size(), "");
      return e;
    }
    if (auto* c = dynamic_cast<P::PrimSubstringForContext*>(ctx)) {
      auto e = Special(c, "substring", FunctionSyntax::kSubstringFrom);
      e->args.push_back(Build(c->expr(0)));
      e->args.push_back(MakeLiteral(LiteralKind::kInteger, "1"));
      e->args.back()->source = dialect_;
      e->args.push_back(Build(c->expr(1)));
      e->arg_names.assign(3, "");
      return e;
    }
    if (auto* c = dynamic_cast<P::PrimTrimContext*>(ctx)) {
      auto e = Special(c, "trim", FunctionSyntax::kTrim);
      e->text = c->side ? Lower(c->side->getText()) : "";
      auto xs = c->expr();
      e->args.push_back(Build(xs.back()));
      if (xs.size() == 2) e->args.push_back(Build(xs[0]));
      e->arg_names.assign(e->args.size(), "");
      return e;
    }
    if (auto* c = dynamic_cast<P::PrimPositionContext*>(ctx)) {
      auto e = Special(c, "position", FunctionSyntax::kPosition);
      e->args.push_back(Build(c->bitExpr()));
      e->args.push_back(Build(c->expr()));
      e->arg_names.assign(2, "");
      return e;
    }
    if (auto* c = dynamic_cast<P::PrimCaseContext*>(ctx)) {
      auto e = New(ExprKind::kCase, c);
      auto xs = c->expr();
      size_t i = 0;
      // expr? caseWhen+ (ELSE expr)?: the operand comes before the first WHEN.
      if (!xs.empty() && xs[0]->getStart()->getTokenIndex() < c->caseWhen(0)->getStart()->getTokenIndex()) {
        e->operand = Build(xs[0]);
        i = 1;
      }
      for (auto* w : c->caseWhen()) {
        e->args.push_back(Build(w->expr(0)));
        e->args.push_back(Build(w->expr(1)));
      }
      if (c->ELSE()) e->else_expr = Build(xs.at(i));
      return e;
    }
    if (auto* c = dynamic_cast<P::PrimExistsContext*>(ctx)) {
      auto e = New(ExprKind::kExists, c);
      e->select = BuildSelect(c->selectStmt());
      return e;
    }
    if (auto* c = dynamic_cast<P::PrimSubqueryContext*>(ctx)) {
      auto e = New(ExprKind::kSubquery, c);
      e->select = BuildSelect(c->selectStmt());
      return e;
    }
    if (auto* c = dynamic_cast<P::PrimParensContext*>(ctx)) return Build(c->expr());
    if (auto* c = dynamic_cast<P::PrimRowContext*>(ctx)) {
      auto e = New(ExprKind::kRow, c);
      for (auto* x : c->expr()) e->args.push_back(Build(x));
      return e;
    }
    if (auto* c = dynamic_cast<P::PrimRowKwContext*>(ctx)) {
      auto e = New(ExprKind::kRow, c);
      if (c->exprList()) {
        for (auto* x : c->exprList()->expr()) e->args.push_back(Build(x));
      }
      return e;
    }
    if (auto* c = dynamic_cast<P::PrimArrayContext*>(ctx)) {
      auto e = New(ExprKind::kArray, c);
      if (c->arrayItems()) ArrayItems(c->arrayItems(), e.get());
      return e;
    }
    if (auto* c = dynamic_cast<P::PrimArraySubqueryContext*>(ctx)) {
      auto e = New(ExprKind::kArray, c);
      e->select = BuildSelect(c->selectStmt());
      return e;
    }
    if (auto* c = dynamic_cast<P::PrimFunctionContext*>(ctx)) return Function(c->functionCall());
    if (auto* c = dynamic_cast<P::PrimColumnContext*>(ctx)) {
      auto e = New(ExprKind::kColumnRef, c);
      e->name = Qualified(c->qualifiedName());
      return e;
    }
    if (auto* c = dynamic_cast<P::PrimParamContext*>(ctx)) {
      auto e = New(ExprKind::kParam, c);
      e->text = c->getText();
      if (!pg_ && e->text != "?") Fail(src_.SpanOf(c), "unexpected '" + e->text + "'", "MySQL parameters are written ?");
      if (pg_ && e->text == "?") Fail(src_.SpanOf(c), "unexpected '?'", "PostgreSQL parameters are written $1, $2, ...");
      return e;
    }
    Fail(src_.SpanOf(ctx), "unsupported expression");
  }

  void ArrayItems(P::ArrayItemsContext* items, Expr* into) {
    for (auto* it : items->arrayItem()) {
      if (it->expr()) {
        into->args.push_back(Build(it->expr()));
      } else {
        auto sub = New(ExprKind::kArray, it);
        if (it->arrayItems()) ArrayItems(it->arrayItems(), sub.get());
        into->args.push_back(std::move(sub));
      }
    }
  }

  ExprPtr Special(antlr4::ParserRuleContext* ctx, const char* name, FunctionSyntax syntax) {
    auto e = New(ExprKind::kFunction, ctx);
    e->name.push_back(Identifier{name, false});
    e->syntax = syntax;
    return e;
  }

  ExprPtr Function(P::FunctionCallContext* c) {
    auto e = New(ExprKind::kFunction, c);
    auto* fn = c->functionName();
    if (fn->qualifiedName()) e->name = Qualified(fn->qualifiedName());
    else e->name.push_back(Identifier{fn->getText(), false});
    if (auto* a = c->functionArgs()) {
      if (a->functionArg().empty()) {
        e->star = true;
      } else {
        e->distinct = a->quant && a->quant->getType() == P::DISTINCT;
        for (auto* arg : a->functionArg()) {
          e->arg_names.push_back(arg->identifier() ? Ident(arg->identifier()).name : "");
          e->args.push_back(Build(arg->expr()));
        }
        if (a->orderByClause()) e->order_by = Order(a->orderByClause());
        if (a->SEPARATOR()) e->separator = String(a->stringLit());
      }
    }
    if (c->withinGroup()) e->within_group = Order(c->withinGroup()->orderByClause());
    if (c->filterClause()) e->filter = Build(c->filterClause()->expr());
    if (auto* o = c->overClause()) {
      e->over = std::make_unique<WindowSpec>();
      if (o->identifier()) {
        e->over->ref_name = Ident(o->identifier()).name;
      } else {
        auto* w = o->windowSpec();
        if (w->identifier()) e->over->ref_name = Ident(w->identifier()).name;
        if (w->exprList()) {
          for (auto* x : w->exprList()->expr()) e->over->partition_by.push_back(Build(x));
        }
        if (w->orderByClause()) e->over->order_by = Order(w->orderByClause());
        if (w->frameClause()) e->over->frame = src_.Slice(src_.SpanOf(w->frameClause()));
      }
    }
    return e;
  }

  std::vector<OrderItem> Order(P::OrderByClauseContext* c) {
    std::vector<OrderItem> out;
    for (auto* i : c->orderItem()) {
      OrderItem o;
      o.expr = Build(i->expr());
      if (i->dir) o.descending = i->dir->getType() == P::DESC;
      if (i->nulls) o.nulls_first = i->nulls->getType() == P::FIRST;
      out.push_back(std::move(o));
    }
    return out;
  }

  // ------------------------------------------------------------ types

  int64_t TypeInt(P::TypeParamContext* p) {
    std::string t = p->INTEGER()->getText();
    if (t.size() > 12) Fail(src_.SpanOf(p), "type parameter too large");
    int64_t v = std::stoll(t);
    return p->getText()[0] == '-' ? -v : v;
  }

  TypeName Type(P::TypeNameContext* ctx) {
    TypeName t;
    t.raw = src_.Slice(src_.SpanOf(ctx));
    auto* head = ctx->typeHead();
    auto words = [](antlr4::ParserRuleContext* c) {
      std::string out;
      for (auto* ch : c->children) {
        if (!out.empty()) out += ' ';
        out += Lower(ch->getText());
      }
      return out;
    };
    if (auto* h = dynamic_cast<P::TypeIntervalContext*>(head)) {
      t.name = "interval";
      if (h->intervalFields()) t.interval_fields = words(h->intervalFields());
    } else if (auto* h = dynamic_cast<P::TypeSignednessContext*>(head)) {
      t.name = h->SIGNED() ? "signed" : "unsigned";
      t.is_unsigned = h->UNSIGNED() != nullptr;
      if (h->identifier()) {
        std::string w = Lower(h->identifier()->getText());
        if (w != "int" && w != "integer") {
          Fail(src_.SpanOf(h->identifier()), "unexpected '" + SanitizeForDisplay(h->identifier()->getText()) + "'",
               "write SIGNED, SIGNED INTEGER, UNSIGNED or UNSIGNED INTEGER");
        }
      }
    } else if (auto* h = dynamic_cast<P::TypeNamedContext*>(head)) {
      auto ids = h->identifier();
      Identifier last = Ident(ids.back());
      if (ids.size() == 2) t.schema = Ident(ids[0]).name;
      t.name = (last.quoted || ids.size() == 2) ? last.name : Lower(last.name);
      if (!last.quoted && ids.size() == 1) {
        if (t.name == "timestamptz") t.name = "timestamp", t.with_time_zone = true;
        else if (t.name == "timetz") t.name = "time", t.with_time_zone = true;
      }
    } else {
      t.name = words(head);
    }
    if (auto* params = ctx->typeParams()) {
      for (auto* p : params->typeParam()) {
        if (p->INTEGER()) {
          t.params.push_back(TypeInt(p));
        } else if (p->stringLit()) {
          t.labels.push_back(String(p->stringLit()));
        } else {
          Fail(src_.SpanOf(p), "unexpected '" + SanitizeForDisplay(p->getText()) + "'",
               "type parameters are numbers, or quoted labels for ENUM and SET");
        }
      }
      if (!t.labels.empty() && !t.params.empty()) {
        Fail(src_.SpanOf(params), "type parameters mix numbers and labels");
      }
      if (!t.labels.empty() && t.name != "enum" && t.name != "set") {
        Fail(src_.SpanOf(params), "only ENUM and SET take quoted labels");
      }
    }
    for (auto* tail : ctx->typeTail()) {
      if (dynamic_cast<P::TailUnsignedContext*>(tail)) t.is_unsigned = true;
      else if (dynamic_cast<P::TailZerofillContext*>(tail)) t.zerofill = true;
      else if (auto* c = dynamic_cast<P::TailTimeZoneContext*>(tail)) t.with_time_zone = c->WITH() != nullptr;
      else if (auto* c = dynamic_cast<P::TailCharsetContext*>(tail)) t.charset = Charset(c->charsetName());
      else if (auto* c = dynamic_cast<P::TailCollateContext*>(tail)) t.collation = Collation(c->collationName());
      else if (auto* c = dynamic_cast<P::TailSridContext*>(tail)) {
        std::string v = c->INTEGER()->getText();
        if (v.size() > 12) Fail(src_.SpanOf(c), "SRID too large");
        t.srid = std::stoll(v);
      } else if (dynamic_cast<P::TailBinaryContext*>(tail)) t.binary = true;
    }
    if (t.with_time_zone.has_value() && t.name != "timestamp" && t.name != "time") {
      Fail(src_.SpanOf(ctx), "only TIME and TIMESTAMP take WITH/WITHOUT TIME ZONE");
    }
    t.array_dims = static_cast<int>(ctx->arraySuffix().size());
    return t;
  }

  // ------------------------------------------------------------ SELECT

  std::unique_ptr<Select> BuildSelect(P::SelectStmtContext* ctx) {
    auto s = SelectSet(ctx->selectSet());
    s->span = src_.SpanOf(ctx);
    if (auto* w = ctx->withClause()) {
      s->recursive = w->RECURSIVE() != nullptr;
      for (auto* c : w->cte()) {
        Cte cte;
        auto ids = c->identifier();
        cte.name = Ident(ids[0]);
        for (size_t i = 1; i < ids.size(); ++i) cte.columns.push_back(Ident(ids[i]));
        cte.query = BuildSelect(c->selectStmt());
        s->with.push_back(std::move(cte));
      }
    }
    if (ctx->orderByClause()) s->order_by = Order(ctx->orderByClause());
    if (auto* l = ctx->limitClause()) {
      if (auto* c = dynamic_cast<P::LimitCommaContext*>(l)) {
        s->offset = Build(c->first);
        s->limit = Build(c->second);
      } else if (auto* c = dynamic_cast<P::LimitOffsetContext*>(l)) {
        if (c->limit) s->limit = Build(c->limit);
        if (c->offset) s->offset = Build(c->offset);
      } else if (auto* c = dynamic_cast<P::OffsetFetchContext*>(l)) {
        s->offset = Build(c->offset);
        if (c->TIES_()) Fail(src_.SpanOf(c), "FETCH ... WITH TIES is not supported");
        if (c->FETCH()) s->limit = c->count ? Build(c->count) : MakeLiteral(LiteralKind::kInteger, "1");
      } else if (auto* c = dynamic_cast<P::FetchOnlyContext*>(l)) {
        if (c->TIES_()) Fail(src_.SpanOf(c), "FETCH ... WITH TIES is not supported");
        s->limit = c->count ? Build(c->count) : MakeLiteral(LiteralKind::kInteger, "1");
      }
    }
    return s;
  }

  std::unique_ptr<Select> SelectSet(P::SelectSetContext* ctx) {
    if (auto* c = dynamic_cast<P::SetPrimaryContext*>(ctx)) {
      auto* p = c->selectPrimary();
      if (p->selectCore()) return Core(p->selectCore());
      auto inner = BuildSelect(p->selectStmt());
      auto s = std::make_unique<Select>();
      s->kind = Select::Kind::kNested;
      s->source = dialect_;
      s->span = src_.SpanOf(p);
      s->left = std::move(inner);
      return s;
    }
    auto s = std::make_unique<Select>();
    s->kind = Select::Kind::kSetOp;
    s->source = dialect_;
    s->span = src_.SpanOf(ctx);
    if (auto* c = dynamic_cast<P::SetIntersectContext*>(ctx)) {
      s->set_op = SetOp::kIntersect;
      s->set_all = c->quant && c->quant->getType() == P::ALL;
      s->left = SelectSet(c->selectSet(0));
      s->right = SelectSet(c->selectSet(1));
    } else {
      auto* u = static_cast<P::SetUnionContext*>(ctx);
      s->set_op = u->op->getType() == P::UNION ? SetOp::kUnion : SetOp::kExcept;
      s->set_all = u->quant && u->quant->getType() == P::ALL;
      s->left = SelectSet(u->selectSet(0));
      s->right = SelectSet(u->selectSet(1));
    }
    return s;
  }

  std::unique_ptr<Select> Core(P::SelectCoreContext* c) {
    auto s = std::make_unique<Select>();
    s->source = dialect_;
    s->span = src_.SpanOf(c);
    s->distinct = c->quant && c->quant->getType() == P::DISTINCT;
    for (auto* item : c->selectItem()) {
      SelectItem si;
      if (auto* st = dynamic_cast<P::ItemStarContext*>(item)) {
        si.expr = New(ExprKind::kStar, st);
      } else if (auto* qs = dynamic_cast<P::ItemQualifiedStarContext*>(item)) {
        si.expr = New(ExprKind::kStar, qs);
        si.expr->name = Qualified(qs->qualifiedName());
      } else {
        auto* ie = static_cast<P::ItemExprContext*>(item);
        si.expr = Build(ie->expr());
        if (auto* a = ie->alias()) {
          if (a->identifier()) si.alias = Ident(a->identifier());
          else si.alias = Identifier{String(a->stringLit()), true};
        }
      }
      s->items.push_back(std::move(si));
    }
    for (auto* t : c->tableRef()) s->from.push_back(Table(t));
    if (c->where) s->where = Build(c->where);
    if (c->exprList()) {
      for (auto* g : c->exprList()->expr()) s->group_by.push_back(Build(g));
    }
    if (c->having) s->having = Build(c->having);
    return s;
  }

  JoinType Kind(P::JoinKindContext* k) {
    if (k == nullptr || k->INNER()) return JoinType::kInner;
    if (k->LEFT()) return JoinType::kLeft;
    if (k->RIGHT()) return JoinType::kRight;
    return JoinType::kFull;
  }

  TableRef Table(P::TableRefContext* ctx) {
    if (auto* c = dynamic_cast<P::RefPrimaryContext*>(ctx)) return TablePrimary(c->tablePrimary());
    TableRef t;
    t.kind = TableRef::Kind::kJoin;
    if (auto* c = dynamic_cast<P::RefCrossContext*>(ctx)) {
      t.join_type = JoinType::kCross;
      t.left = std::make_unique<TableRef>(Table(c->tableRef()));
      t.right = std::make_unique<TableRef>(TablePrimary(c->tablePrimary()));
    } else if (auto* c = dynamic_cast<P::RefNaturalContext*>(ctx)) {
      t.natural = true;
      t.join_type = Kind(c->joinKind());
      t.left = std::make_unique<TableRef>(Table(c->tableRef()));
      t.right = std::make_unique<TableRef>(TablePrimary(c->tablePrimary()));
    } else {
      auto* j = static_cast<P::RefJoinContext*>(ctx);
      t.join_type = Kind(j->joinKind());
      t.left = std::make_unique<TableRef>(Table(j->tableRef(0)));
      t.right = std::make_unique<TableRef>(Table(j->tableRef(1)));
      auto* spec = j->joinSpec();
      if (spec->ON()) t.on = Build(spec->expr());
      for (auto* id : spec->identifier()) t.using_columns.push_back(Ident(id));
    }
    return t;
  }

  TableRef TablePrimary(P::TablePrimaryContext* ctx) {
    TableRef t;
    if (auto* c = dynamic_cast<P::TableNamedContext*>(ctx)) {
      t.name = Qualified(c->qualifiedName());
      if (c->identifier()) t.alias = Ident(c->identifier());
    } else if (auto* c = dynamic_cast<P::TableDerivedContext*>(ctx)) {
      t.kind = TableRef::Kind::kDerived;
      t.lateral = c->LATERAL() != nullptr;
      t.subquery = BuildSelect(c->selectStmt());
      auto ids = c->identifier();
      t.alias = Ident(ids[0]);
      for (size_t i = 1; i < ids.size(); ++i) t.column_aliases.push_back(Ident(ids[i]));
    } else {
      return Table(static_cast<P::TableParensContext*>(ctx)->tableRef());
    }
    return t;
  }

 private:
  const Source& src_;
  Dialect dialect_;
  bool pg_;
};

// ---------------------------------------------------------------- driver

enum class Entry { kExpr, kSelect, kType };

struct Outcome {
  ExprPtr expr;
  std::unique_ptr<Select> select;
  std::optional<TypeName> type;
  std::vector<ParseError> errors;
};

// Both lexers must number tokens alike (their shared `tokens {}` list):
// the parser was generated against the MySQL lexer's numbering.
bool LexerVocabulariesAgree() {
  antlr4::ANTLRInputStream empty(std::string{});
  sluice_antlr::MySqlExprLexer my(&empty);
  sluice_antlr::PgExprLexer pg(&empty);
  const auto& a = my.getVocabulary();
  const auto& b = pg.getVocabulary();
  if (a.getMaxTokenType() != b.getMaxTokenType()) return false;
  for (size_t t = 0; t <= a.getMaxTokenType(); ++t) {
    if (a.getSymbolicName(t) != b.getSymbolicName(t)) return false;
  }
  return true;
}

Outcome Run(std::string_view text, Dialect dialect, Entry entry) {
  static const bool vocabularies_agree = LexerVocabulariesAgree();
  assert(vocabularies_agree && "MySqlExprLexer and PgExprLexer token numbers differ");
  (void)vocabularies_agree;
  Outcome out;
  if (auto bad = FindInvalidUtf8(text)) {
    out.errors.push_back(ParseError{static_cast<uint32_t>(*bad), 1, "invalid UTF-8 byte sequence",
                                    "the text must be UTF-8"});
    return out;
  }
  if (text.size() > 0xFFFFFFF0u) {
    out.errors.push_back(ParseError{0, 0, "text too large to parse", ""});
    return out;
  }
  bool pg = dialect == Dialect::kPostgreSQL;
  Source src(text);

  antlr4::ANTLRInputStream input(std::string(text.data(), text.size()));
  std::unique_ptr<antlr4::Lexer> lexer_owner;
  const bool* unclosed_dollar = nullptr;
  if (pg) {
    auto l = std::make_unique<sluice_antlr::PgExprLexer>(&input);
    unclosed_dollar = &l->unclosed_dollar_;
    lexer_owner = std::move(l);
  } else {
    auto l = std::make_unique<sluice_antlr::MySqlExprLexer>(&input);
    unclosed_dollar = &l->unclosed_dollar_;
    lexer_owner = std::move(l);
  }
  antlr4::Lexer& lexer = *lexer_owner;
  lexer.removeErrorListeners();
  LexerErrors lex_errors(src, pg);
  lexer.addErrorListener(&lex_errors);

  std::vector<std::unique_ptr<antlr4::Token>> tokens;
  for (;;) {
    std::unique_ptr<antlr4::Token> t = lexer.nextToken();
    if (lex_errors.error()) break;
    if (t->getType() == P::UNCLOSED_COMMENT) {
      out.errors.push_back(MakeError(src.SpanOf(t.get()), "unclosed comment", "end the comment with */"));
      return out;
    }
    if (*unclosed_dollar) {
      out.errors.push_back(MakeError(src.SpanOf(t.get()), "unclosed dollar-quoted string",
                                     "end it with the same $tag$ that opened it"));
      return out;
    }
    bool eof = t->getType() == antlr4::Token::EOF;
    tokens.push_back(std::move(t));
    if (eof) break;
  }
  if (lex_errors.error()) {
    out.errors.push_back(*lex_errors.error());
    return out;
  }
  if (tokens.size() == 1) {
    const char* what = entry == Entry::kType ? "type name" : entry == Entry::kSelect ? "query" : "expression";
    out.errors.push_back(ParseError{static_cast<uint32_t>(text.size()), 0, std::string("empty ") + what, ""});
    return out;
  }
  if (auto e = ScanNesting(src, tokens)) {
    out.errors.push_back(*e);
    return out;
  }

  antlr4::ListTokenSource token_source(std::move(tokens));
  TrackingTokenStream stream(&token_source);
  P parser(&stream);
  parser.SetPostgres(pg);
  parser.removeErrorListeners();

  auto parse = [&](P& p) -> antlr4::ParserRuleContext* {
    switch (entry) {
      case Entry::kExpr: return p.exprEntry();
      case Entry::kSelect: return p.selectEntry();
      case Entry::kType: return p.typeEntry();
    }
    return nullptr;
  };

  antlr4::ParserRuleContext* tree = nullptr;
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::SLL);
  parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
  try {
    tree = parse(parser);
  } catch (antlr4::ParseCancellationException&) {
    tree = nullptr;
  }
  ParserErrors parse_errors(src, pg, &stream);
  if (tree == nullptr) {
    stream.seek(0);
    stream.ResetFurthest();
    parser.reset();
    parser.setErrorHandler(std::make_shared<antlr4::DefaultErrorStrategy>());
    parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::LL);
    parser.addErrorListener(&parse_errors);
    tree = parse(parser);
    if (parse_errors.error()) {
      out.errors.push_back(*parse_errors.error());
      return out;
    }
  }
  if (TreeDepth(tree) > kMaxTreeDepth) {
    out.errors.push_back(ParseError{0, static_cast<uint32_t>(text.size()),
                                    "expression nested too deeply",
                                    "split long chains of operators into smaller parts"});
    return out;
  }

  Builder b(src, dialect);
  try {
    switch (entry) {
      case Entry::kExpr:
        out.expr = b.Build(static_cast<P::ExprEntryContext*>(tree)->expr());
        break;
      case Entry::kSelect:
        out.select = b.BuildSelect(static_cast<P::SelectEntryContext*>(tree)->selectStmt());
        break;
      case Entry::kType: {
        out.type = b.Type(static_cast<P::TypeEntryContext*>(tree)->typeName());
        break;
      }
    }
  } catch (BuildError& e) {
    out.expr.reset();
    out.select.reset();
    out.type.reset();
    out.errors.push_back(std::move(e.error));
  }
  return out;
}

}  // namespace

ExprParseResult ParseExpression(std::string_view text, Dialect source) {
  Outcome o = Run(text, source, Entry::kExpr);
  return ExprParseResult{std::move(o.expr), std::move(o.errors)};
}

SelectParseResult ParseSelect(std::string_view text, Dialect source) {
  Outcome o = Run(text, source, Entry::kSelect);
  return SelectParseResult{std::move(o.select), std::move(o.errors)};
}

TypeNameParseResult ParseTypeName(std::string_view text, Dialect source) {
  Outcome o = Run(text, source, Entry::kType);
  return TypeNameParseResult{std::move(o.type), std::move(o.errors)};
}

std::string FormatParseError(const ParseError& e) {
  std::string out = "at byte " + std::to_string(e.offset) + ": " + e.message;
  if (!e.hint.empty()) out += " (" + e.hint + ")";
  return out;
}

}  // namespace sluice
