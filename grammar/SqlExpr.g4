// SQL expressions, type names and a SELECT subset, for the MySQL family
// (MySQL, MariaDB, OceanBase MySQL mode, TiDB) and PostgreSQL, in one grammar.
//
// The lexer and the parser share one flag, pg_ (set by the caller): the
// families disagree on what some characters mean ("..." is a string in MySQL
// and an identifier in PostgreSQL, backslash escapes, $$ quoting, # comments),
// and on operator precedence (|| is OR in MySQL and concatenation in
// PostgreSQL, ^ is XOR vs power, IS sits at a different level). Lexing is
// switched by predicates; the two precedence ladders are separate rules
// (myExpr/myBitExpr/mySimpleExpr and pgExpr/pgBitExpr/pgUnaryExpr) under one
// `expr` dispatch rule, and share everything below them (primary, function
// calls, CASE, SELECT, type names). Errors, unescaping and the neutral AST are
// produced by grammar/expr_parser.cc; nothing here builds values.

grammar SqlExpr;

@lexer::members {
  bool pg_ = false;
  bool unclosed_dollar_ = false;  // set when a dollar-quoted string runs to the end
  void SetPostgres(bool pg) { pg_ = pg; }

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

  // True when the next non-blank character opens a string: used to tell a
  // charset introducer (_utf8mb4'x') from an identifier that starts with '_'.
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

@parser::members {
  bool pg_ = false;
  void SetPostgres(bool pg) { pg_ = pg; }
}

// ---------------------------------------------------------------- entry points

exprEntry : expr EOF ;
selectEntry : selectStmt ';'? EOF ;
typeEntry : typeName EOF ;

// ---------------------------------------------------------------- expressions

expr
  : {!pg_}? myExpr
  | {pg_}? pgExpr
  ;

bitExpr
  : {!pg_}? myBitExpr
  | {pg_}? pgBitExpr
  ;

// MySQL: mirrors sql_yacc (expr > bool_pri > predicate > bit_expr > simple_expr).
myExpr
  : myBitExpr                                                         # myBase
  | myExpr NOT? IN '(' (selectStmt | exprList) ')'                    # myIn
  | myExpr NOT? BETWEEN myBitExpr AND myExpr                          # myBetween
  | myExpr NOT? LIKE myBitExpr (ESCAPE myBitExpr)?                    # myLike
  | myExpr NOT? (REGEXP | RLIKE) myBitExpr                            # myRegexp
  | myExpr compOp quant=(ANY | SOME | ALL) '(' selectStmt ')'         # myQuantified
  | myExpr compOp myExpr                                              # myCompare
  | myExpr IS NOT? NULL_                                               # myIsNull
  | myExpr IS NOT? (TRUE_ | FALSE_ | UNKNOWN)                           # myIsBool
  | NOT myExpr                                                        # myNot
  | myExpr (AND | '&&') myExpr                                        # myAnd
  | myExpr XOR myExpr                                                 # myXor
  | myExpr (OR | '||') myExpr                                         # myOr
  ;

myBitExpr
  : mySimpleExpr                                                      # myBitBase
  | myBitExpr op='^' myBitExpr                                        # myBitOp
  | myBitExpr op=('*' | '/' | DIV | '%' | MOD) myBitExpr              # myBitOp
  | myBitExpr op=('+' | '-') myBitExpr                                # myBitOp
  | myBitExpr op=('<<' | '>>') myBitExpr                              # myBitOp
  | myBitExpr op='&' myBitExpr                                        # myBitOp
  | myBitExpr op='|' myBitExpr                                        # myBitOp
  | myBitExpr op=('->' | '->>') stringLit                             # myJsonOp
  ;

mySimpleExpr
  : primary                                                           # mySimplePrimary
  | mySimpleExpr COLLATE collationName                                # mySimpleCollate
  | op=('+' | '-' | '~' | '!') mySimpleExpr                           # mySimpleUnary
  | BINARY mySimpleExpr                                               # mySimpleBinary
  ;

// PostgreSQL: the precedence table of the PostgreSQL manual (4.1.6).
pgExpr
  : pgBitExpr                                                         # pgBase
  | pgExpr NOT? IN '(' (selectStmt | exprList) ')'                    # pgIn
  | pgExpr NOT? BETWEEN SYMMETRIC? pgBitExpr AND pgBitExpr            # pgBetween
  | pgExpr NOT? op=(LIKE | ILIKE) pgBitExpr (ESCAPE pgBitExpr)?       # pgLike
  | pgExpr NOT? SIMILAR TO pgBitExpr (ESCAPE pgBitExpr)?              # pgSimilar
  | pgExpr compOp quant=(ANY | SOME | ALL) '(' (selectStmt | expr) ')' # pgQuantified
  | pgExpr compOp pgExpr                                              # pgCompare
  | pgExpr IS NOT? NULL_                                               # pgIsNull
  | pgExpr op=(ISNULL | NOTNULL)                                      # pgIsNullPostfix
  | pgExpr IS NOT? (TRUE_ | FALSE_ | UNKNOWN)                           # pgIsBool
  | pgExpr IS NOT? DISTINCT FROM pgBitExpr                            # pgIsDistinct
  | NOT pgExpr                                                        # pgNot
  | pgExpr AND pgExpr                                                 # pgAnd
  | pgExpr OR pgExpr                                                  # pgOr
  ;

pgBitExpr
  : pgUnaryExpr                                                       # pgBitBase
  | pgBitExpr AT TIME ZONE pgBitExpr                                  # pgAtTimeZone
  | pgBitExpr op='^' pgBitExpr                                        # pgBitOp
  | pgBitExpr op=('*' | '/' | '%') pgBitExpr                          # pgBitOp
  | pgBitExpr op=('+' | '-') pgBitExpr                                # pgBitOp
  | pgBitExpr op=('||' | '~' | '~*' | '!~' | '!~*' | '&' | '|' | HASH | '<<' | '>>'
                 | '->' | '->>' | '#>' | '#>>' | '@>' | '<@' | '&&' | '?' | '?|' | '?&') pgBitExpr # pgBitOp
  ;

pgUnaryExpr
  : pgPostfixExpr                                                     # pgUnaryBase
  | op=('+' | '-' | '~') pgUnaryExpr                                  # pgUnary
  ;

pgPostfixExpr
  : primary                                                           # pgPostfixPrimary
  | pgPostfixExpr '::' typeName                                       # pgCast
  | pgPostfixExpr '[' expr? (':' expr?)? ']'                          # pgSubscript
  | pgPostfixExpr COLLATE collationName                               # pgCollate
  ;

compOp : '=' | '<>' | '!=' | '<' | '<=' | '>' | '>=' | '<=>' ;

exprList : expr (',' expr)* ;

primary
  : literal                                                           # primLiteral
  | (DATE | TIME | TIMESTAMP) stringLit                               # primTypedLiteral
  | INTERVAL stringLit intervalQualifier?                             # primIntervalString
  | INTERVAL expr intervalQualifier                                   # primIntervalExpr
  | kw=(CURRENT_TIMESTAMP | CURRENT_TIME | LOCALTIMESTAMP | LOCALTIME)
      ('(' INTEGER? ')')?                                             # primCurrent
  | CURRENT_DATE ('(' ')')?                                           # primCurrentDate
  | CAST '(' expr AS typeName ')'                                     # primCast
  | CONVERT '(' expr ',' typeName ')'                                 # primConvert
  | CONVERT '(' expr USING charsetName ')'                            # primConvertUsing
  | EXTRACT '(' extractField FROM expr ')'                            # primExtract
  | SUBSTRING '(' expr FROM expr (FOR expr)? ')'                      # primSubstringFrom
  | SUBSTRING '(' expr FOR expr ')'                                   # primSubstringFor
  | TRIM '(' side=(BOTH | LEADING | TRAILING)? expr? FROM expr ')'    # primTrim
  | POSITION '(' bitExpr IN expr ')'                                  # primPosition
  | CASE expr? caseWhen+ (ELSE expr)? END                             # primCase
  | EXISTS '(' selectStmt ')'                                         # primExists
  | '(' selectStmt ')'                                                # primSubquery
  | '(' expr ')'                                                      # primParens
  | '(' expr (',' expr)+ ')'                                          # primRow
  | ROW '(' exprList? ')'                                             # primRowKw
  | ARRAY '[' arrayItems? ']'                                         # primArray
  | ARRAY '(' selectStmt ')'                                          # primArraySubquery
  | functionCall                                                      # primFunction
  | qualifiedName                                                     # primColumn
  | (PARAM | '?')                                                     # primParam
  ;

arrayItems : arrayItem (',' arrayItem)* ;
arrayItem : expr | '[' arrayItems? ']' ;

caseWhen : WHEN expr THEN expr ;

intervalQualifier : intervalUnit (TO intervalUnit)? ('(' INTEGER ')')? ;
intervalUnit : YEAR | MONTH | DAY | HOUR | MINUTE | SECOND | IDENT ;

extractField : identifier | stringLit ;

functionCall
  : functionName '(' functionArgs? ')' withinGroup? filterClause? overClause?
  ;

functionName
  : qualifiedName
  | LEFT | RIGHT | MOD | CHAR | DIV
  ;

functionArgs
  : '*'
  | quant=(DISTINCT | ALL)? functionArg (',' functionArg)* orderByClause? (SEPARATOR stringLit)?
  ;

functionArg : (identifier ('=>' | ':='))? expr ;

withinGroup : WITHIN GROUP '(' orderByClause ')' ;
filterClause : FILTER '(' WHERE expr ')' ;
overClause : OVER (identifier | windowSpec) ;
windowSpec
  : '(' identifier? (PARTITION BY exprList)? orderByClause? frameClause? ')'
  ;
frameClause : unit=(ROWS | RANGE | GROUPS) (BETWEEN frameBound AND frameBound | frameBound) ;
frameBound
  : UNBOUNDED (PRECEDING | FOLLOWING)
  | CURRENT ROW
  | expr (PRECEDING | FOLLOWING)
  ;

// ---------------------------------------------------------------- literals

literal
  : INTEGER                                                           # litInteger
  | DECIMAL_LIT                                                       # litDecimal
  | FLOAT_LIT                                                         # litFloat
  | HEX_NUM                                                           # litHexNum
  | BIT_NUM                                                           # litBitNum
  | HEX_STRING                                                        # litHexString
  | BIT_STRING                                                        # litBitString
  | INTRODUCER (stringLit | HEX_STRING | BIT_STRING)                  # litIntroduced
  | NSTRING stringLit*                                                # litNational
  | stringLit                                                         # litString
  | (TRUE_ | FALSE_)                                                    # litBool
  | NULL_                                                              # litNull
  ;

// Adjacent strings concatenate ('a' 'b' is 'ab' in MySQL; PostgreSQL requires
// a newline between them, which the parser checks).
stringLit : stringPart+ ;
stringPart : SQ_STRING | DQ_STRING | E_STRING | DOLLAR_STRING ;

// ---------------------------------------------------------------- names

qualifiedName : identifier ('.' identifier)* ;

identifier
  : IDENT | QUOTED_IDENT | BACKTICK_IDENT | nonReserved
  ;

nonReserved
  : DATE | TIME | TIMESTAMP | YEAR | MONTH | DAY | HOUR | MINUTE | SECOND
  | FIRST | LAST | NULLS | ZONE | PRECISION | VARYING | UNSIGNED | SIGNED | ZEROFILL
  | CHARSET | ESCAPE | FILTER | PARTITION | ROWS | RANGE | GROUPS | PRECEDING | FOLLOWING
  | UNBOUNDED | ROW | NEXT | ONLY | SRID | RECURSIVE | NATIONAL | UNKNOWN | SYMMETRIC
  | POSITION | SUBSTRING | TRIM | EXTRACT | ISNULL | NOTNULL | CURRENT | SEPARATOR
  | WITHIN | DOUBLE
  | BOTH | LEADING | TRAILING | TIES_
  ;

collationName : identifier | stringLit | BINARY ;
charsetName : identifier | stringLit | BINARY ;

// ---------------------------------------------------------------- type names

typeName : typeHead typeParams? typeTail* arraySuffix* ;

typeHead
  : DOUBLE PRECISION                                                  # typeDoublePrecision
  | NATIONAL? (CHARACTER | CHAR) VARYING?                             # typeCharacter
  | identifier VARYING                                                # typeVarying
  | (TIMESTAMP | TIME | DATE)                                         # typeDateTime
  | INTERVAL intervalFields?                                          # typeInterval
  | (SIGNED | UNSIGNED) identifier?                                   # typeSignedness
  | (SET | BINARY)                                                    # typeKeyword
  | identifier ('.' identifier)?                                      # typeNamed
  ;

intervalFields : intervalField (TO intervalField)? ;
intervalField : YEAR | MONTH | DAY | HOUR | MINUTE | SECOND ;

typeParams : '(' typeParam (',' typeParam)* ')' ;
typeParam : '-'? INTEGER | stringLit | identifier ;

typeTail
  : UNSIGNED                                                          # tailUnsigned
  | SIGNED                                                            # tailSigned
  | ZEROFILL                                                          # tailZerofill
  | (WITH | WITHOUT) TIME ZONE                                        # tailTimeZone
  | (CHARACTER SET | CHARSET) charsetName                             # tailCharset
  | COLLATE collationName                                             # tailCollate
  | SRID INTEGER                                                      # tailSrid
  | BINARY                                                            # tailBinary
  ;

arraySuffix : '[' INTEGER? ']' | ARRAY ('[' INTEGER ']')? ;

// ---------------------------------------------------------------- SELECT

selectStmt : withClause? selectSet orderByClause? limitClause? ;

withClause : WITH RECURSIVE? cte (',' cte)* ;
cte : identifier ('(' identifier (',' identifier)* ')')? AS '(' selectStmt ')' ;

selectSet
  : selectPrimary                                                     # setPrimary
  | selectSet INTERSECT quant=(ALL | DISTINCT)? selectSet             # setIntersect
  | selectSet op=(UNION | EXCEPT) quant=(ALL | DISTINCT)? selectSet   # setUnion
  ;

selectPrimary
  : selectCore
  | '(' selectStmt ')'
  ;

selectCore
  : SELECT quant=(DISTINCT | ALL)? selectItem (',' selectItem)*
    (FROM tableRef (',' tableRef)*)?
    (WHERE where=expr)?
    (GROUP BY exprList)?
    (HAVING having=expr)?
  ;

selectItem
  : '*'                                                               # itemStar
  | qualifiedName '.' '*'                                             # itemQualifiedStar
  | expr (AS? alias)?                                                 # itemExpr
  ;

alias : identifier | stringLit ;

tableRef
  : tablePrimary                                                      # refPrimary
  | tableRef CROSS JOIN tablePrimary                                  # refCross
  | tableRef NATURAL joinKind? JOIN tablePrimary                      # refNatural
  | tableRef joinKind? JOIN tableRef joinSpec                         # refJoin
  ;

joinKind : INNER | (LEFT | RIGHT | FULL) OUTER? ;
joinSpec
  : ON expr
  | USING '(' identifier (',' identifier)* ')'
  ;

tablePrimary
  : qualifiedName (AS? identifier)?                                   # tableNamed
  | LATERAL? '(' selectStmt ')' AS? identifier ('(' identifier (',' identifier)* ')')? # tableDerived
  | '(' tableRef ')'                                                  # tableParens
  ;

orderByClause : ORDER BY orderItem (',' orderItem)* ;
orderItem : expr dir=(ASC | DESC)? (NULLS nulls=(FIRST | LAST))? ;

limitClause
  : LIMIT first=expr ',' second=expr                                  # limitComma
  | LIMIT (limit=expr | ALL) (OFFSET offset=expr (ROW | ROWS)?)?      # limitOffset
  | OFFSET offset=expr (ROW | ROWS)? (FETCH (FIRST | NEXT) count=expr? (ROW | ROWS) (ONLY | WITH TIES_))? # offsetFetch
  | FETCH (FIRST | NEXT) count=expr? (ROW | ROWS) (ONLY | WITH TIES_)                                   # fetchOnly
  ;

// ================================================================ lexer

ALL : A L L ;
AND : A N D ;
ANY : A N Y ;
ARRAY : A R R A Y ;
AS : A S ;
ASC : A S C ;
AT : A T ;
BETWEEN : B E T W E E N ;
BINARY : B I N A R Y ;
BOTH : B O T H ;
BY : B Y ;
CASE : C A S E ;
CAST : C A S T ;
CHAR : C H A R ;
CHARACTER : C H A R A C T E R ;
CHARSET : C H A R S E T ;
COLLATE : C O L L A T E ;
CONVERT : C O N V E R T ;
CROSS : C R O S S ;
CURRENT : C U R R E N T ;
CURRENT_DATE : C U R R E N T '_' D A T E ;
CURRENT_TIME : C U R R E N T '_' T I M E ;
CURRENT_TIMESTAMP : C U R R E N T '_' T I M E S T A M P ;
DATE : D A T E ;
DAY : D A Y ;
DESC : D E S C ;
DISTINCT : D I S T I N C T ;
DIV : D I V ;
DOUBLE : D O U B L E ;
ELSE : E L S E ;
END : E N D ;
ESCAPE : E S C A P E ;
EXCEPT : E X C E P T ;
EXISTS : E X I S T S ;
EXTRACT : E X T R A C T ;
FALSE_ : F A L S E ;
FETCH : F E T C H ;
FILTER : F I L T E R ;
FIRST : F I R S T ;
FOLLOWING : F O L L O W I N G ;
FOR : F O R ;
FROM : F R O M ;
FULL : F U L L ;
GROUP : G R O U P ;
GROUPS : G R O U P S ;
HAVING : H A V I N G ;
HOUR : H O U R ;
ILIKE : I L I K E ;
IN : I N ;
INNER : I N N E R ;
INTERSECT : I N T E R S E C T ;
INTERVAL : I N T E R V A L ;
IS : I S ;
ISNULL : I S N U L L ;
JOIN : J O I N ;
LAST : L A S T ;
LATERAL : L A T E R A L ;
LEADING : L E A D I N G ;
LEFT : L E F T ;
LIKE : L I K E ;
LIMIT : L I M I T ;
LOCALTIME : L O C A L T I M E ;
LOCALTIMESTAMP : L O C A L T I M E S T A M P ;
MINUTE : M I N U T E ;
MOD : M O D ;
MONTH : M O N T H ;
NATIONAL : N A T I O N A L ;
NATURAL : N A T U R A L ;
NEXT : N E X T ;
NOT : N O T ;
NOTNULL : N O T N U L L ;
NULL_ : N U L L ;
NULLS : N U L L S ;
OFFSET : O F F S E T ;
ON : O N ;
ONLY : O N L Y ;
OR : O R ;
ORDER : O R D E R ;
OUTER : O U T E R ;
OVER : O V E R ;
PARTITION : P A R T I T I O N ;
POSITION : P O S I T I O N ;
PRECEDING : P R E C E D I N G ;
PRECISION : P R E C I S I O N ;
RANGE : R A N G E ;
RECURSIVE : R E C U R S I V E ;
REGEXP : R E G E X P ;
RIGHT : R I G H T ;
RLIKE : R L I K E ;
ROW : R O W ;
ROWS : R O W S ;
SECOND : S E C O N D ;
SELECT : S E L E C T ;
SEPARATOR : S E P A R A T O R ;
SET : S E T ;
SIGNED : S I G N E D ;
SIMILAR : S I M I L A R ;
SOME : S O M E ;
SRID : S R I D ;
SUBSTRING : S U B S T R I N G ;
SYMMETRIC : S Y M M E T R I C ;
THEN : T H E N ;
TIES_ : T I E S ;
TIME : T I M E ;
TIMESTAMP : T I M E S T A M P ;
TO : T O ;
TRAILING : T R A I L I N G ;
TRIM : T R I M ;
TRUE_ : T R U E ;
UNBOUNDED : U N B O U N D E D ;
UNION : U N I O N ;
UNKNOWN : U N K N O W N ;
UNSIGNED : U N S I G N E D ;
USING : U S I N G ;
VARYING : V A R Y I N G ;
WHEN : W H E N ;
WHERE : W H E R E ;
WINDOW : W I N D O W ;
WITH : W I T H ;
WITHIN : W I T H I N ;
WITHOUT : W I T H O U T ;
XOR : X O R ;
YEAR : Y E A R ;
ZEROFILL : Z E R O F I L L ;
ZONE : Z O N E ;

// Numbers. 0x../0b.. are MySQL hex/bit values (PostgreSQL 16 integers).
HEX_NUM : '0' [xX] [0-9a-fA-F]+ ;
BIT_NUM : '0' [bB] [01]+ ;
FLOAT_LIT : (DIGITS ('.' DIGITS?)? | '.' DIGITS) [eE] [+-]? DIGITS ;
DECIMAL_LIT : DIGITS '.' DIGITS? | '.' DIGITS ;
INTEGER : DIGITS ;

// Strings. Order matters for equal-length matches: the prefixed forms first.
HEX_STRING : [xX] '\'' [0-9a-fA-F]* '\'' ;
BIT_STRING : [bB] '\'' [01]* '\'' ;
E_STRING : {pg_}? [eE] '\'' ( ~['\\] | '\\' . | '\'\'' )* '\'' ;
NSTRING
  : {pg_}? [nN] '\'' ( ~['] | '\'\'' )* '\''
  | {!pg_}? [nN] '\'' ( ~['\\] | '\\' . | '\'\'' )* '\''
  ;
INTRODUCER : {!pg_}? '_' [a-zA-Z0-9]+ {StringFollows()}? ;
SQ_STRING
  : {pg_}? '\'' ( ~['] | '\'\'' )* '\''
  | {!pg_}? '\'' ( ~['\\] | '\\' . | '\'\'' )* '\''
  ;
DQ_STRING : {!pg_}? '"' ( ~["\\] | '\\' . | '""' )* '"' ;
DOLLAR_STRING : {pg_}? '$' DOLLAR_TAG? '$' { ConsumeDollarBody(); } ;
PARAM : '$' DIGITS ;
QMARK : '?' ;

QUOTED_IDENT : {pg_}? '"' ( ~'"' | '""' )* '"' ;
BACKTICK_IDENT : {!pg_}? '`' ( ~'`' | '``' )* '`' ;
IDENT : [a-zA-Z_\u0080-\u{10FFFF}] [a-zA-Z0-9_$\u0080-\u{10FFFF}]* ;

// Operators (longest match wins).
LE : '<=' ;
NULL_SAFE_EQ : '<=>' ;
NE : '<>' ;
NE2 : '!=' ;
GE : '>=' ;
SHL : '<<' ;
SHR : '>>' ;
CONCAT_OR : '||' ;
AMPAMP : '&&' ;
TYPECAST : '::' ;
ARROW : '->' ;
ARROW2 : '->>' ;
HASH_ARROW : '#>' ;
HASH_ARROW2 : '#>>' ;
CONTAINS : '@>' ;
CONTAINED : '<@' ;
REGEX_CI : '~*' ;
NOT_REGEX : '!~' ;
NOT_REGEX_CI : '!~*' ;
NAMED_ARG : '=>' ;
ASSIGN : ':=' ;
QMARK_PIPE : '?|' ;
QMARK_AMP : '?&' ;
HASH : '#' {pg_}? ;

LINE_COMMENT : ( '--' ~[\r\n]* | '#' {!pg_}? ~[\r\n]* ) -> skip ;
BLOCK_COMMENT : '/*' .*? '*/' -> skip ;
UNCLOSED_COMMENT : '/*' ( ~'*' | '*'+ ~[*/] )* '*'* EOF ;
WS : [ \t\r\n\f]+ -> skip ;

// Any other character is a lexer error, reported by expr_parser.cc.


fragment DIGITS : [0-9]+ ;
fragment DOLLAR_TAG : [a-zA-Z_\u0080-\u{10FFFF}] [a-zA-Z0-9_\u0080-\u{10FFFF}]* ;
fragment A : [aA] ; fragment B : [bB] ; fragment C : [cC] ; fragment D : [dD] ;
fragment E : [eE] ; fragment F : [fF] ; fragment G : [gG] ; fragment H : [hH] ;
fragment I : [iI] ; fragment J : [jJ] ; fragment K : [kK] ; fragment L : [lL] ;
fragment M : [mM] ; fragment N : [nN] ; fragment O : [oO] ; fragment P : [pP] ;
fragment Q : [qQ] ; fragment R : [rR] ; fragment S : [sS] ; fragment T : [tT] ;
fragment U : [uU] ; fragment V : [vV] ; fragment W : [wW] ; fragment X : [xX] ;
fragment Y : [yY] ; fragment Z : [zZ] ;
