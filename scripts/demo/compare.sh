#!/usr/bin/env bash
# Compares the demo's source (PostgreSQL) and target (MariaDB) table by table
# with each engine's own SQL: a row count and an MD5 over every row's values
# in key order, rendered to the same text on both sides. Independent of
# Sluice's code. Usage: compare.sh PG_PORT MARIADB_PORT
set -euo pipefail
pg() { psql -X -q -t -A -h 127.0.0.1 -p "$1" -U postgres -d shop -c "$2"; }
my() { mariadb -N -B -h 127.0.0.1 -P "$1" -u root shop -e "SET SESSION group_concat_max_len = 1073741824; SET time_zone = '+00:00'; $2"; }
n=0; bad=0
check() {  # name, pg expression list, mariadb expression list, order
  local name=$1 pgq=$2 myq=$3 order=$4
  local a b
  a=$(pg "$PG" "SELECT count(*) || ' ' || coalesce(md5(string_agg(concat_ws('|', $pgq), E'\n' ORDER BY $order)), '-') FROM $name")
  b=$(my "$MY" "SELECT concat(count(*), ' ', coalesce(md5(group_concat(concat_ws('|', $myq) ORDER BY $order SEPARATOR '\n')), '-')) FROM \`$name\`")
  n=$((n + 1))
  if [[ "$a" == "$b" ]]; then printf '  %-12s %s  identical\n' "$name" "${a%% *} rows"
  else printf '  %-12s DIFFERENT: source %s, target %s\n' "$name" "$a" "$b"; bad=$((bad + 1)); fi
}
PG=$1 MY=$2
ts_pg() { echo "coalesce(to_char($1 AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), '~')"; }
ts_my() { echo "coalesce(date_format($1, '%Y-%m-%d %H:%i:%s.%f'), '~')"; }
nz() { echo "coalesce($1, '~')"; }
# As bytes: MariaDB refuses CONCAT_WS over columns of different collations
# (PostgreSQL text arrives as utf8mb4_nopad_bin, JSON as utf8mb4_bin).
by() { echo "cast($1 as binary)"; }
check customers "id, email, name, $(nz country), vip::int, $(ts_pg created_at)" \
                "id, email, name, $(nz country), vip, $(ts_my created_at)" "id"
check products "id, sku, title, price, $(nz attrs::text), $(nz 'array_to_json(tags)::text'), $(nz "encode(image, 'hex')")" \
               "id, $(by sku), $(by title), price, $(by "$(nz attrs)"), $(by "$(nz tags)"), $(nz 'lower(hex(image))')" "id"
check orders "id, customer_id, status::text, $(ts_pg placed_at), $(nz note)" \
             "id, customer_id, status, $(ts_my placed_at), $(nz note)" "id"
check order_items "order_id, line, product_id, qty, unit_price" "order_id, line, product_id, qty, unit_price" "order_id, line"
check page_views "to_char(viewed_at, 'YYYY-MM-DD HH24:MI:SS.MS'), path, $(nz referrer)" \
                 "substr(date_format(viewed_at, '%Y-%m-%d %H:%i:%s.%f'), 1, 23), path, $(nz referrer)" "viewed_at"
echo "  $n tables compared, $bad different"
[[ $bad -eq 0 ]]
