// libFuzzer target over the change log's read side: the bytes a change log
// reads back from disk are outside bytes (a crash, a bad disk, someone else's
// file), so decoding and recovery must end in std::runtime_error or in whole
// records, never in a crash, a sanitizer report or a huge allocation.
//
// The first input byte picks the mode (low two bits) and its options:
//   0: the rest is one record payload for DecodeTransaction; whatever decodes
//      must encode and decode back to the same transaction.
//   1: the rest is written verbatim as segment 1 of a fresh log directory;
//      with bit 2 set, an empty valid segment 2 follows it, so segment 1 is a
//      sealed one (where any damage must throw). The log is opened (recovery)
//      and read to the end.
//   2: the rest is a list of chunks [u16 little-endian length][payload],
//      each written as a well-framed record (right magic, length and
//      checksum), so the payload decoder is reached through recovery and the
//      reader; a zero length starts the next segment file (up to 8), and
//      bytes that do not make a whole chunk are appended raw as a torn tail
//      (whole records the fuzzer copies there are expected back too).
//      Bit 2 zeroes the last segment's header (a crash right after creating
//      it); bit 3 numbers the segments from 2^64-2 instead of 1.
//   3: as 2, then a known transaction is appended and flushed, the log is
//      closed and reopened, and it must hold exactly what was read before
//      plus the appended transaction.
// In modes 2 and 3 the reader must return a prefix of the framed payloads, in
// order, each decoding to what DecodeTransaction makes of it; ReadAfter a
// position read must continue after that position's first record.
//
// Log directories live under /dev/shm when it exists (fsync there is free,
// which keeps the fuzzer fast), else under TMPDIR.
//
// SLUICE_FUZZ_REPLAY (the corpus replay unit test) leaves out the libFuzzer
// entry point; ChangeLogFuzzInput is what both call.

#include <unistd.h>
#include <xxhash.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/change_log.h"

namespace sluice {

// What one input did; the replay test checks that the corpus reaches each.
struct ChangeLogFuzzResult {
  bool decoded = false;        // mode 0: the payload decoded
  bool opened = false;         // modes 1-3: recovery succeeded
  bool recovery_threw = false;
  bool read_threw = false;
  bool truncated = false;      // recovery cut a torn tail or rewrote a torn header
  size_t records_read = 0;
  bool reopened = false;       // mode 3: append, reopen and compare done
};

ChangeLogFuzzResult ChangeLogFuzzInput(const uint8_t* data, size_t size);

namespace {

namespace fs = std::filesystem;

void Must(bool ok) {
  if (!ok) std::abort();
}

constexpr uint32_t kRecordMagic = 0x4352'4c53;  // docs/change-log.md
constexpr uint64_t kSegmentHeaderSize = 16;
constexpr size_t kRecordHeaderSize = 16;
constexpr size_t kMaxSegments = 8;

void PutFixed32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutFixed64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t LoadFixed(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}
uint32_t LoadFixed32(const char* p) { return static_cast<uint32_t>(LoadFixed(p, 4)); }
uint64_t LoadFixed64(const char* p) { return LoadFixed(p, 8); }

std::string SegmentHeader() {
  std::string h = "SLUICECL";
  PutFixed32(h, 1);
  PutFixed32(h, 0);
  return h;
}

std::string Record(std::string_view payload) {
  std::string r;
  PutFixed32(r, kRecordMagic);
  PutFixed32(r, static_cast<uint32_t>(payload.size()));
  PutFixed64(r, XXH3_64bits_withSeed(payload.data(), payload.size(), payload.size()));
  r.append(payload);
  return r;
}

std::string SegmentName(uint64_t seq) {
  std::string digits = std::to_string(seq);
  return std::string(20 - digits.size(), '0') + digits + ".seg";
}

// One directory per process, emptied before each input and removed at exit.
const fs::path& LogDir() {
  static const fs::path dir = [] {
    fs::path base = fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    std::string templ = (base / "sluice-change-log-fuzz-XXXXXX").string();
    Must(::mkdtemp(templ.data()) != nullptr);
    return fs::path(templ);
  }();
  // Registered once `dir` is constructed, so it runs before `dir` is destroyed.
  static const bool cleanup = std::atexit([] {
    std::error_code ec;
    fs::remove_all(LogDir(), ec);
  }) == 0;
  (void)cleanup;
  return dir;
}

void ResetDir() {
  const fs::path& dir = LogDir();
  for (const auto& e : fs::directory_iterator(dir)) fs::remove_all(e.path());
}

void WriteFile(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  Must(out.good());
}

std::unique_ptr<ChangeLog> Open() {
  ChangeLogOptions o;
  o.dir = LogDir().string();
  o.segment_bytes = 512;  // small, so the appended transaction may roll a segment
  return OpenLocalChangeLog(o);
}

// Reads from `after` to the end. Throws what the reader throws.
std::vector<CapturedTransaction> ReadAll(ChangeLog& log, const std::string& after) {
  std::vector<CapturedTransaction> out;
  auto reader = log.ReadAfter(after);
  while (auto txn = reader->Next()) out.push_back(std::move(*txn));
  Must(!reader->Next());  // caught up stays caught up
  return out;
}

// ReadAfter(p) continues after the first record with position p (positions
// from hostile bytes need not be unique). ReadAfter("") means "from the
// start", so an empty position (which no capture makes) is not looked up.
void CheckReadAfter(ChangeLog& log, const std::vector<CapturedTransaction>& all, const std::string& p) {
  if (p.empty()) return;
  size_t first = 0;
  while (all[first].position != p) ++first;
  auto after = ReadAll(log, p);
  Must(after.size() == all.size() - first - 1);
  for (size_t i = 0; i < after.size(); ++i) Must(after[i] == all[first + 1 + i]);
}

CapturedTransaction Appended() {
  CapturedTransaction t;
  t.position = "fuzz-appended";
  t.commit_time_us = 42;
  RowChange r;
  r.schema = "s";
  r.table = "t";
  r.columns = {"id"};
  r.after = {CapturedValue::Of("1")};
  t.rows.push_back(r);
  return t;
}

// The segment files of modes 2 and 3, and the payloads framed in them.
struct Framed {
  std::vector<std::string> segments;
  std::vector<std::string> payloads;
};

Framed Frame(std::string_view rest) {
  Framed f;
  f.segments.push_back(SegmentHeader());
  size_t pos = 0;
  while (rest.size() - pos >= 2) {
    size_t len = static_cast<unsigned char>(rest[pos]) | static_cast<unsigned char>(rest[pos + 1]) << 8;
    if (len > rest.size() - pos - 2) break;
    pos += 2;
    if (len == 0) {
      // Each segment costs file system calls; a few show every case.
      if (f.segments.size() < kMaxSegments) f.segments.push_back(SegmentHeader());
      continue;
    }
    std::string_view payload = rest.substr(pos, len);
    pos += len;
    f.segments.back() += Record(payload);
    f.payloads.emplace_back(payload);
  }
  // The tail is torn unless the fuzzer put whole, valid records at its start
  // (copied from elsewhere): those are as good as framed ones.
  std::string_view tail = rest.substr(pos);
  f.segments.back().append(tail);
  while (tail.size() >= kRecordHeaderSize) {
    uint32_t magic = LoadFixed32(tail.data());
    uint32_t len = LoadFixed32(tail.data() + 4);
    if (magic != kRecordMagic || len > tail.size() - kRecordHeaderSize) break;
    std::string_view payload = tail.substr(kRecordHeaderSize, len);
    if (LoadFixed64(tail.data() + 8) != XXH3_64bits_withSeed(payload.data(), len, len)) break;
    f.payloads.emplace_back(payload);
    tail.remove_prefix(kRecordHeaderSize + len);
  }
  return f;
}

void FuzzDecode(std::string_view payload, ChangeLogFuzzResult& result) {
  CapturedTransaction txn;
  try {
    txn = DecodeTransaction(payload);
  } catch (const std::runtime_error&) {
    return;
  }
  result.decoded = true;
  Must(DecodeTransaction(EncodeTransaction(txn)) == txn);
}

void FuzzLog(uint8_t mode, std::string_view rest, ChangeLogFuzzResult& result) {
  ResetDir();
  const fs::path& dir = LogDir();
  bool framed = (mode & 3) >= 2;
  Framed f;
  if (framed) {
    f = Frame(rest);
    uint64_t first = (mode & 8) ? UINT64_MAX - 1 : 1;
    if (mode & 4) f.segments.back().replace(0, kSegmentHeaderSize, kSegmentHeaderSize, '\0');
    for (size_t i = 0; i < f.segments.size(); ++i) WriteFile(dir / SegmentName(first + i), f.segments[i]);
  } else {
    WriteFile(dir / SegmentName(1), rest);
    if (mode & 4) WriteFile(dir / SegmentName(2), SegmentHeader());
  }

  std::unique_ptr<ChangeLog> log;
  try {
    log = Open();
  } catch (const std::runtime_error&) {
    result.recovery_threw = true;
    return;
  }
  result.opened = true;
  // A torn header on an empty file is rewritten with nothing cut: a reason
  // but zero bytes. Bytes cut always come with a reason.
  result.truncated = !log->recovery().truncated_why.empty();
  Must(log->recovery().truncated_bytes == 0 || result.truncated);

  std::vector<CapturedTransaction> read;
  try {
    read = ReadAll(*log, "");
  } catch (const std::runtime_error&) {
    result.read_threw = true;
  }
  result.records_read = read.size();
  // Whole records only: never more than recovery counted, and in modes 2-3
  // exactly the framed payloads, in order, as the decoder makes them.
  Must(read.size() <= log->recovery().records);
  if (framed) {
    Must(read.size() <= f.payloads.size());
    for (size_t i = 0; i < read.size(); ++i) Must(DecodeTransaction(f.payloads[i]) == read[i]);
  }
  if (result.read_threw) return;
  Must(read.size() == log->recovery().records);
  Must(log->LastPosition() == (read.empty() ? "" : read.back().position));

  if (!read.empty()) CheckReadAfter(*log, read, read[rest.size() % read.size()].position);

  if ((mode & 3) != 3) return;
  // Recovery must leave a log that takes appends and keeps them.
  // A refused append (segment sequence exhausted) loses only that append.
  CapturedTransaction extra = Appended();
  bool appended = true;
  try {
    log->Append(extra);
    log->Flush();
    Must(log->LastPosition() == extra.position);
  } catch (const std::runtime_error&) {
    appended = false;
  }
  log.reset();
  log = Open();
  Must(log->recovery().truncated_bytes == 0 && log->recovery().truncated_why.empty());
  auto again = ReadAll(*log, "");
  if (!appended) {
    Must(again == read);
    return;
  }
  read.push_back(extra);
  Must(again == read);
  log->ReleaseThrough(extra.position);
  CheckReadAfter(*log, read, extra.position);
  result.reopened = true;
}

}  // namespace

ChangeLogFuzzResult ChangeLogFuzzInput(const uint8_t* data, size_t size) {
  ChangeLogFuzzResult result;
  if (size < 1) return result;
  uint8_t mode = data[0];
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if ((mode & 3) == 0) {
    FuzzDecode(rest, result);
  } else {
    FuzzLog(mode, rest, result);
  }
  return result;
}

}  // namespace sluice

#ifndef SLUICE_FUZZ_REPLAY
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  sluice::ChangeLogFuzzInput(data, size);
  return 0;
}
#endif
