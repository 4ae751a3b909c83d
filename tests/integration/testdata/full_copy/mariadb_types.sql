-- Type-rich MariaDB source for the full-copy integration tests
-- (tests/integration/full_copy_test.cc). Statements are separated by ";\n";
-- the test runs them in a fresh database with sql_mode = '' (zero dates).
-- Every table has a few hundred rows so that chunk_rows: 100 makes chunks.

CREATE TABLE ints (
  id INT NOT NULL PRIMARY KEY,
  ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED,
  mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED,
  bi BIGINT, biu BIGINT UNSIGNED, flag TINYINT(1)
);
INSERT INTO ints VALUES
  (1, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0, 0),
  (2, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295, 9223372036854775807, 18446744073709551615, 1),
  (3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL),
  (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO ints SELECT seq + 10, seq % 100 - 50, seq % 256, seq * 7 % 32768, seq * 13, seq * 1000, seq * 999,
  seq * 100003 - 50000000, seq * 4000000, seq * 18000000000000000 - 4400000000000000000, CAST(seq AS UNSIGNED) * 36893488147419103, seq % 2
  FROM (SELECT CAST(seq AS SIGNED) AS seq FROM seq_1_to_490) s;

-- A bigint unsigned key near its maximum: chunk bounds above 2^63.
CREATE TABLE big_keys (
  id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  v VARCHAR(20)
);
INSERT INTO big_keys VALUES (0, 'zero'), (18446744073709551615, 'max'), (9223372036854775808, 'two63'),
  (9223372036854775807, 'two63-1');
INSERT INTO big_keys SELECT 18446744073709551615 - seq * 1000003, CONCAT('r', seq) FROM seq_1_to_300;

CREATE TABLE nums (
  id INT NOT NULL PRIMARY KEY,
  d DECIMAL(65,30), d2 DECIMAL(10,2), du DECIMAL(20,0) UNSIGNED,
  f FLOAT, dbl DOUBLE
);
INSERT INTO nums VALUES
  (1, 99999999999999999999999999999999999.999999999999999999999999999999, 12345678.99, 99999999999999999999,
      3.40282e38, 1.7976931348623157e308),
  (2, -99999999999999999999999999999999999.999999999999999999999999999999, -12345678.99, 0,
      -3.40282e38, -1.7976931348623157e308),
  (3, -0.000000000000000000000000000001, -0.00, 1, 1.17549e-38, 2.2250738585072014e-308),
  (4, 0.000000000000000000000000000001, 0.01, 2, 0.1, 0.1),
  (5, 1234567890.123456789012345678901234567890, 0.10, 3, 3.1415927, 3.141592653589793),
  (6, NULL, NULL, NULL, NULL, NULL),
  (7, -0.0, -0.00, 0, 16777217, -0.0),
  (8, 0, 0, 0, 123456.789, 1e-300);
INSERT INTO nums SELECT seq + 10, seq * 1.000000000000000000000000000007 - 3, seq * 1.01, seq,
  seq / 7, seq / 7 FROM seq_1_to_390;

CREATE TABLE times (
  id INT NOT NULL PRIMARY KEY,
  d DATE, dt DATETIME(6), dt0 DATETIME, ts TIMESTAMP(6) NULL DEFAULT NULL, t TIME(6), t0 TIME, y YEAR
);
INSERT INTO times VALUES
  (1, '1000-01-01', '1000-01-01 00:00:00.000000', '1000-01-01 00:00:00', '1970-01-01 00:00:01.000000', '00:00:00', '00:00:00', 1901),
  (2, '9999-12-31', '9999-12-31 23:59:59.999999', '9999-12-31 23:59:59', '2038-01-19 03:14:07.999999', '23:59:59.999999', '23:59:59', 2155),
  (3, '2024-02-29', '2024-02-29 12:34:56.123456', '2024-02-29 12:34:56', '2024-02-29 12:34:56.654321', '12:34:56.000001', '12:34:56', 2024),
  (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (5, '2000-01-01', '2000-01-01 00:00:00.5', '2000-01-01 00:00:00', '2000-01-01 00:00:00.5', '00:00:00.5', '01:02:03', 2000);
INSERT INTO times SELECT seq + 10, '2020-01-01' + INTERVAL seq DAY, '2020-01-01 00:00:00.000001' + INTERVAL seq * 3607 SECOND,
  '2020-01-01' + INTERVAL seq * 61 MINUTE, '2001-01-01 00:00:00.25' + INTERVAL seq * 86399 SECOND,
  SEC_TO_TIME(seq * 101 + 0.125), SEC_TO_TIME(seq * 77), 1990 + seq % 50 FROM seq_1_to_290;

-- MySQL-only time values: zero dates and durations outside a day.
CREATE TABLE mysql_times (
  id INT NOT NULL PRIMARY KEY,
  d DATE, dt DATETIME(3), t TIME
);
INSERT INTO mysql_times VALUES
  (1, '0000-00-00', '0000-00-00 00:00:00.000', '10:00:00'),
  (2, '2024-00-10', '2024-05-00 10:00:00.000', '11:00:00'),
  (3, '2024-01-02', '2024-01-02 03:04:05.678', '100:00:00'),
  (4, '2024-01-03', '2024-01-03 00:00:00.000', '10:00:00'),
  (5, '2024-01-04', '2024-01-04 00:00:00.000', '-838:59:59'),
  (6, '2024-01-05', '2024-01-05 00:00:00.000', '838:59:59');
INSERT INTO mysql_times SELECT seq + 10, '2021-01-01' + INTERVAL seq DAY, '2021-01-01' + INTERVAL seq HOUR, SEC_TO_TIME(seq) FROM seq_1_to_200;

CREATE TABLE strs (
  id INT NOT NULL PRIMARY KEY,
  c CHAR(10), vc VARCHAR(255), tx TEXT, mt MEDIUMTEXT,
  e ENUM('small','medium','large','x y'), s SET('red','green','blue'), j JSON
) DEFAULT CHARSET utf8mb4 COLLATE utf8mb4_bin;
INSERT INTO strs VALUES
  (1, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (2, '', '', '', '', 'small', '', '{}'),
  (3, 'NULL', 'NULL', 'NULL', 'NULL', 'medium', 'red', 'null'),
  (4, 'a\tb', 'tab\there\nnewline\r\nwindows \\ backslash \\N not null', '\\\\double\\\\', 'end with backslash\\', 'large', 'red,green', '{"a": "tab\\there", "b": [1, 2.5, null, true]}'),
  (5, '😀', 'emoji 😀🎉 and CJK 漢字 and é', 'Ünïcödé 𝄞', REPEAT('𝄞', 1000), 'x y', 'red,green,blue', '{"emoji": "😀", "nested": {"k": [{}]}}'),
  (6, '  pad', 'trailing spaces   ', '  ', '\t', NULL, 'blue', '[1, "two", {"three": 3}]'),
  (7, 'quote''s', 'it''s "quoted"', '%_like', '`backtick`', 'small', 'green', '"just a string"'),
  (8, 'x', 'big', REPEAT('0123456789abcdef', 4000), REPEAT('The quick brown fox 🦊 jumps.\n', 100000), 'medium', 'red', '{"n": 12345678901234567890}');
INSERT INTO strs SELECT seq + 10, LEFT(MD5(seq), 10), CONCAT('row ', seq, '\t', REPEAT('é', seq % 20)),
  REPEAT(CONCAT(seq, '\n'), seq % 50), NULL, ELT(seq % 4 + 1, 'small', 'medium', 'large', 'x y'),
  MAKE_SET(seq % 8, 'red', 'green', 'blue'), JSON_OBJECT('seq', seq, 'half', seq / 2, 's', CONCAT('v', seq))
  FROM seq_1_to_290;

CREATE TABLE bins (
  id INT NOT NULL PRIMARY KEY,
  b BINARY(4), vb VARBINARY(100), bl BLOB, lb LONGBLOB, bit1 BIT(1), bit64 BIT(64), bit10 BIT(10)
);
INSERT INTO bins VALUES
  (1, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (2, X'00000000', X'', X'', X'', b'0', b'0', b'0'),
  (3, X'FFFFFFFF', X'00FF00FF0A0D095C4E', X'00', X'FF', b'1', b'1111111111111111111111111111111111111111111111111111111111111111', b'1111111111'),
  (4, X'00FF', X'5C4E', X'0A', X'09', b'1', b'1000000000000000000000000000000000000000000000000000000000000001', b'1000000001'),
  (5, 'ab', 'NULL', 'plain text', REPEAT(X'00FF5C0A0D09', 500000), b'0', b'0000000000000000000000000000000011111111111111111111111111111111', b'0000000001');
INSERT INTO bins SELECT seq + 10, UNHEX(LPAD(HEX(seq), 8, '0')), UNHEX(SHA1(seq)), UNHEX(REPEAT(MD5(seq), seq % 10)),
  UNHEX(SHA2(seq, 512)), seq % 2, seq * 63000000000000000, seq % 1024 FROM seq_1_to_290;

-- No primary or unique key, duplicate rows: one chunk, compared as a multiset.
CREATE TABLE keyless (
  a INT, b VARCHAR(20)
);
INSERT INTO keyless VALUES (1, 'dup'), (1, 'dup'), (NULL, NULL), (2, ''), (2, 'NULL');
INSERT INTO keyless SELECT seq % 37, CONCAT('k', seq % 11) FROM seq_1_to_300;

-- A composite key of a string and an integer.
CREATE TABLE composite (
  region VARCHAR(20) NOT NULL, n INT NOT NULL, v VARCHAR(40),
  PRIMARY KEY (region, n)
) DEFAULT CHARSET utf8mb4 COLLATE utf8mb4_bin;
INSERT INTO composite SELECT ELT(seq % 5 + 1, 'east', 'west', 'North', 'south', 'Zürich'), seq, CONCAT('v', seq) FROM seq_1_to_400;
INSERT INTO composite VALUES ('', 0, 'empty region'), ('a b', -1, 'space'), ('😀', 1, 'emoji');

-- A UUID key (MariaDB's UUID type) and a varchar key.
CREATE TABLE uuid_keyed (
  id UUID NOT NULL PRIMARY KEY, v INT
);
INSERT INTO uuid_keyed SELECT UUID(), seq FROM seq_1_to_350;
INSERT INTO uuid_keyed VALUES ('00000000-0000-0000-0000-000000000000', 0), ('ffffffff-ffff-ffff-ffff-ffffffffffff', -1);

CREATE TABLE vc_keyed (
  code VARCHAR(40) NOT NULL PRIMARY KEY, v INT
) DEFAULT CHARSET utf8mb4 COLLATE utf8mb4_bin;
INSERT INTO vc_keyed SELECT CONCAT(CHAR(65 + seq % 26), '-', seq), seq FROM seq_1_to_350;
INSERT INTO vc_keyed VALUES ('a', 1), ('A', 2), ('it''s', 3), ('tab\tkey', 4), ('é', 5), ('😀', 6), (' lead', 7);

-- Only rows matching the plan's where: filter are copied.
CREATE TABLE filtered (
  id INT NOT NULL PRIMARY KEY, status VARCHAR(10) NOT NULL, amount INT
);
INSERT INTO filtered SELECT seq, ELT(seq % 3 + 1, 'active', 'deleted', 'paused'), seq * 10 FROM seq_1_to_450;

-- Renamed and dropped columns.
CREATE TABLE people (
  id INT NOT NULL PRIMARY KEY, full_name VARCHAR(50), legacy_flag CHAR(1), born DATE
);
INSERT INTO people SELECT seq, CONCAT('person ', seq), 'Y', '1950-01-01' + INTERVAL seq * 11 DAY FROM seq_1_to_250
