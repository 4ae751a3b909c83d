#pragma once
// Dialect type rules as data. Each dialect has one rule file
// (dialects/types/rules/<dialect>.yaml, embedded in the binary at build time)
// with a `to_neutral` and a `from_neutral` section, each holding `types`,
// `charsets` and `collations` tables. A child dialect (`inherits: mysql`)
// lists only what differs: its rules are tried first, then its parent's.
// Within a table the first rule whose name and guards match wins.
//
// Every rule's outcome is exact, lossy (a message says what is lost) or
// unsupported (a message says why, `help` says what to do). A plan's `types:`
// overrides win over every rule and are reported as the user's choice.
//
// Usage (no global state; building a TypeRuleSet parses five small files):
//   DiagnosticSink diags;
//   auto rules = TypeRuleSet::LoadEmbedded(diags);       // nullopt only on a broken build
//   TypeTranslation tr = rules->Translate(source, Dialect::kPostgreSQL, Dialect::kMySQL, {});
//   tr.target_text  -> "datetime(6)"   tr.outcome -> Outcome::kLossy   tr.messages[0] -> "..."

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/diagnostics.h"
#include "common/dialect.h"
#include "common/outcome.h"
#include "dialects/types/neutral_type.h"
#include "grammar/type_name.h"

namespace sluice {

// Outcome, OutcomeName and ParseOutcomeName come from common/outcome.h.

enum class RuleSection {
  kTypeToNeutral, kTypeFromNeutral,
  kCharsetToNeutral, kCharsetFromNeutral,
  kCollationToNeutral, kCollationFromNeutral,
};
// "to_neutral.types", "from_neutral.collations", ...
const char* RuleSectionName(RuleSection s);

// One condition of a rule's `when:` map, parsed at load time.
struct RuleGuard {
  enum class Kind { kBool, kNumber, kString, kVersion };
  enum class Op { kEq, kNe, kLt, kLe, kGt, kGe };
  std::string key;
  Kind kind = Kind::kBool;
  bool flag = false;                                    // kBool
  std::vector<std::pair<Op, int64_t>> numbers;          // kNumber: all must hold
  std::vector<std::string> patterns;                    // kString: any may match ('*' wildcards)
  std::vector<std::pair<Op, std::vector<int64_t>>> versions;  // kVersion: all must hold
};

struct Rule {
  std::string file;       // "dialects/types/rules/mysql.yaml"
  uint32_t line = 0;      // 1-based, of the rule's mapping
  uint32_t col = 0;
  std::string name;       // `name:` or the matched names joined with '|'
  Dialect dialect = Dialect::kMySQL;
  RuleSection section = RuleSection::kTypeToNeutral;
  std::vector<std::string> match;      // type names / neutral kind names / charset or collation patterns
  std::vector<RuleGuard> guards;
  std::vector<int64_t> defaults;       // to_neutral.types: params assumed when absent
  bool has_to = false;                 // charsets/collations: false keeps the name as it is
  std::string to;                      // template
  Outcome outcome = Outcome::kExact;
  std::string message;                 // lossy / unsupported text (template)
  std::string note;                    // information that does not change the outcome (template)
  std::string help;                    // what to do (template)
  bool key_prefix = false;             // target needs a prefix length when used in a key (TEXT/BLOB)
  bool check_in_labels = false;        // target needs CHECK (col IN (labels)) to keep enum semantics

  // "dialects/types/rules/mysql.yaml:42 (decimal)".
  std::string Where() const;
};

template <typename T>
struct Mapping {
  std::optional<T> value;              // absent when unsupported
  Outcome outcome = Outcome::kExact;
  std::vector<std::string> messages;   // lossy/unsupported text first, then "note: ..." lines
  std::string help;
  std::vector<const Rule*> rules;      // every rule that fired (type, charset, collation; elements)
};

// A plan `types:` entry. Matching of column globs is the caller's business:
// give a predicate over the column's full name ("schema.table.column").
struct TypeOverride {
  std::string type;                    // source type name ("jsonb", "public.mood"); empty = any type
  std::function<bool(std::string_view column)> column;  // empty = any column
  TypeName to;                         // the target type; to.raw, when set, is printed verbatim
  std::string origin;                  // where it was written, e.g. "plans/shop.yaml:14:5"
};

struct TranslateOptions {
  std::string from_version;            // server versions; empty = the rule file's default_version
  std::string to_version;
  const std::vector<TypeOverride>* overrides = nullptr;
  std::string column;                  // "schema.table.column", for column overrides and messages
  bool strict = false;                 // --strict: lossy becomes an error
};

struct TypeTranslation {
  TypeName target;                     // empty name when unsupported
  std::string target_text;             // in the target's syntax: "varchar(255) CHARACTER SET utf8mb4"
  std::optional<NeutralType> neutral;  // absent for overrides and unsupported sources
  std::string neutral_text;            // ToString(*neutral), for `sluice plan`
  Outcome outcome = Outcome::kExact;
  Severity severity = Severity::kNote; // kError: unsupported, or lossy under strict; kWarning: lossy
  std::vector<std::string> messages;
  std::string help;
  const Rule* rule = nullptr;          // the deciding type rule (from_neutral, or to_neutral when that failed)
  std::vector<const Rule*> rules;      // every rule that fired, in order
  const TypeOverride* override_used = nullptr;
  // Hooks for the schema translator:
  bool key_prefix = false;             // a key on this column needs a prefix length (MySQL TEXT/BLOB)
  std::vector<std::string> check_in_labels;  // add CHECK (col IN (...)) with these labels
};

struct RuleFileSource {
  std::string path;  // shown in diagnostics, e.g. "dialects/types/rules/mysql.yaml"
  std::string text;
};

// The rule files compiled into this binary, in dialect order.
std::vector<RuleFileSource> EmbeddedTypeRuleFiles();

class TypeRuleSet {
 public:
  // Parses and checks rule files; every problem is reported to `diags` as
  // file:line:col with the source line. Returns nullopt when any file fails.
  // Each dialect must appear once; a parent must be loaded with its child.
  static std::optional<TypeRuleSet> Load(const std::vector<RuleFileSource>& files, DiagnosticSink& diags);
  static std::optional<TypeRuleSet> LoadEmbedded(DiagnosticSink& diags);

  Mapping<NeutralType> ToNeutral(const TypeName& source, Dialect dialect, std::string_view version) const;
  Mapping<TypeName> FromNeutral(const NeutralType& neutral, Dialect dialect, std::string_view version) const;
  TypeTranslation Translate(const TypeName& source, Dialect from, Dialect to,
                            const TranslateOptions& options) const;

  // Every rule of every loaded file, in file order.
  std::vector<const Rule*> AllRules() const;
  std::string DefaultVersion(Dialect d) const;
  bool HasDialect(Dialect d) const;

  TypeRuleSet(TypeRuleSet&&) noexcept;
  TypeRuleSet& operator=(TypeRuleSet&&) noexcept;
  ~TypeRuleSet();

 private:
  struct Impl;
  explicit TypeRuleSet(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice
