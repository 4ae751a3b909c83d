// MySQL binary JSON -> text.
//
// The format (MySQL's json_binary): a type byte, then the value. Objects and
// arrays come in a small form (16-bit counts and offsets) and a large form
// (32-bit); after the element count and the byte size come the key entries
// (offset, length) of an object, then one value entry per element: a type
// byte and either an offset (relative to the start of the container, after
// its type byte) or, for small scalars, the value inlined. Keys and
// non-inlined values follow. Strings carry a variable-length length (7 bits
// per byte, low bits first); "opaque" values carry a MySQL column type plus
// its bytes (DECIMAL, DATE/TIME/DATETIME/TIMESTAMP, anything else).
//
// Offsets are checked against the container size, nesting is capped, and the
// total output is capped, because value entries of a hostile document may
// all point at the same sub-container and expand exponentially.

#include "dialects/mysql/binlog_json.h"

#include <charconv>
#include <cstring>

#include "dialects/mysql/binlog_decoder.h"

namespace sluice::binlog {

namespace {

constexpr int kMaxDepth = 150;

enum : uint8_t {
  kSmallObject = 0x00,
  kLargeObject = 0x01,
  kSmallArray = 0x02,
  kLargeArray = 0x03,
  kLiteral = 0x04,
  kInt16 = 0x05,
  kUint16 = 0x06,
  kInt32 = 0x07,
  kUint32 = 0x08,
  kInt64 = 0x09,
  kUint64 = 0x0a,
  kDouble = 0x0b,
  kString = 0x0c,
  kOpaque = 0x0f,
};

[[noreturn]] void Fail(const std::string& m) { throw BinlogError("binary JSON: " + m); }

class Printer {
 public:
  Printer(Bytes doc, size_t max_output) : doc_(doc), max_output_(max_output) {}

  void Value(uint8_t type, size_t pos, size_t end, int depth) {
    if (depth > kMaxDepth) Fail("nested too deeply");
    switch (type) {
      case kSmallObject: Container(pos, end, false, true, depth); break;
      case kLargeObject: Container(pos, end, true, true, depth); break;
      case kSmallArray: Container(pos, end, false, false, depth); break;
      case kLargeArray: Container(pos, end, true, false, depth); break;
      case kLiteral: Literal(Read(pos, end, 1)); break;
      case kInt16: Emit(std::to_string(static_cast<int16_t>(Read(pos, end, 2)))); break;
      case kUint16: Emit(std::to_string(static_cast<uint16_t>(Read(pos, end, 2)))); break;
      case kInt32: Emit(std::to_string(static_cast<int32_t>(Read(pos, end, 4)))); break;
      case kUint32: Emit(std::to_string(static_cast<uint32_t>(Read(pos, end, 4)))); break;
      case kInt64: Emit(std::to_string(static_cast<int64_t>(Read(pos, end, 8)))); break;
      case kUint64: Emit(std::to_string(Read(pos, end, 8))); break;
      case kDouble: {
        uint64_t bits = Read(pos, end, 8);
        double d;
        std::memcpy(&d, &bits, sizeof d);
        std::string s = DoubleText(d);
        // A JSON double that prints like an integer keeps a fraction, as MySQL's does.
        if (s.find_first_not_of("-0123456789") == std::string::npos) s += ".0";
        Emit(s);
        break;
      }
      case kString: {
        size_t len = VarLength(pos, end);
        String(Slice(pos, end, len));
        break;
      }
      case kOpaque: Opaque(pos, end); break;
      default: Fail("unknown value type " + std::to_string(type));
    }
  }

  std::string Take() { return std::move(out_); }

 private:
  uint64_t Read(size_t& pos, size_t end, size_t n) {
    if (pos > end || end - pos < n) Fail("value extends past its container");
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(doc_[pos + i]) << (8 * i);
    pos += n;
    return v;
  }

  std::string_view Slice(size_t& pos, size_t end, size_t n) {
    if (pos > end || end - pos < n) Fail("string extends past its container");
    std::string_view s(reinterpret_cast<const char*>(doc_.data()) + pos, n);
    pos += n;
    return s;
  }

  size_t VarLength(size_t& pos, size_t end) {
    uint64_t len = 0;
    for (int i = 0; i < 5; ++i) {
      uint64_t b = Read(pos, end, 1);
      len |= (b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        if (len > UINT32_MAX) Fail("string length too large");
        return static_cast<size_t>(len);
      }
    }
    Fail("string length uses more than 5 bytes");
  }

  void Emit(std::string_view s) {
    if (out_.size() + s.size() > max_output_) Fail("document expands beyond the output limit");
    out_.append(s);
  }

  void Literal(uint64_t v) {
    switch (v) {
      case 0: Emit("null"); break;
      case 1: Emit("true"); break;
      case 2: Emit("false"); break;
      default: Fail("unknown literal " + std::to_string(v));
    }
  }

  void String(std::string_view s) {
    std::string q = "\"";
    for (unsigned char c : s) {
      switch (c) {
        case '"': q += "\\\""; break;
        case '\\': q += "\\\\"; break;
        case '\n': q += "\\n"; break;
        case '\r': q += "\\r"; break;
        case '\t': q += "\\t"; break;
        case '\b': q += "\\b"; break;
        case '\f': q += "\\f"; break;
        default:
          if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            q += buf;
          } else {
            q += static_cast<char>(c);
          }
      }
    }
    q += '"';
    Emit(q);
  }

  void Container(size_t start, size_t end, bool large, bool object, int depth) {
    size_t w = large ? 4 : 2;
    size_t pos = start;
    uint64_t count = Read(pos, end, w);
    uint64_t size = Read(pos, end, w);
    if (size > end - start) Fail("container size exceeds its parent");
    size_t cend = start + static_cast<size_t>(size);
    size_t key_entry = object ? w + 2 : 0;
    size_t value_entry = 1 + w;
    if (count > (size / (key_entry + value_entry))) Fail("element count exceeds the container");
    size_t keys_at = pos;
    size_t values_at = pos + static_cast<size_t>(count) * key_entry;
    Emit(object ? "{" : "[");
    for (uint64_t i = 0; i < count; ++i) {
      if (i > 0) Emit(", ");
      if (object) {
        size_t kp = keys_at + static_cast<size_t>(i) * key_entry;
        size_t koff = static_cast<size_t>(Read(kp, cend, w));
        size_t klen = static_cast<size_t>(Read(kp, cend, 2));
        if (koff > size) Fail("key offset outside the container");
        size_t at = start + koff;
        String(Slice(at, cend, klen));
        Emit(": ");
      }
      size_t vp = values_at + static_cast<size_t>(i) * value_entry;
      uint8_t type = static_cast<uint8_t>(Read(vp, cend, 1));
      bool inlined = type == kLiteral || type == kInt16 || type == kUint16 ||
                     (large && (type == kInt32 || type == kUint32));
      if (inlined) {
        size_t ip = vp;
        Value(type, ip, vp + w, depth + 1);
      } else {
        size_t off = static_cast<size_t>(Read(vp, cend, w));
        if (off >= size) Fail("value offset outside the container");
        Value(type, start + off, cend, depth + 1);
      }
    }
    Emit(object ? "}" : "]");
  }

  void Opaque(size_t pos, size_t end) {
    uint8_t field_type = static_cast<uint8_t>(Read(pos, end, 1));
    size_t len = VarLength(pos, end);
    std::string_view data = Slice(pos, end, len);
    Bytes bytes(reinterpret_cast<const uint8_t*>(data.data()), data.size());
    switch (field_type) {
      case kTypeNewDecimal: {
        if (bytes.size() < 2) Fail("short DECIMAL");
        size_t used = 0;
        Emit(DecimalText(bytes.subspan(2), bytes[0], bytes[1], &used));
        return;
      }
      case kTypeDate: case kTypeDateTime: case kTypeTimestamp: case kTypeTime: {
        if (bytes.size() < 8) Fail("short temporal value");
        ByteReader r(bytes);
        int64_t packed = static_cast<int64_t>(r.U64());
        std::string text = field_type == kTypeTime ? PackedTimeText(packed, 6)
                                                   : PackedDateTimeText(packed, field_type == kTypeDate ? -1 : 6);
        Emit("\"" + text + "\"");
        return;
      }
      default: {
        // MySQL prints other opaque values as "base64:typeN:<bytes>".
        static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        std::string s = "\"base64:type" + std::to_string(field_type) + ":";
        size_t i = 0;
        for (; i + 2 < bytes.size(); i += 3) {
          uint32_t v = bytes[i] << 16 | bytes[i + 1] << 8 | bytes[i + 2];
          for (int k = 3; k >= 0; --k) s += kAlphabet[(v >> (6 * k)) & 63];
        }
        if (i + 1 == bytes.size()) {
          uint32_t v = bytes[i] << 16;
          s += kAlphabet[(v >> 18) & 63];
          s += kAlphabet[(v >> 12) & 63];
          s += "==";
        } else if (i + 2 == bytes.size()) {
          uint32_t v = bytes[i] << 16 | bytes[i + 1] << 8;
          s += kAlphabet[(v >> 18) & 63];
          s += kAlphabet[(v >> 12) & 63];
          s += kAlphabet[(v >> 6) & 63];
          s += '=';
        }
        Emit(s + "\"");
      }
    }
  }

  Bytes doc_;
  size_t max_output_;
  std::string out_;
};

}  // namespace

std::string MySqlJsonToText(Bytes data) {
  if (data.empty()) return "null";
  // Generous for real documents (text is rarely 4x its binary form), small
  // enough that a hostile one cannot exhaust memory.
  size_t max_output = std::max<size_t>(size_t{1} << 20, data.size() * 64);
  Printer p(data, max_output);
  p.Value(data[0], 1, data.size(), 0);
  return p.Take();
}

}  // namespace sluice::binlog
