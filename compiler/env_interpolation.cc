#include "compiler/env_interpolation.h"

#include <cctype>
#include <cstdlib>

#include "common/text.h"

namespace sluice {

EnvLookup ProcessEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

bool Interpolation::AllSet() const {
  for (const auto& r : refs) {
    if (!r.set) return false;
  }
  return true;
}

bool Interpolation::IsSingleReference(std::string_view text) const {
  return refs.size() == 1 && refs[0].offset == 0 && refs[0].length == text.size();
}

Interpolation Interpolate(std::string_view text, const EnvLookup& env) {
  Interpolation r;
  auto fail = [&](std::string msg, size_t off, size_t len, std::string help) {
    r.ok = false;
    r.error = std::move(msg);
    r.error_offset = off;
    r.error_length = len == 0 ? 1 : len;
    r.help = std::move(help);
    return r;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c != '$') {
      r.value += c;
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '$') {
      r.value += '$';
      ++i;
      continue;
    }
    if (i + 1 >= text.size() || text[i + 1] != '{') {
      r.value += c;  // a lone '$' is literal (common in passwords of other tools' DSNs)
      continue;
    }
    size_t close = text.find('}', i);
    if (close == std::string_view::npos) {
      return fail("unclosed '${' reference", i, text.size() - i,
                  "write ${env:NAME}, or '$$' for a literal '$'");
    }
    std::string_view inner = text.substr(i + 2, close - i - 2);
    size_t colon = inner.find(':');
    std::string_view kind = inner.substr(0, colon);
    if (colon == std::string_view::npos || kind != "env") {
      std::string dym = DidYouMean(std::string(kind), {"env"});
      return fail("unknown reference '${" + Shorten(inner, 40) + "}'", i, close - i + 1,
                  dym.empty() ? "only ${env:NAME} is supported" : dym + " (as in ${env:NAME})");
    }
    std::string name(inner.substr(colon + 1));
    bool valid = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
    for (char n : name) valid = valid && (std::isalnum(static_cast<unsigned char>(n)) || n == '_');
    if (!valid) {
      return fail("invalid environment variable name '" + Shorten(name, 40) + "'", i,
                  close - i + 1, "names use letters, digits and '_', e.g. ${env:SHOP_PASSWORD}");
    }
    EnvReference ref{name, i, close - i + 1, false};
    if (auto v = env(name)) {
      ref.set = true;
      r.value += *v;
    }
    r.refs.push_back(ref);
    i = close;
  }
  return r;
}

}  // namespace sluice
