#pragma once
// Whitespace-separated tokens of a text, read in place: the one reader of the catalog's text forms
// (stored years, season tiles, zone tallies), whose numbers are C99 hexadecimal floats (bit-exact).
// A reduce reads a megabyte of them per season tile; a stream per token was most of that.
#include <optional>
#include <string_view>

namespace ecomon {

class TextTokens {
 public:
  explicit TextTokens(std::string_view text) : at_(text.data()), end_(text.data() + text.size()) {}
  /// The next token; none when only whitespace is left.
  std::optional<std::string_view> next();
  /// The next character that is not whitespace, consumed; none at the end. (For a quoted string:
  /// the caller reads on with next_char_raw.)
  std::optional<char> next_char();
  /// The next character as it is, whitespace included; none at the end.
  std::optional<char> next_char_raw();
  /// The characters as they are up to (not including) the first `a` or `b`, or to the end; consumed.
  /// (A quoted string's run of plain characters in one piece, not a character at a time.)
  std::string_view until_either(char a, char b);

  /// A token as a double: a hexadecimal float ("-0x1.8p+1") by std::from_chars, the value strtod
  /// gives, any other spelling strtod reads (inf, nan, decimal) by strtod; none if it is not a number.
  static std::optional<double> real(std::string_view token);
  /// A token as a whole number (an optional '-' and decimal digits); none otherwise.
  static std::optional<long long> whole(std::string_view token);
  /// A token as a count or an index (decimal digits only); none otherwise.
  static std::optional<unsigned long long> natural(std::string_view token);

 private:
  const char* at_;
  const char* end_;
};

}  // namespace ecomon
