// The replication client.
//
// libmariadb has no public "send command, then read packets" API other than
// its own mariadb_rpl_* layer, which decodes events itself and does not know
// MySQL 8's TRANSACTION_PAYLOAD; so the client uses libmariadb for the
// connection, authentication and packet framing only: the command goes out
// through the handle's db_command method (public in mysql.h) and events come
// back one packet each through mysql_net_read_packet, which also joins
// packets split at 16 MiB and turns error packets into client errors.
//
// Session setup before the dump, as a replica does it:
//   SET @master_binlog_checksum = @@global.binlog_checksum  -- we verify CRC32
//   SET @master_heartbeat_period = <ns>                      -- idle heartbeats
//   MariaDB: SET @mariadb_slave_capability = 4 (GTID events as such),
//            SET @slave_connect_state = '<gtid list>' for GTID starts
//   COM_REGISTER_SLAVE (so SHOW SLAVE HOSTS lists us), then COM_BINLOG_DUMP.
//
// Threads: a reader thread owns the MYSQL handle and pushes raw events into a
// queue bounded in bytes; Next() pops, decodes and groups them. Close() wakes
// a reader blocked in recv() by shutting the socket down (under the mutex
// that also guards the handle's closing). When the reader fails, Next()
// decides: permanent errors are thrown, transient ones are retried with
// exponential backoff (jittered) from the decoder's position after the last
// complete transaction; a half-received transaction is dropped and read again.

#include "dialects/mysql/binlog_client.h"

#include <mysql.h>
#include <sys/socket.h>

#include <random>
#include <stdexcept>
#include <utility>

#include "dialects/mysql/mysql_connection.h"

namespace sluice::binlog {

namespace {

constexpr unsigned char kComRegisterSlave = 0x15;
constexpr unsigned char kComBinlogDump = 0x12;

void Put(std::string& b, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) b += static_cast<char>((v >> (8 * i)) & 0xff);
}

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// Errors that a new connection will not fix.
bool IsPermanent(int code) {
  switch (code) {
    case 1045:  // access denied
    case 1227:  // needs a privilege (REPLICATION SLAVE)
    case 1142: case 1044:
    case 1236:  // fatal error reading binlog: purged, GTID not in binlog, ...
    case 1593:  // server id conflict / fatal replica error
    case 1950:  // GTID strict mode
      return true;
    default:
      return false;
  }
}

}  // namespace

struct BinlogClient::Shared {
  std::mutex mu;
  std::condition_variable cv;           // signalled on push (to a waiting consumer), take, finish
  std::deque<std::string> queue;
  size_t queued_bytes = 0;
  // Who sleeps on cv: the other side only signals then (a wake-up per event
  // cost more than decoding it).
  bool consumer_waiting = false;
  bool producer_waiting = false;
  bool stop = false;
  bool finished = false;                // reader ended (error set when it failed)
  std::optional<DbError> error;
  MYSQL* mysql = nullptr;               // guarded by mu for shutdown/close
  int fd = -1;
  uint8_t checksum_alg = kChecksumOff;  // learned at connect
  bool connected = false;
  uint64_t events = 0, bytes = 0;
};

BinlogClient::BinlogClient(BinlogClientOptions options) : options_(std::move(options)) {
  if (options_.server_id == 0) throw std::invalid_argument("binlog client: server_id must not be 0");
  std::string error;
  auto start = BinlogPosition::Parse(options_.start_position, &error);
  if (!start) throw std::invalid_argument("binlog client: " + error);
  resume_ = *start;
  delivered_position_ = resume_.ToString();
}

BinlogClient::~BinlogClient() { StopReader(); }

void BinlogClient::Close() {
  StopReader();
  taken_.clear();
  ready_.clear();
  decoder_.reset();
}

BinlogClient::Stats BinlogClient::stats() const {
  Stats s;
  s.connects = connects_;
  if (decoder_) {
    s.events = decoder_->stats().events;
    s.bytes = decoder_->stats().bytes;
  }
  if (shared_) {
    std::lock_guard lock(shared_->mu);
    s.events = shared_->events;
    s.bytes = shared_->bytes;
  }
  return s;
}

void BinlogClient::StopReader() {
  if (!reader_started_) return;
  {
    std::lock_guard lock(shared_->mu);
    shared_->stop = true;
    if (shared_->fd >= 0) ::shutdown(shared_->fd, SHUT_RDWR);
    shared_->cv.notify_all();
  }
  reader_.join();
  reader_started_ = false;
  connection_id_ = 0;
}

namespace {

[[noreturn]] void ThrowMysql(MYSQL* m, const std::string& context) {
  DbError e{static_cast<int>(mysql_errno(m)), mysql_sqlstate(m), mysql_error(m)};
  e.message = context + ": " + e.message;
  throw DbException(std::move(e));
}

void Run(MYSQL* m, const std::string& sql) {
  if (mysql_real_query(m, sql.data(), sql.size()) != 0) ThrowMysql(m, sql);
  if (MYSQL_RES* res = mysql_store_result(m)) mysql_free_result(res);
}

std::string Scalar(MYSQL* m, const std::string& sql) {
  if (mysql_real_query(m, sql.data(), sql.size()) != 0) ThrowMysql(m, sql);
  MYSQL_RES* res = mysql_store_result(m);
  if (res == nullptr) ThrowMysql(m, sql);
  std::string out;
  if (MYSQL_ROW row = mysql_fetch_row(res); row != nullptr && row[0] != nullptr) out = row[0];
  mysql_free_result(res);
  return out;
}

}  // namespace

void BinlogClient::StartReader() {
  shared_ = std::make_shared<Shared>();
  std::shared_ptr<Shared> shared = shared_;
  BinlogClientOptions opts = options_;
  BinlogPosition from = resume_;
  std::atomic<uint64_t>* conn_id = &connection_id_;
  reader_started_ = true;
  // The connection is made on the reader thread too, so a slow or hanging
  // connect never blocks Next() beyond its timeout.
  reader_ = std::thread([shared, opts, from, conn_id] {
    MYSQL* m = mysql_init(nullptr);
    auto finish = [&](std::optional<DbError> error) {
      std::lock_guard lock(shared->mu);
      shared->error = std::move(error);
      shared->finished = true;
      shared->fd = -1;
      shared->mysql = nullptr;
      shared->cv.notify_all();
    };
    if (m == nullptr) {
      finish(DbError{0, "HY001", "out of memory creating a MySQL handle"});
      return;
    }
    try {
      unsigned int connect_timeout = static_cast<unsigned int>(opts.connection.connect_timeout_seconds);
      // A dead peer shows up as missing heartbeats: give up after several.
      unsigned int read_timeout = static_cast<unsigned int>(
          std::max<int64_t>(10, 5 * std::chrono::duration_cast<std::chrono::seconds>(opts.heartbeat).count() + 5));
      unsigned long max_packet = 1UL << 30;
      my_bool reconnect = 0;
      mysql_optionsv(m, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
      mysql_optionsv(m, MYSQL_OPT_READ_TIMEOUT, &read_timeout);
      mysql_optionsv(m, MYSQL_OPT_MAX_ALLOWED_PACKET, &max_packet);
      mysql_optionsv(m, MYSQL_OPT_RECONNECT, &reconnect);
      mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
      mysql_optionsv(m, MYSQL_OPT_CONNECT_ATTR_ADD, "program_name", "sluice-binlog");
      const Dsn& dsn = opts.connection.dsn;
      const char* password = opts.connection.password.empty() ? nullptr : opts.connection.password.c_str();
      if (mysql_real_connect(m, dsn.host.c_str(), dsn.user.c_str(), password, nullptr,
                             dsn.port != 0 ? dsn.port : 3306, nullptr, 0) == nullptr) {
        ThrowMysql(m, "cannot connect to " + dsn.ToString());
      }
      {
        std::lock_guard lock(shared->mu);
        if (shared->stop) throw DbException(DbError{0, "08003", "stopped"});
        shared->mysql = m;
        shared->fd = static_cast<int>(mysql_get_socket(m));
      }
      *conn_id = mysql_thread_id(m);
      bool mariadb = std::string(mysql_get_server_info(m)).find("MariaDB") != std::string::npos;
      std::string alg = Scalar(m, "SELECT @@global.binlog_checksum");
      Run(m, "SET @master_binlog_checksum = @@global.binlog_checksum");
      if (!mariadb) Run(m, "SET @source_binlog_checksum = @@global.binlog_checksum");
      uint64_t heartbeat_ns = static_cast<uint64_t>(opts.heartbeat.count()) * 1000000;
      Run(m, "SET @master_heartbeat_period = " + std::to_string(heartbeat_ns));
      if (mariadb) {
        Run(m, "SET @mariadb_slave_capability = 4");
        if (from.gtid_mode) {
          Run(m, "SET @slave_connect_state = '" + Escape(GtidListText(from.gtids)) + "'");
          Run(m, "SET @slave_gtid_strict_mode = 0");
          Run(m, "SET @slave_gtid_ignore_duplicates = 0");
        }
      } else if (from.gtid_mode) {
        throw DbException(DbError{0, "HY000", "MariaDB GTID positions need a MariaDB source; use file:offset"});
      }
      {
        std::lock_guard lock(shared->mu);
        shared->checksum_alg = alg == "CRC32" ? kChecksumCrc32 : kChecksumOff;
      }
      // COM_REGISTER_SLAVE: server id, report host/user/password (empty), port, rank, master id.
      std::string reg;
      Put(reg, opts.server_id, 4);
      std::string host = "sluice";
      reg += static_cast<char>(host.size());
      reg += host;
      reg += '\0';
      reg += '\0';
      Put(reg, 0, 2);
      Put(reg, 0, 4);
      Put(reg, 0, 4);
      if (m->methods->db_command(m, static_cast<enum_server_command>(kComRegisterSlave), reg.data(), reg.size(), 0,
                                 nullptr) != 0) {
        ThrowMysql(m, "COM_REGISTER_SLAVE");
      }
      std::string dump;
      Put(dump, from.gtid_mode ? 4 : std::min<uint64_t>(from.offset, UINT32_MAX), 4);
      Put(dump, 0, 2);  // flags: blocking
      Put(dump, opts.server_id, 4);
      if (!from.gtid_mode) dump += from.file;
      if (m->methods->db_command(m, static_cast<enum_server_command>(kComBinlogDump), dump.data(), dump.size(), 1,
                                 nullptr) != 0) {
        ThrowMysql(m, "COM_BINLOG_DUMP");
      }
      {
        std::lock_guard lock(shared->mu);
        shared->connected = true;
        shared->cv.notify_all();
      }
      while (true) {
        unsigned long len = mysql_net_read_packet(m);
        if (len == packet_error || len == 0) ThrowMysql(m, "reading the binlog stream");
        const unsigned char* p = m->net.read_pos;
        if (p[0] == 0xfe && len < 9) throw DbException(DbError{2013, "HY000", "the server ended the binlog stream"});
        if (p[0] != 0x00) throw DbException(DbError{2027, "HY000", "malformed binlog stream packet"});
        std::string event(reinterpret_cast<const char*>(p) + 1, len - 1);
        std::unique_lock lock(shared->mu);
        auto room = [&] {
          return shared->stop || shared->queue.empty() || shared->queued_bytes + event.size() <= opts.queue_bytes;
        };
        if (!room()) {
          shared->producer_waiting = true;
          shared->cv.wait(lock, room);
          shared->producer_waiting = false;
        }
        if (shared->stop) break;
        shared->queued_bytes += event.size();
        shared->events++;
        shared->bytes += event.size();
        shared->queue.push_back(std::move(event));
        if (shared->consumer_waiting) shared->cv.notify_all();
      }
      {
        std::lock_guard lock(shared->mu);
        shared->fd = -1;
        shared->mysql = nullptr;
      }
      mysql_close(m);
      finish(std::nullopt);
    } catch (const DbException& e) {
      {
        std::lock_guard lock(shared->mu);
        shared->fd = -1;
        shared->mysql = nullptr;
      }
      mysql_close(m);
      finish(e.error());
    }
  });
  ++connects_;
}

void BinlogClient::HandleReaderFailure(const DbError& error) {
  reader_.join();
  reader_started_ = false;
  connection_id_ = 0;
  bool connected = shared_->connected;
  // Position to resume from: after the last complete transaction decoded.
  if (decoder_) resume_ = decoder_->position();
  decoder_.reset();
  if (IsPermanent(error.code)) throw DbException(error);
  if (connected) failures_ = 0;  // the stream worked for a while: a fresh budget
  if (++failures_ > options_.max_consecutive_failures) {
    DbError e = error;
    e.message = "binlog stream failed " + std::to_string(failures_) + " times in a row; last error: " + e.message;
    throw DbException(e);
  }
  auto delay = options_.backoff_initial * (int64_t{1} << std::min(failures_ - 1, 20));
  if (delay > options_.backoff_max) delay = options_.backoff_max;
  static thread_local std::mt19937 rng{std::random_device{}()};
  double jitter = std::uniform_real_distribution<double>(0.8, 1.2)(rng);
  next_attempt_ = std::chrono::steady_clock::now() +
                  std::chrono::duration_cast<std::chrono::milliseconds>(delay * jitter);
}

std::optional<CapturedTransaction> BinlogClient::Next(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<CapturedTransaction> out;
  while (true) {
    if (!ready_.empty()) {
      CapturedTransaction t = std::move(ready_.front());
      ready_.pop_front();
      delivered_position_ = t.position;
      return t;
    }
    if (!reader_started_) {
      auto now = std::chrono::steady_clock::now();
      if (now < next_attempt_) {
        if (next_attempt_ > deadline) {
          std::this_thread::sleep_until(deadline);
          return std::nullopt;
        }
        std::this_thread::sleep_until(next_attempt_);
      }
      StartReader();
    }
    if (taken_.empty()) {
      // Take everything queued at once: one lock (and at most one wake-up of
      // the reader) per batch of events instead of per event.
      std::optional<DbError> failure;
      {
        std::unique_lock lock(shared_->mu);
        auto ready = [&] { return !shared_->queue.empty() || shared_->finished; };
        if (!ready()) {
          shared_->consumer_waiting = true;
          bool woke = shared_->cv.wait_until(lock, deadline, ready);
          shared_->consumer_waiting = false;
          if (!woke) return std::nullopt;
        }
        checksum_alg_ = shared_->checksum_alg;
        if (!shared_->queue.empty()) {
          taken_.swap(shared_->queue);
          shared_->queued_bytes = 0;
          if (shared_->producer_waiting) shared_->cv.notify_all();
        } else {
          failure = shared_->error.value_or(DbError{2013, "HY000", "binlog reader stopped"});
        }
      }
      if (failure) {
        HandleReaderFailure(*failure);
        continue;
      }
    }
    std::string event = std::move(taken_.front());
    taken_.pop_front();
    uint8_t alg = checksum_alg_;
    if (!decoder_) {
      DecoderOptions d;
      d.verify_checksums = options_.verify_checksums;
      d.initial_checksum_alg = alg;
      d.table_filter = options_.table_filter;
      d.gtid_positions = resume_.gtid_mode;
      decoder_ = std::make_unique<BinlogDecoder>(d, resume_);
    }
    failures_ = 0;
    decoder_->Feed(Bytes(reinterpret_cast<const uint8_t*>(event.data()), event.size()), &out);
    for (auto& t : out) ready_.push_back(std::move(t));
    out.clear();
    // Past the deadline the loop goes on only while events are already
    // queued (the wait above returns at once): a transaction is several
    // events, and Next(0) must return one that has fully arrived.
  }
}

ServerBinlogPosition ReadServerBinlogPosition(SqlConnection& conn) {
  ServerBinlogPosition p;
  QueryResult r = conn.Query("SHOW MASTER STATUS");
  if (r.rows.empty()) {
    throw DbException(DbError{0, "HY000", "SHOW MASTER STATUS returned nothing: the binary log is off (log_bin)"});
  }
  p.file = r.GetOr(0, "File");
  p.offset = std::stoull(r.GetOr(0, "Position", "0"));
  if (conn.ServerVersion().find("MariaDB") != std::string::npos) {
    QueryResult g = conn.Query("SELECT @@global.gtid_binlog_pos");
    if (!g.rows.empty() && g.rows[0][0]) p.gtid = *g.rows[0][0];
  }
  return p;
}

ServerBinlogPosition StartConsistentSnapshot(SqlConnection& conn) {
  if (conn.ServerVersion().find("MariaDB") == std::string::npos) {
    throw DbException(DbError{0, "HY000",
                              "consistent-snapshot binlog positions (binlog_snapshot_file) are a MariaDB feature; "
                              "on MySQL take the position under FLUSH TABLES WITH READ LOCK instead"});
  }
  conn.Exec("START TRANSACTION WITH CONSISTENT SNAPSHOT");
  QueryResult r = conn.Query("SHOW STATUS LIKE 'binlog_snapshot_%'");
  ServerBinlogPosition p;
  for (const auto& row : r.rows) {
    if (row.size() < 2 || !row[0] || !row[1]) continue;
    if (*row[0] == "Binlog_snapshot_file") p.file = *row[1];
    if (*row[0] == "Binlog_snapshot_position") p.offset = std::stoull(*row[1]);
  }
  if (p.file.empty()) throw DbException(DbError{0, "HY000", "binlog_snapshot_file is empty: is log_bin on?"});
  QueryResult g = conn.Query("SELECT BINLOG_GTID_POS(" + conn.QuoteString(p.file) + ", " + std::to_string(p.offset) + ")");
  if (!g.rows.empty() && g.rows[0][0]) p.gtid = *g.rows[0][0];
  return p;
}

}  // namespace sluice::binlog
