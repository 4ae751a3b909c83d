#pragma once
// Parsing SQL expressions, SELECT statements (view bodies) and type names of
// the MySQL family and PostgreSQL into the neutral AST. Errors are values with
// exact byte offsets into the text passed in, so a caller can map them to
// file:line:col. No input crashes or hangs the parser: nesting deeper than
// kMaxNestingDepth is an error.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/dialect.h"
#include "grammar/expr_ast.h"
#include "grammar/type_name.h"

namespace sluice {

// Parentheses, CASE and prefix operators nested deeper than this are refused.
inline constexpr int kMaxNestingDepth = 200;

struct ParseError {
  uint32_t offset = 0;  // byte offset in the parsed text
  uint32_t length = 0;  // bytes covered (at least 1 unless the text is empty)
  std::string message;  // "unexpected ')'", "unclosed string literal"
  std::string hint;     // how to fix it; may be empty
  bool operator==(const ParseError&) const = default;
};

struct ExprParseResult {
  ExprPtr expr;  // null when errors is not empty
  std::vector<ParseError> errors;
  bool ok() const { return errors.empty(); }
};

struct SelectParseResult {
  std::unique_ptr<Select> select;
  std::vector<ParseError> errors;
  bool ok() const { return errors.empty(); }
};

struct TypeNameParseResult {
  std::optional<TypeName> type;  // raw holds the trimmed input text
  std::vector<ParseError> errors;
  bool ok() const { return errors.empty(); }
};

ExprParseResult ParseExpression(std::string_view text, Dialect source);
SelectParseResult ParseSelect(std::string_view text, Dialect source);
TypeNameParseResult ParseTypeName(std::string_view text, Dialect source);

// "1:5: unexpected ')'" style one-liner for logs and tests (offset-based:
// "at byte N: message (hint)").
std::string FormatParseError(const ParseError& e);

}  // namespace sluice
