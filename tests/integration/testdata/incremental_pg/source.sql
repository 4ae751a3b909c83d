-- The PostgreSQL source of incremental_pg_test.cc: a type-rich keyed table,
-- a table with a composite key and a keyless table (REPLICA IDENTITY FULL),
-- with their first rows. load.sql changes them while Sluice copies and
-- streams. Statements end a line with ';' (the test splits there).

CREATE TABLE rich (
  id bigint PRIMARY KEY,
  i int,
  n numeric(12,3),
  t text,
  b bytea,
  tstz timestamptz,
  ts timestamp,
  d date,
  flag boolean,
  j jsonb,
  ia int[],
  ta text[],
  u uuid,
  big text
);

-- Out of line and uncompressed: every big value above ~2 KB is TOASTed, so
-- updates that leave it alone reach pgoutput as "unchanged TOAST".
ALTER TABLE rich ALTER COLUMN big SET STORAGE EXTERNAL;

INSERT INTO rich
SELECT g,
       CASE WHEN g % 17 = 0 THEN NULL ELSE (g * 7919) % 100000 - 50000 END,
       CASE WHEN g % 13 = 0 THEN NULL ELSE round((g * 1.337)::numeric - 2000, 3) END,
       CASE g % 5
         WHEN 0 THEN 'naïve ''quoted'' "double"' || E'\t' || 'tab ' || g
         WHEN 1 THEN '日本語 テキスト 🎉 ' || g
         WHEN 2 THEN E'back\\slash\nnewline ' || g
         WHEN 3 THEN ''
         ELSE NULL
       END,
       CASE WHEN g % 11 = 0 THEN NULL ELSE decode(md5(g::text), 'hex') || '\x00ff00'::bytea END,
       timestamptz '2021-03-14 01:59:26.535897+00' + g * interval '1 hour 7 minutes 3.000011 seconds',
       timestamp '1999-12-31 23:59:59.999999' + g * interval '13 minutes 0.5 seconds',
       date '2000-02-29' + g,
       CASE g % 3 WHEN 0 THEN true WHEN 1 THEN false ELSE NULL END,
       CASE WHEN g % 19 = 0 THEN NULL
            ELSE jsonb_build_object('id', g, 's', 'ü "q" \ ' || g, 'arr', jsonb_build_array(1, 2.5, NULL, true),
                                    'nested', jsonb_build_object('x', md5(g::text))) END,
       CASE WHEN g % 23 = 0 THEN NULL ELSE ARRAY[g, -g, NULL, 2147483647] END,
       CASE WHEN g % 29 = 0 THEN NULL ELSE ARRAY['a,b', 'c"d', E'e\\f', 'ü', NULL] END,
       -- RFC 4122 version 4 values: MariaDB's uuid type refuses some other bit patterns PostgreSQL
       -- accepts (e.g. version 11 with variant 0); see the test's report.
       overlay(overlay(md5('uuid' || g) placing '4' from 13) placing '8' from 17)::uuid,
       CASE WHEN g % 10 = 0 THEN (SELECT string_agg(md5(g::text || s::text), '') FROM generate_series(1, 300) s)
            ELSE 'small ' || g END
FROM generate_series(1, 3000) g;

CREATE TABLE composite (
  a int,
  b varchar(40),
  v int,
  note text,
  PRIMARY KEY (a, b)
);

INSERT INTO composite
SELECT 1 + g / 10, 'b' || (g % 10), g, CASE WHEN g % 7 = 0 THEN NULL ELSE 'note ' || g END
FROM generate_series(0, 999) g;

CREATE TABLE keyless (
  k varchar(20),
  n int,
  note text
);

ALTER TABLE keyless REPLICA IDENTITY FULL;

INSERT INTO keyless
SELECT 'c' || (g % 2) || '-' || (g % 10), g % 5, CASE WHEN g % 4 = 0 THEN NULL ELSE 'dup' END
FROM generate_series(0, 499) g;
