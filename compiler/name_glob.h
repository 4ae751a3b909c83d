#pragma once
// Dotted name patterns and templates used by a plan's `objects` and `types`.
//
// A glob has a fixed number of dot-separated parts (schema.table, or
// schema.table.column). Each part may use `*` (any run of characters), `?`
// (one character) and `[abc]` / `[a-z]` / `[!abc]` (one of a set). A part in
// double quotes is literal ("my.schema"), a backslash escapes one character.
// Matching is case-sensitive and works on whole parts.
//
// A template (`to: shop.{table}`) has two parts and may use the placeholders
// {schema} and {table}; `{{` and `}}` stand for literal braces.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

struct NameGlob {
  std::string text;                // as written
  std::vector<std::string> parts;  // normalised patterns; special characters escaped with '\'
  bool literal = true;             // no wildcard anywhere

  bool Matches(const std::vector<std::string>& names) const;
  // The literal name of part i (escapes removed); only meaningful when literal.
  std::string LiteralPart(size_t i) const;
};

struct NameGlobParse {
  bool ok = false;
  NameGlob glob;
  std::string error;
  size_t offset = 0;  // byte offset of the problem within the text
  size_t length = 1;
  std::string help;
};

NameGlobParse ParseNameGlob(std::string_view text, size_t part_count);

// Matches one part; `pattern` uses the normalised form kept in NameGlob::parts.
bool GlobMatch(std::string_view pattern, std::string_view name);

struct NameTemplate {
  std::string text;
  // Per part: the pieces, where "{schema}" and "{table}" are placeholders and
  // everything else is literal text.
  std::vector<std::vector<std::string>> parts;
  bool uses_schema = false;
  bool uses_table = false;

  // {schema, table} for a source table.
  std::vector<std::string> Expand(const std::string& schema, const std::string& table) const;
};

struct NameTemplateParse {
  bool ok = false;
  NameTemplate tmpl;
  std::string error;
  size_t offset = 0;
  size_t length = 1;
  std::string help;
};

NameTemplateParse ParseNameTemplate(std::string_view text);

}  // namespace sluice
