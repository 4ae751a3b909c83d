// MySQL-family lexer: '..' and ".." strings with backslash escapes,
// `backtick` names, _charset introducers, # and "-- " comments.

lexer grammar MySqlExprLexer;

import SqlExprLexerCommon;

// Same list, same order in both family lexers: it fixes the token numbers
// of the family-specific tokens, so both lexers feed one parser.
tokens {
  SQ_STRING, DQ_STRING, E_STRING, NSTRING, INTRODUCER, DOLLAR_STRING,
  QUOTED_IDENT, BACKTICK_IDENT, HASH, LINE_COMMENT
}

@lexer::members {
  bool unclosed_dollar_ = false;  // never set: MySQL has no dollar quoting

  // True when the next non-blank character opens a string: tells a charset
  // introducer (_utf8mb4'x') from a name that starts with '_'.
  bool StringFollows() {
    for (ssize_t i = 1;; ++i) {
      size_t c = _input->LA(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
      if (c == '\'') return true;
      if ((c == 'x' || c == 'X' || c == 'b' || c == 'B') && _input->LA(i + 1) == '\'') return true;
      return false;
    }
  }
}

NSTRING : [nN] '\'' ( ~['\\] | '\\' . | '\'\'' )* '\'' ;
// The predicate sits at the end, so only names starting with '_' lose the DFA cache.
INTRODUCER : '_' [a-zA-Z0-9]+ {StringFollows()}? ;
SQ_STRING : '\'' ( ~['\\] | '\\' . | '\'\'' )* '\'' ;
DQ_STRING : '"' ( ~["\\] | '\\' . | '""' )* '"' ;
BACKTICK_IDENT : '`' ( ~'`' | '``' )* '`' ;
// MySQL needs a blank after "--" ("a--1" is a minus minus 1).
LINE_COMMENT : ( '--' [ \t\f\r\n] ~[\r\n]* | '#' ~[\r\n]* ) -> skip ;
