// SQL expressions, type names and a SELECT subset, for the MySQL family
// (MySQL, MariaDB, OceanBase MySQL mode, TiDB) and PostgreSQL: the parser.
//
// Two lexers feed it (MySqlExprLexer.g4, PgExprLexer.g4, sharing
// SqlExprLexerCommon.g4 and one token numbering): the families disagree on
// what some characters mean ("..." is a string in MySQL and an identifier in
// PostgreSQL, backslash escapes, $$ quoting, # comments). Precedence differs
// too (|| is OR in MySQL and concatenation in PostgreSQL, ^ is XOR vs power,
// IS sits at a different level), so the two precedence ladders are separate
// rules (myExpr/myBitExpr/mySimpleExpr and pgExpr/pgBitExpr/pgUnaryExpr)
// under one `expr` dispatch rule guarded by pg_, and share everything below
// them (primary, function calls, CASE, SELECT, type names). Errors,
// unescaping and the neutral AST are produced by grammar/expr_parser.cc.

parser grammar SqlExprParser;

options { tokenVocab = MySqlExprLexer; }

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

