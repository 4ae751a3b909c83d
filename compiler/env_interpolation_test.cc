#include "compiler/env_interpolation.h"

#include <doctest/doctest.h>

#include <map>

namespace sluice {
namespace {

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST_CASE("references are replaced by their values") {
  auto r = Interpolate("mysql://${env:USER_X}@h/db", FakeEnv({{"USER_X", "bob"}}));
  REQUIRE(r.ok);
  CHECK(r.value == "mysql://bob@h/db");
  REQUIRE(r.refs.size() == 1);
  CHECK(r.refs[0].offset == 8);
  CHECK(r.refs[0].length == 13);
  CHECK(r.AllSet());
}

TEST_CASE("unset references are recorded, not fatal") {
  auto r = Interpolate("${env:NOPE}", FakeEnv({}));
  REQUIRE(r.ok);
  CHECK_FALSE(r.AllSet());
  CHECK(r.IsSingleReference("${env:NOPE}"));
}

TEST_CASE("dollar escapes and lone dollars") {
  auto r = Interpolate("a$$b$c", FakeEnv({}));
  REQUIRE(r.ok);
  CHECK(r.value == "a$b$c");
  CHECK(r.refs.empty());
}

TEST_CASE("malformed references") {
  auto a = Interpolate("x${env:A", FakeEnv({}));
  CHECK_FALSE(a.ok);
  CHECK(a.error_offset == 1);
  auto b = Interpolate("${evn:A}", FakeEnv({}));
  CHECK_FALSE(b.ok);
  CHECK(b.help.find("did you mean 'env'?") == 0);
  auto c = Interpolate("${env:1A}", FakeEnv({}));
  CHECK_FALSE(c.ok);
  auto d = Interpolate("${env:}", FakeEnv({}));
  CHECK_FALSE(d.ok);
}

}  // namespace
}  // namespace sluice
