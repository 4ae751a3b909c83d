#pragma once
// The full copy of one table (task kind "full.table").
//
// 1. Plan chunks once and save them in the state store: key ranges computed
//    from the key distribution (a uniform split of [min, max] for a single
//    integer key, else every Nth key of an ordered key scan), never OFFSET.
//    A table without a usable key is one chunk.
// 2. Copy each pending chunk in one target transaction: delete the range
//    (rows a crashed attempt may have left), stream the source rows through
//    the value codecs into the target's bulk loader, commit, then mark the
//    chunk done. A kill -9 at any point therefore redoes at most the chunks
//    that were running, and never duplicates a row.
// 3. Rows that cannot be represented follow the plan: `fail` stops with the
//    table, key and reason; `reject` writes them to the reject file.

#include <atomic>
#include <cstdint>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/endpoints.h"
#include "runtime/executor.h"

namespace sluice {

// Copy slots shared by all tables: at most `full.parallel` chunks copy at once.
class CopySlots {
 public:
  explicit CopySlots(int n) : free_(n) {}
  void Acquire();
  void Release();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int free_;
};

// Appends rejected rows to one TSV file (table, key, reason, row as JSON).
class RejectSink {
 public:
  explicit RejectSink(std::string path) : path_(std::move(path)) {}
  void Reject(const std::string& table, const std::string& key_json, const std::string& reason,
              const std::string& row_json);
  int64_t count() const { return count_; }
  const std::string& path() const { return path_; }

 private:
  std::mutex mu_;
  std::string path_;
  std::atomic<int64_t> count_{0};
};

// The upper bounds (inclusive) of the chunks of a single integer key from
// MIN to MAX with `count` rows: a uniform split, increasing, without
// duplicates; the last chunk (above the last bound) is open. Exposed for tests.
std::vector<std::string> IntegerChunkBounds(const std::string& min_key, const std::string& max_key, int64_t count,
                                            int64_t chunk_rows);

class CopyConsistency;  // runtime/incremental.h

// `consistency`: set in plans with an incremental step (reads in snapshots).
std::shared_ptr<TaskRunner> MakeFullCopyRunner(const Endpoints& endpoints, CopySlots& slots, RejectSink& rejects,
                                               CopyConsistency* consistency = nullptr);

}  // namespace sluice
