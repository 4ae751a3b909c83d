#pragma once
// A text file held in memory with its line index, so any location inside it
// can be shown as `path:line:col` plus the source line and a caret.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

class SourceFile {
 public:
  SourceFile(std::string path, std::string text);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  // 1-based line; empty view when out of range. Excludes the newline.
  std::string_view Line(uint32_t line) const;
  uint32_t LineCount() const { return static_cast<uint32_t>(line_starts_.size()); }

 private:
  std::string path_;
  std::string text_;
  std::vector<size_t> line_starts_;
};

// A place in a source file. line and col are 1-based; col counts bytes.
// length is the number of bytes the caret underline covers (at least 1).
struct SourceLoc {
  std::shared_ptr<const SourceFile> file;
  uint32_t line = 0;
  uint32_t col = 0;
  uint32_t length = 1;

  bool valid() const { return file != nullptr && line > 0; }
  // "path:line:col" (or "path" / "" when unknown).
  std::string ToString() const;
  // This location shifted by `offset` bytes inside a single-line scalar.
  SourceLoc Shifted(uint32_t offset, uint32_t new_length) const;
};

// Reads a whole file; returns nullptr and sets *error when it cannot.
std::shared_ptr<const SourceFile> ReadSourceFile(const std::string& path, size_t max_bytes,
                                                 std::string* error);

}  // namespace sluice
