#include "runtime/change.h"

namespace sluice {

const char* ChangeKindName(ChangeKind k) {
  switch (k) {
    case ChangeKind::kInsert: return "insert";
    case ChangeKind::kUpdate: return "update";
    case ChangeKind::kDelete: return "delete";
    case ChangeKind::kTruncate: return "truncate";
  }
  return "?";
}

}  // namespace sluice
