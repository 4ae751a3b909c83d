#include "runtime/metrics.h"

#include <doctest/doctest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <thread>

#include "tests/integration/test_env.h"

namespace sluice {
namespace {

using testing::HttpBody;
using testing::HttpGet;

size_t ThreadCount() {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/task")) ++n;
  return n;
}

// The thread count once it has come back to `want` (a joined thread's
// /proc/self/task entry can outlive the join by a moment), or after 2 s.
size_t ThreadCountSettledAt(size_t want) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  size_t n = ThreadCount();
  while (n != want && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    n = ThreadCount();
  }
  return n;
}

TEST_CASE("the registry renders the Prometheus text format") {
  MetricsRegistry r;
  // Registered out of order, labels given out of order: the text is sorted.
  r.GetCounter("sluice_apply_rows_total", "Rows applied on the target.", {{"table", "shop.orders"}}).Add(1500);
  r.GetCounter("sluice_apply_rows_total", "ignored: help is kept from the first call",
               {{"table", "shop.customers"}})
      .Add(2);
  r.GetGauge("sluice_lag_seconds", "Seconds between the source commit and its apply.").Set(0.25);
  r.GetCounter("sluice_errors_total", "Errors.\nBy task, with a backslash \\ in the help.",
               {{"task", "full.chunk:a\"b\\c\nd"}, {"kind", "retry"}})
      .Add();
  r.GetGauge("sluice_bytes_per_second", "").Set(std::numeric_limits<double>::infinity());
  r.GetCounter("sluice_apply_rows_total", "", {{"table", "shop.orders"}}).Add(0.5);

  CHECK(r.Render() ==
        "# HELP sluice_apply_rows_total Rows applied on the target.\n"
        "# TYPE sluice_apply_rows_total counter\n"
        "sluice_apply_rows_total{table=\"shop.customers\"} 2\n"
        "sluice_apply_rows_total{table=\"shop.orders\"} 1500.5\n"
        "# TYPE sluice_bytes_per_second gauge\n"
        "sluice_bytes_per_second +Inf\n"
        "# HELP sluice_errors_total Errors.\\nBy task, with a backslash \\\\ in the help.\n"
        "# TYPE sluice_errors_total counter\n"
        "sluice_errors_total{kind=\"retry\",task=\"full.chunk:a\\\"b\\\\c\\nd\"} 1\n"
        "# HELP sluice_lag_seconds Seconds between the source commit and its apply.\n"
        "# TYPE sluice_lag_seconds gauge\n"
        "sluice_lag_seconds 0.25\n");
  CHECK(MetricsRegistry().Render() == "");
}

TEST_CASE("the same name and labels give the same series") {
  MetricsRegistry r;
  Counter& a = r.GetCounter("c_total", "", {{"x", "1"}, {"y", "2"}});
  Counter& b = r.GetCounter("c_total", "", {{"y", "2"}, {"x", "1"}});
  CHECK(&a == &b);
  CHECK(&r.GetCounter("c_total", "", {{"x", "2"}}) != &a);
  Gauge& g = r.GetGauge("g", "");
  g.Set(5);
  g.Add(-7.5);
  CHECK(r.GetGauge("g", "").Value() == -2.5);
}

TEST_CASE("invalid names and type clashes are refused") {
  MetricsRegistry r;
  r.GetCounter("sluice_rows_total", "");
  CHECK_THROWS_WITH_AS(r.GetGauge("sluice_rows_total", ""), "metric sluice_rows_total is already registered as a counter",
                       std::invalid_argument);
  CHECK_THROWS_AS(r.GetCounter("9lives", ""), std::invalid_argument);
  CHECK_THROWS_AS(r.GetCounter("has-dash", ""), std::invalid_argument);
  CHECK_THROWS_AS(r.GetCounter("", ""), std::invalid_argument);
  CHECK_NOTHROW(r.GetCounter("ns:sub_total", ""));
  CHECK_THROWS_AS(r.GetCounter("ok", "", {{"a:b", "x"}}), std::invalid_argument);
  CHECK_THROWS_AS(r.GetCounter("ok", "", {{"__reserved", "x"}}), std::invalid_argument);
  CHECK_THROWS_WITH_AS(r.GetCounter("ok", "", {{"a", "x"}, {"a", "y"}}), "metric ok: label 'a' given twice",
                       std::invalid_argument);
}

TEST_CASE("values format as Prometheus reads them") {
  CHECK(FormatMetricValue(0) == "0");
  CHECK(FormatMetricValue(-0.0) == "0");
  CHECK(FormatMetricValue(42) == "42");
  CHECK(FormatMetricValue(-3) == "-3");
  CHECK(FormatMetricValue(0.1) == "0.1");
  CHECK(FormatMetricValue(1e300) == "1e+300");
  CHECK(FormatMetricValue(1e17) == "1e+17");
  CHECK(FormatMetricValue(1.5e-9) == "1.5e-09");
  CHECK(FormatMetricValue(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(FormatMetricValue(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(FormatMetricValue(std::nan("")) == "NaN");
  CHECK(EscapeLabelValue("a\\b\"c\nd") == "a\\\\b\\\"c\\nd");
}

TEST_CASE("counters add exactly under concurrent updates") {
  MetricsRegistry r;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&r, t] {
      Counter& c = r.GetCounter("sluice_rows_total", "", {{"table", "t" + std::to_string(t % 2)}});
      for (int i = 0; i < 100000; ++i) c.Add();
    });
  }
  for (auto& t : threads) t.join();
  CHECK(r.GetCounter("sluice_rows_total", "", {{"table", "t0"}}).Value() == 200000);
  CHECK(r.GetCounter("sluice_rows_total", "", {{"table", "t1"}}).Value() == 200000);
}

TEST_CASE("the server serves /metrics and 404 elsewhere") {
  MetricsRegistry r;
  Counter& rows = r.GetCounter("sluice_apply_rows_total", "Rows applied.", {{"table", "shop.orders"}});
  rows.Add(7);
  MetricsServer server(r);
  server.Start();
  REQUIRE(server.running());
  int port = server.port();
  REQUIRE(port > 0);

  std::string response = HttpGet(port, "/metrics");
  CHECK(response.starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(response.find("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n") != std::string::npos);
  CHECK(HttpBody(response) == r.Render());
  CHECK(HttpBody(response).find("sluice_apply_rows_total{table=\"shop.orders\"} 7\n") != std::string::npos);

  rows.Add(3);
  CHECK(HttpBody(HttpGet(port, "/metrics")).find("sluice_apply_rows_total{table=\"shop.orders\"} 10\n") !=
        std::string::npos);

  std::string missing = HttpGet(port, "/other");
  CHECK(missing.starts_with("HTTP/1.1 404 Not Found\r\n"));
  CHECK(HttpBody(missing) == "not found; metrics are at /metrics\n");
  CHECK(HttpGet(port, "/").starts_with("HTTP/1.1 404"));
  server.Stop();
  CHECK_FALSE(server.running());
}

TEST_CASE("start and stop twice leave no thread behind") {
  MetricsRegistry r;
  r.GetGauge("sluice_lag_seconds", "").Set(1);
  size_t before = ThreadCount();
  MetricsServer server(r);
  for (int round = 0; round < 2; ++round) {
    CAPTURE(round);
    server.Start();
    CHECK_THROWS_WITH_AS(server.Start(), "metrics server: already started", std::runtime_error);
    CHECK(ThreadCount() > before);
    CHECK(HttpBody(HttpGet(server.port(), "/metrics")) == "# TYPE sluice_lag_seconds gauge\nsluice_lag_seconds 1\n");
    server.Stop();
    server.Stop();  // idempotent
    CHECK(ThreadCountSettledAt(before) == before);
  }
  {
    MetricsServer scoped(r);
    scoped.Start();
  }  // the destructor stops it
  CHECK(ThreadCountSettledAt(before) == before);
}

TEST_CASE("a port in use is an error from Start") {
  MetricsRegistry r;
  MetricsServer first(r);
  first.Start();
  MetricsServer second(r, {"127.0.0.1", first.port()});
  CHECK_THROWS_WITH_AS(second.Start(), doctest::Contains("cannot listen on 127.0.0.1:"), std::runtime_error);
  CHECK_FALSE(second.running());
}

TEST_CASE("Stop does not wait long for an idle keep-alive client") {
  MetricsRegistry r;
  MetricsServer server(r);
  server.Start();
  int fd = testing::ConnectLoopback(server.port());
  REQUIRE(fd >= 0);
  std::string request = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";  // keep-alive
  REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
  char buf[1024];
  REQUIRE(::recv(fd, buf, sizeof buf, 0) > 0);
  auto start = std::chrono::steady_clock::now();
  server.Stop();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(seconds < 3);
  ::close(fd);
}

}  // namespace
}  // namespace sluice
