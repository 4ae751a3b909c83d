#include "runtime/state_store.h"

#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace sluice {
namespace {

std::string TempDir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("sluice_state_" + name + "_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  return dir.string();
}

TEST_CASE("tasks, chunks and positions survive reopening") {
  std::string dir = TempDir("reopen");
  {
    auto s = OpenSqliteStateStore(dir);
    s->EnsureTask("full.table:a.b", "full.table");
    s->StartTask("full.table:a.b");
    s->SaveChunks("full.table:a.b", {{0, "", "[\"10\"]"}, {1, "[\"10\"]", ""}});
    s->StartChunk("full.table:a.b", 0);
    s->FinishChunk("full.table:a.b", 0, 10, 100);
    s->SetPosition("source", "0-1-42");
    s->SetMeta("plan_fingerprint", "abc");
  }
  auto s = OpenSqliteStateStore(dir);
  auto t = s->GetTask("full.table:a.b");
  REQUIRE(t);
  CHECK(t->state == TaskState::kRunning);
  CHECK(t->attempts == 1);
  auto chunks = s->GetChunks("full.table:a.b");
  REQUIRE(chunks.size() == 2);
  CHECK(chunks[0].state == TaskState::kDone);
  CHECK(chunks[0].rows == 10);
  CHECK(chunks[0].attempts == 1);
  CHECK(chunks[1].state == TaskState::kPending);
  CHECK(chunks[1].lo == "[\"10\"]");
  CHECK(s->GetPosition("source") == "0-1-42");
  CHECK(s->GetMeta("plan_fingerprint") == "abc");
  s->EnsureTask("full.table:a.b", "full.table");  // does not reset
  CHECK(s->GetTask("full.table:a.b")->attempts == 1);
  std::filesystem::remove_all(dir);
}

TEST_CASE("stop requests") {
  std::string dir = TempDir("stop");
  auto s = OpenSqliteStateStore(dir);
  CHECK_FALSE(s->StopRequested());
  auto other = OpenSqliteStateStore(dir);  // `sluice stop` is another process
  other->RequestStop();
  CHECK(s->StopRequested());
  s->ClearStop();
  CHECK_FALSE(other->StopRequested());
  std::filesystem::remove_all(dir);
}

TEST_CASE("a store of another schema version is refused, garbage is refused") {
  std::string dir = TempDir("version");
  {
    auto s = OpenSqliteStateStore(dir);
    s->SetMeta("schema_version", "99");
  }
  CHECK_THROWS_WITH_AS(OpenSqliteStateStore(dir), doctest::Contains("schema version 99"), std::runtime_error);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/state.db") << "this is not a database, just text that is long enough to matter";
  CHECK_THROWS_AS(OpenSqliteStateStore(dir), std::runtime_error);
  std::filesystem::remove_all(dir);
}

TEST_CASE("no store: status sees nothing, and creates nothing") {
  std::string dir = TempDir("none");
  CHECK(OpenSqliteStateStoreIfExists(dir) == nullptr);
  CHECK_FALSE(std::filesystem::exists(dir));
  std::filesystem::create_directories(dir);
  CHECK(OpenSqliteStateStoreIfExists(dir) == nullptr);
  CHECK_FALSE(std::filesystem::exists(dir + "/state.db"));
  // A file a writer created and was killed before filling: no state yet.
  std::ofstream(dir + "/state.db").close();
  CHECK(OpenSqliteStateStoreIfExists(dir) == nullptr);
  std::filesystem::remove_all(dir);
}

// What `sluice status` sees after `kill -9` of `sluice apply`: a child process
// writes through its own store and is SIGKILLed with the store still open (no
// close, so no checkpoint: the last commits live in the WAL only).
void WriteAndGetKilled(const std::string& dir) {
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    auto s = OpenSqliteStateStore(dir);
    s->EnsureTask("full.table:a.b", "full.table");
    s->StartTask("full.table:a.b");
    s->SetTaskProgress("full.table:a.b", 1234, 5678, 10000);
    s->SetPosition("source", "0-1-99");
    kill(getpid(), SIGKILL);
    _exit(3);  // not reached
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WTERMSIG(status) == SIGKILL);
}

void CheckChildWrites(const std::string& dir) {
  auto s = OpenSqliteStateStoreIfExists(dir);
  REQUIRE(s != nullptr);
  auto t = s->GetTask("full.table:a.b");
  REQUIRE(t);
  CHECK(t->state == TaskState::kRunning);
  CHECK(t->attempts == 1);
  CHECK(t->rows == 1234);
  CHECK(t->rows_total == 10000);
  CHECK(s->GetPosition("source") == "0-1-99");
}

TEST_CASE("status sees what a writer killed with -9 committed") {
  std::string dir = TempDir("killed");
  {
    auto s = OpenSqliteStateStore(dir);  // an earlier, cleanly closed run
    s->SetPosition("source", "0-1-1");
  }
  WriteAndGetKilled(dir);
  REQUIRE(std::filesystem::exists(dir + "/state.db-wal"));
  REQUIRE(std::filesystem::file_size(dir + "/state.db-wal") > 0);

  SUBCASE("WAL and its index as the killed writer left them") { CheckChildWrites(dir); }
  SUBCASE("WAL index gone (state dir copied elsewhere, tmp cleaned): the WAL is recovered") {
    std::filesystem::remove(dir + "/state.db-shm");
    CheckChildWrites(dir);
  }
  SUBCASE("a writer reopening afterwards sees the same, and status again after it") {
    CheckChildWrites(dir);
    {
      auto w = OpenSqliteStateStore(dir);
      CHECK(w->GetPosition("source") == "0-1-99");
      w->FinishTask("full.table:a.b", TaskState::kDone, "");
    }
    auto s = OpenSqliteStateStoreIfExists(dir);
    REQUIRE(s != nullptr);
    CHECK(s->GetTask("full.table:a.b")->state == TaskState::kDone);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sluice
