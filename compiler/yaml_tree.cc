// Builds YamlNode trees from yaml-cpp's event stream (see yaml_tree.h).
//
// Containers are built on an explicit stack, so depth is bounded by our own
// limit rather than the C++ stack. Aliases share the anchored node; every
// node's expanded_size counts its subtree as if aliases were copied, and the
// document is refused once that passes the limit, so a "billion laughs" file is
// rejected after a few thousand events instead of exhausting memory.

#include "compiler/yaml_tree.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <map>
#include <sstream>
#include <unordered_map>

#include "common/text.h"

namespace sluice {

const char* YamlNode::KindName() const {
  switch (kind) {
    case Kind::kNull: return "null";
    case Kind::kScalar: return "a scalar";
    case Kind::kSequence: return "a list";
    case Kind::kMap: return "a mapping";
  }
  return "?";
}

namespace {

// Raised by the builder to stop parsing; the diagnostic is already recorded.
struct StopParsing {};

class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(std::shared_ptr<const SourceFile> file, DiagnosticSink& diags, YamlLimits limits)
      : file_(std::move(file)), diags_(diags), limits_(limits) {}

  YamlNodePtr root() const { return root_; }
  int documents() const { return documents_; }

  void OnDocumentStart(const YAML::Mark&) override { ++documents_; }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto n = std::make_shared<YamlNode>();
    n->kind = YamlNode::Kind::kNull;
    n->loc = Loc(mark, 1);
    Finish(n, anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) {
      diags_.Error(Loc(mark, 1), "alias refers to a node that contains it",
                   "a YAML alias may only repeat a node that is already complete");
      throw StopParsing{};
    }
    Attach(it->second);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    auto n = std::make_shared<YamlNode>();
    n->kind = YamlNode::Kind::kScalar;
    n->value = value;
    // yaml-cpp tags non-plain (quoted, literal, folded) scalars with "!".
    n->quoted = (tag == "!");
    n->loc = Loc(mark, ScalarLength(mark, value, n->quoted));
    Finish(n, anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Open(YamlNode::Kind::kSequence, mark, anchor);
  }
  void OnSequenceEnd() override { Close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Open(YamlNode::Kind::kMap, mark, anchor);
  }
  void OnMapEnd() override { Close(); }

  SourceLoc Loc(const YAML::Mark& mark, uint32_t length) const {
    SourceLoc loc;
    loc.file = file_;
    loc.line = static_cast<uint32_t>(mark.line + 1);
    loc.col = static_cast<uint32_t>(mark.column + 1);
    loc.length = length == 0 ? 1 : length;
    return loc;
  }

 private:
  struct Frame {
    std::shared_ptr<YamlNode> node;
    YAML::anchor_t anchor;
    YamlNodePtr pending_key;  // maps: the key waiting for its value
    std::map<std::string, SourceLoc> seen_keys;
  };

  // Underline width of a scalar: the quoted token up to its closing quote, or
  // the plain value, clipped to the end of the line.
  uint32_t ScalarLength(const YAML::Mark& mark, const std::string& value, bool quoted) const {
    const std::string& text = file_->text();
    size_t pos = static_cast<size_t>(mark.pos);
    if (pos >= text.size()) return 1;
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    char q = text[pos];
    if (quoted && (q == '"' || q == '\'')) {
      for (size_t i = pos + 1; i < eol; ++i) {
        if (q == '"' && text[i] == '\\') { ++i; continue; }
        if (text[i] == q) {
          if (q == '\'' && i + 1 < eol && text[i + 1] == '\'') { ++i; continue; }
          return static_cast<uint32_t>(i - pos + 1);
        }
      }
      return static_cast<uint32_t>(eol - pos);
    }
    return static_cast<uint32_t>(std::min(value.size(), eol - pos));
  }

  void Open(YamlNode::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (stack_.size() >= limits_.max_depth) {
      diags_.Error(Loc(mark, 1),
                   "YAML nesting deeper than " + std::to_string(limits_.max_depth) + " levels",
                   "a plan is a few levels deep; check for runaway brackets");
      throw StopParsing{};
    }
    auto n = std::make_shared<YamlNode>();
    n->kind = kind;
    n->loc = Loc(mark, 1);
    stack_.push_back(Frame{n, anchor, nullptr, {}});
  }

  void Close() {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    Finish(f.node, f.anchor);
  }

  void Finish(const std::shared_ptr<YamlNode>& node, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) anchors_[anchor] = node;
    Attach(node);
  }

  void Attach(const YamlNodePtr& node) {
    if (stack_.empty()) {
      if (!root_) root_ = node;
      return;
    }
    Frame& parent = stack_.back();
    parent.node->expanded_size += node->expanded_size;
    if (parent.node->expanded_size > limits_.max_expanded_nodes) {
      diags_.Error(node->loc,
                   "YAML aliases expand to more than " +
                       std::to_string(limits_.max_expanded_nodes) + " nodes",
                   "this looks like an alias bomb; a plan needs far fewer nodes");
      throw StopParsing{};
    }
    if (parent.node->kind == YamlNode::Kind::kSequence) {
      parent.node->items.push_back(node);
      return;
    }
    if (!parent.pending_key) {
      if (!node->IsScalar()) {
        diags_.Error(node->loc, std::string("mapping key is ") + node->KindName(),
                     "keys in a plan are plain names");
        throw StopParsing{};
      }
      auto [it, inserted] = parent.seen_keys.emplace(node->value, node->loc);
      if (!inserted) {
        diags_.Error(node->loc, "duplicate key '" + Shorten(node->value, 60) + "'")
            .notes.push_back({it->second, "first given here"});
      }
      parent.pending_key = node;
      return;
    }
    parent.node->entries.emplace_back(std::move(parent.pending_key), node);
    parent.pending_key = nullptr;
  }

  std::shared_ptr<const SourceFile> file_;
  DiagnosticSink& diags_;
  YamlLimits limits_;
  std::vector<Frame> stack_;
  std::unordered_map<YAML::anchor_t, YamlNodePtr> anchors_;
  YamlNodePtr root_;
  int documents_ = 0;
};

// Swallows a document; used to detect a second one.
class IgnoreEvents : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// A hint for yaml-cpp's terse messages.
std::string HintFor(const std::string& msg) {
  if (msg.find("end of map flow not found") != std::string::npos) {
    return "a mapping opened with '{' needs its closing '}'";
  }
  if (msg.find("illegal map value") != std::string::npos ||
      msg.find("end of map not found") != std::string::npos ||
      msg.find("end of sequence not found") != std::string::npos) {
    return "check the indentation, and that each ':' after a key is followed by a space";
  }
  if (msg.find("end of sequence flow not found") != std::string::npos) {
    return "a list opened with '[' needs its closing ']'";
  }
  if (msg.find("unknown escape") != std::string::npos) {
    return "inside double quotes a backslash starts an escape; use single quotes for raw text";
  }
  if (msg.find("anchor") != std::string::npos) {
    return "an alias (*name) must refer to an anchor (&name) defined before it";
  }
  if (msg.find("tab") != std::string::npos) {
    return "YAML indentation uses spaces, not tabs";
  }
  return "";
}

}  // namespace

YamlNodePtr ParseYaml(const std::shared_ptr<const SourceFile>& file, DiagnosticSink& diags,
                      const YamlLimits& limits) {
  const std::string& text = file->text();
  if (auto bad = FindInvalidUtf8(text)) {
    // Report the line and column of the first bad byte.
    uint32_t line = 1, col = 1;
    for (size_t i = 0; i < *bad; ++i) {
      if (text[i] == '\n') { ++line; col = 1; } else { ++col; }
    }
    diags.Error(SourceLoc{file, line, col, 1}, "the plan file is not valid UTF-8",
                "save the file as UTF-8");
    return nullptr;
  }
  if (text.find('\0') != std::string::npos) {
    diags.Error(SourceLoc{file, 0, 0, 1}, "the plan file contains NUL bytes",
                "is this a binary file?");
    return nullptr;
  }
  TreeBuilder builder(file, diags, limits);
  std::istringstream in(text);
  try {
    YAML::Parser parser(in);
    if (!parser.HandleNextDocument(builder)) {
      diags.Error(SourceLoc{file, 0, 0, 1}, "the plan file is empty",
                  "a plan starts with 'version: 1'; see docs/plan-language.md");
      return nullptr;
    }
    IgnoreEvents skip;
    if (parser.HandleNextDocument(skip)) {
      diags.Error(SourceLoc{file, 0, 0, 1}, "the plan file holds more than one YAML document",
                  "remove the '---' separators; one file is one plan");
      return nullptr;
    }
  } catch (const StopParsing&) {
    return nullptr;
  } catch (const YAML::Exception& e) {
    SourceLoc loc = builder.Loc(e.mark, 1);
    if (e.mark.is_null()) loc = SourceLoc{file, 0, 0, 1};
    diags.Error(loc, "invalid YAML: " + e.msg, HintFor(e.msg));
    return nullptr;
  }
  if (!builder.root()) {
    diags.Error(SourceLoc{file, 0, 0, 1}, "the plan file is empty",
                "a plan starts with 'version: 1'; see docs/plan-language.md");
  }
  return builder.root();
}

}  // namespace sluice
