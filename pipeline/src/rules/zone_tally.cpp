#include "rules/zone_tally.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <tuple>
#include <utility>

#include "base/text_tokens.hpp"

namespace ecomon {

namespace {

// Every member is in fields(): the members' sizes add up to the struct's (all are 8-byte aligned,
// so there is no padding to hide a member left out of the list).
constexpr std::size_t field_bytes() {
  std::size_t bytes = 0;
  std::apply([&](const auto&... field) { ((bytes += sizeof(std::declval<ZoneTally>().*field.member)), ...); }, ZoneTally::fields());
  return bytes;
}
static_assert(field_bytes() == sizeof(ZoneTally), "a ZoneTally member is missing from ZoneTally::fields()");

// How each kind of member merges: areas add, the sources seen are or-ed, sample units appended.
void merge_value(double& a, const double& b) { a += b; }
template <std::size_t N>
void merge_value(double (&a)[N], const double (&b)[N]) {
  for (std::size_t i = 0; i < N; ++i) a[i] += b[i];
}
template <typename Key, std::size_t N>
void merge_value(std::map<Key, std::array<double, N>>& a, const std::map<Key, std::array<double, N>>& b) {
  for (const auto& [key, values] : b) {
    auto& mine = a[key];
    for (std::size_t i = 0; i < N; ++i) mine[i] += values[i];
  }
}
void merge_value(std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() < b.size()) a.resize(b.size(), 0);
  for (std::size_t i = 0; i < b.size(); ++i) a[i] += b[i];
}
void merge_value(std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b) {
  if (a.size() < b.size()) a.resize(b.size(), 0);
  for (std::size_t i = 0; i < b.size(); ++i) a[i] |= b[i];
}
void merge_value(std::vector<std::size_t>& a, const std::vector<std::size_t>& b) { a.insert(a.end(), b.begin(), b.end()); }

// Text form: `name count v1 v2 ...`; a map entry is its key followed by its N values. Numbers in the
// C99 hexadecimal form printf's "%a" gives (bit-exact; TextTokens::real reads it), written with
// std::to_chars straight into the text: a season tile's tallies are a megabyte of them, and a stream
// with snprintf per number took 3% of a season tile task (perf).
void append_number(std::string& out, double v) {
  char buffer[48];
  char* at = buffer;
  if (std::isfinite(v)) {  // to_chars gives "%a" without its "0x" (and "inf", "nan" as "%a" does)
    if (std::signbit(v)) *at++ = '-';
    *at++ = '0', *at++ = 'x';
    v = std::fabs(v);
  }
  at = std::to_chars(at, buffer + sizeof buffer, v, std::chars_format::hex).ptr;
  out.append(buffer, at);
}
void append_natural(std::string& out, std::uint64_t n) {
  char buffer[24];
  out += ' ';
  out.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, n).ptr);
}
void write_value(std::string& out, double v) {
  out += " 1 ";
  append_number(out, v);
}
template <std::size_t N>
void write_value(std::string& out, const double (&v)[N]) {
  append_natural(out, N);
  for (double x : v) out += ' ', append_number(out, x);
}
template <typename Key, std::size_t N>
void write_value(std::string& out, const std::map<Key, std::array<double, N>>& m) {
  append_natural(out, m.size());
  for (const auto& [key, values] : m) {
    append_natural(out, std::uint64_t(key));
    for (double x : values) out += ' ', append_number(out, x);
  }
}
void write_value(std::string& out, const std::vector<double>& v) {
  append_natural(out, v.size());
  for (double x : v) out += ' ', append_number(out, x);
}
template <typename Integer>
void write_value(std::string& out, const std::vector<Integer>& v) {
  append_natural(out, v.size());
  for (Integer x : v) append_natural(out, std::uint64_t(x));
}

struct Reader {
  TextTokens in;
  std::string field;
  std::string_view token() {
    const std::optional<std::string_view> t = in.next();
    if (!t) throw std::runtime_error("zone tally: field " + field + " ends early");
    return *t;
  }
  double real() {
    const std::string_view t = token();
    if (const std::optional<double> v = TextTokens::real(t)) return *v;
    throw std::runtime_error("zone tally: field " + field + ": '" + std::string(t) + "' is not a number");
  }
  std::uint64_t whole() {
    const std::string_view t = token();
    if (const std::optional<unsigned long long> v = TextTokens::natural(t)) return *v;
    throw std::runtime_error("zone tally: field " + field + ": '" + std::string(t) + "' is not a count");
  }
  std::size_t count(std::size_t expected = std::size_t(-1)) {
    const std::uint64_t n = whole();
    if (expected != std::size_t(-1) && n != expected)
      throw std::runtime_error("zone tally: field " + field + " has " + std::to_string(n) + " values, not " + std::to_string(expected));
    if (n > (1u << 26)) throw std::runtime_error("zone tally: field " + field + ": implausible count " + std::to_string(n));
    return std::size_t(n);
  }
};
void read_value(Reader& r, double& v) {
  r.count(1);
  v = r.real();
}
template <std::size_t N>
void read_value(Reader& r, double (&v)[N]) {
  r.count(N);
  for (double& x : v) x = r.real();
}
template <typename Key, std::size_t N>
void read_value(Reader& r, std::map<Key, std::array<double, N>>& m) {
  const std::size_t n = r.count();
  for (std::size_t k = 0; k < n; ++k) {
    const std::uint64_t key = r.whole();  // zone indices and grassland-type codes: non-negative
    if (key > std::uint64_t(std::numeric_limits<Key>::max()))
      throw std::runtime_error("zone tally: field " + r.field + ": key " + std::to_string(key) + " out of range");
    auto& values = m[Key(key)];
    for (double& x : values) x = r.real();
  }
}
void read_value(Reader& r, std::vector<double>& v) {
  v.resize(r.count());
  for (double& x : v) x = r.real();
}
template <typename Integer>
void read_value(Reader& r, std::vector<Integer>& v) {
  v.resize(r.count());
  for (Integer& x : v) x = Integer(r.whole());
}

}  // namespace

void ZoneTally::merge(const ZoneTally& o) {
  std::apply([&](const auto&... field) { (merge_value(this->*field.member, o.*field.member), ...); }, fields());
}

std::string ZoneTally::serialise() const {
  std::string out;
  std::apply([&](const auto&... field) { ((out += field.name, write_value(out, this->*field.member), out += '\n'), ...); }, fields());
  return out;
}

namespace {

// Reads the value of the field at `index` in ZoneTally::fields() into `t`.
template <typename Fields, std::size_t... I>
void read_field(Reader& r, ZoneTally& t, const Fields& list, std::size_t index, std::index_sequence<I...>) {
  (void)((index == I ? (read_value(r, t.*std::get<I>(list).member), true) : false) || ...);
}

}  // namespace

ZoneTally ZoneTally::parse(const std::string& text) {
  ZoneTally t;
  constexpr auto list = fields();
  constexpr std::size_t kFields = std::tuple_size_v<decltype(fields())>;
  // The fields' names, looked up where the writer put them first (field by field, in this order): a
  // reduce parses a megabyte of tallies per season tile, and comparing each line's name with every
  // field's was a sixth of that.
  static const std::array<std::string_view, kFields> names =
      std::apply([](const auto&... field) { return std::array<std::string_view, kFields>{std::string_view(field.name)...}; }, list);
  std::size_t seen = 0;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t stop = std::min(text.find('\n', start), text.size());
    const std::string_view line(text.data() + start, stop - start);
    start = stop + 1;
    Reader r{TextTokens(line), {}};
    const std::optional<std::string_view> name = r.in.next();
    if (!name) continue;
    r.field = std::string(*name);
    std::size_t index = seen < kFields && names[seen] == *name ? seen : kFields;
    for (std::size_t k = 0; k < kFields && index == kFields; ++k)
      if (names[k] == *name) index = k;
    if (index == kFields) throw std::runtime_error("zone tally: unknown field '" + r.field + "'");
    read_field(r, t, list, index, std::make_index_sequence<kFields>());
    if (r.in.next()) throw std::runtime_error("zone tally: field " + r.field + " has more values than it says");
    ++seen;
  }
  if (seen != std::tuple_size_v<decltype(fields())>)
    throw std::runtime_error("zone tally: " + std::to_string(seen) + " fields, not " + std::to_string(std::tuple_size_v<decltype(fields())>));
  return t;
}

}  // namespace ecomon
