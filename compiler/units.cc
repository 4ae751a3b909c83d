#include "compiler/units.h"

#include <cctype>
#include <utility>
#include <vector>

#include "common/text.h"

namespace sluice {

namespace {

using UnitTable = std::vector<std::pair<std::string, uint64_t>>;

// `example` shows the form; `usual_unit` is suggested when the unit is missing.
UnitParse ParseWithUnits(std::string_view text, const UnitTable& units, const char* what,
                         const char* example, const char* usual_unit) {
  UnitParse r;
  size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  std::string unit(text.substr(i));
  while (!unit.empty() && unit.front() == ' ') unit.erase(unit.begin());
  std::vector<std::string> names;
  for (const auto& u : units) names.push_back(u.first);
  if (i == 0) {
    r.error = std::string("expected a ") + what + " such as '" + example + "', found '" +
              Shorten(text, 40) + "'";
    r.help = "write a whole number followed by a unit: " + QuotedList(names);
    return r;
  }
  if (i > 15) {
    r.error = std::string("the ") + what + " '" + Shorten(text, 40) + "' is too large";
    return r;
  }
  uint64_t number = std::stoull(std::string(text.substr(0, i)));
  if (unit.empty()) {
    r.error = std::string("the ") + what + " '" + std::string(text) + "' has no unit";
    r.help = "add a unit, e.g. '" + std::string(text) + usual_unit + "'; units: " +
             QuotedList(names);
    return r;
  }
  for (const auto& [name, factor] : units) {
    if (unit == name) {
      if (factor != 0 && number > UINT64_MAX / factor) {
        r.error = std::string("the ") + what + " '" + std::string(text) + "' is too large";
        return r;
      }
      r.ok = true;
      r.value = number * factor;
      return r;
    }
  }
  r.error = "unknown unit '" + Shorten(unit, 20) + "' in " + what + " '" + Shorten(text, 40) + "'";
  std::string dym = DidYouMean(unit, names);
  r.help = dym.empty() ? "units: " + QuotedList(names) : dym;
  return r;
}

}  // namespace

UnitParse ParseDuration(std::string_view text) {
  static const UnitTable kUnits = {{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}};
  return ParseWithUnits(text, kUnits, "duration", "30s", "s");
}

UnitParse ParseSize(std::string_view text) {
  static const UnitTable kUnits = {
      {"B", 1},          {"KiB", 1ull << 10},      {"MiB", 1ull << 20},
      {"GiB", 1ull << 30}, {"TiB", 1ull << 40},    {"KB", 1000},
      {"MB", 1000000},   {"GB", 1000000000},       {"TB", 1000000000000ull}};
  return ParseWithUnits(text, kUnits, "size", "256MiB", "MiB");
}

}  // namespace sluice
