-- pgbench script (pgbench -n -f load.sql -c 2 ...) run against source.sql's
-- tables while Sluice copies and streams. Each client owns the keys of its
-- parity (id, a = 2k + client_id + 1) and the keyless rows 'c<client_id>-*',
-- so concurrent clients never collide (a unique violation would abort a
-- client) while their transactions still interleave in the WAL.
\set op random(1, 100)
\set k random(0, 3999)
\set id 2 * :k + :client_id + 1
\set k2 random(0, 3999)
\set id2 2 * :k2 + :client_id + 1
\set r random(1, 1000000)
\set ka random(0, 99)
\set a 2 * :ka + :client_id + 1
\set ob random(0, 9)
\set nb random(0, 9)
\set kk random(0, 9)
\set kn random(0, 5)
\if :op <= 18
-- insert a full row; one in four with a TOASTed big value
INSERT INTO rich VALUES (:id, :r % 100000 - 50000, (:r::numeric / 997) - 400,
  CASE :r % 4 WHEN 0 THEN 'ins ''q'' "d"' || E'\t' || 'тест 🎉 ' || :r WHEN 1 THEN E'bs\\ ' || :r WHEN 2 THEN '' ELSE NULL END,
  decode(md5(:r::text), 'hex') || '\x00'::bytea,
  clock_timestamp() - (:r % 100000) * interval '1.000001 seconds',
  timestamp '2010-06-01 12:00:00' + :r * interval '1.5 seconds',
  date '1970-01-01' + :r % 30000,
  :r % 2 = 0,
  jsonb_build_object('r', :r, 's', 'ü "q" ' || :r, 'a', jsonb_build_array(:r, NULL, false, 1.25)),
  ARRAY[:r, NULL, -:r],
  ARRAY['x,' || :r, 'q"' || :r, NULL, '日本'],
  gen_random_uuid(),
  CASE WHEN :r % 4 = 0 THEN (SELECT string_agg(md5(:r::text || s::text), '') FROM generate_series(1, 300) s)
       ELSE 'small ins ' || :r END)
ON CONFLICT (id) DO NOTHING;
\elif :op <= 40
-- update columns other than big: pgoutput sends big as unchanged TOAST
UPDATE rich SET i = :r, n = :r::numeric / 1000, t = 'upd ' || :r || E'\t''"',
  j = jsonb_set(coalesce(j, '{}'), '{upd}', to_jsonb(:r)), ia = array_append(coalesce(ia, '{}'), :r % 1000),
  ta = array_prepend('p' || :r, coalesce(ta, '{}')), tstz = clock_timestamp(), flag = NOT coalesce(flag, false)
  WHERE id = :id;
\elif :op <= 47
-- NULLs
UPDATE rich SET i = NULL, n = NULL, t = NULL, b = NULL, tstz = NULL, ts = NULL, d = NULL, flag = NULL, j = NULL,
  ia = NULL, ta = NULL, u = NULL WHERE id = :id;
\elif :op <= 55
-- primary key change (big, if TOASTed, travels unchanged)
UPDATE rich SET id = :id2, i = -:r WHERE id = :id AND NOT EXISTS (SELECT 1 FROM rich WHERE id = :id2);
\elif :op <= 60
-- a new TOASTed value, or a small one
UPDATE rich SET big = CASE WHEN :r % 2 = 0 THEN (SELECT string_agg(md5(:r::text || s::text || 'u'), '') FROM generate_series(1, 320) s)
  ELSE 'small upd ' || :r END WHERE id = :id;
\elif :op <= 67
DELETE FROM rich WHERE id = :id;
\elif :op <= 72
INSERT INTO composite VALUES (:a, 'b' || :nb, :r, 'c ' || :r) ON CONFLICT (a, b) DO UPDATE SET v = EXCLUDED.v, note = NULL;
\elif :op <= 76
-- composite key change
UPDATE composite SET b = 'b' || :nb, v = v + 1 WHERE a = :a AND b = 'b' || :ob
  AND NOT EXISTS (SELECT 1 FROM composite WHERE a = :a AND b = 'b' || :nb);
\elif :op <= 79
DELETE FROM composite WHERE a = :a AND b = 'b' || :ob;
\elif :op <= 86
INSERT INTO keyless VALUES ('c' || :client_id || '-' || :kk, :kn, CASE WHEN :r % 3 = 0 THEN NULL ELSE 'dup' END);
\elif :op <= 90
UPDATE keyless SET n = n + 1, note = 'u' WHERE ctid = (SELECT ctid FROM keyless WHERE k = 'c' || :client_id || '-' || :kk LIMIT 1);
\elif :op <= 94
DELETE FROM keyless WHERE ctid = (SELECT ctid FROM keyless WHERE k = 'c' || :client_id || '-' || :kk LIMIT 1);
\else
-- one transaction over the three tables
BEGIN;
UPDATE rich SET i = coalesce(i, 0) + 1 WHERE id = :id;
INSERT INTO composite VALUES (:a, 'b' || :nb, :r, NULL) ON CONFLICT (a, b) DO NOTHING;
DELETE FROM rich WHERE id = :id2;
INSERT INTO keyless VALUES ('c' || :client_id || '-' || :kk, :kn, 'txn');
END;
\endif
