#include "common/outcome.h"

namespace sluice {

const char* OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kExact: return "exact";
    case Outcome::kLossy: return "lossy";
    case Outcome::kUnsupported: return "unsupported";
    case Outcome::kUserOverride: return "override";
  }
  return "?";
}

std::optional<Outcome> ParseOutcomeName(std::string_view name) {
  for (Outcome o : {Outcome::kExact, Outcome::kLossy, Outcome::kUnsupported, Outcome::kUserOverride}) {
    if (name == OutcomeName(o)) return o;
  }
  return std::nullopt;
}

Outcome WorseOutcome(Outcome a, Outcome b) {
  auto rank = [](Outcome o) {
    return o == Outcome::kUnsupported ? 2 : o == Outcome::kLossy ? 1 : 0;
  };
  return rank(b) > rank(a) ? b : a;
}

}  // namespace sluice
