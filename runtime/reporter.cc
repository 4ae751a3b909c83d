// Console reporting. On a terminal a background thread redraws, every half
// second, one line per active copy task (rows, %, rows/s, ETA) under the log
// of finished events; elsewhere (CI, files) it prints plain lines: one per
// event and a progress line per active task every few seconds.

#include "runtime/reporter.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sluice {

namespace {

using Clock = std::chrono::steady_clock;

std::string Thousands(int64_t n) {
  std::string d = std::to_string(n < 0 ? -n : n), out;
  for (size_t i = 0; i < d.size(); ++i) {
    if (i && (d.size() - i) % 3 == 0) out += ',';
    out += d[i];
  }
  return (n < 0 ? "-" : "") + out;
}

std::string Duration(double s) {
  if (s < 0 || s > 1e7) return "?";
  int64_t t = static_cast<int64_t>(s + 0.5);
  char buf[32];
  if (t >= 3600) std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", (long long)(t / 3600), (long long)(t / 60 % 60), (long long)(t % 60));
  else std::snprintf(buf, sizeof buf, "%lld:%02lld", (long long)(t / 60), (long long)(t % 60));
  return buf;
}

class ConsoleReporter : public Reporter {
 public:
  ConsoleReporter(bool tty, double interval) : tty_(tty), interval_(interval) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~ConsoleReporter() override { Finish(); }

  void TaskStarted(const std::string& id, const std::string&) override {
    std::lock_guard<std::mutex> l(mu_);
    active_[id] = Active{Clock::now(), 0, 0, 0};
    Log("started  " + id);
  }
  void TaskFinished(const std::string& id, double seconds) override {
    std::lock_guard<std::mutex> l(mu_);
    std::string extra;
    auto it = active_.find(id);
    if (it != active_.end() && it->second.rows > 0) {
      extra = "  " + Thousands(it->second.rows) + " rows, " +
              Thousands(static_cast<int64_t>(it->second.rows / std::max(seconds, 1e-3))) + " rows/s";
      summary_.push_back({id, it->second.rows, seconds});
    }
    active_.erase(id);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1fs", seconds);
    Log("done     " + id + " (" + buf + ")" + extra);
  }
  void TaskFailed(const std::string& id, const std::string& error) override {
    std::lock_guard<std::mutex> l(mu_);
    active_.erase(id);
    Log("FAILED   " + error);
  }
  void TaskRetrying(const std::string& id, int attempt, const std::string& reason, int64_t delay_ms) override {
    std::lock_guard<std::mutex> l(mu_);
    Log("retry    " + id + " (attempt " + std::to_string(attempt) + " in " + std::to_string(delay_ms) + "ms): " + reason);
  }
  void Progress(const std::string& id, int64_t rows, int64_t bytes, int64_t total) override {
    std::lock_guard<std::mutex> l(mu_);
    auto& a = active_[id];
    if (a.start == Clock::time_point{}) a.start = Clock::now();
    a.rows = rows;
    a.bytes = bytes;
    a.total = total;
  }
  void Note(const std::string& message) override {
    std::lock_guard<std::mutex> l(mu_);
    Log(message);
  }
  void Finish() override {
    {
      std::lock_guard<std::mutex> l(mu_);
      if (done_) return;
      done_ = true;
      cv_.notify_all();
    }
    if (thread_.joinable()) thread_.join();
    std::lock_guard<std::mutex> l(mu_);
    ClearView();
    if (!summary_.empty()) {
      std::fprintf(stderr, "copied:\n");
      int64_t total = 0;
      for (const auto& s : summary_) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.1fs", s.seconds);
        std::fprintf(stderr, "  %-50s %14s rows  %s\n", s.id.c_str(), Thousands(s.rows).c_str(), buf);
        total += s.rows;
      }
      std::fprintf(stderr, "  %-50s %14s rows\n", "total", Thousands(total).c_str());
    }
    std::fflush(stderr);
  }

 private:
  struct Active {
    Clock::time_point start;
    int64_t rows = 0, bytes = 0, total = 0;
  };
  struct Done {
    std::string id;
    int64_t rows;
    double seconds;
  };

  std::string Line(const std::string& id, const Active& a) const {
    double secs = std::chrono::duration<double>(Clock::now() - a.start).count();
    double rate = secs > 0 ? a.rows / secs : 0;
    std::string pct = a.total > 0 ? std::to_string(std::min<int64_t>(100, a.rows * 100 / a.total)) + "%" : "";
    std::string eta = (a.total > 0 && rate > 0 && a.rows < a.total) ? " ETA " + Duration((a.total - a.rows) / rate) : "";
    return "  " + id + "  " + pct + " " + Thousands(a.rows) + (a.total > 0 ? "/" + Thousands(a.total) : "") +
           " rows  " + Thousands(static_cast<int64_t>(rate)) + " rows/s" + eta;
  }

  void Log(const std::string& line) {
    ClearView();
    std::fprintf(stderr, "%s\n", line.c_str());
    DrawView();
  }
  void ClearView() {
    if (!tty_ || drawn_ == 0) return;
    for (int i = 0; i < drawn_; ++i) std::fprintf(stderr, "\033[1A\033[2K");
    drawn_ = 0;
  }
  void DrawView() {
    if (!tty_) return;
    for (const auto& [id, a] : active_) {
      if (a.rows == 0 && a.total == 0) continue;
      std::fprintf(stderr, "%s\n", Line(id, a).c_str());
      ++drawn_;
    }
    std::fflush(stderr);
  }
  void Loop() {
    auto last_plain = Clock::now();
    std::unique_lock<std::mutex> l(mu_);
    while (!done_) {
      cv_.wait_for(l, std::chrono::milliseconds(500));
      if (done_) break;
      if (tty_) {
        ClearView();
        DrawView();
      } else if (std::chrono::duration<double>(Clock::now() - last_plain).count() >= interval_) {
        last_plain = Clock::now();
        for (const auto& [id, a] : active_) {
          if (a.rows > 0 || a.total > 0) std::fprintf(stderr, "progress%s\n", Line(id, a).c_str());
        }
        std::fflush(stderr);
      }
    }
  }

  bool tty_;
  double interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Active> active_;
  std::vector<Done> summary_;
  int drawn_ = 0;
  bool done_ = false;
  std::thread thread_;
};

class SilentReporter : public Reporter {
 public:
  void TaskStarted(const std::string&, const std::string&) override {}
  void TaskFinished(const std::string&, double) override {}
  void TaskFailed(const std::string&, const std::string&) override {}
  void TaskRetrying(const std::string&, int, const std::string&, int64_t) override {}
  void Progress(const std::string&, int64_t, int64_t, int64_t) override {}
  void Note(const std::string&) override {}
  void Finish() override {}
};

}  // namespace

std::unique_ptr<Reporter> MakeConsoleReporter(bool tty, double interval_s) {
  return std::make_unique<ConsoleReporter>(tty, interval_s);
}
std::unique_ptr<Reporter> MakeSilentReporter() { return std::make_unique<SilentReporter>(); }

}  // namespace sluice
