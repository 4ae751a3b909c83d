#pragma once
// Content fingerprints: XXH3-128 as 32 hex digits. Used where two texts must
// be told apart reliably (plan fingerprints, stale-plan checks); not for
// security.

#include <string>
#include <string_view>

namespace sluice {

std::string Fingerprint(std::string_view data);

}  // namespace sluice
