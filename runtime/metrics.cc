// The registry keeps families (name → type, help, series) in sorted maps
// under one mutex, taken only to find or create a series and to render;
// updates go straight to the series' atomic, so the hot path never locks.
// A series is keyed by its rendered label set, labels sorted by name, which
// makes the rendered text deterministic.
//
// The server is cpp-httplib (Debian's libcpp-httplib, a compiled library):
// Start() binds on the caller's thread, so bind errors are reported there,
// then runs the accept loop on one thread with a pool of two workers (a
// scrape is one small request). Stop() closes the listening socket and joins
// the thread, which joins the pool.

#include "runtime/metrics.h"

#include <httplib.h>

#include <algorithm>
#include <cassert>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <thread>

namespace sluice {
namespace {

bool ValidName(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':') ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

std::string EscapeHelp(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

// `{a="x",b="y"}`, or "" without labels.
std::string LabelKey(std::string_view metric, MetricLabels labels) {
  std::sort(labels.begin(), labels.end());
  std::string key;
  for (size_t i = 0; i < labels.size(); ++i) {
    const auto& [name, value] = labels[i];
    if (!ValidName(name, false) || name.starts_with("__"))
      throw std::invalid_argument("metric " + std::string(metric) + ": invalid label name '" + name + "'");
    if (i > 0 && labels[i - 1].first == name)
      throw std::invalid_argument("metric " + std::string(metric) + ": label '" + name + "' given twice");
    key += i == 0 ? "{" : ",";
    key += name + "=\"" + EscapeLabelValue(value) + "\"";
  }
  if (!key.empty()) key += "}";
  return key;
}

}  // namespace

void Counter::Add(double v) {
  assert(v >= 0 && "counters only go up");
  value_.fetch_add(v, std::memory_order_relaxed);
}

std::string EscapeLabelValue(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string FormatMetricValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // Whole numbers (the usual counter) print without a fraction or exponent.
  if (v == std::trunc(v) && std::fabs(v) < 9007199254740992.0) return std::to_string(static_cast<int64_t>(v));
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  assert(ec == std::errc());
  return std::string(buf, end);
}

MetricsRegistry::Family& MetricsRegistry::GetFamily(std::string_view name, std::string_view help, Type type) {
  if (!ValidName(name, true)) throw std::invalid_argument("invalid metric name '" + std::string(name) + "'");
  auto it = families_.find(name);
  if (it == families_.end()) it = families_.emplace(std::string(name), Family{type, std::string(help), {}, {}}).first;
  if (it->second.type != type) {
    throw std::invalid_argument("metric " + std::string(name) + " is already registered as a " +
                                (it->second.type == Type::kCounter ? "counter" : "gauge"));
  }
  return it->second;
}

Counter& MetricsRegistry::GetCounter(std::string_view name, std::string_view help, const MetricLabels& labels) {
  std::string key = LabelKey(name, labels);
  std::lock_guard lock(mu_);
  auto& slot = GetFamily(name, help, Type::kCounter).counters[key];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& MetricsRegistry::GetGauge(std::string_view name, std::string_view help, const MetricLabels& labels) {
  std::string key = LabelKey(name, labels);
  std::lock_guard lock(mu_);
  auto& slot = GetFamily(name, help, Type::kGauge).gauges[key];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

std::string MetricsRegistry::Render() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, family] : families_) {
    bool counter = family.type == Type::kCounter;
    if (!family.help.empty()) out += "# HELP " + name + " " + EscapeHelp(family.help) + "\n";
    out += "# TYPE " + name + (counter ? " counter\n" : " gauge\n");
    const std::string& family_name = name;  // clang 14 cannot capture a structured binding
    auto series = [&](const std::string& key, double value) {
      out += family_name + key + " " + FormatMetricValue(value) + "\n";
    };
    for (const auto& [key, c] : family.counters) series(key, c->Value());
    for (const auto& [key, g] : family.gauges) series(key, g->Value());
  }
  return out;
}

// ---------------------------------------------------------------------------

struct MetricsServer::Impl {
  httplib::Server server;
  std::thread thread;
  std::atomic<bool> finished{false};
  int port = 0;
};

MetricsServer::MetricsServer(const MetricsRegistry& registry, MetricsServerOptions options)
    : registry_(registry), options_(std::move(options)) {}

MetricsServer::~MetricsServer() { Stop(); }

void MetricsServer::Start() {
  if (impl_) throw std::runtime_error("metrics server: already started");
  auto impl = std::make_unique<Impl>();
  httplib::Server& server = impl->server;
  server.new_task_queue = [] { return new httplib::ThreadPool(2); };
  // Short timeouts: an idle keep-alive connection must not hold Stop() up.
  server.set_keep_alive_timeout(1);
  server.set_read_timeout(5);
  server.set_write_timeout(5);
  // httplib's default sets SO_REUSEPORT, which lets a second process bind the
  // same port and silently take half the scrapes; SO_REUSEADDR alone still
  // allows a quick restart past TIME_WAIT.
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  const MetricsRegistry& registry = registry_;
  server.Get("/metrics", [&registry](const httplib::Request&, httplib::Response& res) {
    res.set_content(registry.Render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.status == 404) res.set_content("not found; metrics are at /metrics\n", "text/plain");
  });

  std::string where = options_.host + ":" + std::to_string(options_.port);
  if (options_.port == 0) {
    impl->port = server.bind_to_any_port(options_.host);
  } else {
    impl->port = server.bind_to_port(options_.host, options_.port) ? options_.port : -1;
  }
  if (impl->port <= 0) {
    throw std::runtime_error("metrics server: cannot listen on " + where +
                             " (address in use, or not an address of this host)");
  }
  Impl* raw = impl.get();
  raw->thread = std::thread([raw] {
    raw->server.listen_after_bind();
    raw->finished = true;
  });
  // httplib's stop() does nothing until the accept loop has started, so a
  // Stop() right after Start() would hang; wait for the loop here.
  while (!raw->server.is_running() && !raw->finished) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (raw->finished) {
    raw->thread.join();
    throw std::runtime_error("metrics server: the accept loop on " + where + " ended at once");
  }
  impl_ = std::move(impl);
}

void MetricsServer::Stop() {
  if (!impl_) return;
  impl_->server.stop();
  impl_->thread.join();
  impl_.reset();
}

bool MetricsServer::running() const { return impl_ != nullptr; }

int MetricsServer::port() const { return impl_ ? impl_->port : 0; }

}  // namespace sluice
