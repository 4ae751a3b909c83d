#include "common/source_file.h"

#include <fstream>
#include <sstream>

namespace sluice {

SourceFile::SourceFile(std::string path, std::string text)
    : path_(std::move(path)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (size_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n' && i + 1 < text_.size()) line_starts_.push_back(i + 1);
  }
}

std::string_view SourceFile::Line(uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) return {};
  size_t begin = line_starts_[line - 1];
  size_t end = text_.find('\n', begin);
  if (end == std::string::npos) end = text_.size();
  if (end > begin && text_[end - 1] == '\r') --end;
  return std::string_view(text_).substr(begin, end - begin);
}

std::string SourceLoc::ToString() const {
  if (!file) return "";
  if (line == 0) return file->path();
  return file->path() + ":" + std::to_string(line) + ":" + std::to_string(col);
}

SourceLoc SourceLoc::Shifted(uint32_t offset, uint32_t new_length) const {
  SourceLoc out = *this;
  out.col += offset;
  out.length = new_length == 0 ? 1 : new_length;
  return out;
}

std::shared_ptr<const SourceFile> ReadSourceFile(const std::string& path, size_t max_bytes,
                                                 std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot open '" + path + "'";
    return nullptr;
  }
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > max_bytes) {
      *error = "'" + path + "' is larger than " + std::to_string(max_bytes) +
               " bytes; a plan file is expected to be small";
      return nullptr;
    }
  }
  if (in.bad()) {
    *error = "cannot read '" + path + "'";
    return nullptr;
  }
  return std::make_shared<SourceFile>(path, std::move(text));
}

}  // namespace sluice
