#include "common/diagnostics.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/text.h"

namespace sluice {

const char* SeverityName(Severity s) {
  switch (s) {
    case Severity::kError: return "error";
    case Severity::kWarning: return "warning";
    case Severity::kNote: return "note";
  }
  return "error";
}

Diagnostic& DiagnosticSink::Error(const SourceLoc& loc, std::string message, std::string help) {
  return Add(Diagnostic{Severity::kError, loc, std::move(message), {}, std::move(help)});
}

Diagnostic& DiagnosticSink::Warning(const SourceLoc& loc, std::string message, std::string help) {
  return Add(Diagnostic{Severity::kWarning, loc, std::move(message), {}, std::move(help)});
}

Diagnostic& DiagnosticSink::Add(Diagnostic d) {
  if (d.severity == Severity::kError) ++errors_;
  if (d.severity == Severity::kWarning) ++warnings_;
  if (diags_.size() >= kMaxKept) {
    ++dropped_;
    overflow_ = std::move(d);
    return overflow_;
  }
  diags_.push_back(std::move(d));
  return diags_.back();
}

void DiagnosticSink::Merge(DiagnosticSink&& other) {
  for (auto& s : other.secrets_) AddSecret(s);
  for (auto& d : other.diags_) Add(std::move(d));
  dropped_ += other.dropped_;
  other = DiagnosticSink();
}

void DiagnosticSink::AddSecret(const std::string& value) {
  if (value.empty()) return;
  if (std::find(secrets_.begin(), secrets_.end(), value) == secrets_.end()) {
    secrets_.push_back(value);
    // Longest first, so a secret containing another is masked whole.
    std::sort(secrets_.begin(), secrets_.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  }
}

void DiagnosticSink::PromoteWarnings() {
  for (auto& d : diags_) {
    if (d.severity == Severity::kWarning) {
      d.severity = Severity::kError;
      --warnings_;
      ++errors_;
    }
  }
}

std::vector<Diagnostic> DiagnosticSink::Sorted() const {
  std::vector<Diagnostic> out = diags_;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    std::string fa = a.loc.file ? a.loc.file->path() : "";
    std::string fb = b.loc.file ? b.loc.file->path() : "";
    if (fa != fb) return fa < fb;
    if (a.loc.line != b.loc.line) return a.loc.line < b.loc.line;
    return a.loc.col < b.loc.col;
  });
  return out;
}

std::string MaskSecrets(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& s : secrets) {
    if (s.empty()) continue;
    for (size_t pos = text.find(s); pos != std::string::npos; pos = text.find(s, pos + 3)) {
      text.replace(pos, s.size(), "***");
    }
  }
  return text;
}

namespace {

const char* Color(Severity s) {
  switch (s) {
    case Severity::kError: return "\033[1;31m";
    case Severity::kWarning: return "\033[1;35m";
    case Severity::kNote: return "\033[1;36m";
  }
  return "";
}

// The source line as shown: control bytes and invalid UTF-8 become '?', and
// secrets are masked. `caret_pad` receives the padding that puts a caret under
// byte column `col` (tabs kept so the caret lines up in a terminal).
std::string ShownLine(std::string_view raw, uint32_t col, const std::vector<std::string>& secrets,
                      std::string* caret_pad, uint32_t* caret_len, uint32_t length) {
  std::string line = SanitizeForDisplay(raw);
  // Padding: one column per code point before `col`.
  std::string pad;
  size_t limit = std::min<size_t>(col > 0 ? col - 1 : 0, line.size());
  for (size_t i = 0; i < limit; ++i) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if ((c & 0xC0) == 0x80) continue;  // UTF-8 continuation byte
    pad += (c == '\t') ? '\t' : ' ';
  }
  *caret_pad = pad;
  // Underline length in code points, clipped to the line.
  uint32_t cps = 0;
  for (size_t i = limit; i < line.size() && i < limit + length; ++i) {
    if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++cps;
  }
  *caret_len = std::max<uint32_t>(cps, 1);
  std::string masked = MaskSecrets(line, secrets);
  if (masked != line) {
    // Masking moved text around; underline what is left of the line instead
    // of pointing into a masked value.
    *caret_len = 1;
  }
  return masked;
}

}  // namespace

std::string RenderDiagnosticsText(const DiagnosticSink& sink, const RenderOptions& opts) {
  const auto& secrets = sink.secrets();
  std::string out;
  const char* bold = opts.color ? "\033[1m" : "";
  const char* reset = opts.color ? "\033[0m" : "";
  for (const auto& d : sink.Sorted()) {
    std::string where = d.loc.ToString();
    if (!where.empty()) out += std::string(bold) + where + ":" + reset + " ";
    out += std::string(opts.color ? Color(d.severity) : "") + SeverityName(d.severity) + ":" + reset +
           " " + bold + MaskSecrets(d.message, secrets) + reset + "\n";
    if (d.loc.valid()) {
      std::string_view raw = d.loc.file->Line(d.loc.line);
      std::string pad;
      uint32_t len = 1;
      std::string shown = ShownLine(raw, d.loc.col, secrets, &pad, &len, d.loc.length);
      std::string num = std::to_string(d.loc.line);
      std::string gutter(num.size(), ' ');
      out += " " + num + " | " + shown + "\n";
      out += " " + gutter + " | " + pad + (opts.color ? "\033[1;32m" : "") + "^" +
             std::string(len - 1, '~') + reset + "\n";
    }
    for (const auto& n : d.notes) {
      std::string nwhere = n.loc.ToString();
      out += (nwhere.empty() ? "" : nwhere + ": ") + "note: " + MaskSecrets(n.text, secrets) + "\n";
    }
    if (!d.help.empty()) out += "help: " + MaskSecrets(d.help, secrets) + "\n";
  }
  if (sink.dropped_count() > 0) {
    out += "note: " + std::to_string(sink.dropped_count()) +
           " more diagnostics not shown (too many)\n";
  }
  auto plural = [](size_t n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
  };
  if (sink.error_count() > 0 || sink.warning_count() > 0) {
    out += plural(sink.error_count(), "error") + ", " + plural(sink.warning_count(), "warning") +
           ".\n";
  }
  return out;
}

std::string RenderDiagnosticsJson(const DiagnosticSink& sink) {
  const auto& secrets = sink.secrets();
  nlohmann::ordered_json j;
  j["errors"] = sink.error_count();
  j["warnings"] = sink.warning_count();
  j["dropped"] = sink.dropped_count();
  nlohmann::ordered_json arr = nlohmann::ordered_json::array();
  for (const auto& d : sink.Sorted()) {
    nlohmann::ordered_json e;
    e["severity"] = SeverityName(d.severity);
    e["file"] = d.loc.file ? SanitizeForDisplay(d.loc.file->path()) : "";
    e["line"] = d.loc.line;
    e["column"] = d.loc.col;
    e["message"] = SanitizeForDisplay(MaskSecrets(d.message, secrets));
    nlohmann::ordered_json notes = nlohmann::ordered_json::array();
    for (const auto& n : d.notes) {
      nlohmann::ordered_json nj;
      nj["file"] = n.loc.file ? SanitizeForDisplay(n.loc.file->path()) : "";
      nj["line"] = n.loc.line;
      nj["column"] = n.loc.col;
      nj["text"] = SanitizeForDisplay(MaskSecrets(n.text, secrets));
      notes.push_back(nj);
    }
    e["notes"] = notes;
    e["help"] = SanitizeForDisplay(MaskSecrets(d.help, secrets));
    arr.push_back(e);
  }
  j["diagnostics"] = arr;
  return j.dump(2) + "\n";
}

}  // namespace sluice
