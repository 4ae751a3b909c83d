#pragma once
// Metrics for Prometheus: a registry of named counters and gauges with
// labels, rendered in the text exposition format (version 0.0.4), and a small
// HTTP server that serves it at GET /metrics while `apply` runs.
//
//   MetricsRegistry registry;
//   Counter& rows = registry.GetCounter("sluice_apply_rows_total", "Rows applied on the target.",
//                                       {{"table", "shop.orders"}});
//   rows.Add(500);                                      // hot path: one atomic add
//   registry.GetGauge("sluice_lag_seconds", "Source commit to target apply.").Set(1.5);
//   MetricsServer server(registry, {.port = 9464});
//   server.Start();                                     // serves until Stop() or destruction
//
// No global registry: each run owns one and hands it to what reports into it.

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice {

// Label name → value. Order does not matter: a series is identified by its
// labels sorted by name, and rendered that way.
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// Monotonic (Prometheus resets are process restarts).
class Counter {
 public:
  void Add(double v = 1);  // v >= 0
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class MetricsRegistry {
 public:
  // The series for `name` with these labels, created on first use; the
  // reference stays valid as long as the registry. `help` is kept from the
  // first call. Throws std::invalid_argument for a name or label name that is
  // not valid in Prometheus, a duplicate label name, or a name already
  // registered with the other type: those are bugs that would make the whole
  // exposition unparsable, so they fail loudly even in release builds.
  Counter& GetCounter(std::string_view name, std::string_view help, const MetricLabels& labels = {});
  Gauge& GetGauge(std::string_view name, std::string_view help, const MetricLabels& labels = {});

  // The text exposition: families sorted by name, series by their labels,
  // each family preceded by # HELP and # TYPE. Deterministic for equal values.
  std::string Render() const;

 private:
  enum class Type { kCounter, kGauge };
  struct Family {
    Type type;
    std::string help;
    // Keyed by the rendered label set (`{a="x",b="y"}` or ""), so the map
    // order is the output order. unique_ptr: references must stay valid.
    std::map<std::string, std::unique_ptr<Counter>> counters;
    std::map<std::string, std::unique_ptr<Gauge>> gauges;
  };
  Family& GetFamily(std::string_view name, std::string_view help, Type type);

  mutable std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_;
};

// Helpers exposed for tests.
std::string EscapeLabelValue(std::string_view v);  // \ " and newline escaped
std::string FormatMetricValue(double v);           // 42, 0.25, 1e+300, +Inf, -Inf, NaN

struct MetricsServerOptions {
  std::string host = "127.0.0.1";  // loopback by default: metrics are not for the world
  int port = 0;                    // 0: pick a free port (see port())
};

// Serves GET /metrics (200, text/plain; version=0.0.4) and 404 for anything
// else, on its own threads. Start() binds synchronously, so a port in use is
// an error from Start(), not a silent background failure.
class MetricsServer {
 public:
  // `registry` must outlive the server.
  MetricsServer(const MetricsRegistry& registry, MetricsServerOptions options = {});
  ~MetricsServer();  // Stop()
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // Throws std::runtime_error if the address cannot be bound, or if already
  // started. May be called again after Stop().
  void Start();
  // Stops accepting, finishes and joins every server thread. Idempotent.
  void Stop();
  bool running() const;
  int port() const;  // the bound port while running (the chosen one when options.port was 0)

 private:
  struct Impl;
  const MetricsRegistry& registry_;
  MetricsServerOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice
