#pragma once
// A small reader and printer for native type spellings. The reader is NOT the
// SQL type-name grammar (grammar/ owns that): it accepts only the simple
// spellings the rule files, golden tests and plan `types:` targets use:
//
//   name-words [ "(" arg {"," arg} ")" ] modifiers...
//     name-words  one or more words, lower-cased and joined by one space
//                 ("double precision", "character varying"); a dotted first
//                 word is schema.name ("public.mood"); timestamptz / timetz
//                 become timestamp / time with with_time_zone = true
//     arg         integers (params) or quoted labels ('a', 'it''s')
//     interval    interval [fields words: year month day hour minute second to] [(p)]
//     modifiers   unsigned | signed | zerofill | with time zone | without time zone
//                 | character set X | charset X | collate X | [] | [n] | array
//                 (a quoted X keeps its case: collate "C")
//
// The printer writes a TypeName in a dialect's own DDL syntax, e.g.
// "varchar(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" (MySQL family),
// "timestamp(6) with time zone", "integer[]", "text COLLATE \"C\"" (PostgreSQL).

#include <optional>
#include <string>
#include <string_view>

#include "common/dialect.h"
#include "grammar/type_name.h"

namespace sluice {

// Returns nullopt and sets *error when the text is outside the accepted form.
std::optional<TypeName> ParseSimpleTypeName(std::string_view text, std::string* error);

std::string NativeTypeText(const TypeName& t, Dialect dialect);

}  // namespace sluice
