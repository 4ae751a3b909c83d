#pragma once
// User-facing diagnostics. A user error is a value (Diagnostic) collected in a
// DiagnosticSink; every stage reports all it finds before the caller stops.
// Rendering shows `file:line:col: error: message`, the source line, a caret,
// then `note:` and `help:` lines. Secrets registered with the sink are masked
// in everything rendered, including the echoed source line.

#include <cstddef>
#include <string>
#include <vector>

#include "common/source_file.h"

namespace sluice {

enum class Severity { kError, kWarning, kNote };
const char* SeverityName(Severity s);

struct DiagnosticNote {
  SourceLoc loc;  // may be invalid: then the note has no location
  std::string text;
};

struct Diagnostic {
  Severity severity = Severity::kError;
  SourceLoc loc;
  std::string message;
  std::vector<DiagnosticNote> notes;
  std::string help;  // "did you mean 'x'?" or how to fix it; may be empty
};

class DiagnosticSink {
 public:
  // After this many diagnostics further diagnostics are counted but not kept.
  static constexpr size_t kMaxKept = 200;

  // Each returns the stored diagnostic so a caller can attach notes; the
  // reference is valid until the next diagnostic is added.
  Diagnostic& Error(const SourceLoc& loc, std::string message, std::string help = {});
  Diagnostic& Warning(const SourceLoc& loc, std::string message, std::string help = {});
  Diagnostic& Add(Diagnostic d);
  // Moves every diagnostic of `other` into this sink (secrets too).
  void Merge(DiagnosticSink&& other);

  // A value that must never be shown (a password); masked as *** on render.
  void AddSecret(const std::string& value);
  const std::vector<std::string>& secrets() const { return secrets_; }

  // Warnings become errors (`--strict`, or a warning where a value is needed).
  void PromoteWarnings();

  size_t error_count() const { return errors_; }
  size_t warning_count() const { return warnings_; }
  size_t dropped_count() const { return dropped_; }
  bool has_errors() const { return errors_ > 0; }
  const std::vector<Diagnostic>& diagnostics() const { return diags_; }
  // Sorted by file, line, column, then insertion order: stable output.
  std::vector<Diagnostic> Sorted() const;

 private:
  std::vector<Diagnostic> diags_;
  std::vector<std::string> secrets_;
  size_t errors_ = 0;
  size_t warnings_ = 0;
  size_t dropped_ = 0;
  Diagnostic overflow_;  // returned by Error/Warning once kMaxKept is reached
};

struct RenderOptions {
  bool color = false;
};

// Human form, every diagnostic followed by a summary line such as
// "2 errors, 1 warning generated." (nothing when there are none).
std::string RenderDiagnosticsText(const DiagnosticSink& sink, const RenderOptions& opts = {});
// Machine form: {"errors":N,"warnings":N,"diagnostics":[...]}.
std::string RenderDiagnosticsJson(const DiagnosticSink& sink);

// Replaces every occurrence of every secret in `text` with "***".
std::string MaskSecrets(std::string text, const std::vector<std::string>& secrets);

}  // namespace sluice
