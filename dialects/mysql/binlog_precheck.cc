// Binlog prechecks. CheckBinlogSource only gathers facts (SHOW GLOBAL
// VARIABLES for the settings, SHOW GRANTS for the login's privileges, SHOW
// SLAVE HOSTS / SHOW REPLICAS for the ids taken) and CheckBinlogFacts judges
// them, so the rules are unit-tested without a server. Variables a server
// does not have (MySQL-only, MariaDB-only, or newer) are simply absent, and
// each rule says what it expects of which engine and version.

#include "dialects/mysql/binlog_precheck.h"

#include <algorithm>
#include <cctype>

namespace sluice::binlog {

namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

struct Version {
  int major = 0, minor = 0, patch = 0;
  bool mariadb = false;
  bool AtLeast(int a, int b, int c) const {
    return major != a ? major > a : minor != b ? minor > b : patch >= c;
  }
};

Version ParseVersion(const std::string& text) {
  Version v;
  std::sscanf(text.c_str(), "%d.%d.%d", &v.major, &v.minor, &v.patch);
  v.mariadb = text.find("MariaDB") != std::string::npos;
  return v;
}

std::string FormatDuration(int64_t seconds) {
  if (seconds % 86400 == 0) return std::to_string(seconds / 86400) + " days";
  if (seconds % 3600 == 0) return std::to_string(seconds / 3600) + " hours";
  return std::to_string(seconds) + " seconds";
}

}  // namespace

std::vector<BinlogProblem> CheckBinlogFacts(const BinlogSourceFacts& facts, const BinlogPrecheckOptions& options) {
  std::vector<BinlogProblem> out;
  auto var = [&](const std::string& name) -> const std::string* {
    for (const auto& [k, v] : facts.variables) {
      if (Lower(k) == name) return &v;
    }
    return nullptr;
  };
  auto error = [&](std::string check, std::string what, std::string fix) {
    out.push_back({BinlogProblem::Severity::kError, std::move(check), std::move(what), std::move(fix)});
  };
  auto note = [&](std::string check, std::string what, std::string fix) {
    out.push_back({BinlogProblem::Severity::kNote, std::move(check), std::move(what), std::move(fix)});
  };
  Version v = ParseVersion(facts.version);
  const std::string engine = v.mariadb ? "MariaDB" : "MySQL";

  const std::string* log_bin = var("log_bin");
  if (log_bin == nullptr || (Upper(*log_bin) != "ON" && *log_bin != "1")) {
    error("log_bin", "the binary log is off (log_bin=" + (log_bin ? *log_bin : std::string("?")) + ")",
          "start the server with log_bin enabled (e.g. log-bin=" + std::string(v.mariadb ? "mariadb-bin" : "binlog") +
              " in the [mysqld] section) and a server_id; this needs a restart");
  }
  if (const std::string* f = var("binlog_format"); f == nullptr || Upper(*f) != "ROW") {
    error("binlog_format", "binlog_format is " + (f ? *f : std::string("unknown")) + "; change capture needs ROW",
          "SET GLOBAL binlog_format = 'ROW' (and binlog_format=ROW in the config file); sessions opened before keep "
          "the old format, so reconnect the applications");
  }
  if (const std::string* f = var("binlog_row_image"); f != nullptr && Upper(*f) != "FULL") {
    error("binlog_row_image", "binlog_row_image is " + *f + "; updates and deletes must log every column",
          "SET GLOBAL binlog_row_image = 'FULL' (and in the config file)");
  }
  bool has_metadata = v.mariadb ? v.AtLeast(10, 5, 0) : v.AtLeast(8, 0, 1);
  if (has_metadata) {
    if (const std::string* f = var("binlog_row_metadata"); f == nullptr || Upper(*f) != "FULL") {
      error("binlog_row_metadata",
            "binlog_row_metadata is " + (f ? *f : std::string("unknown")) +
                "; without FULL the binlog has no column names, ENUM/SET labels or charsets",
            "SET GLOBAL binlog_row_metadata = 'FULL' (and in the config file)");
    }
  } else {
    error("binlog_row_metadata",
          engine + " " + facts.version + " cannot log column metadata (binlog_row_metadata needs " +
              (v.mariadb ? "MariaDB 10.5" : "MySQL 8.0.1") + ")",
          "upgrade the source, or capture with the catalog as the column source (not supported yet)");
  }

  // Retention: binlog_expire_logs_seconds (MySQL 8, MariaDB 10.6) wins over expire_logs_days.
  int64_t retention = 0;
  std::string retention_var;
  if (const std::string* s = var("binlog_expire_logs_seconds"); s != nullptr && std::atoll(s->c_str()) > 0) {
    retention = std::atoll(s->c_str());
    retention_var = "binlog_expire_logs_seconds";
  } else if (const std::string* d = var("expire_logs_days"); d != nullptr && std::atof(d->c_str()) > 0) {
    retention = static_cast<int64_t>(std::atof(d->c_str()) * 86400);
    retention_var = "expire_logs_days";
  }
  int64_t needed = options.estimated_copy_duration.count() * 2 + 3600;  // copy twice over, plus an hour
  if (retention > 0 && retention < needed) {
    error("binlog_retention",
          "binary logs are purged after " + FormatDuration(retention) + " (" + retention_var +
              ") but the copy is estimated to take " + FormatDuration(options.estimated_copy_duration.count()) +
              "; changes made meanwhile would be purged before they are read",
          "SET GLOBAL binlog_expire_logs_seconds = " + std::to_string(needed) + " (at least; and in the config file)");
  }

  // Privileges: REPLICATION SLAVE (dump the binlog) and REPLICATION CLIENT,
  // which MariaDB 10.5+ calls BINLOG MONITOR (SHOW MASTER STATUS).
  bool all = false, slave = false, client = false;
  for (const std::string& g : facts.grants) {
    std::string u = Upper(g);
    if (u.find(" ON *.*") == std::string::npos) continue;
    if (u.find("ALL PRIVILEGES") != std::string::npos) all = true;
    if (u.find("REPLICATION SLAVE") != std::string::npos && u.find("REPLICATION SLAVE ADMIN") == std::string::npos) slave = true;
    // "REPLICATION SLAVE, REPLICATION SLAVE ADMIN" contains both.
    if (u.find("REPLICATION SLAVE,") != std::string::npos || u.find("REPLICATION SLAVE ON") != std::string::npos) slave = true;
    if (u.find("REPLICATION REPLICA") != std::string::npos) slave = true;
    if (u.find("REPLICATION CLIENT") != std::string::npos || u.find("BINLOG MONITOR") != std::string::npos ||
        u.find("SUPER") != std::string::npos) {
      client = true;
    }
  }
  if (!all && (!slave || !client)) {
    std::string missing;
    if (!slave) missing = "REPLICATION SLAVE";
    if (!client) missing += std::string(missing.empty() ? "" : " and ") + (v.mariadb && v.AtLeast(10, 5, 2) ? "BINLOG MONITOR" : "REPLICATION CLIENT");
    std::string privs = std::string("REPLICATION SLAVE, ") +
                        (v.mariadb && v.AtLeast(10, 5, 2) ? "BINLOG MONITOR" : "REPLICATION CLIENT");
    error("privileges", "the capture login lacks " + missing + " on *.*",
          "GRANT " + privs + " ON *.* TO <the capture user>");
  }

  if (options.server_id == 0) {
    error("server_id", "the capture's server id is 0", "choose a server id no other replica of this source uses");
  } else {
    if (const std::string* own = var("server_id"); own != nullptr && std::to_string(options.server_id) == *own) {
      error("server_id", "the capture's server id " + std::to_string(options.server_id) + " is the source's own server_id",
            "choose another server id for the capture");
    }
    if (std::find(facts.replica_server_ids.begin(), facts.replica_server_ids.end(), options.server_id) !=
        facts.replica_server_ids.end()) {
      error("server_id",
            "a replica with server id " + std::to_string(options.server_id) +
                " is already registered (SHOW " + (v.mariadb ? "SLAVE HOSTS" : "REPLICAS") +
                "); the source would drop one of the two connections",
            "choose a server id no other replica of this source uses");
    }
  }

  if (const std::string* f = var("binlog_row_value_options"); f != nullptr && Upper(*f).find("PARTIAL_JSON") != std::string::npos) {
    error("binlog_row_value_options",
          "binlog_row_value_options=PARTIAL_JSON: JSON updates are logged as diffs, which capture does not apply",
          "SET GLOBAL binlog_row_value_options = '' (and in the config file)");
  }
  if (const std::string* f = var("binlog_transaction_compression"); f != nullptr && (Upper(*f) == "ON" || *f == "1")) {
    note("binlog_transaction_compression", "binlog_transaction_compression is ON: transactions arrive zstd-compressed",
         "nothing to do; decoded transparently");
  }
  if (const std::string* f = var("log_bin_compress"); f != nullptr && (Upper(*f) == "ON" || *f == "1")) {
    note("log_bin_compress", "log_bin_compress is ON: large events arrive zlib-compressed",
         "nothing to do; decoded transparently");
  }
  if (const std::string* f = var("binlog_checksum"); f != nullptr && Upper(*f) == "NONE") {
    note("binlog_checksum", "binlog_checksum is NONE: events cannot be verified in transit",
         "SET GLOBAL binlog_checksum = 'CRC32'");
  }
  return out;
}

std::vector<BinlogProblem> CheckBinlogSource(SqlConnection& conn, const BinlogPrecheckOptions& options) {
  BinlogSourceFacts facts;
  facts.version = conn.ServerVersion();
  QueryResult vars = conn.Query(
      "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('log_bin', 'binlog_format', 'binlog_row_image', "
      "'binlog_row_metadata', 'binlog_expire_logs_seconds', 'expire_logs_days', 'server_id', "
      "'binlog_row_value_options', 'binlog_transaction_compression', 'log_bin_compress', 'binlog_checksum')");
  for (const auto& row : vars.rows) {
    if (row.size() >= 2 && row[0]) facts.variables.emplace_back(Lower(*row[0]), row[1].value_or(""));
  }
  for (const auto& row : conn.Query("SHOW GRANTS").rows) {
    if (!row.empty() && row[0]) facts.grants.push_back(*row[0]);
  }
  Version v = ParseVersion(facts.version);
  bool replicas_stmt = !v.mariadb && v.AtLeast(8, 0, 22);
  try {
    QueryResult hosts = conn.Query(replicas_stmt ? "SHOW REPLICAS" : "SHOW SLAVE HOSTS");
    for (size_t i = 0; i < hosts.rows.size(); ++i) {
      std::string id = hosts.GetOr(i, "Server_id", hosts.GetOr(i, "Server_Id"));
      if (!id.empty()) facts.replica_server_ids.push_back(static_cast<uint32_t>(std::stoul(id)));
    }
  } catch (const DbException&) {
    // Needs REPLICATION SLAVE (MariaDB: REPLICATION MASTER ADMIN); the privilege check reports that.
  }
  return CheckBinlogFacts(facts, options);
}

}  // namespace sluice::binlog
