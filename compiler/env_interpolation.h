#pragma once
// `${env:NAME}` references inside plan strings.
//
// A plan never needs to hold a secret: it names the environment variable that
// holds it. `$$` stands for a literal `$`. Interpolation is a pure function of
// the text and an environment lookup, so tests pass a fake environment.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The process environment.
EnvLookup ProcessEnv();

struct EnvReference {
  std::string name;
  size_t offset = 0;  // of "${" in the text
  size_t length = 0;  // through the closing "}"
  bool set = false;
};

struct Interpolation {
  bool ok = true;
  std::string value;                  // text with every set reference replaced
  std::vector<EnvReference> refs;     // every reference, set or not
  std::string error;                  // when !ok: malformed reference
  size_t error_offset = 0;
  size_t error_length = 1;
  std::string help;

  bool AllSet() const;
  // True when the whole text is exactly one reference: "${env:NAME}".
  bool IsSingleReference(std::string_view text) const;
};

Interpolation Interpolate(std::string_view text, const EnvLookup& env);

}  // namespace sluice
