// Golden translation tests: grammar/testdata/*.txt hold one case per line,
//
//   source[/kind] ¦ target ¦ input ¦ expected ¦ outcome ¦ messages
//
// kind is expr (default), select or type. For target "error" the expected
// column is "offset+length: message (hint)" and the outcome column is "-".
// Every printed translation that is not unsupported must parse again in the
// target dialect, and printing it again must give the same text (a fixed
// point), so the goldens cannot drift into SQL the target would reject.
// SLUICE_UPDATE_GOLDEN=1 rewrites the expected/outcome/messages columns from
// the actual results; review the diff before committing it.

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "doctest/doctest.h"
#include "grammar/expr_parser.h"
#include "grammar/expr_printer.h"

namespace sluice {
namespace {

const char* kSep = " \xC2\xA6 ";  // " ¦ "

std::vector<std::string> Split(const std::string& line) {
  std::vector<std::string> out;
  size_t pos = 0;
  for (;;) {
    size_t next = line.find(kSep, pos);
    if (next == std::string::npos) {
      out.push_back(line.substr(pos));
      break;
    }
    out.push_back(line.substr(pos, next - pos));
    pos = next + std::string(kSep).size();
  }
  for (auto& f : out) {
    while (!f.empty() && (f.back() == ' ' || f.back() == '\r')) f.pop_back();
    while (!f.empty() && f.front() == ' ') f.erase(f.begin());
  }
  return out;
}

std::string JoinMessages(const std::vector<std::string>& m) {
  std::string out;
  for (size_t i = 0; i < m.size(); ++i) out += (i ? " / " : "") + m[i];
  return out;
}

struct Actual {
  std::string text;
  std::string outcome;
  std::string messages;
};

Actual Run(const std::string& kind, Dialect source, const std::string& target_name, const std::string& input) {
  std::vector<ParseError> errors;
  ExprParseResult e;
  SelectParseResult s;
  TypeNameParseResult t;
  if (kind == "select") {
    s = ParseSelect(input, source);
    errors = s.errors;
  } else if (kind == "type") {
    t = ParseTypeName(input, source);
    errors = t.errors;
  } else {
    e = ParseExpression(input, source);
    errors = e.errors;
  }
  if (!errors.empty()) {
    const ParseError& err = errors[0];
    std::string text = std::to_string(err.offset) + "+" + std::to_string(err.length) + ": " + err.message;
    if (!err.hint.empty()) text += " (" + err.hint + ")";
    return {text, "-", ""};
  }
  if (target_name == "error") return {"parsed without error", "-", ""};
  auto target = ParseDialect(target_name);
  REQUIRE_MESSAGE(target.has_value(), "unknown target " << target_name);
  PrintResult r = kind == "select" ? PrintSelect(*s.select, *target)
                  : kind == "type" ? PrintTypeName(*t.type, *target)
                                   : PrintExpression(*e.expr, *target);
  return {r.text, OutcomeName(r.outcome), JoinMessages(r.messages)};
}

// The printed text must parse in the target and print to itself.
void CheckFixedPoint(const std::string& kind, Dialect target, const std::string& text, const std::string& where) {
  std::string again;
  if (kind == "type") {
    auto r = ParseTypeName(text, target);
    REQUIRE_MESSAGE(r.ok(), where << ": output does not parse in the target: " << text << " -> "
                                  << (r.errors.empty() ? "" : FormatParseError(r.errors[0])));
    again = PrintTypeName(*r.type, target).text;
  } else if (kind == "select") {
    auto r = ParseSelect(text, target);
    REQUIRE_MESSAGE(r.ok(), where << ": output does not parse in the target: " << text << " -> "
                                  << (r.errors.empty() ? "" : FormatParseError(r.errors[0])));
    again = PrintSelect(*r.select, target).text;
  } else {
    auto r = ParseExpression(text, target);
    REQUIRE_MESSAGE(r.ok(), where << ": output does not parse in the target: " << text << " -> "
                                  << (r.errors.empty() ? "" : FormatParseError(r.errors[0])));
    again = PrintExpression(*r.expr, target).text;
  }
  CHECK_MESSAGE(again == text, where << ": printing is not a fixed point: " << text << " -> " << again);
}

void RunGoldenFile(const std::string& path) {
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  bool update = std::getenv("SLUICE_UPDATE_GOLDEN") != nullptr;
  std::vector<std::string> out_lines;
  std::string line;
  int lineno = 0, cases = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty() || line[0] == '#') {
      out_lines.push_back(line);
      continue;
    }
    auto f = Split(line);
    std::string where = path + ":" + std::to_string(lineno);
    REQUIRE_MESSAGE(f.size() >= 3, where << ": expected at least 3 fields");
    std::string source_name = f[0], kind = "expr";
    if (auto slash = source_name.find('/'); slash != std::string::npos) {
      kind = source_name.substr(slash + 1);
      source_name = source_name.substr(0, slash);
    }
    auto source = ParseDialect(source_name);
    REQUIRE_MESSAGE(source.has_value(), where << ": unknown dialect " << source_name);
    Actual a = Run(kind, *source, f[1], f[2]);
    ++cases;
    if (update) {
      std::string row = f[0] + kSep + f[1] + kSep + f[2] + kSep + a.text + kSep + a.outcome;
      if (!a.messages.empty()) row += kSep + a.messages;
      out_lines.push_back(row);
      continue;
    }
    REQUIRE_MESSAGE(f.size() >= 5, where << ": expected 5 fields, got " << f.size() << " (run with SLUICE_UPDATE_GOLDEN=1)");
    CHECK_MESSAGE(a.text == f[3], where << ": " << f[2] << "\n  expected: " << f[3] << "\n  actual:   " << a.text);
    CHECK_MESSAGE(a.outcome == f[4], where << ": outcome " << a.outcome << ", expected " << f[4]);
    std::string messages = f.size() > 5 ? f[5] : "";
    CHECK_MESSAGE(a.messages == messages, where << ": messages\n  expected: " << messages << "\n  actual:   " << a.messages);
    if (f[1] != "error" && a.outcome != "unsupported") {
      CheckFixedPoint(kind, *ParseDialect(f[1]), a.text, where);
    }
  }
  CHECK(cases > 0);
  if (update) {
    std::ofstream out(path, std::ios::trunc);
    for (const auto& l : out_lines) out << l << "\n";
  }
}

TEST_CASE("golden: expressions") { RunGoldenFile(std::string(SLUICE_SOURCE_DIR) + "/grammar/testdata/expressions.txt"); }
TEST_CASE("golden: errors") { RunGoldenFile(std::string(SLUICE_SOURCE_DIR) + "/grammar/testdata/errors.txt"); }
TEST_CASE("golden: selects") { RunGoldenFile(std::string(SLUICE_SOURCE_DIR) + "/grammar/testdata/selects.txt"); }
TEST_CASE("golden: types") { RunGoldenFile(std::string(SLUICE_SOURCE_DIR) + "/grammar/testdata/types.txt"); }

}  // namespace
}  // namespace sluice
