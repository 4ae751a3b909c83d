// Golden translations. testdata/translations.txt holds one row per case:
//   from[@version] | to[@version] | source type | target text | outcome | messages
// The test translates every source and compares; the messages column must be
// a substring of the actual messages joined with " / " (empty means none).
// With SLUICE_UPDATE_GOLDEN=1 it rewrites the expectations (review the diff),
// and regenerates docs/type-mapping.md from the same rows, so the document
// cannot drift from the rules. A second check makes sure every rule of every
// rule file fires in at least one row, so no rule can rot unexercised.

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "dialects/types/native_type_text.h"
#include "dialects/types/type_rules.h"

namespace sluice {

namespace {

const std::string kGolden = std::string(SLUICE_SOURCE_DIR) + "/dialects/types/testdata/translations.txt";
const std::string kDoc = std::string(SLUICE_SOURCE_DIR) + "/docs/type-mapping.md";

bool Updating() {
  const char* v = std::getenv("SLUICE_UPDATE_GOLDEN");
  return v != nullptr && std::string(v) == "1";
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// Columns are separated by '|'; the sixth (messages) takes the rest of the line.
std::vector<std::string> SplitRow(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  while (out.size() < 5) {
    size_t bar = line.find('|', start);
    if (bar == std::string::npos) break;
    out.push_back(Trim(line.substr(start, bar - start)));
    start = bar + 1;
  }
  out.push_back(Trim(line.substr(start)));
  return out;
}

struct Endpoint {
  Dialect dialect = Dialect::kMySQL;
  std::string version;
  std::string text;
};

std::optional<Endpoint> ParseEndpoint(const std::string& s) {
  Endpoint e;
  e.text = s;
  std::string name = s;
  if (auto at = s.find('@'); at != std::string::npos) {
    name = s.substr(0, at);
    e.version = s.substr(at + 1);
  }
  auto d = ParseDialect(name);
  if (!d) return std::nullopt;
  e.dialect = *d;
  return e;
}

struct Row {
  size_t line = 0;         // 1-based line in the golden file; 0 for comments
  std::string raw;         // the line as read (kept for comments)
  std::vector<std::string> cols;
  TypeTranslation actual;
  std::string actual_messages;
};

std::string Messages(const TypeTranslation& tr) {
  std::string out;
  for (const auto& m : tr.messages) {
    if (!out.empty()) out += " / ";
    out += m;
  }
  return out;
}

struct Golden {
  std::vector<Row> rows;
  std::set<const Rule*> fired;
};

Golden RunGolden(const TypeRuleSet& rules) {
  Golden g;
  std::ifstream in(kGolden);
  REQUIRE_MESSAGE(in.good(), "cannot read " << kGolden);
  std::string line;
  size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    Row row;
    row.raw = line;
    if (Trim(line).empty() || Trim(line)[0] == '#') {
      g.rows.push_back(std::move(row));
      continue;
    }
    row.line = n;
    row.cols = SplitRow(line);
    INFO(kGolden << ":" << n << ": " << line);
    REQUIRE(row.cols.size() >= 3);
    row.cols.resize(6);
    auto from = ParseEndpoint(row.cols[0]);
    auto to = ParseEndpoint(row.cols[1]);
    REQUIRE(from.has_value());
    REQUIRE(to.has_value());
    std::string error;
    auto source = ParseSimpleTypeName(row.cols[2], &error);
    INFO(error);
    REQUIRE(source.has_value());
    TranslateOptions opt;
    opt.from_version = from->version;
    opt.to_version = to->version;
    row.actual = rules.Translate(*source, from->dialect, to->dialect, opt);
    row.actual_messages = Messages(row.actual);
    for (const Rule* r : row.actual.rules) g.fired.insert(r);
    g.rows.push_back(std::move(row));
  }
  return g;
}

std::string Shown(const std::string& target) { return target.empty() ? "-" : target; }

std::string RenderGolden(const Golden& g) {
  std::string out;
  for (const auto& row : g.rows) {
    if (row.line == 0) {
      out += row.raw + "\n";
      continue;
    }
    out += row.cols[0] + " | " + row.cols[1] + " | " + row.cols[2] + " | " + Shown(row.actual.target_text) +
           " | " + OutcomeName(row.actual.outcome) + " | " + row.actual_messages;
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += "\n";
  }
  return out;
}

std::string EscapeCell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else out += c;
  }
  return out;
}

std::string DocPreamble();

std::string RenderDoc(const Golden& g) {
  std::string out = DocPreamble();
  // Group rows by path, in file order of first appearance.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const Row*>> by_path;
  for (const auto& row : g.rows) {
    if (row.line == 0) continue;
    std::string path = "`" + row.cols[0] + "` → `" + row.cols[1] + "`";
    if (!by_path.count(path)) order.push_back(path);
    by_path[path].push_back(&row);
  }
  out += "## Mapping tables per path\n\n";
  out += "Generated from `dialects/types/testdata/translations.txt` (each row is a golden test).\n";
  out += "A dialect without `@version` uses its rule file's `default_version`.\n\n";
  for (const auto& path : order) {
    out += "### " + path + "\n\n";
    out += "| source | neutral | target | outcome | what is lost / notes |\n";
    out += "|---|---|---|---|---|\n";
    for (const Row* r : by_path[path]) {
      std::string msg = r->actual_messages;
      if (!r->actual.help.empty() && r->actual.outcome == Outcome::kUnsupported) msg += " — help: " + r->actual.help;
      out += "| `" + EscapeCell(r->cols[2]) + "` | " +
             (r->actual.neutral_text.empty() ? std::string("-") : "`" + EscapeCell(r->actual.neutral_text) + "`") +
             " | " +
             (r->actual.target_text.empty() ? std::string("-") : "`" + EscapeCell(r->actual.target_text) + "`") +
             " | " + OutcomeName(r->actual.outcome) + " | " + EscapeCell(msg) + " |\n";
    }
    out += "\n";
  }
  return out;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TypeRuleSet Embedded() {
  DiagnosticSink diags;
  auto rules = TypeRuleSet::LoadEmbedded(diags);
  INFO(RenderDiagnosticsText(diags));
  REQUIRE(rules.has_value());
  return std::move(*rules);
}

}  // namespace

TEST_CASE("golden translations") {
  auto rules = Embedded();
  Golden g = RunGolden(rules);
  if (Updating()) {
    std::ofstream(kGolden) << RenderGolden(g);
    std::ofstream(kDoc) << RenderDoc(g);
    MESSAGE("rewrote " << kGolden << " and " << kDoc << ": review the diff");
    return;
  }
  size_t checked = 0;
  for (const auto& row : g.rows) {
    if (row.line == 0) continue;
    ++checked;
    INFO(kGolden << ":" << row.line << ": " << row.raw);
    INFO("actual: " << Shown(row.actual.target_text) << " | " << OutcomeName(row.actual.outcome) << " | "
                    << row.actual_messages);
    CHECK(Shown(row.actual.target_text) == row.cols[3]);
    CHECK(OutcomeName(row.actual.outcome) == row.cols[4]);
    if (row.cols[5].empty()) CHECK(row.actual_messages.empty());
    else CHECK(row.actual_messages.find(row.cols[5]) != std::string::npos);
  }
  CHECK(checked > 300);
}

TEST_CASE("every rule fires in at least one golden row") {
  auto rules = Embedded();
  Golden g = RunGolden(rules);
  std::vector<std::string> unused;
  for (const Rule* r : rules.AllRules()) {
    if (!g.fired.count(r)) unused.push_back(r->Where() + " in " + RuleSectionName(r->section));
  }
  std::string list;
  for (const auto& u : unused) list += "\n  " + u;
  CHECK_MESSAGE(unused.empty(), unused.size() << " rules no golden row exercises:" << list);
}

TEST_CASE("docs/type-mapping.md is generated from the golden rows") {
  if (Updating()) return;
  auto rules = Embedded();
  Golden g = RunGolden(rules);
  CHECK_MESSAGE(ReadAll(kDoc) == RenderDoc(g),
                "docs/type-mapping.md is stale: run the test with SLUICE_UPDATE_GOLDEN=1 and review the diff");
}

namespace {

std::string DocPreamble() {
  return R"doc(# Type mapping

*Generated by `dialects/types/type_golden_test.cc` from the rule files and the golden
rows; do not edit by hand. Regenerate with `SLUICE_UPDATE_GOLDEN=1 ctest -R types_test`.*

Sluice translates column types through a **neutral type system**: each dialect maps its
native types to neutral types (`to_neutral`) and neutral types back to native ones
(`from_neutral`), so five engines need ten rule tables, not twenty-five. The rules are data:
`dialects/types/rules/{mysql,mariadb,oceanbase,tidb,postgresql}.yaml`, compiled into the
binary. MariaDB, OceanBase and TiDB `inherits: mysql` and list only what differs, keyed by
server version where behaviour changed.

Every mapping has an outcome:

- **exact** — every value is kept and compares the same (widening, e.g. `int unsigned` →
  `bigint`, counts as exact). Notes may still say something worth knowing.
- **lossy** — the column is created, and the message says exactly what is lost. A warning
  in `sluice plan`; an error under `--strict`.
- **unsupported** — no target type; an error with help saying what to do.
- **override** — the plan's `types:` section chose the target (first match wins, by source
  type name and/or by column); reported as the user's choice.

## Neutral types

| neutral type | meaning |
|---|---|
| `bool` | true/false |
| `int8` `int16` `int24` `int32` `int64` | signed integers (`int24` is MySQL MEDIUMINT) |
| `uint8` … `uint64` | unsigned integers (MySQL family) |
| ` display(w)` ` zerofill` | MySQL integer display width and ZEROFILL, kept within the MySQL family |
| `decimal(p,s)` / `decimal` | exact numeric; without arguments unbounded (PostgreSQL `numeric`) |
| `float32` `float64` | IEEE floats (` unsigned` for MySQL's deprecated unsigned floats) |
| `char(n)` `varchar(n)` | characters (not bytes) |
| `text(tiny)` `text` `text(medium)` `text(long)` | size classes of 255 B, 64 KiB, 16 MiB, 4 GiB |
| ` charset X collate Y` | on character types; names are MySQL's (`utf8mb4`, `utf8mb4_0900_bin`) |
| `binary(n)` `varbinary(n)` `blob(...)` | bytes, with the same size classes |
| `date` `year` | calendar date; MySQL YEAR |
| `time(p)` / `time(p) with tz` | time of day (MySQL TIME is really a duration, see its rows) |
| `timestamp(p)` | wall-clock date and time (MySQL DATETIME, PostgreSQL `timestamp`) |
| `timestamp(p) with tz` | an instant (PostgreSQL `timestamptz`) |
| `timestamp(p) with tz range(1970..2038)` | an instant stored as seconds since 1970 (MySQL TIMESTAMP; MariaDB 11.5+ reaches 2106) |
| `interval(p) fields ...` | PostgreSQL interval |
| `json` / `jsonb` | JSON as text / in a normalised binary form (key order and duplicate keys not kept) |
| `uuid` | 128-bit UUID |
| `enum('a',...)` `set('a',...)` | labelled values |
| `bit(n)` `varbit(n)` | bit strings |
| `array(T)` | PostgreSQL arrays of any dimension |
| `geometry(subtype,srid)` | OGC spatial types (MySQL GIS, PostGIS) |
| `vector(n)` | float32 vectors (MySQL 9, MariaDB 11.7, TiDB 8.4, OceanBase 4.3.3, pgvector) |
| `inet` `cidr` `macaddr` `macaddr8` `inet4` `inet6` `money` `xml` `tsvector` `tsquery` `pg_lsn` `range(T)` `multirange(T)` `geometric(box)` | engine-specific families, named so rules can say precisely what is lost |

## Rule files

```yaml
dialect: oceanbase
inherits: mysql              # child rules are tried first, then the parent's
default_version: "4.2.1"     # used when the server version is unknown
parent_version: "5.7.25"     # the version the parent's version guards see
to_neutral:                  # native -> neutral
  types:
    - { type: [int, integer], when: { unsigned: true }, to: "uint32{display}{zerofill}" }
  charsets:   [ { charset: utf8, to: utf8mb3 } ]
  collations: [ { collation: "utf8_*", to: "utf8mb3_{*}" } ]
from_neutral:                # neutral -> native
  types:
    - { type: decimal, when: { p: ">65" },
        unsupported: "MySQL DECIMAL holds at most 65 digits; this column has precision {p}",
        help: "Override the column type ..." }
    - { type: vector, when: { version: ">=4.3.3" }, to: "vector({n})" }
```

A rule matches by name (`"*"` for any), then by every condition in `when:`; the first match
wins. Conditions: `version` (`">=8.0.17"`, `">=4.0 <4.1"`), numbers (`p`, `s`, `n`, `params`,
`labels`, `bytes` = characters × bytes per character of the charset, `width`, `srid`,
`range_end`; `">65"`, `"<=16383"`, `"1..6"`), flags (`unsigned`, `zerofill`, `tz`, `array`,
`jsonb`, `unbounded`) and names with `*` wildcards (`charset`, `collation`, `fields`, `size`,
`subtype`, `element`, `schema`). Outcome keys: none (exact), `lossy: "what is lost"` or
`unsupported: "why"`, plus `note:` and `help:`. `key_prefix: true` tells the schema
translator that a key on the column needs a prefix length (MySQL TEXT/BLOB);
`check_in_labels: true` that it must add `CHECK (col IN (...))` (ENUM → PostgreSQL text).
Charsets and collations of character types go through the `charsets` and `collations`
tables; no match keeps the name (exact).

Things decided on purpose:

- MySQL `tinyint(1)`/`BOOLEAN` → PostgreSQL `smallint`, exact: it can hold -128..127.
  PostgreSQL `boolean` → MySQL `tinyint(1)`.
- MySQL ENUM → PostgreSQL `text` plus a CHECK of the labels (lossy: label order);
  SET → `text` (lossy). PostgreSQL enum types → MySQL ENUM with the same labels.
- PostgreSQL `timestamptz` → MySQL-family `DATETIME(p)` holding UTC (lossy), because
  TIMESTAMP ends in 2038; MySQL TIMESTAMP → PostgreSQL `timestamptz` (exact).
- PostgreSQL `text`/unbounded `varchar` → `longtext`; `varchar(n)` stays `varchar(n)` while
  n × 4 bytes fit in 65,535, then `mediumtext`/`longtext` (with a note: the limit is not
  enforced and keys need a prefix length).
- Unbounded `numeric` → `decimal(65,30)` (lossy); precision over 65 or scale over 30 is
  unsupported (override it).
- Arrays → JSON (lossy) in the MySQL family; `uuid` → `char(36) CHARACTER SET ascii`
  except MariaDB 10.7+ (`uuid`); `jsonb` → `json` exact, PostgreSQL `json` → MySQL `json`
  lossy (MySQL normalises it), MariaDB JSON is text and keeps it exactly.
- MySQL `*_ci` collations → PostgreSQL default collation (lossy: case-insensitivity lost;
  help shows a nondeterministic ICU collation). `utf8mb4_0900_ai_ci` → MariaDB
  `utf8mb4_uca1400_nopad_ai_ci` (10.10+) or `utf8mb4_unicode_520_ci`, OceanBase
  `utf8mb4_unicode_ci`, TiDB itself from 7.4 (lossy where the weights differ).
- PostgreSQL's default collation (and `C`) → `utf8mb4_0900_bin` (MariaDB `utf8mb4_nopad_bin`,
  OceanBase `utf8mb4_bin`, lossy there for PAD SPACE): values are equal only when their bytes
  are, so `'abc'`, `'ABC'` and `'abc '` stay three keys (a target default such as
  `utf8mb4_general_ci` would make them one); only ORDER BY follows code points instead of the
  locale. Other PostgreSQL collations → the same, lossy (their sort order has no counterpart).
- Spatial types: unsupported on TiDB, on OceanBase before 3.2.4 and in 4.0, and on
  PostgreSQL without PostGIS (help says how to override).

)doc";
}

}  // namespace

}  // namespace sluice
