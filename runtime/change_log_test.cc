#include "runtime/change_log.h"

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

namespace sluice {
namespace {

namespace fs = std::filesystem;

std::string TempDir(const std::string& name) {
  auto dir = fs::temp_directory_path() / ("sluice_changelog_" + name + "_" + std::to_string(getpid()));
  fs::remove_all(dir);
  return dir.string();
}

std::vector<std::string> SegmentFiles(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".seg") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

std::string Pos(int i) { return "pos-" + std::to_string(i); }

// A transaction whose content follows from its number, so a reader can check
// every byte it gets back.
CapturedTransaction Txn(int i, size_t value_bytes = 40) {
  CapturedTransaction t;
  t.position = Pos(i);
  t.commit_time_us = 1'700'000'000'000'000 + i;
  t.origin = "server-" + std::to_string(i % 3);
  RowChange r;
  r.schema = "shop";
  r.table = "orders";
  r.kind = i % 2 ? ChangeKind::kUpdate : ChangeKind::kInsert;
  r.columns = {"id", "note", "blob"};
  std::string note(value_bytes, static_cast<char>('a' + i % 26));
  std::string blob = std::to_string(i);
  blob.push_back('\0');
  blob += "\xff\x01";
  if (r.kind == ChangeKind::kUpdate) r.before = {CapturedValue::Of(std::to_string(i)), {}, {}};
  if (r.kind == ChangeKind::kUpdate) r.before[2].kind = CapturedValue::Kind::kMissing;
  r.after = {CapturedValue::Of(std::to_string(i)), CapturedValue::Of(note), CapturedValue::Of(blob)};
  t.rows.push_back(r);
  return t;
}

std::vector<CapturedTransaction> ReadAll(ChangeLog& log, const std::string& after = "") {
  std::vector<CapturedTransaction> out;
  auto reader = log.ReadAfter(after);
  while (auto t = reader->Next()) out.push_back(std::move(*t));
  return out;
}

std::vector<std::string> Positions(const std::vector<CapturedTransaction>& txns) {
  std::vector<std::string> out;
  for (const auto& t : txns) out.push_back(t.position);
  return out;
}

std::vector<std::string> PosRange(int from, int to) {  // [from, to)
  std::vector<std::string> out;
  for (int i = from; i < to; ++i) out.push_back(Pos(i));
  return out;
}

void CopyDir(const std::string& from, const std::string& to) {
  fs::remove_all(to);
  fs::copy(from, to, fs::copy_options::recursive);
}

TEST_CASE("every field and value kind survives encode and decode") {
  CapturedTransaction t;
  t.position = "mysql-bin.000042:1234#gtid=3E11FA47-71CA-11E1-9E33-C80AA9429562:1-77";
  t.commit_time_us = -5;  // before the epoch: signed values must survive
  t.origin = "";
  std::string binary;
  for (int c = 0; c < 256; ++c) binary.push_back(static_cast<char>(c));
  binary += std::string(3, '\0');
  RowChange r;
  r.schema = "s";
  r.table = "t";
  r.kind = ChangeKind::kUpdate;
  r.columns = {"a", "b", "c", "d", "e", "f", ""};
  CapturedValue null = CapturedValue::Null();
  CapturedValue unchanged{CapturedValue::Kind::kUnchanged, ""};
  CapturedValue missing{CapturedValue::Kind::kMissing, ""};
  CapturedValue empty = CapturedValue::Of("");
  CapturedValue large = CapturedValue::Of(std::string(5u << 20, 'x'));
  r.before = {null, unchanged, missing, empty, CapturedValue::Of(binary), large, missing};
  r.after = {empty, null, unchanged, CapturedValue::Of(binary), large, missing, CapturedValue::Of("é")};
  t.rows.push_back(r);
  for (ChangeKind k : {ChangeKind::kInsert, ChangeKind::kDelete, ChangeKind::kTruncate}) {
    RowChange other;
    other.schema = "s2";
    other.table = "t2";
    other.kind = k;
    t.rows.push_back(other);
  }
  t.ddl.push_back({"shop", "ALTER TABLE orders ADD COLUMN x INT"});
  t.ddl.push_back({"", ""});

  CHECK(DecodeTransaction(EncodeTransaction(t)) == t);
  CHECK(DecodeTransaction(EncodeTransaction(CapturedTransaction{})) == CapturedTransaction{});

  std::string dir = TempDir("fields");
  {
    auto log = OpenLocalChangeLog({dir});
    log->Append(t);
    log->Append(CapturedTransaction{});
    log->Flush();
    auto got = ReadAll(*log);
    REQUIRE(got.size() == 2);
    CHECK(got[0] == t);
    CHECK(got[1] == CapturedTransaction{});
  }
  auto log = OpenLocalChangeLog({dir});
  auto got = ReadAll(*log);
  REQUIRE(got.size() == 2);
  CHECK(got[0] == t);
  fs::remove_all(dir);
}

TEST_CASE("a reopened log holds everything flushed, and appending continues after it") {
  std::string dir = TempDir("reopen");
  {
    auto log = OpenLocalChangeLog({dir, 4096});
    CHECK(log->LastPosition() == "");
    for (int i = 0; i < 100; ++i) log->Append(Txn(i));
    // Sealed segments were synced as they filled; the open one was not.
    CHECK(log->LastPosition() != Pos(99));
    log->Flush();
    CHECK(log->LastPosition() == Pos(99));
  }
  CHECK(SegmentFiles(dir).size() > 3);  // rolled across several segments
  {
    auto log = OpenLocalChangeLog({dir, 4096});
    CHECK(log->recovery().truncated_bytes == 0);
    CHECK(log->recovery().records == 100);
    CHECK(log->LastPosition() == Pos(99));
    auto got = ReadAll(*log);
    REQUIRE(got.size() == 100);
    for (int i = 0; i < 100; ++i) CHECK(got[i] == Txn(i));
    for (int i = 100; i < 150; ++i) log->Append(Txn(i));
    log->Flush();
  }
  auto log = OpenLocalChangeLog({dir, 4096});
  CHECK(Positions(ReadAll(*log)) == PosRange(0, 150));
  CHECK(log->LastPosition() == Pos(149));
  fs::remove_all(dir);
}

TEST_CASE("a second open of the same directory is refused") {
  std::string dir = TempDir("lock");
  auto log = OpenLocalChangeLog({dir});
  CHECK_THROWS_WITH_AS(OpenLocalChangeLog({dir}), doctest::Contains("in use"), std::runtime_error);
  log.reset();
  CHECK_NOTHROW(OpenLocalChangeLog({dir}));
  fs::remove_all(dir);
}

TEST_CASE("readers see only flushed transactions") {
  std::string dir = TempDir("visibility");
  auto log = OpenLocalChangeLog({dir});
  auto reader = log->ReadAfter("");
  CHECK_FALSE(reader->Next());
  log->Append(Txn(0));
  CHECK_FALSE(reader->Next());
  log->Flush();
  auto t = reader->Next();
  REQUIRE(t);
  CHECK(*t == Txn(0));
  CHECK_FALSE(reader->Next());
  log->Append(Txn(1));
  log->Flush();
  REQUIRE(reader->Next());
  CHECK_FALSE(reader->Next());
  fs::remove_all(dir);
}

TEST_CASE("a reader runs concurrently with the writer, across segment rolls") {
  std::string dir = TempDir("concurrent");
  auto log = OpenLocalChangeLog({dir, 16 << 10});
  constexpr int kCount = 20000;
  std::atomic<bool> failed{false};
  std::thread writer([&] {
    for (int i = 0; i < kCount; ++i) {
      log->Append(Txn(i, i % 200));
      if (i % 97 == 0) log->Flush();
    }
    log->Flush();
  });
  auto reader = log->ReadAfter("");
  int next = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (next < kCount && std::chrono::steady_clock::now() < deadline) {
    auto t = reader->Next();
    if (!t) {
      std::this_thread::yield();
      continue;
    }
    if (!(*t == Txn(next, next % 200))) {
      failed = true;
      break;
    }
    ++next;
  }
  writer.join();
  CHECK_FALSE(failed.load());
  CHECK(next == kCount);
  CHECK_FALSE(reader->Next());
  CHECK(SegmentFiles(dir).size() > 10);
  fs::remove_all(dir);
}

TEST_CASE("ReadAfter starts strictly after the given position and names the range when it is unknown") {
  std::string dir = TempDir("readafter");
  auto log = OpenLocalChangeLog({dir, 2048});
  for (int i = 0; i < 100; ++i) log->Append(Txn(i));
  log->Flush();
  CHECK(Positions(ReadAll(*log, Pos(41))) == PosRange(42, 100));
  CHECK(Positions(ReadAll(*log, Pos(0))) == PosRange(1, 100));
  CHECK(ReadAll(*log, Pos(99)).empty());
  CHECK_THROWS_WITH_AS(log->ReadAfter("pos-x"),
                       doctest::Contains("cannot read after position 'pos-x': no retained transaction has it "
                                         "(it holds pos-0 .. pos-99)"),
                       std::runtime_error);
  log->Append(Txn(100));
  CHECK_THROWS_AS(log->ReadAfter(Pos(100)), std::runtime_error);  // not flushed yet
  fs::remove_all(dir);
}

TEST_CASE("ReleaseThrough deletes the segments wholly before the given position") {
  std::string dir = TempDir("release");
  {
    auto log = OpenLocalChangeLog({dir, 2048});
    for (int i = 0; i < 100; ++i) log->Append(Txn(i));
    log->Flush();
    auto before = SegmentFiles(dir);
    REQUIRE(before.size() > 5);
    uint64_t bytes = log->bytes_on_disk();
    uint64_t files_bytes = 0;
    for (const auto& f : before) files_bytes += fs::file_size(f);
    CHECK(bytes == files_bytes);

    log->ReleaseThrough(Pos(60));
    auto after = SegmentFiles(dir);
    CHECK(after.size() < before.size());
    CHECK(log->bytes_on_disk() < bytes);
    CHECK(fs::exists(after.back()));
    CHECK(after.back() == before.back());
    // The segment holding pos-60 stays, so reading after it still works...
    CHECK(Positions(ReadAll(*log, Pos(60))) == PosRange(61, 100));
    // ...and the first retained transaction is at or before it.
    auto all = ReadAll(*log);
    REQUIRE_FALSE(all.empty());
    int first = std::stoi(all.front().position.substr(4));
    CHECK(first > 0);
    CHECK(first <= 60);
    CHECK(Positions(all) == PosRange(first, 100));
    CHECK_THROWS_WITH_AS(log->ReadAfter(Pos(0)), doctest::Contains("released already"), std::runtime_error);
    CHECK_THROWS_AS(log->ReleaseThrough(Pos(0)), std::runtime_error);
    CHECK_THROWS_AS(log->ReleaseThrough("never"), std::runtime_error);
    log->ReleaseThrough(Pos(60));  // again: nothing more to delete
    CHECK(SegmentFiles(dir) == after);

    // Releasing through the last position keeps only the segment holding it.
    log->ReleaseThrough(Pos(99));
    CHECK(SegmentFiles(dir).size() == 1);
    CHECK(ReadAll(*log, Pos(99)).empty());
    for (int i = 100; i < 110; ++i) log->Append(Txn(i));
    log->Flush();
  }
  // The log reopens with its first segment numbered above 1.
  auto log = OpenLocalChangeLog({dir, 2048});
  CHECK(Positions(ReadAll(*log, Pos(99))) == PosRange(100, 110));
  CHECK(log->LastPosition() == Pos(109));
  fs::remove_all(dir);
}

TEST_CASE("a reader behind a release fails loudly instead of skipping") {
  std::string dir = TempDir("release_reader");
  auto log = OpenLocalChangeLog({dir, 1024});
  for (int i = 0; i < 60; ++i) log->Append(Txn(i));
  log->Flush();
  auto reader = log->ReadAfter("");
  REQUIRE(reader->Next());  // holds the first segment open: it can finish it
  log->ReleaseThrough(Pos(59));
  CHECK_THROWS_WITH_AS(
      {
        while (reader->Next()) {
        }
      },
      doctest::Contains("was released while a reader still needed it"), std::runtime_error);
  fs::remove_all(dir);
}

TEST_CASE("Full() applies backpressure past max_bytes and clears after a release") {
  std::string dir = TempDir("full");
  auto log = OpenLocalChangeLog({dir, 2048, 10000});
  int i = 0;
  while (!log->Full()) log->Append(Txn(i++));
  CHECK(log->bytes_on_disk() > 10000);
  CHECK(i > 20);
  log->Flush();
  CHECK(log->Full());
  log->ReleaseThrough(Pos(i - 1));
  CHECK_FALSE(log->Full());
  CHECK(log->bytes_on_disk() <= 2048 + 1024);
  fs::remove_all(dir);
}

TEST_CASE("a record larger than a segment gets a segment of its own") {
  std::string dir = TempDir("big");
  {
    auto log = OpenLocalChangeLog({dir, 1024});
    log->Append(Txn(0));
    log->Append(Txn(1, 10000));
    log->Append(Txn(2));
    log->Flush();
    CHECK(SegmentFiles(dir).size() == 3);
  }
  auto log = OpenLocalChangeLog({dir, 1024});
  auto got = ReadAll(*log);
  REQUIRE(got.size() == 3);
  CHECK(got[1] == Txn(1, 10000));
  fs::remove_all(dir);
}

// Writes five whole records and a sixth; returns the segment file and the
// byte range of the sixth record.
struct TornFixture {
  std::string pristine;
  std::string segment_name;
  uint64_t start = 0;
  uint64_t end = 0;
};

TornFixture MakeTornFixture() {
  TornFixture f;
  f.pristine = TempDir("torn_pristine");
  auto log = OpenLocalChangeLog({f.pristine});
  for (int i = 0; i < 5; ++i) log->Append(Txn(i));
  log->Flush();
  auto files = SegmentFiles(f.pristine);
  REQUIRE(files.size() == 1);
  f.segment_name = fs::path(files[0]).filename().string();
  f.start = fs::file_size(files[0]);
  log->Append(Txn(5));
  log->Flush();
  f.end = fs::file_size(files[0]);
  return f;
}

// Reopens a damaged copy: exactly the five whole records come back, and the
// log accepts and keeps new appends after them.
void CheckRecoversFive(const std::string& dir, uint64_t expect_truncated) {
  {
    auto log = OpenLocalChangeLog({dir});
    CHECK(log->recovery().truncated_bytes == expect_truncated);
    CHECK(log->LastPosition() == Pos(4));
    auto got = ReadAll(*log);
    REQUIRE(got.size() == 5);
    for (int i = 0; i < 5; ++i) CHECK(got[i] == Txn(i));
    log->Append(Txn(6));
    log->Flush();
  }
  auto log = OpenLocalChangeLog({dir});
  CHECK(log->recovery().truncated_bytes == 0);
  auto want = PosRange(0, 5);
  want.push_back(Pos(6));
  CHECK(Positions(ReadAll(*log)) == want);
}

TEST_CASE("a tail torn at any byte of the last record is cut off") {
  TornFixture f = MakeTornFixture();
  std::string dir = TempDir("torn");
  for (uint64_t cut = f.start; cut < f.end; ++cut) {
    CAPTURE(cut);
    CopyDir(f.pristine, dir);
    fs::resize_file(fs::path(dir) / f.segment_name, cut);
    CheckRecoversFive(dir, cut - f.start);
  }
  // Zeros past the end (a file system that extended the file but never wrote
  // the data) are a torn tail too.
  CopyDir(f.pristine, dir);
  fs::resize_file(fs::path(dir) / f.segment_name, f.start);
  fs::resize_file(fs::path(dir) / f.segment_name, f.start + 4096);
  CheckRecoversFive(dir, 4096);
  fs::remove_all(dir);
  fs::remove_all(f.pristine);
}

TEST_CASE("a flipped byte anywhere in the last record cuts it off") {
  TornFixture f = MakeTornFixture();
  std::string dir = TempDir("flip");
  for (uint64_t at = f.start; at < f.end; ++at) {
    CAPTURE(at);
    CopyDir(f.pristine, dir);
    {
      std::fstream file(fs::path(dir) / f.segment_name, std::ios::in | std::ios::out | std::ios::binary);
      file.seekg(static_cast<std::streamoff>(at));
      char c = static_cast<char>(file.get());
      file.seekp(static_cast<std::streamoff>(at));
      file.put(static_cast<char>(c ^ 0x40));
    }
    CheckRecoversFive(dir, f.end - f.start);
  }
  fs::remove_all(dir);
  fs::remove_all(f.pristine);
}

TEST_CASE("a torn segment header of the last segment is rewritten") {
  std::string dir = TempDir("torn_header");
  std::string last;
  {
    auto log = OpenLocalChangeLog({dir, 1024});
    for (int i = 0; i < 30; ++i) log->Append(Txn(i));
    log->Flush();
    last = SegmentFiles(dir).back();
  }
  // The crash came right after creating the next segment.
  std::string name = fs::path(last).filename().string();
  uint64_t seq = std::stoull(name.substr(0, 20)) + 1;
  std::string next_name = std::to_string(seq);
  next_name = std::string(20 - next_name.size(), '0') + next_name + ".seg";
  std::ofstream(fs::path(dir) / next_name, std::ios::binary).write("SLUI", 4);
  {
    auto log = OpenLocalChangeLog({dir, 1024});
    CHECK(log->recovery().truncated_bytes == 4);
    CHECK(log->LastPosition() == Pos(29));
    log->Append(Txn(30));
    log->Flush();
  }
  auto log = OpenLocalChangeLog({dir, 1024});
  CHECK(Positions(ReadAll(*log)) == PosRange(0, 31));
  fs::remove_all(dir);
}

TEST_CASE("damage in an earlier, sealed segment is an error, not a truncation") {
  std::string dir = TempDir("sealed_damage");
  {
    auto log = OpenLocalChangeLog({dir, 1024});
    for (int i = 0; i < 30; ++i) log->Append(Txn(i));
    log->Flush();
  }
  auto files = SegmentFiles(dir);
  REQUIRE(files.size() > 2);
  {
    std::fstream file(files[1], std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(40);
    file.put('#');
  }
  CHECK_THROWS_WITH_AS(OpenLocalChangeLog({dir, 1024}), doctest::Contains("not a torn write"), std::runtime_error);
  // A missing segment in the middle is refused too.
  fs::remove(files[1]);
  CHECK_THROWS_WITH_AS(OpenLocalChangeLog({dir, 1024}), doctest::Contains("is missing"), std::runtime_error);
  fs::remove_all(dir);
}

TEST_CASE("a segment of a foreign or newer format is refused, never overwritten") {
  std::string dir = TempDir("foreign");
  fs::create_directories(dir);
  std::string path = (fs::path(dir) / "00000000000000000001.seg").string();
  std::ofstream(path, std::ios::binary) << std::string("SLUICECL\x02\0\0\0\0\0\0\0", 16);
  CHECK_THROWS_WITH_AS(OpenLocalChangeLog({dir}), doctest::Contains("format version 2"), std::runtime_error);
  CHECK(fs::file_size(path) == 16);
  fs::remove_all(dir);
}

TEST_CASE("DecodeTransaction rejects truncated, mutated and random bytes without crashing") {
  CapturedTransaction t = Txn(7, 100);
  t.ddl.push_back({"shop", "DROP TABLE x"});
  std::string good = EncodeTransaction(t);
  for (size_t n = 0; n < good.size(); ++n) {
    CAPTURE(n);
    CHECK_THROWS_AS(DecodeTransaction(std::string_view(good).substr(0, n)), std::runtime_error);
  }
  CHECK_THROWS_AS(DecodeTransaction(good + "x"), std::runtime_error);

  std::mt19937 rng(12345);
  int decoded = 0;
  auto attempt = [&](const std::string& bytes) {
    try {
      DecodeTransaction(bytes);
      ++decoded;
    } catch (const std::runtime_error&) {
    }
  };
  for (int round = 0; round < 20000; ++round) {
    std::string bytes = good;
    int flips = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < flips; ++k) bytes[rng() % bytes.size()] = static_cast<char>(rng());
    attempt(bytes);
  }
  for (int round = 0; round < 20000; ++round) {
    std::string bytes(rng() % 64, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    if (!bytes.empty() && rng() % 2) bytes[0] = 1;  // past the version check
    attempt(bytes);
  }
  // Huge counts must be refused before anything is allocated.
  std::string huge("\x01\x00", 2);
  huge += std::string(8, '\0');
  huge += '\0';
  huge += "\xff\xff\xff\xff\xff\xff\xff\xff\x7f";
  CHECK_THROWS_WITH_AS(DecodeTransaction(huge), doctest::Contains("count larger"), std::runtime_error);
  MESSAGE("mutated or random inputs that still decoded: " << decoded);
}

// The child appends numbered transactions and flushes every few, reporting
// each flushed count on a pipe; the parent kills it with SIGKILL at a random
// moment, reopens, and checks that it finds a numbered prefix at least as
// long as the last count reported, every record intact. Repeated, so later
// rounds also recover logs that earlier rounds recovered and extended.
TEST_CASE("kill -9 at a random moment loses nothing flushed and returns no garbage") {
  std::string dir = TempDir("kill");
  std::mt19937 rng(static_cast<unsigned>(getpid()));
  int next = 0;
  for (int round = 0; round < 8; ++round) {
    CAPTURE(round);
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::close(fds[0]);
      try {
        auto log = OpenLocalChangeLog({dir, 256 << 10});
        for (int i = next;; ++i) {
          log->Append(Txn(i, static_cast<size_t>(i % 500)));
          if (i % 37 == 0) {
            log->Flush();
            int flushed = i + 1;
            if (::write(fds[1], &flushed, sizeof flushed) != sizeof flushed) _exit(3);
          }
        }
      } catch (...) {
        _exit(2);
      }
    }
    ::close(fds[1]);
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + rng() % 200));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    REQUIRE(WIFSIGNALED(status));
    int reported = next;
    int value;
    while (::read(fds[0], &value, sizeof value) == sizeof value) reported = value;
    ::close(fds[0]);

    auto log = OpenLocalChangeLog({dir, 256 << 10});
    auto got = ReadAll(*log);
    REQUIRE(static_cast<int>(got.size()) >= reported);
    for (int i = 0; i < static_cast<int>(got.size()); ++i) {
      if (!(got[i] == Txn(i, static_cast<size_t>(i % 500)))) {
        FAIL("record " << i << " differs (" << got[i].position << ")");
      }
    }
    CHECK(log->LastPosition() == (got.empty() ? "" : got.back().position));
    MESSAGE("round " << round << ": " << got.size() << " records, " << reported << " reported flushed, "
                     << log->recovery().truncated_bytes << " bytes cut");
    next = static_cast<int>(got.size());
  }
  CHECK(next > 0);
  fs::remove_all(dir);
}

// Not a pass/fail test (run with --no-skip -tc='*throughput*'): append+flush
// throughput for 1 KB transactions, Flush every 1000.
TEST_CASE("append and flush throughput" * doctest::skip()) {
  std::string dir = TempDir("throughput");
  auto log = OpenLocalChangeLog({dir});
  std::vector<CapturedTransaction> txns;
  for (int i = 0; i < 1000; ++i) txns.push_back(Txn(i, 930));
  std::string one = EncodeTransaction(txns[0]);
  constexpr int kTotal = 500'000;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kTotal; ++i) {
    log->Append(txns[i % 1000]);
    if (i % 1000 == 999) log->Flush();
  }
  log->Flush();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double mb = static_cast<double>(log->bytes_on_disk()) / 1e6;
  MESSAGE("payload " << one.size() << " bytes; wrote " << mb << " MB in " << seconds << " s = " << mb / seconds
                     << " MB/s, " << kTotal / seconds << " txn/s");
  auto read_start = std::chrono::steady_clock::now();
  auto reader = log->ReadAfter("");
  int n = 0;
  while (reader->Next()) ++n;
  double read_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - read_start).count();
  MESSAGE("read back " << n << " txns in " << read_seconds << " s = " << mb / read_seconds << " MB/s");
  CHECK(n == kTotal);
  log.reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sluice
