#include "runtime/state_store.h"

#include <doctest/doctest.h>

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

TEST_CASE("no store: status sees nothing") {
  CHECK(OpenSqliteStateStoreIfExists(TempDir("none")) == nullptr);
}

}  // namespace
}  // namespace sluice
