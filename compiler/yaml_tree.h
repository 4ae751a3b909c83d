#pragma once
// A YAML document as a tree whose every node keeps its file:line:col.
//
// yaml-cpp's own Node type drops the distinction between `123` and "123" and
// expands aliases; we build our tree from its event stream instead, which lets
// us (1) keep whether a scalar was quoted, (2) share aliased subtrees instead
// of copying them and cap their expanded size (alias bombs), (3) cap nesting
// depth, and (4) report duplicate keys with both locations.

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/diagnostics.h"
#include "common/source_file.h"

namespace sluice {

struct YamlNode;
using YamlNodePtr = std::shared_ptr<const YamlNode>;

struct YamlNode {
  enum class Kind { kNull, kScalar, kSequence, kMap };
  Kind kind = Kind::kNull;
  SourceLoc loc;
  std::string value;   // kScalar: the text after YAML unescaping
  bool quoted = false; // kScalar: quoted or block scalar, so never a number, bool or null
  std::vector<YamlNodePtr> items;                          // kSequence
  std::vector<std::pair<YamlNodePtr, YamlNodePtr>> entries; // kMap, in file order
  uint64_t expanded_size = 1;  // nodes in this subtree with aliases expanded

  bool IsScalar() const { return kind == Kind::kScalar; }
  bool IsMap() const { return kind == Kind::kMap; }
  bool IsSequence() const { return kind == Kind::kSequence; }
  bool IsNull() const { return kind == Kind::kNull; }
  // "a mapping", "a list", "a string", "null": for "expected X, found Y".
  const char* KindName() const;
};

struct YamlLimits {
  uint32_t max_depth = 64;
  uint64_t max_expanded_nodes = 100000;
};

// Parses one YAML document. Returns nullptr (with diagnostics) when the text is
// not valid UTF-8, not valid YAML, empty, holds several documents, or breaks a
// limit. Map keys must be scalars; duplicate keys are errors.
YamlNodePtr ParseYaml(const std::shared_ptr<const SourceFile>& file, DiagnosticSink& diags,
                      const YamlLimits& limits = {});

}  // namespace sluice
