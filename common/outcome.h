#pragma once
// How faithful a translation is. Every dialect rule (types, expressions,
// indexes, constraints) says one of these; nothing is dropped silently.

#include <optional>
#include <string_view>

namespace sluice {

enum class Outcome {
  kExact,         // every value is kept and compares the same
  kLossy,         // kept with a loss the messages name (warning; error under --strict)
  kUnsupported,   // no translation: an error with help
  kUserOverride,  // the plan chose it (a `types:` rule): exact by the user's choice
};

// "exact", "lossy", "unsupported", "override".
const char* OutcomeName(Outcome o);
std::optional<Outcome> ParseOutcomeName(std::string_view name);

// The worse of two outcomes (unsupported > lossy > exact/override).
Outcome WorseOutcome(Outcome a, Outcome b);

}  // namespace sluice
