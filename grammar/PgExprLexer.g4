// PostgreSQL lexer: standard-conforming '..' strings, E'..' escapes,
// $tag$..$tag$ quoting, "quoted" names, # as an operator, -- comments.

lexer grammar PgExprLexer;

import SqlExprLexerCommon;

// Same list, same order in both family lexers: it fixes the token numbers
// of the family-specific tokens, so both lexers feed one parser.
tokens {
  SQ_STRING, DQ_STRING, E_STRING, NSTRING, INTRODUCER, DOLLAR_STRING,
  QUOTED_IDENT, BACKTICK_IDENT, HASH, LINE_COMMENT
}

@lexer::members {
  bool unclosed_dollar_ = false;  // set when a dollar-quoted string runs to the end

  // After the opening dollar tag has been matched, consume up to and including
  // the same tag again. Running into the end of input sets unclosed_dollar_.
  void ConsumeDollarBody() {
    std::string tag = getText();
    for (;;) {
      size_t c = _input->LA(1);
      if (c == antlr4::IntStream::EOF) { unclosed_dollar_ = true; return; }
      if (c == '$') {
        bool match = true;
        for (size_t i = 1; i < tag.size(); ++i) {
          if (_input->LA(static_cast<ssize_t>(i + 1)) != static_cast<size_t>(static_cast<unsigned char>(tag[i]))) { match = false; break; }
        }
        if (match) {
          for (size_t i = 0; i < tag.size(); ++i) _input->consume();
          return;
        }
      }
      _input->consume();
    }
  }
}

E_STRING : [eE] '\'' ( ~['\\] | '\\' . | '\'\'' )* '\'' ;
NSTRING : [nN] '\'' ( ~['] | '\'\'' )* '\'' ;
SQ_STRING : '\'' ( ~['] | '\'\'' )* '\'' ;
DOLLAR_STRING : '$' DOLLAR_TAG? '$' { ConsumeDollarBody(); } ;
QUOTED_IDENT : '"' ( ~'"' | '""' )* '"' ;
HASH : '#' ;
LINE_COMMENT : '--' ~[\r\n]* -> skip ;
