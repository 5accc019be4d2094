#pragma once
// UTF-8 checks for text that crosses into files promising UTF-8 (CSV reports, zone names): strict
// validation (RFC 3629) and a visible escape for bytes that are not UTF-8.
#include <cstddef>
#include <cstdint>
#include <string>

namespace geo {

/// Length of the valid UTF-8 sequence starting at `s[i]` (1-4), or 0 when the byte there does not
/// start one (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
inline std::size_t utf8_sequence_length(const std::string& s, std::size_t i) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const unsigned char c = p[i];
  if (c < 0x80) return 1;
  std::size_t len = 0;
  std::uint32_t cp = 0;
  if ((c & 0xE0) == 0xC0)
    len = 2, cp = c & 0x1Fu;
  else if ((c & 0xF0) == 0xE0)
    len = 3, cp = c & 0x0Fu;
  else if ((c & 0xF8) == 0xF0)
    len = 4, cp = c & 0x07u;
  else
    return 0;
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    if ((p[i + k] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i + k] & 0x3Fu);
  }
  if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return len;
}

/// Strict UTF-8 (RFC 3629).
inline bool is_valid_utf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t len = utf8_sequence_length(s, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

/// Position of the first byte that is not part of valid UTF-8, or std::string::npos.
inline std::size_t first_invalid_utf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t len = utf8_sequence_length(s, i);
    if (len == 0) return i;
    i += len;
  }
  return std::string::npos;
}

/// `s` with every byte that is not part of valid UTF-8 written as the four characters \xNN (a
/// backslash itself stays as it is), so that the text stays readable and the bytes recoverable.
inline std::string escape_invalid_utf8(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t len = utf8_sequence_length(s, i);
    if (len == 0) {
      const auto b = static_cast<unsigned char>(s[i]);
      out += "\\x";
      out += hex[b >> 4];
      out += hex[b & 15];
      ++i;
    } else {
      out.append(s, i, len);
      i += len;
    }
  }
  return out;
}

}  // namespace geo
