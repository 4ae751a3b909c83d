// The command-line contract (docs/cli.md): exit codes, help for every
// subcommand, and the split of output between stdout and stderr.

#include <doctest/doctest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "tests/golden/golden.h"

namespace sluice {
namespace {

struct Run {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs the sluice binary with `args` (a shell fragment), in the source dir.
Run Sluice(const std::string& args, const std::string& env = "") {
  static int counter = 0;
  std::string err_file = std::filesystem::temp_directory_path() /
                         ("sluice_cli_test_" + std::to_string(getpid()) + "_" +
                          std::to_string(counter++) + ".err");
  std::string cmd = "cd '" + std::string(SLUICE_SOURCE_DIR) + "' && env -i PATH=/usr/bin:/bin " +
                    env + " '" + std::string(SLUICE_BINARY_DIR) + "/cli/sluice' " + args +
                    " 2>'" + err_file + "'";
  Run r;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.err = testing::ReadFileOrEmpty(err_file);
  std::filesystem::remove(err_file);
  return r;
}

TEST_CASE("--version and --help") {
  Run v = Sluice("--version");
  CHECK(v.exit_code == 0);
  CHECK(v.out.rfind("sluice ", 0) == 0);
  Run h = Sluice("--help");
  CHECK(h.exit_code == 0);
  CHECK(h.out.find("validate") != std::string::npos);
  Run none = Sluice("");
  CHECK(none.exit_code == 1);
  Run bogus = Sluice("frobnicate");
  CHECK(bogus.exit_code == 1);
}

TEST_CASE("every subcommand has --help") {
  for (const char* cmd : {"validate", "inspect", "plan", "graph"}) {
    CAPTURE(cmd);
    Run r = Sluice(std::string(cmd) + " --help");
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Usage") != std::string::npos);
  }
}

TEST_CASE("validate: every example plan is valid") {
  Run r = Sluice("validate plans/*.yaml");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("plans/postgresql-to-oceanbase.yaml: ok") != std::string::npos);
  // CI holds no secrets: unset variables are warnings.
  CHECK(r.err.find("warning: environment variable") != std::string::npos);
  CHECK(r.err.find(" 0 errors") == std::string::npos);
}

TEST_CASE("validate: a broken plan exits 1 with located diagnostics on stderr") {
  Run r = Sluice("validate tests/golden/diagnostics/misspelled_key.yaml");
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err.find("tests/golden/diagnostics/misspelled_key.yaml:14:3: error: unknown key "
                   "'paralel' in 'full'") != std::string::npos);
  CHECK(r.err.find("help: did you mean 'parallel'?") != std::string::npos);
  // No colour codes when stderr is not a terminal.
  CHECK(r.err.find('\033') == std::string::npos);
}

TEST_CASE("validate: --format json on stdout") {
  Run r = Sluice("validate --format json tests/golden/diagnostics/misspelled_key.yaml");
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("\"message\": \"unknown key 'paralel' in 'full'\"") != std::string::npos);
  CHECK(r.out.find("\"line\": 14") != std::string::npos);
}

TEST_CASE("validate: a missing file is an error, not a crash") {
  Run r = Sluice("validate no/such/plan.yaml");
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("cannot open 'no/such/plan.yaml'") != std::string::npos);
}

TEST_CASE("validate: --strict turns warnings into errors") {
  Run r = Sluice("validate --strict plans/mysql-to-oceanbase.yaml");
  CHECK(r.exit_code == 1);
  Run ok = Sluice("validate --strict plans/mysql-to-oceanbase.yaml",
                  "SHOP_MYSQL_PASSWORD=a SHOP_OB_PASSWORD=b");
  CHECK(ok.exit_code == 0);
}

TEST_CASE("secrets never reach the output") {
  Run r = Sluice("validate plans/mysql-to-oceanbase.yaml",
                 "SHOP_MYSQL_PASSWORD=hunter2-secret SHOP_OB_PASSWORD=other-secret");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("hunter2-secret") == std::string::npos);
  CHECK(r.err.find("hunter2-secret") == std::string::npos);
  Run bad = Sluice("validate --format json tests/golden/diagnostics/secrets_in_plan.yaml");
  CHECK(bad.exit_code == 1);
  CHECK(bad.out.find("S3cr3t-in-dsn") == std::string::npos);
  CHECK(bad.out.find("pa55word-literal") == std::string::npos);
}

}  // namespace
}  // namespace sluice
