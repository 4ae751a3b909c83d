#pragma once
// The change log: captured transactions buffered on local disk while the full
// copy runs (OMS's "store", DM's relay log), read back in order by the
// applier, then trimmed as the target confirms what it applied. It survives
// kill -9 at any instant: what Flush() made durable is there on reopen, a torn
// tail is cut off, never returned as garbage. Format: docs/change-log.md.
//
// Behind the ChangeLog interface so that Kafka topics can replace the local
// segments when workers run on several hosts (DESIGN.md).
//
// Threads: one writer (Append, Flush) and any number of readers, each Reader
// used by one thread at a time; ReleaseThrough and the const accessors may be
// called from any thread. Positions are opaque strings compared for equality
// only, so each must identify one transaction (the capture's resume points do).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/change.h"

namespace sluice {

struct ChangeLogOptions {
  std::string dir;                       // created if missing
  uint64_t segment_bytes = 64ull << 20;  // start a new segment file past this size
  uint64_t max_bytes = 8ull << 30;       // Full() once the retained bytes exceed this
};

// What opening found; worth logging when truncated_bytes > 0.
struct ChangeLogRecovery {
  uint64_t segments = 0;         // segment files retained
  uint64_t records = 0;          // whole records found
  uint64_t truncated_bytes = 0;  // cut off the tail of the last segment
  std::string truncated_why;     // e.g. "checksum mismatch at offset 4096 of 00000000000000000003.seg"
};

class ChangeLog {
 public:
  virtual ~ChangeLog() = default;

  // Writer side (one thread). Append buffers; Flush writes and fdatasyncs:
  // once it returns, every appended transaction survives kill -9 and power
  // loss, and readers can see it. Appended-but-unflushed transactions may be
  // lost by a crash, but only whole and only from the end.
  virtual void Append(const CapturedTransaction& txn) = 0;
  virtual void Flush() = 0;
  // `position` of the last durable transaction; "" when the log holds none.
  // Capture resumes from here after a restart.
  virtual std::string LastPosition() const = 0;
  // True while the retained bytes exceed max_bytes: the writer should pause
  // capture until the applier catches up and releases segments.
  virtual bool Full() const = 0;
  // Bytes of all retained segments, counting appended-but-unflushed ones.
  virtual uint64_t bytes_on_disk() const = 0;
  virtual const ChangeLogRecovery& recovery() const = 0;

  // Reader side. Next() returns the next durable transaction, or nullopt when
  // the reader has caught up with Flush (more may come later). Throws if the
  // data on disk is corrupt or was released under the reader.
  class Reader {
   public:
    virtual ~Reader() = default;
    virtual std::optional<CapturedTransaction> Next() = 0;
  };
  // Transactions strictly after the one whose position is `after`; "" reads
  // from the first retained transaction. Throws std::runtime_error naming the
  // retained range if no durable transaction has that position. The log must
  // outlive its readers.
  virtual std::unique_ptr<Reader> ReadAfter(const std::string& after) = 0;

  // The target has applied everything up to `position`: delete the segments
  // that lie wholly before the segment holding it. That segment itself is
  // kept, so ReadAfter(position) keeps working after a restart. The active
  // segment is never deleted. Throws if no retained transaction has this
  // position.
  virtual void ReleaseThrough(const std::string& position) = 0;
};

// The local implementation: segment files in options.dir, locked against a
// second process. Opening recovers: every record's length and checksum are
// checked; a torn or corrupt tail of the last segment is truncated (see
// recovery()), while damage in an earlier, sealed segment throws, since those
// were fully synced and cannot be torn by a crash.
std::unique_ptr<ChangeLog> OpenLocalChangeLog(ChangeLogOptions options);

// The record payload codec, exposed for tests and fuzzing. Decode throws
// std::runtime_error on malformed input (never reads out of bounds, never
// allocates more than the input can describe).
void EncodeTransaction(const CapturedTransaction& txn, std::string& out);  // appends to out
std::string EncodeTransaction(const CapturedTransaction& txn);
CapturedTransaction DecodeTransaction(std::string_view payload);

}  // namespace sluice
