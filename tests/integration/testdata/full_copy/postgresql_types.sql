-- Type-rich PostgreSQL source for the full-copy integration tests
-- (tests/integration/full_copy_test.cc), run in a fresh database.
-- Every table has a few hundred rows so that chunk_rows: 100 makes chunks.

SET TIME ZONE 'UTC';

CREATE TABLE ints (
  id integer PRIMARY KEY,
  si smallint, i integer, bi bigint, flag boolean
);
INSERT INTO ints VALUES
  (1, -32768, -2147483648, -9223372036854775808, false),
  (2, 32767, 2147483647, 9223372036854775807, true),
  (3, 0, 0, 0, NULL),
  (4, NULL, NULL, NULL, NULL);
INSERT INTO ints SELECT g + 10, (g * 7 % 65536) - 32768, g * 100003 - 50000000,
  g::bigint * 18000000000000000 - 4400000000000000000, g % 2 = 0 FROM generate_series(1, 490) g;

-- A bigint key spanning the whole int64 range: chunk bounds at both ends.
CREATE TABLE big_keys (id bigint PRIMARY KEY, v text);
INSERT INTO big_keys VALUES (-9223372036854775808, 'min'), (9223372036854775807, 'max'), (0, 'zero');
INSERT INTO big_keys SELECT g * 30000000000000001 - 4500000000000000000, 'r' || g FROM generate_series(1, 300) g;

CREATE TABLE nums (
  id integer PRIMARY KEY,
  n numeric, n2 numeric(10,2), n65 numeric(65,30), r real, dp double precision, m money
);
INSERT INTO nums VALUES
  (1, 99999999999999999999999999999999999.999999999999999999999999999999, 12345678.99,
      99999999999999999999999999999999999.999999999999999999999999999999, 3.4028235e38, 1.7976931348623157e308, 92233720368547758.07),
  (2, -12345.678900, -12345678.99, -0.000000000000000000000000000001, -3.4028235e38, -1.7976931348623157e308, -92233720368547758.08),
  (3, '-0', '-0.00', '-0.0', 1.1754944e-38, 2.2250738585072014e-308, 0),
  (4, 0.1, 0.10, 0.1, 0.1, 0.1, 0.01),
  (5, 1234567890.123456789012345678901234567890, 0.01, 3.141592653589793238462643383279, 3.1415927, 3.141592653589793, 1.5),
  (6, NULL, NULL, NULL, NULL, NULL, NULL),
  (7, 100, 1, 1, '-0', '-0', -1),
  (8, 1e-30, 0, 0, 16777216, 1e-300, 0);
INSERT INTO nums SELECT g + 10, g * 1.000000000000000000000000000007 - 3, g * 1.01, g / 7.0,
  (g / 7.0)::real, g / 7.0::float8, g * 1.25 FROM generate_series(1, 390) g;

CREATE TABLE times (
  id integer PRIMARY KEY,
  d date, ts timestamp(6), ts3 timestamp(3), tstz timestamptz(6), t time(6), ttz timetz, iv interval
);
INSERT INTO times VALUES
  (1, '1000-01-01', '1000-01-01 00:00:00', '1000-01-01 00:00:00.001', '1000-01-01 00:00:00+00', '00:00:00', '00:00:00+00', '0'),
  (2, '9999-12-31', '9999-12-31 23:59:59.999999', '9999-12-31 23:59:59.999', '9999-12-31 23:59:59.999999+00', '23:59:59.999999', '23:59:59+14', '1 year 2 mons 3 days 04:05:06.789'),
  (3, '2024-02-29', '2024-02-29 12:34:56.123456', '2024-02-29 12:34:56.123', '2024-02-29 12:34:56.123456+05:30', '12:34:56.000001', '12:34:56-08', '-1 day +02:00:00'),
  (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (5, '2000-01-01', '2000-01-01 00:00:00.5', '2000-01-01 00:00:00.5', '2000-01-01 00:30:00.5-11:00', '24:00:00', '10:00:00+05:45', '00:00:00.000001'),
  (6, '1970-01-01', '1970-01-01 00:00:00', '1970-01-01 00:00:00', '1969-12-31 23:59:59.999999 America/New_York', '00:00:00.5', '00:00:00-12', '1000 years');
INSERT INTO times SELECT g + 10, date '2020-01-01' + g, timestamp '2020-01-01 00:00:00.000001' + g * interval '3607 seconds',
  timestamp '2020-01-01' + g * interval '61.001 minutes', timestamptz '2001-01-01 00:00:00.25+03' + g * interval '86399 seconds',
  time '00:00:00.125' + g * interval '101 seconds', timetz '01:00:00+02' + g * interval '77 seconds', g * interval '1 hour 1 second'
  FROM generate_series(1, 290) g;

CREATE TABLE strs (
  id integer PRIMARY KEY,
  c char(10), vc varchar(255), tx text, big text, j json, jb jsonb, u uuid, ip inet
);
INSERT INTO strs VALUES
  (1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (2, '', '', '', '', '{}', '{}', '00000000-0000-0000-0000-000000000000', '0.0.0.0'),
  (3, 'NULL', 'NULL', 'NULL', 'NULL', 'null', 'null', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '::1'),
  (4, E'a\tb', E'tab\there\nnewline\r\nwindows \\ backslash \\N not null', E'\\\\double\\\\', E'end with backslash\\',
      '{"a": "tab\there", "b": [1, 2.5, null, true]}', '{"b": [1, 2.5, null, true], "a": "x"}', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '192.168.1.0/24'),
  (5, '😀', 'emoji 😀🎉 and CJK 漢字 and é', 'Ünïcödé 𝄞', repeat('𝄞', 1000), '{"emoji": "😀", "nested": {"k": [{}]}}',
      '{"emoji": "😀"}', gen_random_uuid(), '2001:db8::ff00:42:8329'),
  (6, '  pad', 'trailing spaces   ', '  ', E'\t', '[1, "two", {"three": 3}]', '[1, "two"]', gen_random_uuid(), '10.0.0.1'),
  (7, 'quote''s', 'it''s "quoted"', '%_like', '`backtick`', '"just a string"', '"s"', gen_random_uuid(), NULL),
  (8, 'x', 'big', repeat('0123456789abcdef', 4000), repeat(E'The quick brown fox 🦊 jumps.\n', 100000),
      '{"n": 12345678901234567890}', '{"n": 1.5e300}', gen_random_uuid(), '255.255.255.255');
INSERT INTO strs SELECT g + 10, left(md5(g::text), 10), 'row ' || g || E'\t' || repeat('é', g % 20),
  repeat(g || E'\n', g % 50), NULL, json_build_object('seq', g, 'half', g / 2.0, 's', 'v' || g),
  jsonb_build_object('seq', g), gen_random_uuid(), ('10.0.' || (g % 256) || '.1')::inet FROM generate_series(1, 290) g;

CREATE TABLE bins (
  id integer PRIMARY KEY,
  b bytea, big bytea, bit1 bit(1), bit64 bit(64), vb bit varying(5)
);
INSERT INTO bins VALUES
  (1, NULL, NULL, NULL, NULL, NULL),
  (2, '', '', B'0', B'0000000000000000000000000000000000000000000000000000000000000000', B''),
  (3, '\x00ff00ff0a0d095c4e', '\x00', B'1', B'1111111111111111111111111111111111111111111111111111111111111111', B'11111'),
  (4, '\x5c4e', '\xff', B'1', B'1000000000000000000000000000000000000000000000000000000000000001', B'101'),
  (5, 'NULL', decode(repeat('00ff5c0a0d09', 500000), 'hex'), B'0', B'0000000000000000000000000000000011111111111111111111111111111111', B'1');
INSERT INTO bins SELECT g + 10, decode(md5(g::text), 'hex'), decode(repeat(md5(g::text), g % 10), 'hex'),
  (g % 2)::bit(1), (g::bigint * 31000000000000000 - 4000000000000000000)::bit(64), (g % 32)::bit(5) FROM generate_series(1, 290) g;

-- Arrays become JSON text on MySQL-family targets.
CREATE TABLE arrays (
  id integer PRIMARY KEY,
  ia integer[], ta text[]
);
INSERT INTO arrays VALUES
  (1, NULL, NULL),
  (2, '{}', '{}'),
  (3, '{1,-2,NULL,2147483647}', '{"a b","quote\"s","back\\slash",NULL,"NULL",""}'),
  (4, '{{1,2},{3,4}}', '{"😀","é"}');
INSERT INTO arrays SELECT g + 10, ARRAY[g, g * 2], ARRAY['v' || g, E'tab\t' || g] FROM generate_series(1, 200) g;

-- No primary or unique key, duplicate rows: one chunk, compared as a multiset.
CREATE TABLE keyless (a integer, b varchar(20));
INSERT INTO keyless VALUES (1, 'dup'), (1, 'dup'), (NULL, NULL), (2, ''), (2, 'NULL');
INSERT INTO keyless SELECT g % 37, 'k' || (g % 11) FROM generate_series(1, 300) g;

-- A composite key of a string and an integer.
CREATE TABLE composite (
  region varchar(20) COLLATE "C" NOT NULL, n integer NOT NULL, v varchar(40),
  PRIMARY KEY (region, n)
);
INSERT INTO composite SELECT (ARRAY['east', 'west', 'North', 'south', 'Zürich'])[g % 5 + 1], g, 'v' || g FROM generate_series(1, 400) g;
INSERT INTO composite VALUES ('', 0, 'empty region'), ('a b', -1, 'space'), ('😀', 1, 'emoji');

CREATE TABLE uuid_keyed (id uuid PRIMARY KEY, v integer);
INSERT INTO uuid_keyed SELECT gen_random_uuid(), g FROM generate_series(1, 350) g;
INSERT INTO uuid_keyed VALUES ('00000000-0000-0000-0000-000000000000', 0), ('ffffffff-ffff-ffff-ffff-ffffffffffff', -1);

CREATE TABLE vc_keyed (code varchar(40) COLLATE "C" PRIMARY KEY, v integer);
INSERT INTO vc_keyed SELECT chr(65 + g % 26) || '-' || g, g FROM generate_series(1, 350) g;
INSERT INTO vc_keyed VALUES ('a', 1), ('A', 2), ('it''s', 3), (E'tab\tkey', 4), ('é', 5), ('😀', 6), (' lead', 7);

-- Only rows matching the plan's where: filter are copied.
CREATE TABLE filtered (id integer PRIMARY KEY, status varchar(10) NOT NULL, amount integer);
INSERT INTO filtered SELECT g, (ARRAY['active', 'deleted', 'paused'])[g % 3 + 1], g * 10 FROM generate_series(1, 450) g;

-- Renamed and dropped columns.
CREATE TABLE people (id integer PRIMARY KEY, full_name varchar(50), legacy_flag char(1), born date);
INSERT INTO people SELECT g, 'person ' || g, 'Y', date '1950-01-01' + g * 11 FROM generate_series(1, 250) g
