// pgoutput decoding.
//
// Each XLogData payload is one logical replication message: a type byte and
// big-endian fields. A bounds-checked Reader reads them; every length read
// from the wire is checked against the bytes left before anything is
// allocated, so hostile input costs at most its own size.
//
// Plain transactions arrive whole, in commit order: Begin, changes, Commit.
// Rows are decoded as they come with the Relation description in force at
// that point (the server sends a Relation message before the first change of
// a table and again whenever its shape changes), so each RowChange carries
// the column names that match its values. A Relation that differs from the
// previous one for the same table name (or from ExpectColumns) is reported
// as drift at once, ahead of the transaction that holds the new rows.
//
// Protocol 2 streams large transactions before they commit, in chunks
// (Stream Start xid .. Stream Stop) interleaved with other transactions;
// each change inside carries its (sub)transaction id. Chunks accumulate per
// top-level xid; Stream Abort drops the whole transaction or one
// subtransaction's changes; Stream Commit delivers what is left. Streamed
// rows are held in memory up to stream_memory_limit in total, then the
// transaction being appended to moves to an unlinked temporary file (and
// stays there), so many large open transactions cannot exhaust memory.

#include "dialects/postgresql/pgoutput_decoder.h"

#include <fcntl.h>
#include <unistd.h>

#include <climits>
#include <cstdint>
#include <cstring>

#include "dialects/postgresql/pgoutput_values.h"

namespace sluice {

std::string FormatLsn(uint64_t lsn) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%X/%X", static_cast<unsigned>(lsn >> 32), static_cast<unsigned>(lsn & 0xffffffffu));
  return buf;
}

std::optional<uint64_t> ParseLsn(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash > 8 || text.size() - slash - 1 == 0 ||
      text.size() - slash - 1 > 8) {
    return std::nullopt;
  }
  uint64_t hi = 0, lo = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (i == slash) continue;
    char c = text[i];
    int v = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (v < 0) return std::nullopt;
    uint64_t& part = i < slash ? hi : lo;
    part = part * 16 + static_cast<uint64_t>(v);
  }
  return hi << 32 | lo;
}

PgWalMessage ParseWalMessage(std::string_view data) {
  auto big = [&](size_t at, size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = v << 8 | static_cast<unsigned char>(data[at + i]);
    return v;
  };
  PgWalMessage m;
  if (data.empty()) throw PgOutputError("empty replication message");
  m.kind = data[0];
  if (m.kind == 'w') {
    if (data.size() < 25) throw PgOutputError("truncated XLogData message");
    m.wal_start = big(1, 8);
    m.wal_end = big(9, 8);
    m.send_time = static_cast<int64_t>(big(17, 8));
    m.payload = data.substr(25);
  } else if (m.kind == 'k') {
    if (data.size() != 18) throw PgOutputError("keepalive message of " + std::to_string(data.size()) + " bytes, expected 18");
    m.wal_end = big(1, 8);
    m.send_time = static_cast<int64_t>(big(9, 8));
    m.reply_requested = data[17] != 0;
  } else {
    throw PgOutputError("unknown replication message type " + std::to_string(static_cast<unsigned char>(m.kind)));
  }
  return m;
}

int64_t PgTimeToUnixMicros(int64_t pg_micros) {
  int64_t out;
  if (__builtin_add_overflow(pg_micros, kPgEpochUnixMicros, &out)) return INT64_MAX;  // only hostile input
  return out;
}

std::string PgSchemaDrift::Describe() const {
  std::string out = "schema drift on " + schema + "." + table + (lsn != 0 ? " at " + FormatLsn(lsn) : "") + ": ";
  for (size_t i = 0; i < changes.size(); ++i) out += (i ? "; " : "") + changes[i];
  return out;
}

// Bounds-checked big-endian field reader over one message.
class PgOutputDecoder::Reader {
 public:
  Reader(std::string_view data, char type) : data_(data), type_(type) {}

  [[noreturn]] void Fail(const std::string& what) const {
    throw PgOutputError(std::string("malformed pgoutput message '") + Printable(type_) + "' at byte " +
                        std::to_string(pos_) + ": " + what);
  }
  static std::string Printable(char c) {
    if (c >= 0x20 && c < 0x7f) return std::string(1, c);
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(c));
    return buf;
  }

  size_t left() const { return data_.size() - pos_; }
  void Need(size_t n, const char* what) const {
    if (left() < n) Fail(std::string("truncated ") + what);
  }
  uint8_t U8(const char* what) {
    Need(1, what);
    return static_cast<uint8_t>(data_[pos_++]);
  }
  uint16_t U16(const char* what) { return static_cast<uint16_t>(Big(2, what)); }
  uint32_t U32(const char* what) { return static_cast<uint32_t>(Big(4, what)); }
  int32_t I32(const char* what) { return static_cast<int32_t>(U32(what)); }
  uint64_t U64(const char* what) { return Big(8, what); }
  int64_t I64(const char* what) { return static_cast<int64_t>(U64(what)); }
  std::string CString(const char* what) {
    size_t end = data_.find('\0', pos_);
    if (end == std::string_view::npos) Fail(std::string("unterminated ") + what);
    std::string s(data_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return s;
  }
  std::string_view Bytes(size_t n, const char* what) {
    Need(n, what);
    std::string_view s = data_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  void End() const {
    if (left() != 0) Fail(std::to_string(left()) + " unexpected trailing bytes");
  }

 private:
  uint64_t Big(size_t n, const char* what) {
    Need(n, what);
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = v << 8 | static_cast<unsigned char>(data_[pos_ + i]);
    pos_ += n;
    return v;
  }

  std::string_view data_;
  char type_;
  size_t pos_ = 1;  // after the type byte
};

namespace {

size_t RowBytes(const RowChange& row) {
  size_t n = 128 + row.schema.size() + row.table.size();
  for (const auto& c : row.columns) n += c.size() + 32;
  for (const auto& v : row.before) n += v.text.size() + 40;
  for (const auto& v : row.after) n += v.text.size() + 40;
  return n;
}

// Spill file records: length-prefixed, little-endian host order (the file
// never leaves this process).
void PutBytes(std::string& out, const void* p, size_t n) { out.append(static_cast<const char*>(p), n); }
void PutU64(std::string& out, uint64_t v) { PutBytes(out, &v, sizeof v); }
void PutString(std::string& out, const std::string& s) {
  PutU64(out, s.size());
  out += s;
}
void PutValues(std::string& out, const std::vector<CapturedValue>& values) {
  PutU64(out, values.size());
  for (const auto& v : values) {
    out += static_cast<char>(v.kind);
    PutString(out, v.text);
  }
}

class SpillReader {
 public:
  explicit SpillReader(std::FILE* f) : f_(f) {}
  void Read(void* p, size_t n) {
    if (n != 0 && std::fread(p, 1, n, f_) != n) throw PgOutputError("cannot read back a spilled streamed transaction");
  }
  uint64_t U64() {
    uint64_t v;
    Read(&v, sizeof v);
    return v;
  }
  uint8_t U8() {
    uint8_t v;
    Read(&v, 1);
    return v;
  }
  std::string String() {
    std::string s(U64(), '\0');
    Read(s.data(), s.size());
    return s;
  }
  std::vector<CapturedValue> Values() {
    std::vector<CapturedValue> values(U64());
    for (auto& v : values) {
      v.kind = static_cast<CapturedValue::Kind>(U8());
      v.text = String();
    }
    return values;
  }

 private:
  std::FILE* f_;
};

}  // namespace

PgOutputDecoder::PgOutputDecoder(PgOutputDecoderOptions options, PgTypeResolver* resolver)
    : options_(std::move(options)), resolver_(resolver) {}

PgOutputDecoder::~PgOutputDecoder() = default;

void PgOutputDecoder::Reset() {
  txn_.reset();
  in_stream_ = false;
  stream_xid_ = 0;
  streams_.clear();
  stream_memory_ = 0;
}

void PgOutputDecoder::ExpectColumns(const std::string& schema, const std::string& table,
                                    std::vector<PgExpectedColumn> columns) {
  expected_[{schema, table}] = std::move(columns);
}

const PgRelation* PgOutputDecoder::relation(uint32_t oid) const {
  auto it = relations_.find(oid);
  return it == relations_.end() ? nullptr : &it->second.wire;
}

void PgOutputDecoder::Decode(std::string_view message, uint64_t wal_start, std::vector<PgCaptureEvent>& out) {
  if (message.empty()) throw PgOutputError("empty pgoutput message");
  char type = message[0];
  Reader r(message, type);
  // Inside a stream chunk, data messages carry the (sub)transaction id first.
  auto stream_xid = [&]() -> uint32_t { return in_stream_ ? r.U32("xid") : 0; };
  switch (type) {
    case 'B': OnBegin(r); break;
    case 'C': OnCommit(r, out); break;
    case 'O': OnOrigin(r); break;
    case 'R': {
      stream_xid();
      OnRelation(r, wal_start, out);
      break;
    }
    case 'Y': {
      stream_xid();
      OnType(r);
      break;
    }
    case 'I':
    case 'U':
    case 'D': {
      uint32_t xid = stream_xid();
      OnChange(type, r, xid);
      break;
    }
    case 'T': {
      uint32_t xid = stream_xid();
      OnTruncate(r, xid);
      break;
    }
    case 'M': {
      stream_xid();
      OnMessage(r, out);
      break;
    }
    case 'S': OnStreamStart(r); break;
    case 'E':
      if (!in_stream_) r.Fail("Stream Stop outside a stream");
      r.End();
      in_stream_ = false;
      break;
    case 'c': OnStreamCommit(r, out); break;
    case 'A': OnStreamAbort(r); break;
    default: r.Fail("unknown message type");
  }
}

void PgOutputDecoder::OnBegin(Reader& r) {
  if (txn_ || in_stream_) r.Fail("Begin inside a transaction");
  OpenTransaction t;
  t.final_lsn = r.U64("final LSN");
  t.commit_time_pg = r.I64("commit time");
  t.xid = r.U32("xid");
  r.End();
  txn_ = std::move(t);
}

void PgOutputDecoder::OnCommit(Reader& r, std::vector<PgCaptureEvent>& out) {
  if (!txn_ || in_stream_) r.Fail("Commit without Begin");
  r.U8("flags");
  uint64_t commit_lsn = r.U64("commit LSN");
  uint64_t end_lsn = r.U64("end LSN");
  int64_t time = r.I64("commit time");
  r.End();
  if (commit_lsn != txn_->final_lsn) {
    r.Fail("commit LSN " + FormatLsn(commit_lsn) + " differs from Begin's " + FormatLsn(txn_->final_lsn));
  }
  PgCaptureEvent e;
  e.kind = PgCaptureEvent::Kind::kTransaction;
  e.lsn = end_lsn;
  e.xid = txn_->xid;
  e.transaction = std::move(txn_->txn);
  e.transaction.position = FormatLsn(end_lsn);
  e.transaction.commit_time_us = PgTimeToUnixMicros(time);
  e.truncate_options = std::move(txn_->truncates);
  txn_.reset();
  out.push_back(std::move(e));
}

void PgOutputDecoder::OnOrigin(Reader& r) {
  r.U64("origin LSN");
  std::string name = r.CString("origin name");
  r.End();
  if (in_stream_) {
    auto it = streams_.find(stream_xid_);
    if (it != streams_.end()) it->second.origin = std::move(name);
  } else if (txn_) {
    txn_->txn.origin = std::move(name);
  } else {
    r.Fail("Origin outside a transaction");
  }
}

std::string PgOutputDecoder::TypeLabel(uint32_t oid, int32_t typmod) const {
  auto it = type_names_.find(oid);
  std::string name = it != type_names_.end() ? it->second : PgTypeName(oid);
  return typmod >= 0 ? name + " typmod " + std::to_string(typmod) : name;
}

std::vector<std::string> PgOutputDecoder::Compare(const PgRelation& before, const PgRelation& after) const {
  std::vector<std::string> changes;
  if (before.oid != after.oid) {
    changes.push_back("table recreated (relation OID " + std::to_string(before.oid) + " -> " +
                      std::to_string(after.oid) + ")");
  }
  if (before.schema != after.schema || before.table != after.table) {
    changes.push_back("table renamed from " + before.schema + "." + before.table + " to " + after.schema + "." +
                      after.table);
  }
  if (before.replica_identity != after.replica_identity) {
    changes.push_back(std::string("replica identity changed from '") + before.replica_identity + "' to '" +
                      after.replica_identity + "'");
  }
  auto find = [](const std::vector<PgRelationColumn>& cols, const std::string& name) -> const PgRelationColumn* {
    for (const auto& c : cols) {
      if (c.name == name) return &c;
    }
    return nullptr;
  };
  std::vector<std::string> common_before, common_after;
  for (const auto& c : before.columns) {
    if (find(after.columns, c.name) == nullptr) {
      changes.push_back("column '" + c.name + "' removed");
    } else {
      common_before.push_back(c.name);
    }
  }
  for (const auto& c : after.columns) {
    const PgRelationColumn* old = find(before.columns, c.name);
    if (old == nullptr) {
      changes.push_back("column '" + c.name + "' added (" + TypeLabel(c.type_oid, c.typmod) + ")");
      continue;
    }
    common_after.push_back(c.name);
    if (old->type_oid != c.type_oid || old->typmod != c.typmod) {
      changes.push_back("column '" + c.name + "' type changed from " + TypeLabel(old->type_oid, old->typmod) +
                        " to " + TypeLabel(c.type_oid, c.typmod));
    }
    if (old->key != c.key) {
      changes.push_back("column '" + c.name + "' " + (c.key ? "joined" : "left") + " the replica identity");
    }
  }
  if (common_before != common_after) changes.push_back("columns reordered");
  return changes;
}

std::vector<std::string> PgOutputDecoder::CompareExpected(const std::vector<PgExpectedColumn>& expected,
                                                          const PgRelation& after) const {
  std::vector<std::string> changes;
  std::vector<std::string> common_expected, common_after;
  for (const auto& e : expected) {
    bool found = false;
    for (const auto& c : after.columns) found = found || c.name == e.name;
    if (!found) {
      changes.push_back("expected column '" + e.name + "' is missing");
    } else {
      common_expected.push_back(e.name);
    }
  }
  for (const auto& c : after.columns) {
    const PgExpectedColumn* e = nullptr;
    for (const auto& x : expected) {
      if (x.name == c.name) e = &x;
    }
    if (e == nullptr) {
      changes.push_back("unexpected column '" + c.name + "' (" + TypeLabel(c.type_oid, c.typmod) + ")");
      continue;
    }
    common_after.push_back(c.name);
    if (e->type_oid != 0 && e->type_oid != c.type_oid) {
      changes.push_back("column '" + c.name + "' has type " + TypeLabel(c.type_oid, -1) + ", expected " +
                        TypeLabel(e->type_oid, -1));
    }
  }
  if (common_expected != common_after) changes.push_back("columns in a different order than expected");
  return changes;
}

void PgOutputDecoder::OnRelation(Reader& r, uint64_t wal_start, std::vector<PgCaptureEvent>& out) {
  Relation rel;
  PgRelation& w = rel.wire;
  w.oid = r.U32("relation OID");
  w.schema = r.CString("namespace");
  if (w.schema.empty()) w.schema = "pg_catalog";  // the protocol's spelling of pg_catalog
  w.table = r.CString("relation name");
  w.replica_identity = static_cast<char>(r.U8("replica identity"));
  uint16_t ncols = r.U16("column count");
  // Each column takes at least 10 bytes: never reserve more than the input can hold.
  if (static_cast<size_t>(ncols) * 10 > r.left()) r.Fail("column count " + std::to_string(ncols) + " exceeds the message");
  for (uint16_t i = 0; i < ncols; ++i) {
    PgRelationColumn c;
    uint8_t flags = r.U8("column flags");
    c.key = (flags & 1) != 0;
    c.name = r.CString("column name");
    c.type_oid = r.U32("column type");
    c.typmod = r.I32("column type modifier");
    w.columns.push_back(c);
  }
  r.End();
  for (const auto& c : w.columns) {
    Column col{c, c.type_oid, c.typmod};
    if (c.type_oid >= pgoid::kFirstNormalObjectId && resolver_ != nullptr) {
      auto it = base_types_.find(c.type_oid);
      if (it == base_types_.end()) it = base_types_.emplace(c.type_oid, resolver_->BaseType(c.type_oid)).first;
      if (it->second) {
        col.value_oid = it->second->oid;
        if (col.value_typmod < 0) col.value_typmod = it->second->typmod;
      }
    }
    rel.columns.push_back(col);
  }

  std::vector<std::string> changes;
  std::vector<PgRelationColumn> before;
  auto key = std::make_pair(w.schema, w.table);
  auto exp = expected_.find(key);
  const Relation* previous = nullptr;
  if (auto it = relations_.find(w.oid); it != relations_.end()) {
    previous = &it->second;
  } else if (auto by_name = oid_by_name_.find(key); by_name != oid_by_name_.end()) {
    auto it2 = relations_.find(by_name->second);
    if (it2 != relations_.end()) previous = &it2->second;
  }
  if (exp != expected_.end()) {
    changes = CompareExpected(exp->second, w);
    expected_.erase(exp);
  } else if (previous != nullptr) {
    changes = Compare(previous->wire, w);
    before = previous->wire.columns;
  }
  if (!changes.empty()) {
    // The walsender sends 0 as the start of every message but the last one a
    // decoding callback writes (WalSndPrepareWrite), so a Relation message,
    // always written ahead of its change, has none: the commit LSN of the
    // transaction it precedes says where the drift is (unknown, 0, inside a
    // streamed transaction).
    uint64_t at = wal_start != 0 ? wal_start : txn_ ? txn_->final_lsn : 0;
    PgCaptureEvent e;
    e.kind = PgCaptureEvent::Kind::kSchemaDrift;
    e.lsn = at;
    e.drift.relation_oid = w.oid;
    e.drift.schema = w.schema;
    e.drift.table = w.table;
    e.drift.lsn = at;
    e.drift.changes = std::move(changes);
    e.drift.before = std::move(before);
    e.drift.after = w.columns;
    out.push_back(std::move(e));
  }
  if (previous != nullptr && previous->wire.oid != w.oid) relations_.erase(previous->wire.oid);
  oid_by_name_[key] = w.oid;
  relations_[w.oid] = std::move(rel);
}

void PgOutputDecoder::OnType(Reader& r) {
  uint32_t oid = r.U32("type OID");
  std::string ns = r.CString("type namespace");
  std::string name = r.CString("type name");
  r.End();
  type_names_[oid] = (ns.empty() ? "pg_catalog" : ns) + "." + name;
}

const PgOutputDecoder::Relation& PgOutputDecoder::RelationFor(uint32_t oid) const {
  auto it = relations_.find(oid);
  if (it == relations_.end()) {
    throw PgOutputError("pgoutput change for relation OID " + std::to_string(oid) +
                        " that no Relation message described");
  }
  return it->second;
}

std::vector<CapturedValue> PgOutputDecoder::ReadTuple(Reader& r, const Relation& rel, bool key_only) {
  uint16_t n = r.U16("tuple column count");
  if (n != rel.columns.size()) {
    r.Fail("tuple has " + std::to_string(n) + " columns, relation " + rel.wire.schema + "." + rel.wire.table +
           " has " + std::to_string(rel.columns.size()));
  }
  std::vector<CapturedValue> values;
  values.reserve(n);
  for (const Column& col : rel.columns) {
    char kind = static_cast<char>(r.U8("column kind"));
    CapturedValue v;
    switch (kind) {
      case 'n': v.kind = CapturedValue::Kind::kNull; break;
      case 'u': v.kind = CapturedValue::Kind::kUnchanged; break;
      case 't': {
        int32_t len = r.I32("value length");
        if (len < 0) r.Fail("negative value length");
        std::string_view text = r.Bytes(static_cast<size_t>(len), "value");
        PgCanonicalValue c = PgTextToCanonical(col.value_oid, col.value_typmod, text);
        if (!c.ok) {
          throw PgOutputError("cannot decode " + rel.wire.schema + "." + rel.wire.table + "." + col.wire.name + ": " +
                              c.error);
        }
        v = CapturedValue::Of(std::move(c.text));
        break;
      }
      case 'b': {
        int32_t len = r.I32("value length");
        if (len < 0) r.Fail("negative value length");
        r.Bytes(static_cast<size_t>(len), "value");
        throw PgOutputError("binary-format value for " + rel.wire.schema + "." + rel.wire.table + "." +
                            col.wire.name + ": Sluice requests text format (binary 'false')");
      }
      default: r.Fail("unknown column kind '" + Reader::Printable(kind) + "'");
    }
    // A 'K' image holds only the replica identity; the rest is sent as null.
    if (key_only && !col.wire.key) v = CapturedValue{CapturedValue::Kind::kMissing, {}};
    values.push_back(std::move(v));
  }
  return values;
}

void PgOutputDecoder::OnChange(char type, Reader& r, uint32_t xid) {
  const Relation& rel = RelationFor(r.U32("relation OID"));
  RowChange row;
  row.schema = rel.wire.schema;
  row.table = rel.wire.table;
  for (const auto& c : rel.columns) row.columns.push_back(c.wire.name);
  char marker = static_cast<char>(r.U8("tuple marker"));
  if (type == 'I') {
    row.kind = ChangeKind::kInsert;
    if (marker != 'N') r.Fail("Insert without a new tuple");
    row.after = ReadTuple(r, rel, false);
  } else if (type == 'U') {
    row.kind = ChangeKind::kUpdate;
    if (marker == 'K' || marker == 'O') {
      row.before = ReadTuple(r, rel, marker == 'K');
      marker = static_cast<char>(r.U8("new tuple marker"));
    }
    if (marker != 'N') r.Fail("Update without a new tuple");
    row.after = ReadTuple(r, rel, false);
    if (row.before.empty()) {
      // No old image: the replica identity did not change, so the new
      // tuple's key columns locate the row.
      for (size_t i = 0; i < rel.columns.size(); ++i) {
        row.before.push_back(rel.columns[i].wire.key ? row.after[i] : CapturedValue{CapturedValue::Kind::kMissing, {}});
      }
    }
  } else {
    row.kind = ChangeKind::kDelete;
    if (marker != 'K' && marker != 'O') r.Fail("Delete without an old tuple");
    row.before = ReadTuple(r, rel, marker == 'K');
  }
  r.End();
  AddRow(xid, std::move(row), std::nullopt);
}

void PgOutputDecoder::OnTruncate(Reader& r, uint32_t xid) {
  uint32_t n = r.U32("relation count");
  uint8_t flags = r.U8("truncate options");
  if (static_cast<uint64_t>(n) * 4 != r.left()) r.Fail("relation count " + std::to_string(n) + " does not match the message");
  PgTruncateOptions options{(flags & 1) != 0, (flags & 2) != 0};
  for (uint32_t i = 0; i < n; ++i) {
    const Relation& rel = RelationFor(r.U32("relation OID"));
    RowChange row;
    row.schema = rel.wire.schema;
    row.table = rel.wire.table;
    row.kind = ChangeKind::kTruncate;
    AddRow(xid, std::move(row), options);
  }
}

void PgOutputDecoder::OnMessage(Reader& r, std::vector<PgCaptureEvent>& out) {
  uint8_t flags = r.U8("message flags");
  uint64_t lsn = r.U64("message LSN");
  std::string prefix = r.CString("message prefix");
  uint32_t len = r.U32("message length");
  std::string_view content = r.Bytes(len, "message content");
  r.End();
  if ((flags & 1) == 0 && prefix == options_.heartbeat_prefix) {
    PgCaptureEvent e;
    e.kind = PgCaptureEvent::Kind::kHeartbeat;
    e.lsn = lsn;
    e.heartbeat = std::string(content);
    out.push_back(std::move(e));
  }
}

void PgOutputDecoder::AddRow(uint32_t xid, RowChange row, std::optional<PgTruncateOptions> truncate) {
  if (!in_stream_) {
    if (!txn_) throw PgOutputError("pgoutput change outside a transaction");
    if (truncate) txn_->truncates.emplace_back(txn_->txn.rows.size(), *truncate);
    txn_->txn.rows.push_back(std::move(row));
    return;
  }
  StreamBuffer& buffer = streams_.at(stream_xid_);  // OnStreamStart created it
  StreamedChange change;
  change.subxid = xid;
  change.row = std::move(row);
  change.is_truncate_row = truncate.has_value();
  if (truncate) change.truncate_flags = static_cast<uint8_t>((truncate->cascade ? 1 : 0) | (truncate->restart_identity ? 2 : 0));
  if (buffer.spill) {
    buffer.memory.push_back(std::move(change));
    Spill(buffer);
    return;
  }
  size_t bytes = RowBytes(change.row);
  buffer.memory.push_back(std::move(change));
  buffer.memory_bytes += bytes;
  stream_memory_ += bytes;
  if (stream_memory_ > options_.stream_memory_limit) Spill(buffer);
}

void PgOutputDecoder::Spill(StreamBuffer& buffer) {
  if (!buffer.spill) {
    std::FILE* f = nullptr;
    if (options_.spill_dir.empty()) {
      f = std::tmpfile();
    } else {
      std::string path = options_.spill_dir + "/sluice-pgoutput-XXXXXX";
      int fd = mkstemp(path.data());
      if (fd >= 0) {
        unlink(path.c_str());  // gone from the directory; lives until closed
        f = fdopen(fd, "w+b");
        if (f == nullptr) close(fd);
      }
    }
    if (f == nullptr) throw PgOutputError(std::string("cannot create a spill file for a streamed transaction: ") + std::strerror(errno));
    buffer.spill.reset(f);
    ++spilled_count_;
  }
  std::string out;
  for (const StreamedChange& c : buffer.memory) {
    out.clear();
    PutU64(out, c.subxid);
    out += static_cast<char>(c.truncate_flags);
    out += static_cast<char>(c.is_truncate_row);
    out += static_cast<char>(c.row.kind);
    PutString(out, c.row.schema);
    PutString(out, c.row.table);
    PutU64(out, c.row.columns.size());
    for (const auto& col : c.row.columns) PutString(out, col);
    PutValues(out, c.row.before);
    PutValues(out, c.row.after);
    if (std::fwrite(out.data(), 1, out.size(), buffer.spill.get()) != out.size()) {
      throw PgOutputError("cannot write a streamed transaction to its spill file");
    }
  }
  buffer.spilled_changes += buffer.memory.size();
  stream_memory_ -= buffer.memory_bytes;
  buffer.memory_bytes = 0;
  buffer.memory.clear();
  buffer.memory.shrink_to_fit();
}

std::vector<PgOutputDecoder::StreamedChange> PgOutputDecoder::ReadBack(StreamBuffer& buffer) {
  std::vector<StreamedChange> changes;
  if (buffer.spill) {
    std::FILE* f = buffer.spill.get();
    if (std::fflush(f) != 0 || std::fseek(f, 0, SEEK_SET) != 0) throw PgOutputError("cannot rewind a spill file");
    SpillReader in(f);
    for (size_t i = 0; i < buffer.spilled_changes; ++i) {
      StreamedChange c;
      c.subxid = static_cast<uint32_t>(in.U64());
      c.truncate_flags = in.U8();
      c.is_truncate_row = in.U8() != 0;
      c.row.kind = static_cast<ChangeKind>(in.U8());
      c.row.schema = in.String();
      c.row.table = in.String();
      c.row.columns.resize(in.U64());
      for (auto& col : c.row.columns) col = in.String();
      c.row.before = in.Values();
      c.row.after = in.Values();
      changes.push_back(std::move(c));
    }
  }
  for (auto& c : buffer.memory) changes.push_back(std::move(c));
  return changes;
}

void PgOutputDecoder::DropStream(uint32_t xid) {
  auto it = streams_.find(xid);
  if (it == streams_.end()) return;
  stream_memory_ -= it->second.memory_bytes;
  streams_.erase(it);
}

void PgOutputDecoder::OnStreamStart(Reader& r) {
  if (in_stream_ || txn_) r.Fail("Stream Start inside a transaction or stream");
  uint32_t xid = r.U32("xid");
  uint8_t first = r.U8("first segment");
  r.End();
  if (first == 1) {
    DropStream(xid);
    streams_[xid];
  } else if (streams_.find(xid) == streams_.end()) {
    r.Fail("Stream Start continues transaction " + std::to_string(xid) + " that never started");
  }
  in_stream_ = true;
  stream_xid_ = xid;
}

void PgOutputDecoder::OnStreamCommit(Reader& r, std::vector<PgCaptureEvent>& out) {
  if (in_stream_ || txn_) r.Fail("Stream Commit inside a transaction or stream");
  uint32_t xid = r.U32("xid");
  r.U8("flags");
  r.U64("commit LSN");
  uint64_t end_lsn = r.U64("end LSN");
  int64_t time = r.I64("commit time");
  r.End();
  auto it = streams_.find(xid);
  if (it == streams_.end()) r.Fail("Stream Commit of transaction " + std::to_string(xid) + " that never streamed");
  PgCaptureEvent e;
  e.kind = PgCaptureEvent::Kind::kTransaction;
  e.lsn = end_lsn;
  e.xid = xid;
  e.streamed = true;
  e.transaction.position = FormatLsn(end_lsn);
  e.transaction.commit_time_us = PgTimeToUnixMicros(time);
  e.transaction.origin = it->second.origin;
  for (StreamedChange& c : ReadBack(it->second)) {
    if (it->second.aborted_subxids.count(c.subxid) != 0) continue;
    if (c.is_truncate_row) {
      e.truncate_options.emplace_back(e.transaction.rows.size(),
                                      PgTruncateOptions{(c.truncate_flags & 1) != 0, (c.truncate_flags & 2) != 0});
    }
    e.transaction.rows.push_back(std::move(c.row));
  }
  DropStream(xid);
  out.push_back(std::move(e));
}

void PgOutputDecoder::OnStreamAbort(Reader& r) {
  if (in_stream_ || txn_) r.Fail("Stream Abort inside a transaction or stream");
  uint32_t xid = r.U32("xid");
  uint32_t subxid = r.U32("subtransaction xid");
  // Protocol 4 (PostgreSQL 16+) appends the abort LSN and time; not requested, tolerated.
  if (r.left() != 0 && r.left() != 16) r.End();
  auto it = streams_.find(xid);
  if (it == streams_.end()) return;  // nothing of it was kept (e.g. streamed before a reconnect)
  if (subxid == xid) {
    DropStream(xid);
  } else {
    it->second.aborted_subxids.insert(subxid);
  }
}

}  // namespace sluice
