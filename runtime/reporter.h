#pragma once
// Progress and events of a run, for humans (a live view on a terminal, plain
// periodic lines otherwise) and for tests. Thread-safe implementations only:
// runners report from worker threads.

#include <cstdint>
#include <memory>
#include <string>

namespace sluice {

class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void TaskStarted(const std::string& id, const std::string& description) = 0;
  virtual void TaskFinished(const std::string& id, double seconds) = 0;
  virtual void TaskFailed(const std::string& id, const std::string& error) = 0;
  virtual void TaskRetrying(const std::string& id, int attempt, const std::string& reason, int64_t delay_ms) = 0;
  // Copy progress of a table: rows and bytes written so far, rows expected (0: unknown).
  virtual void Progress(const std::string& id, int64_t rows, int64_t bytes, int64_t rows_total) = 0;
  virtual void Note(const std::string& message) = 0;
  // Called when the run ends (the live view draws its final frame).
  virtual void Finish() = 0;
};

// Writes to stderr: a redrawn per-table view when `tty`, else plain lines
// (one per task event, progress every `interval_s` seconds).
std::unique_ptr<Reporter> MakeConsoleReporter(bool tty, double interval_s = 5.0);
// Records nothing (tests).
std::unique_ptr<Reporter> MakeSilentReporter();

}  // namespace sluice
