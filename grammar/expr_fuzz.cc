// libFuzzer target: any bytes, parsed as an expression, a SELECT and a type
// name in both families; whatever parses is printed for every dialect and the
// same-family output must parse again. Built only with -DSLUICE_FUZZ=ON.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "grammar/expr_parser.h"
#include "grammar/expr_printer.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

void Exercise(std::string_view text, sluice::Dialect source) {
  using sluice::Dialect;
  auto e = sluice::ParseExpression(text, source);
  for (const auto& err : e.errors) Check(err.offset <= text.size() && err.offset + err.length <= text.size());
  if (e.ok()) {
    for (Dialect target : sluice::AllDialects()) {
      auto r = sluice::PrintExpression(*e.expr, target);
      if (sluice::IsMySQLFamily(target) == sluice::IsMySQLFamily(source) &&
          r.outcome != sluice::Outcome::kUnsupported) {
        auto again = sluice::ParseExpression(r.text, target);
        Check(again.ok());
      }
    }
    std::string seq;
    (void)sluice::IsSequenceDefault(*e.expr, &seq);
    (void)sluice::CloneExpr(*e.expr);
  }
  auto s = sluice::ParseSelect(text, source);
  if (s.ok()) {
    for (Dialect target : sluice::AllDialects()) (void)sluice::PrintSelect(*s.select, target);
  }
  auto t = sluice::ParseTypeName(text, source);
  if (t.ok()) {
    for (Dialect target : sluice::AllDialects()) (void)sluice::PrintTypeName(*t.type, target);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Exercise(text, sluice::Dialect::kMySQL);
  Exercise(text, sluice::Dialect::kPostgreSQL);
  return 0;
}
