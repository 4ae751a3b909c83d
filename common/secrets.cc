#include "common/secrets.h"

#include <cstdlib>
#include <fstream>

namespace sluice {

std::optional<std::string> ReadSecret(const SecretSource& source, std::string* error) {
  if (!source.env.empty()) {
    const char* v = std::getenv(source.env.c_str());
    if (v == nullptr) {
      *error = "environment variable '" + source.env + "' is not set; export it before running sluice";
      return std::nullopt;
    }
    return std::string(v);
  }
  if (!source.file.empty()) {
    std::ifstream in(source.file, std::ios::binary);
    if (!in) {
      *error = "cannot read the password file '" + source.file + "'";
      return std::nullopt;
    }
    std::string line;
    std::getline(in, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
  }
  return std::string();
}

}  // namespace sluice
