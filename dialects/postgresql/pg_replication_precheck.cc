// Logical capture prechecks: one query for the server and the role, one per
// table for its kind, owner and replica identity. Every problem found is
// returned (the caller reports them all before stopping).

#include "dialects/postgresql/pg_replication_precheck.h"

#include "dialects/postgresql/pg_connection.h"

namespace sluice {

namespace {

std::string Q(const std::string& ident) { return PgConnection::QuotePgIdent(ident); }

int ToInt(const std::optional<std::string>& v) { return v ? std::stoi(*v) : 0; }

}  // namespace

std::vector<PgCaptureProblem> PrecheckLogicalCapture(SqlConnection& sql, const std::vector<PgTableName>& tables,
                                                     const PgCapturePrecheckOptions& options) {
  std::vector<PgCaptureProblem> problems;
  QueryResult s = sql.Query(
      "SELECT current_setting('wal_level') AS wal_level, "
      "current_setting('max_replication_slots')::int AS max_slots, "
      "(SELECT count(*) FROM pg_replication_slots) AS used_slots, "
      "current_setting('max_wal_senders')::int AS max_senders, "
      "(SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'walsender') AS used_senders, "
      "r.rolsuper, r.rolreplication, has_database_privilege(current_database(), 'CREATE') AS can_create, "
      "current_user AS who, current_database() AS db, "
      "(SELECT string_agg(quote_literal(slot_name), ', ' ORDER BY slot_name) FROM pg_replication_slots "
      " WHERE NOT active) AS inactive_slots "
      "FROM pg_roles r WHERE r.rolname = current_user");
  if (s.rows.empty()) throw DbException(DbError{0, "XX000", "cannot read the current role from pg_roles"});
  std::string who = s.GetOr(0, "who");
  std::string db = s.GetOr(0, "db");
  bool super = s.GetOr(0, "rolsuper") == "t";

  std::string wal_level = s.GetOr(0, "wal_level");
  if (wal_level != "logical") {
    problems.push_back({"wal_level", "wal_level",
                        "wal_level is '" + wal_level + "'; logical replication needs 'logical'",
                        "ALTER SYSTEM SET wal_level = logical; then restart PostgreSQL (on a managed service, set "
                        "its logical replication parameter, e.g. rds.logical_replication = 1)"});
  }
  int max_slots = ToInt(s.Get(0, "max_slots")), used_slots = ToInt(s.Get(0, "used_slots"));
  if (max_slots - used_slots < options.slots_needed) {
    std::string inactive = s.GetOr(0, "inactive_slots");
    problems.push_back(
        {"replication_slots", "max_replication_slots",
         "max_replication_slots is " + std::to_string(max_slots) + " and " + std::to_string(used_slots) +
             " are in use; Sluice needs " + std::to_string(options.slots_needed) + " free",
         "ALTER SYSTEM SET max_replication_slots = " + std::to_string(used_slots + options.slots_needed) +
             "; then restart PostgreSQL" +
             (inactive.empty() ? std::string()
                               : ", or drop an unused inactive slot (" + inactive +
                                     ") with SELECT pg_drop_replication_slot('<name>')")});
  }
  int max_senders = ToInt(s.Get(0, "max_senders")), used_senders = ToInt(s.Get(0, "used_senders"));
  if (max_senders - used_senders < options.wal_senders_needed) {
    problems.push_back({"wal_senders", "max_wal_senders",
                        "max_wal_senders is " + std::to_string(max_senders) + " and " + std::to_string(used_senders) +
                            " are in use; Sluice needs " + std::to_string(options.wal_senders_needed) + " free",
                        "ALTER SYSTEM SET max_wal_senders = " + std::to_string(used_senders + options.wal_senders_needed) +
                            "; then restart PostgreSQL"});
  }
  if (!super && s.GetOr(0, "rolreplication") != "t") {
    problems.push_back({"replication_role", who,
                        "role " + Q(who) + " has neither REPLICATION nor SUPERUSER, so it cannot create a slot or stream",
                        "ALTER ROLE " + Q(who) + " WITH REPLICATION;  -- run as a superuser"});
  }
  if (!super && s.GetOr(0, "can_create") != "t") {
    problems.push_back({"publication_privilege", db,
                        "role " + Q(who) + " lacks CREATE on database " + Q(db) + ", so it cannot create the publication",
                        "GRANT CREATE ON DATABASE " + Q(db) + " TO " + Q(who) + ";"});
  }

  for (const PgTableName& t : tables) {
    std::string name = t.schema + "." + t.table;
    std::string qualified = Q(t.schema) + "." + Q(t.table);
    QueryResult r = sql.Query(
        "SELECT c.relkind, c.relreplident, pg_get_userbyid(c.relowner) AS owner, "
        "pg_has_role(c.relowner, 'USAGE') AS owned, "
        "EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary) AS has_pk, "
        "(SELECT ic.relname FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid "
        " WHERE i.indrelid = c.oid AND i.indisreplident) AS ident_index, "
        "(SELECT ic.relname FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid "
        " WHERE i.indrelid = c.oid AND i.indisunique AND i.indimmediate AND i.indpred IS NULL "
        "   AND i.indexprs IS NULL AND NOT EXISTS (SELECT 1 FROM unnest(i.indkey) k JOIN pg_attribute a "
        "     ON a.attrelid = c.oid AND a.attnum = k WHERE NOT a.attnotnull) ORDER BY ic.relname LIMIT 1) "
        "   AS unique_index "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = " + sql.QuoteString(t.schema) + " AND c.relname = " + sql.QuoteString(t.table));
    if (r.rows.empty()) {
      problems.push_back({"table_missing", name, "table " + qualified + " does not exist",
                          "create it, or remove it from the plan's objects"});
      continue;
    }
    std::string kind = r.GetOr(0, "relkind");
    if (kind != "r" && kind != "p") {
      problems.push_back({"table_missing", name, qualified + " is not a table (relkind '" + kind + "')",
                          "logical replication publishes tables only; remove it from the plan's objects"});
      continue;
    }
    if (!super && r.GetOr(0, "owned") != "t") {
      problems.push_back({"table_owner", name,
                          "role " + Q(who) + " does not own " + qualified + " (owner " + Q(r.GetOr(0, "owner")) +
                              "), so it cannot add it to a publication",
                          "ALTER TABLE " + qualified + " OWNER TO " + Q(who) + ";  -- or GRANT " +
                              Q(r.GetOr(0, "owner")) + " TO " + Q(who) + ";"});
    }
    std::string ident = r.GetOr(0, "relreplident");
    bool has_pk = r.GetOr(0, "has_pk") == "t";
    bool usable = ident == "f" || (ident == "d" && has_pk) || (ident == "i" && r.Get(0, "ident_index"));
    if (!usable) {
      std::string unique_index = r.GetOr(0, "unique_index");
      std::string why = ident == "n" ? "has REPLICA IDENTITY NOTHING"
                        : ident == "i" ? "has REPLICA IDENTITY USING INDEX of an index that no longer exists"
                                       : "has no primary key (REPLICA IDENTITY DEFAULT)";
      std::string fix = "ALTER TABLE " + qualified + " REPLICA IDENTITY FULL;";
      if (!unique_index.empty()) {
        fix += "  -- or, cheaper: ALTER TABLE " + qualified + " REPLICA IDENTITY USING INDEX " + Q(unique_index) + ";";
      } else {
        fix += "  -- or add a primary key";
      }
      problems.push_back({"replica_identity", name,
                          "table " + qualified + " " + why +
                              ": its updates and deletes cannot be captured, and once it is published PostgreSQL "
                              "rejects them (the plan's key or hidden key on the target does not change that)",
                          fix});
    }
  }
  return problems;
}

}  // namespace sluice
