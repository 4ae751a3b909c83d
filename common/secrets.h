#pragma once
// Reading a secret from where a plan says it is: an environment variable or
// the first line of a file. The value is returned to the caller that opens a
// connection and is never stored, logged or written anywhere by Sluice.

#include <optional>
#include <string>

namespace sluice {

struct SecretSource {
  std::string env;   // environment variable name, or ""
  std::string file;  // file path, or ""
};

// nullopt with *error set when the variable is unset or the file unreadable.
// A source with neither env nor file gives "" (no password).
std::optional<std::string> ReadSecret(const SecretSource& source, std::string* error);

}  // namespace sluice
