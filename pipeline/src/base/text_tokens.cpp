#include "base/text_tokens.hpp"

#include <charconv>
#include <cstdlib>
#include <string>

namespace ecomon {

namespace {

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

}  // namespace

std::optional<std::string_view> TextTokens::next() {
  while (at_ != end_ && is_space(*at_)) ++at_;
  if (at_ == end_) return std::nullopt;
  const char* start = at_;
  while (at_ != end_ && !is_space(*at_)) ++at_;
  return std::string_view(start, std::size_t(at_ - start));
}

std::optional<char> TextTokens::next_char() {
  while (at_ != end_ && is_space(*at_)) ++at_;
  return next_char_raw();
}

std::optional<char> TextTokens::next_char_raw() {
  if (at_ == end_) return std::nullopt;
  return *at_++;
}

std::string_view TextTokens::until_either(char a, char b) {
  const char* start = at_;
  while (at_ != end_ && *at_ != a && *at_ != b) ++at_;
  return std::string_view(start, std::size_t(at_ - start));
}

std::optional<double> TextTokens::real(std::string_view token) {
  const bool negative = !token.empty() && token.front() == '-';
  const std::string_view magnitude = token.substr(negative ? 1 : 0);
  // from_chars takes the digits after "0x"; the sign is put back (so "-0x0p+0" is negative zero).
  if (magnitude.size() > 2 && magnitude[0] == '0' && (magnitude[1] == 'x' || magnitude[1] == 'X') && magnitude[2] != '-' && magnitude[2] != '+') {
    double v = 0;
    const char* last = magnitude.data() + magnitude.size();
    const auto [ptr, ec] = std::from_chars(magnitude.data() + 2, last, v, std::chars_format::hex);
    if (ec == std::errc() && ptr == last) return negative ? -v : v;
  }
  const std::string copy(token);
  char* end = nullptr;
  const double v = std::strtod(copy.c_str(), &end);
  if (copy.empty() || end != copy.c_str() + copy.size()) return std::nullopt;
  return v;
}

std::optional<long long> TextTokens::whole(std::string_view token) {
  long long v = 0;
  const char* last = token.data() + token.size();
  const auto [ptr, ec] = std::from_chars(token.data(), last, v);
  if (token.empty() || ec != std::errc() || ptr != last) return std::nullopt;
  return v;
}

std::optional<unsigned long long> TextTokens::natural(std::string_view token) {
  unsigned long long v = 0;
  const char* last = token.data() + token.size();
  const auto [ptr, ec] = std::from_chars(token.data(), last, v);
  if (token.empty() || token.front() == '-' || ec != std::errc() || ptr != last) return std::nullopt;
  return v;
}

}  // namespace ecomon
