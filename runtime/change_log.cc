// How the local change log works (format details: docs/change-log.md).
//
// The log is a directory of segment files named by a 20-digit sequence
// number. Each starts with a 16-byte header and holds whole records: a
// 16-byte record header (magic, payload length, XXH3-64 of the payload seeded
// with the length) and the payload from EncodeTransaction. Records never span
// segments; a record larger than segment_bytes gets a segment of its own.
//
// Writing: Append encodes into a buffer; the buffer is written (pwrite, no
// sync) when it grows past kWriteChunk, and Flush writes the rest and
// fdatasyncs. A segment is synced before the next one is created, so only the
// last segment can have a torn tail; recovery checks every record and cuts
// the last segment at its first bad one, and treats damage anywhere else as
// an error. A new segment file is made durable by an fsync of the directory.
//
// Reading: readers see only durable bytes. Shared state (under mu) holds, per
// retained segment, how many bytes of it are durable; a reader reads its
// segment up to that limit with its own file descriptor, and moves on to the
// next segment once one exists (the current one is then sealed and its limit
// final). Deleting a segment a reader still has open is harmless on POSIX.
//
// Positions are opaque, so finding one means scanning records, decoding just
// the position. ReleaseThrough keeps a hint (where the previous release found
// its position) so that successive releases scan each byte about once.

#include "runtime/change_log.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace sluice {
namespace {

namespace fs = std::filesystem;

constexpr char kSegmentMagic[8] = {'S', 'L', 'U', 'I', 'C', 'E', 'C', 'L'};
constexpr uint32_t kSegmentVersion = 1;
constexpr uint64_t kSegmentHeaderSize = 16;  // magic, version u32, reserved u32
constexpr uint32_t kRecordMagic = 0x4352'4c53;  // "SLRC" little-endian
constexpr uint64_t kRecordHeaderSize = 16;    // magic u32, length u32, xxh3 u64
constexpr uint32_t kMaxPayload = 1u << 30;    // a sanity bound, far above any transaction
constexpr uint8_t kPayloadVersion = 1;
constexpr size_t kWriteChunk = 4u << 20;      // write the append buffer out past this
constexpr size_t kReadChunk = 1u << 20;
constexpr int kSegmentNameDigits = 20;

// ---------------------------------------------------------------------------
// Little-endian fixed-width and LEB128 helpers.

void PutFixed32(std::string& out, uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  out.append(b, 4);
}
void PutFixed64(std::string& out, uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  out.append(b, 8);
}
void StoreFixed32(char* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
void StoreFixed64(char* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
uint32_t LoadFixed32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}
uint64_t LoadFixed64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}
void PutVarint(std::string& out, uint64_t v) {
  char b[10];
  int n = 0;
  while (v >= 0x80) {
    b[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  b[n++] = static_cast<char>(v);
  out.append(b, static_cast<size_t>(n));
}
void PutString(std::string& out, std::string_view s) {
  PutVarint(out, s.size());
  out.append(s);
}

uint64_t PayloadHash(std::string_view payload) {
  // Seeded with the length so that a damaged length field is caught even if
  // it happens to frame bytes that hash right on their own.
  return XXH3_64bits_withSeed(payload.data(), payload.size(), payload.size());
}

// A bounds-checked cursor over a payload. Every read checks what remains, and
// element counts are checked against the bytes left before anything is
// allocated, so hostile input costs at most a small multiple of its size.
class PayloadReader {
 public:
  explicit PayloadReader(std::string_view in) : in_(in) {}

  uint8_t Byte(const char* what) {
    if (in_.empty()) Fail("truncated", what);
    uint8_t b = static_cast<uint8_t>(in_[0]);
    in_.remove_prefix(1);
    return b;
  }
  uint64_t Fixed64(const char* what) {
    if (in_.size() < 8) Fail("truncated", what);
    uint64_t v = LoadFixed64(in_.data());
    in_.remove_prefix(8);
    return v;
  }
  uint64_t Varint(const char* what) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t b = Byte(what);
      if (shift == 63 && b > 1) Fail("varint overflows 64 bits in", what);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    Fail("varint too long in", what);
  }
  std::string_view StringView(const char* what) {
    uint64_t n = Varint(what);
    if (n > in_.size()) Fail("string length past the end in", what);
    std::string_view s = in_.substr(0, n);
    in_.remove_prefix(n);
    return s;
  }
  std::string String(const char* what) { return std::string(StringView(what)); }
  // A count of elements each taking at least `min_bytes` bytes.
  size_t Count(size_t min_bytes, const char* what) {
    uint64_t n = Varint(what);
    if (n > in_.size() / min_bytes) Fail("count larger than the remaining bytes allow in", what);
    return static_cast<size_t>(n);
  }
  bool AtEnd() const { return in_.empty(); }
  size_t remaining() const { return in_.size(); }

  [[noreturn]] void Fail(const char* problem, const char* what) {
    throw std::runtime_error(std::string("malformed change log record: ") + problem + " " + what);
  }

 private:
  std::string_view in_;
};

void EncodeValue(const CapturedValue& v, std::string& out) {
  out.push_back(static_cast<char>(v.kind));
  PutString(out, v.text);
}

CapturedValue DecodeValue(PayloadReader& r) {
  CapturedValue v;
  uint8_t kind = r.Byte("value kind");
  if (kind > static_cast<uint8_t>(CapturedValue::Kind::kMissing)) r.Fail("unknown", "value kind");
  v.kind = static_cast<CapturedValue::Kind>(kind);
  v.text = r.String("value text");
  return v;
}

std::vector<CapturedValue> DecodeImage(PayloadReader& r, const char* what) {
  std::vector<CapturedValue> image(r.Count(2, what));
  for (auto& v : image) v = DecodeValue(r);
  return image;
}

// Only the position, for scans: the payload's first field after the version.
std::string_view DecodePosition(std::string_view payload) {
  PayloadReader r(payload);
  if (r.Byte("payload version") != kPayloadVersion) r.Fail("unsupported", "payload version");
  return r.StringView("position");
}

// ---------------------------------------------------------------------------
// Files.

[[noreturn]] void ThrowErrno(const std::string& what, const std::string& path) {
  int e = errno;
  throw std::runtime_error("change log: " + what + " " + path + ": " + std::strerror(e));
}

std::string SegmentName(uint64_t seq) {
  std::string digits = std::to_string(seq);
  return std::string(kSegmentNameDigits - digits.size(), '0') + digits + ".seg";
}

std::optional<uint64_t> ParseSegmentName(const std::string& name) {
  if (name.size() != kSegmentNameDigits + 4 || name.substr(kSegmentNameDigits) != ".seg") return std::nullopt;
  uint64_t seq = 0;
  auto [ptr, ec] = std::from_chars(name.data(), name.data() + kSegmentNameDigits, seq);
  if (ec != std::errc() || ptr != name.data() + kSegmentNameDigits) return std::nullopt;
  return seq;
}

void PwriteAll(int fd, const char* data, size_t n, uint64_t offset, const std::string& path) {
  while (n > 0) {
    ssize_t w = ::pwrite(fd, data, n, static_cast<off_t>(offset));
    if (w < 0) {
      if (errno == EINTR) continue;
      ThrowErrno("cannot write", path);
    }
    data += w;
    n -= static_cast<size_t>(w);
    offset += static_cast<uint64_t>(w);
  }
}

// Reads up to n bytes; fewer only at end of file.
size_t PreadFull(int fd, char* data, size_t n, uint64_t offset, const std::string& path) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = ::pread(fd, data + got, n - got, static_cast<off_t>(offset + got));
    if (r < 0) {
      if (errno == EINTR) continue;
      ThrowErrno("cannot read", path);
    }
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  return got;
}

void SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) ThrowErrno("cannot open directory", dir);
  int rc = ::fsync(fd);
  int e = errno;
  ::close(fd);
  errno = e;
  if (rc != 0) ThrowErrno("cannot sync directory", dir);
}

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      Reset();
      fd_ = o.fd_;
      o.fd_ = -1;
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Reset(); }
  void Reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int get() const { return fd_; }

 private:
  int fd_ = -1;
};

bool HeaderIsZero(int fd, const std::string& path) {
  char h[kSegmentHeaderSize];
  size_t n = PreadFull(fd, h, sizeof h, 0, path);
  for (size_t i = 0; i < n; ++i)
    if (h[i] != 0) return false;
  return true;
}

std::string SegmentHeader() {
  std::string h(kSegmentMagic, sizeof kSegmentMagic);
  PutFixed32(h, kSegmentVersion);
  PutFixed32(h, 0);
  return h;
}

// Why a segment header is not valid, or "" when it is.
std::string CheckSegmentHeader(int fd, const std::string& path) {
  char h[kSegmentHeaderSize];
  if (PreadFull(fd, h, sizeof h, 0, path) < sizeof h) return "the segment header is incomplete";
  if (std::memcmp(h, kSegmentMagic, sizeof kSegmentMagic) != 0) return "not a change log segment (bad magic)";
  uint32_t version = LoadFixed32(h + 8);
  if (version != kSegmentVersion)
    return "segment format version " + std::to_string(version) + " is not supported (this Sluice reads version " +
           std::to_string(kSegmentVersion) + ")";
  return "";
}

// Iterates the records of one segment file between a start offset and a
// limit, checking each record's framing and checksum. The limit may grow
// (a reader following the writer).
class RecordScanner {
 public:
  RecordScanner(int fd, std::string path, uint64_t offset, uint64_t limit)
      : fd_(fd), path_(std::move(path)), offset_(offset), limit_(limit) {}

  enum class Status { kRecord, kEnd, kBad };

  // kRecord: payload() is valid until the next call, offset() is past it.
  // kEnd: no bytes left before the limit. kBad: why() says what is wrong with
  // the record at offset(), which is left unchanged.
  Status Next() {
    if (offset_ == limit_) return Status::kEnd;
    if (limit_ - offset_ < kRecordHeaderSize) return Bad("incomplete record header");
    const char* h = Ensure(offset_, kRecordHeaderSize);
    uint32_t magic = LoadFixed32(h);
    uint32_t length = LoadFixed32(h + 4);
    uint64_t hash = LoadFixed64(h + 8);
    if (magic != kRecordMagic) return Bad("bad record magic");
    if (length > kMaxPayload) return Bad("record length " + std::to_string(length) + " is implausible");
    if (limit_ - offset_ - kRecordHeaderSize < length) return Bad("record runs past the end of the segment");
    const char* p = Ensure(offset_ + kRecordHeaderSize, length);
    std::string_view payload(p, length);
    if (PayloadHash(payload) != hash) return Bad("checksum mismatch");
    payload_ = payload;
    record_offset_ = offset_;
    offset_ += kRecordHeaderSize + length;
    return Status::kRecord;
  }

  std::string_view payload() const { return payload_; }
  uint64_t offset() const { return offset_; }
  uint64_t record_offset() const { return record_offset_; }
  const std::string& why() const { return why_; }
  const std::string& path() const { return path_; }
  void set_limit(uint64_t limit) {
    assert(limit >= limit_);
    limit_ = limit;
  }

 private:
  Status Bad(std::string why) {
    why_ = std::move(why);
    return Status::kBad;
  }

  // Makes [off, off+n) (within the limit) available in buf_.
  const char* Ensure(uint64_t off, uint64_t n) {
    if (off >= buf_start_ && off + n <= buf_start_ + buf_.size()) return buf_.data() + (off - buf_start_);
    uint64_t want = std::min<uint64_t>(std::max<uint64_t>(n, kReadChunk), limit_ - off);
    buf_.resize(static_cast<size_t>(want));
    size_t got = PreadFull(fd_, buf_.data(), buf_.size(), off, path_);
    if (got < n) {
      // The file is shorter than the limit said: only possible if it was
      // truncated or damaged behind our back.
      throw std::runtime_error("change log: " + path_ + " is shorter than expected (wanted " +
                               std::to_string(off + n) + " bytes)");
    }
    buf_.resize(got);
    buf_start_ = off;
    return buf_.data();
  }

  int fd_;
  std::string path_;
  uint64_t offset_;
  uint64_t limit_;
  uint64_t record_offset_ = 0;
  std::string buf_;
  uint64_t buf_start_ = 0;
  std::string_view payload_;
  std::string why_;
};

// ---------------------------------------------------------------------------
// The log.

struct SegmentInfo {
  uint64_t durable = 0;        // bytes readers may read (final size once sealed)
  uint64_t bytes = 0;          // bytes counted by bytes_on_disk (incl. unsynced/buffered)
  std::string last_position;   // of its last durable record; "" when it has none
};

// State shared by the writer, readers and releases.
struct Shared {
  std::string dir;
  mutable std::mutex mu;
  std::map<uint64_t, SegmentInfo> segments;  // retained, by sequence number; last = active
  std::string last_position;                 // last durable record's
  std::atomic<uint64_t> retained_bytes{0};

  std::string PathOf(uint64_t seq) const { return (fs::path(dir) / SegmentName(seq)).string(); }

  struct Snapshot {
    bool exists = false;
    uint64_t durable = 0;
    bool has_next = false;  // a later segment exists: this one is sealed, `durable` final
  };
  Snapshot Look(uint64_t seq) const {
    std::lock_guard lock(mu);
    Snapshot s;
    auto it = segments.find(seq);
    if (it == segments.end()) return s;
    s.exists = true;
    s.durable = it->second.durable;
    s.has_next = std::next(it) != segments.end();
    return s;
  }
  uint64_t FirstSeq() const {
    std::lock_guard lock(mu);
    return segments.begin()->first;
  }
};

// Follows the durable records from a (segment, offset) on.
class Cursor {
 public:
  Cursor(std::shared_ptr<Shared> shared, uint64_t seq, uint64_t offset)
      : shared_(std::move(shared)), seq_(seq), offset_(offset) {}

  // The next durable record's payload, or nullopt when caught up. Throws on
  // corruption or when the segment to read was released.
  std::optional<std::string_view> Next() {
    for (;;) {
      Shared::Snapshot s = shared_->Look(seq_);
      if (!s.exists) {
        throw std::runtime_error("change log: segment " + shared_->PathOf(seq_) +
                                 " was released while a reader still needed it");
      }
      Open();
      scanner_->set_limit(s.durable);
      switch (scanner_->Next()) {
        case RecordScanner::Status::kRecord:
          offset_ = scanner_->offset();
          return scanner_->payload();
        case RecordScanner::Status::kBad:
          throw std::runtime_error("change log: " + scanner_->path() + " is corrupt at offset " +
                                   std::to_string(scanner_->offset()) + ": " + scanner_->why());
        case RecordScanner::Status::kEnd:
          if (!s.has_next) return std::nullopt;
          // Sealed and fully read (its limit was final when we looked).
          ++seq_;
          offset_ = kSegmentHeaderSize;
          scanner_.reset();
          fd_.Reset();
          break;
      }
    }
  }

  uint64_t seq() const { return seq_; }
  uint64_t offset() const { return offset_; }

 private:
  void Open() {
    if (scanner_) return;
    std::string path = shared_->PathOf(seq_);
    fd_ = Fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd_.get() < 0) {
      if (errno == ENOENT)
        throw std::runtime_error("change log: segment " + path + " was released while a reader still needed it");
      ThrowErrno("cannot open", path);
    }
    std::string bad = CheckSegmentHeader(fd_.get(), path);
    if (!bad.empty()) throw std::runtime_error("change log: " + path + ": " + bad);
    scanner_ = std::make_unique<RecordScanner>(fd_.get(), path, offset_, offset_);
  }

  std::shared_ptr<Shared> shared_;
  uint64_t seq_;
  uint64_t offset_;
  Fd fd_;
  std::unique_ptr<RecordScanner> scanner_;
};

class LocalReader : public ChangeLog::Reader {
 public:
  explicit LocalReader(Cursor cursor) : cursor_(std::move(cursor)) {}
  std::optional<CapturedTransaction> Next() override {
    auto payload = cursor_.Next();
    if (!payload) return std::nullopt;
    return DecodeTransaction(*payload);
  }

 private:
  Cursor cursor_;
};

class LocalChangeLog : public ChangeLog {
 public:
  LocalChangeLog(ChangeLogOptions options, Fd lock) : options_(std::move(options)), lock_(std::move(lock)) {
    shared_ = std::make_shared<Shared>();
    shared_->dir = options_.dir;
  }

  ~LocalChangeLog() override {
    // Best effort: unflushed transactions carry no durability promise, so a
    // failure here loses nothing that was promised.
    if (!broken_) {
      try {
        Flush();
      } catch (...) {
      }
    }
  }

  void Recover();

  void Append(const CapturedTransaction& txn) override {
    CheckUsable();
    size_t start = buffer_.size();
    buffer_.append(kRecordHeaderSize, '\0');
    try {
      EncodeTransaction(txn, buffer_);
    } catch (...) {
      buffer_.resize(start);  // never leave half a record behind
      throw;
    }
    size_t length = buffer_.size() - start - kRecordHeaderSize;
    if (length > kMaxPayload) {
      buffer_.resize(start);
      throw std::runtime_error("change log: the transaction at position " + txn.position + " encodes to " +
                               std::to_string(length) + " bytes, more than a record may hold");
    }
    std::string_view payload(buffer_.data() + start + kRecordHeaderSize, length);
    StoreFixed32(buffer_.data() + start, kRecordMagic);
    StoreFixed32(buffer_.data() + start + 4, static_cast<uint32_t>(length));
    StoreFixed64(buffer_.data() + start + 8, PayloadHash(payload));
    uint64_t record_bytes = kRecordHeaderSize + length;

    uint64_t active_before = written_ + start;
    if (active_records_ > 0 && active_before + record_bytes > options_.segment_bytes) {
      WriteOut(start);
      Roll();
    }
    ++active_records_;
    active_last_position_ = txn.position;
    shared_->retained_bytes += record_bytes;
    {
      std::lock_guard lock(shared_->mu);
      shared_->segments.rbegin()->second.bytes += record_bytes;
    }
    if (buffer_.size() >= kWriteChunk) WriteOut(buffer_.size());
  }

  void Flush() override {
    CheckUsable();
    WriteOut(buffer_.size());
    if (synced_ == written_) return;
    Sync(active_fd_.get(), shared_->PathOf(active_seq_));
    synced_ = written_;
    std::lock_guard lock(shared_->mu);
    SegmentInfo& seg = shared_->segments.rbegin()->second;
    seg.durable = synced_;
    if (active_records_ > 0) {
      seg.last_position = active_last_position_;
      shared_->last_position = active_last_position_;
    }
  }

  std::string LastPosition() const override {
    std::lock_guard lock(shared_->mu);
    return shared_->last_position;
  }
  bool Full() const override { return bytes_on_disk() > options_.max_bytes; }
  uint64_t bytes_on_disk() const override { return shared_->retained_bytes.load(); }
  const ChangeLogRecovery& recovery() const override { return recovery_; }

  std::unique_ptr<Reader> ReadAfter(const std::string& after) override {
    if (after.empty()) return std::make_unique<LocalReader>(Cursor(shared_, shared_->FirstSeq(), kSegmentHeaderSize));
    std::string first_position;
    auto found = Find(after, shared_->FirstSeq(), kSegmentHeaderSize, &first_position);
    if (!found) throw std::runtime_error(NotFound(after, first_position, "read after"));
    return std::make_unique<LocalReader>(Cursor(shared_, found->first, found->second));
  }

  void ReleaseThrough(const std::string& position) override {
    std::lock_guard release_lock(release_mu_);
    std::optional<std::pair<uint64_t, uint64_t>> found;
    uint64_t first = shared_->FirstSeq();
    if (release_hint_.first >= first) found = Find(position, release_hint_.first, release_hint_.second, nullptr);
    std::string first_position;
    if (!found) found = Find(position, first, kSegmentHeaderSize, &first_position);
    if (!found) throw std::runtime_error(NotFound(position, first_position, "release"));
    release_hint_ = *found;

    std::vector<uint64_t> doomed;
    {
      std::lock_guard lock(shared_->mu);
      for (auto it = shared_->segments.begin(); it != shared_->segments.end() && it->first < found->first;) {
        doomed.push_back(it->first);
        shared_->retained_bytes -= it->second.bytes;
        it = shared_->segments.erase(it);
      }
    }
    // Oldest first, so a crash midway leaves a contiguous run. An unlink the
    // crash undoes only brings back a segment wholly before the target's
    // position: retained longer, never wrong.
    for (uint64_t seq : doomed) {
      std::string path = shared_->PathOf(seq);
      if (::unlink(path.c_str()) != 0 && errno != ENOENT) ThrowErrno("cannot delete", path);
    }
  }

 private:
  void CheckUsable() const {
    if (broken_) {
      throw std::runtime_error("change log " + options_.dir +
                               ": unusable after an earlier write or sync error; reopen it");
    }
  }

  // Writes the first n buffered bytes to the active segment (no sync).
  void WriteOut(size_t n) {
    if (n == 0) return;
    try {
      PwriteAll(active_fd_.get(), buffer_.data(), n, written_, shared_->PathOf(active_seq_));
    } catch (...) {
      broken_ = true;  // what reached the file is unknown now
      throw;
    }
    written_ += n;
    buffer_.erase(0, n);
  }

  void Sync(int fd, const std::string& path) {
    if (::fdatasync(fd) != 0) {
      // After a failed fsync the kernel may have dropped the dirty pages:
      // retrying could "succeed" without the data. Stop using this handle.
      broken_ = true;
      ThrowErrno("cannot sync", path);
    }
  }

  // Seals the active segment (sync, so that only the last segment can ever
  // have a torn tail) and starts the next one.
  void Roll() {
    std::string old_path = shared_->PathOf(active_seq_);
    if (synced_ != written_) Sync(active_fd_.get(), old_path);
    synced_ = written_;
    {
      std::lock_guard lock(shared_->mu);
      SegmentInfo& seg = shared_->segments.rbegin()->second;
      seg.durable = written_;
      seg.last_position = active_last_position_;
      shared_->last_position = active_last_position_;
    }
    try {
      uint64_t seq = active_seq_ + 1;
      // Only a directory holding a segment named 2^64-1 gets here; wrapping to
      // 0 would sort the new segment first and make the log unopenable.
      if (seq == 0) throw std::runtime_error("change log " + options_.dir + ": segment sequence numbers are exhausted");
      Fd fd = CreateSegment(seq);
      active_fd_ = std::move(fd);
      active_seq_ = seq;
      written_ = synced_ = kSegmentHeaderSize;
      active_records_ = 0;
      std::lock_guard lock(shared_->mu);
      shared_->segments[seq] = SegmentInfo{kSegmentHeaderSize, kSegmentHeaderSize, ""};
      shared_->retained_bytes += kSegmentHeaderSize;
    } catch (...) {
      broken_ = true;
      throw;
    }
  }

  Fd CreateSegment(uint64_t seq) {
    std::string path = shared_->PathOf(seq);
    Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (fd.get() < 0) ThrowErrno("cannot create", path);
    std::string header = SegmentHeader();
    PwriteAll(fd.get(), header.data(), header.size(), 0, path);
    // The header is synced with the segment's first records; a crash before
    // that leaves a short or empty last segment, which recovery rewrites.
    SyncDir(options_.dir);
    return fd;
  }

  // Where the record after the one with `position` starts, scanning durable
  // records from (seq, offset). Stores the first position seen in *first.
  std::optional<std::pair<uint64_t, uint64_t>> Find(const std::string& position, uint64_t seq, uint64_t offset,
                                                    std::string* first) {
    Cursor cursor(shared_, seq, offset);
    for (;;) {
      std::optional<std::string_view> payload;
      try {
        payload = cursor.Next();
      } catch (const std::runtime_error&) {
        // A release running concurrently may have removed the start segment;
        // the caller retries from the first retained one.
        if (!shared_->Look(cursor.seq()).exists) return std::nullopt;
        throw;
      }
      if (!payload) return std::nullopt;
      std::string_view p = DecodePosition(*payload);
      if (first && first->empty()) *first = std::string(p);
      if (p == position) return std::make_pair(cursor.seq(), cursor.offset());
    }
  }

  std::string NotFound(const std::string& position, const std::string& first, const char* verb) const {
    std::string last = LastPosition();
    std::string held = last.empty() ? "it holds no transactions" : "it holds " + first + " .. " + last;
    return "change log " + options_.dir + ": cannot " + verb + " position '" + position +
           "': no retained transaction has it (" + held +
           "); it was released already, was never captured, or is not flushed yet";
  }

  ChangeLogOptions options_;
  Fd lock_;
  std::shared_ptr<Shared> shared_;
  ChangeLogRecovery recovery_;

  // Writer state.
  Fd active_fd_;
  uint64_t active_seq_ = 0;
  uint64_t written_ = 0;  // bytes of the active segment written to the file
  uint64_t synced_ = 0;   // of which fdatasync'ed
  uint64_t active_records_ = 0;
  std::string active_last_position_;
  std::string buffer_;  // appended records not yet written
  bool broken_ = false;

  std::mutex release_mu_;
  std::pair<uint64_t, uint64_t> release_hint_{0, 0};
};

void LocalChangeLog::Recover() {
  std::vector<uint64_t> seqs;
  for (const auto& entry : fs::directory_iterator(options_.dir)) {
    if (auto seq = ParseSegmentName(entry.path().filename().string())) seqs.push_back(*seq);
  }
  std::sort(seqs.begin(), seqs.end());
  for (size_t i = 1; i < seqs.size(); ++i) {
    if (seqs[i] != seqs[i - 1] + 1) {
      throw std::runtime_error("change log " + options_.dir + ": segment " + SegmentName(seqs[i - 1] + 1) +
                               " is missing between " + SegmentName(seqs[i - 1]) + " and " + SegmentName(seqs[i]));
    }
  }

  std::string last_position;
  for (size_t i = 0; i < seqs.size(); ++i) {
    uint64_t seq = seqs[i];
    bool last = i + 1 == seqs.size();
    std::string path = shared_->PathOf(seq);
    Fd fd(::open(path.c_str(), last ? O_RDWR | O_CLOEXEC : O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) ThrowErrno("cannot open", path);
    struct stat st;
    if (::fstat(fd.get(), &st) != 0) ThrowErrno("cannot stat", path);
    uint64_t size = static_cast<uint64_t>(st.st_size);

    std::string segment_last;
    uint64_t records = 0;
    if (std::string problem = CheckSegmentHeader(fd.get(), path); !problem.empty()) {
      // Only a crash right after creating the last segment explains a short
      // or zeroed header; a wrong magic or version is someone else's file or
      // a newer format, and must not be overwritten.
      if (!last || !(size < kSegmentHeaderSize || HeaderIsZero(fd.get(), path)))
        throw std::runtime_error("change log " + path + ": " + problem);
      std::string header = SegmentHeader();
      PwriteAll(fd.get(), header.data(), header.size(), 0, path);
      if (::ftruncate(fd.get(), static_cast<off_t>(kSegmentHeaderSize)) != 0) ThrowErrno("cannot truncate", path);
      Sync(fd.get(), path);
      recovery_.truncated_bytes = size;
      recovery_.truncated_why = "torn segment header of " + SegmentName(seq);
      size = kSegmentHeaderSize;
    } else {
      RecordScanner scanner(fd.get(), path, kSegmentHeaderSize, size);
      RecordScanner::Status status;
      while ((status = scanner.Next()) == RecordScanner::Status::kRecord) {
        try {
          segment_last = std::string(DecodePosition(scanner.payload()));
        } catch (const std::runtime_error& e) {
          // The checksum held, so this is a format this Sluice cannot read, not a torn write.
          throw std::runtime_error("change log " + path + ", record at offset " +
                                   std::to_string(scanner.record_offset()) + ": " + e.what());
        }
        ++records;
      }
      if (status == RecordScanner::Status::kBad) {
        std::string why = scanner.why() + " at offset " + std::to_string(scanner.offset()) + " of " + SegmentName(seq);
        if (!last) {
          throw std::runtime_error("change log " + options_.dir + " is corrupt: " + why +
                                   " (that segment was synced before the next one was created, so this is damage, "
                                   "not a torn write)");
        }
        if (::ftruncate(fd.get(), static_cast<off_t>(scanner.offset())) != 0) ThrowErrno("cannot truncate", path);
        Sync(fd.get(), path);
        recovery_.truncated_bytes = size - scanner.offset();
        recovery_.truncated_why = why;
        size = scanner.offset();
      }
    }

    if (records > 0) last_position = segment_last;
    recovery_.records += records;
    shared_->segments[seq] = SegmentInfo{size, size, segment_last};
    shared_->retained_bytes += size;
    if (last) {
      active_fd_ = std::move(fd);
      active_seq_ = seq;
      written_ = synced_ = size;
      active_records_ = records;
      active_last_position_ = segment_last;
    }
  }

  if (seqs.empty()) {
    active_seq_ = 1;
    active_fd_ = CreateSegment(active_seq_);
    Sync(active_fd_.get(), shared_->PathOf(active_seq_));
    written_ = synced_ = kSegmentHeaderSize;
    shared_->segments[active_seq_] = SegmentInfo{kSegmentHeaderSize, kSegmentHeaderSize, ""};
    shared_->retained_bytes += kSegmentHeaderSize;
  }
  shared_->last_position = last_position;
  recovery_.segments = shared_->segments.size();
}

}  // namespace

// ---------------------------------------------------------------------------

void EncodeTransaction(const CapturedTransaction& txn, std::string& out) {
  out.push_back(static_cast<char>(kPayloadVersion));
  PutString(out, txn.position);
  PutFixed64(out, static_cast<uint64_t>(txn.commit_time_us));
  PutString(out, txn.origin);
  PutVarint(out, txn.rows.size());
  for (const RowChange& row : txn.rows) {
    PutString(out, row.schema);
    PutString(out, row.table);
    out.push_back(static_cast<char>(row.kind));
    PutVarint(out, row.columns.size());
    for (const std::string& c : row.columns) PutString(out, c);
    PutVarint(out, row.before.size());
    for (const CapturedValue& v : row.before) EncodeValue(v, out);
    PutVarint(out, row.after.size());
    for (const CapturedValue& v : row.after) EncodeValue(v, out);
  }
  PutVarint(out, txn.ddl.size());
  for (const DdlChange& d : txn.ddl) {
    PutString(out, d.schema);
    PutString(out, d.statement);
  }
}

std::string EncodeTransaction(const CapturedTransaction& txn) {
  std::string out;
  EncodeTransaction(txn, out);
  return out;
}

CapturedTransaction DecodeTransaction(std::string_view payload) {
  PayloadReader r(payload);
  uint8_t version = r.Byte("payload version");
  if (version != kPayloadVersion) r.Fail("unsupported", "payload version");
  CapturedTransaction txn;
  txn.position = r.String("position");
  txn.commit_time_us = static_cast<int64_t>(r.Fixed64("commit time"));
  txn.origin = r.String("origin");
  txn.rows.resize(r.Count(6, "row count"));
  for (RowChange& row : txn.rows) {
    row.schema = r.String("schema");
    row.table = r.String("table");
    uint8_t kind = r.Byte("change kind");
    if (kind > static_cast<uint8_t>(ChangeKind::kTruncate)) r.Fail("unknown", "change kind");
    row.kind = static_cast<ChangeKind>(kind);
    row.columns.resize(r.Count(1, "column count"));
    for (std::string& c : row.columns) c = r.String("column name");
    row.before = DecodeImage(r, "before image");
    row.after = DecodeImage(r, "after image");
  }
  txn.ddl.resize(r.Count(2, "ddl count"));
  for (DdlChange& d : txn.ddl) {
    d.schema = r.String("ddl schema");
    d.statement = r.String("ddl statement");
  }
  if (!r.AtEnd()) r.Fail("trailing bytes after", "the transaction");
  return txn;
}

std::unique_ptr<ChangeLog> OpenLocalChangeLog(ChangeLogOptions options) {
  if (options.dir.empty()) throw std::invalid_argument("change log: no directory given");
  if (options.segment_bytes <= kSegmentHeaderSize)
    throw std::invalid_argument("change log: segment_bytes must exceed " + std::to_string(kSegmentHeaderSize));
  std::error_code ec;
  fs::create_directories(options.dir, ec);
  if (ec) throw std::runtime_error("change log: cannot create the directory " + options.dir + ": " + ec.message());

  // One process at a time: two writers would interleave records.
  std::string lock_path = (fs::path(options.dir) / "LOCK").string();
  Fd lock(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (lock.get() < 0) ThrowErrno("cannot open", lock_path);
  if (::flock(lock.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK)
      throw std::runtime_error("change log " + options.dir + " is in use by another process (or already open)");
    ThrowErrno("cannot lock", lock_path);
  }
  auto log = std::make_unique<LocalChangeLog>(std::move(options), std::move(lock));
  log->Recover();
  return log;
}

}  // namespace sluice
