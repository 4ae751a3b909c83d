#include "compiler/plan.h"

namespace sluice {

const char* StepName(Step s) {
  switch (s) {
    case Step::kSchema: return "schema";
    case Step::kFull: return "full";
    case Step::kIncremental: return "incremental";
    case Step::kVerify: return "verify";
    case Step::kSwitchover: return "switchover";
    case Step::kReverse: return "reverse";
  }
  return "?";
}

std::vector<std::string> StepNames() {
  return {"schema", "full", "incremental", "verify", "switchover", "reverse"};
}

std::optional<Step> ParseStep(const std::string& name) {
  static const Step kAll[] = {Step::kSchema, Step::kFull, Step::kIncremental,
                              Step::kVerify, Step::kSwitchover, Step::kReverse};
  for (Step s : kAll) {
    if (name == StepName(s)) return s;
  }
  return std::nullopt;
}

bool Plan::HasStep(Step s) const {
  for (const auto& st : steps) {
    if (st.value == s) return true;
  }
  return false;
}

}  // namespace sluice
