#include "catalog/stored_year.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <tuple>
#include <type_traits>

#include "base/fields.hpp"
#include "base/text_tokens.hpp"
#include "catalog/workspace_catalog.hpp"

namespace ecomon {

namespace {

// The text is a sequence of tokens: each stored member's name and value, in the order of its type's
// fields() (base/fields.hpp), strings quoted (std::quoted), numbers as C99 hexadecimal floats
// (bit-exact), counts before every list, 0 or 1 before an optional value.
constexpr const char* kFormat = "ecomon-stored-year-4";
constexpr const char* kTileFormat = "ecomon-season-tile-1";

class Writer {
 public:
  Writer& name(const char* n) {
    out_ << '\n' << n;
    return *this;
  }
  Writer& text(const std::string& s) {
    out_ << ' ' << std::quoted(s);
    return *this;
  }
  Writer& real(double v) {
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%a", v);
    out_ << ' ' << buffer;
    return *this;
  }
  Writer& whole(long long v) {
    out_ << ' ' << v;
    return *this;
  }
  std::string str() const { return out_.str() + "\n"; }

 private:
  std::ostringstream out_;
};

class Reader {
 public:
  explicit Reader(const std::string& text) : tokens_(text) {}
  void name(const char* expected) {
    const std::string_view n = tokens_.next().value_or("");
    if (n != expected) throw std::runtime_error(std::string("stored year: expected '") + expected + "', found '" + std::string(n) + "'");
    where_ = expected;
  }
  // As std::quoted wrote it: between double quotes, a backslash before a quote or a backslash.
  std::string text() {
    if (tokens_.next_char() != '"') fail("a quoted string");
    std::string s;
    for (;;) {
      s += tokens_.until_either('"', '\\');
      std::optional<char> c = tokens_.next_char_raw();
      if (c == '"') return s;
      if (c == '\\') c = tokens_.next_char_raw();  // the escaped character, as it is
      if (!c) fail("a quoted string; the text ends inside it");
      s += *c;
    }
  }
  double real() {
    const std::string_view t = token();
    if (const std::optional<double> v = TextTokens::real(t)) return *v;
    fail("a number, not '" + std::string(t) + "'");
  }
  long long whole() {
    const std::string_view t = token();
    if (const std::optional<long long> v = TextTokens::whole(t)) return *v;
    fail("a whole number, not '" + std::string(t) + "'");
  }
  std::size_t count() {
    const long long n = whole();
    if (n < 0 || n > (1LL << 26)) fail("a count, not " + std::to_string(n));
    return std::size_t(n);
  }

 private:
  std::string_view token() {
    const std::optional<std::string_view> t = tokens_.next();
    if (!t) fail("a value; the text ends early");
    return *t;
  }
  [[noreturn]] void fail(const std::string& what) const { throw std::runtime_error("stored year: after '" + where_ + "': expected " + what); }
  TextTokens tokens_;
  std::string where_;
};

template <typename T>
struct IsVector : std::false_type {};
template <typename T>
struct IsVector<std::vector<T>> : std::true_type {};
template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};
template <typename T>
struct IsArray : std::false_type {};
template <typename T, std::size_t N>
struct IsArray<std::array<T, N>> : std::true_type {};
template <typename T, typename = void>
struct IsRecord : std::false_type {};
template <typename T>
struct IsRecord<T, std::void_t<decltype(T::fields())>> : std::true_type {};

template <bool Named, typename Owner, typename Field>
void put_field(Writer& w, const Owner& owner, const Field& f, const std::string& root);
template <bool Named, typename Owner, typename Field>
void get_field(Reader& r, Owner& owner, const Field& f, const std::string& root);

// One value, by its type: a record field by field (each named, so that a damaged text names the
// field it breaks at; the elements of a list unnamed, values only, as the list's name covers
// them), a list as its count and elements, an optional as 0 or 1 and its value.
template <Storage How, bool Named = true, typename T>
void put(Writer& w, const T& v, const std::string& root) {
  if constexpr (std::is_same_v<T, ZoneTally>) {
    w.text(v.serialise());
  } else if constexpr (IsRecord<T>::value) {
    static_assert(every_member_listed<T>(), "a member is missing from its type's fields()");
    std::apply([&](const auto&... f) { (put_field<Named>(w, v, f, root), ...); }, T::fields());
  } else if constexpr (IsVector<T>::value) {
    w.whole(static_cast<long long>(v.size()));
    for (const auto& e : v) put<How, false>(w, e, root);
  } else if constexpr (IsArray<T>::value) {
    for (const auto& e : v) put<How, false>(w, e, root);
  } else if constexpr (IsOptional<T>::value) {
    w.whole(v.has_value());
    if (v) put<How, Named>(w, *v, root);
  } else if constexpr (std::is_same_v<T, std::string>) {
    w.text(How == Storage::path ? workspace_relative(v, root) : v);
  } else if constexpr (std::is_floating_point_v<T>) {
    w.real(v);
  } else if constexpr (std::is_enum_v<T>) {
    w.whole(static_cast<long long>(v));
  } else {
    static_assert(std::is_integral_v<T>, "no stored form for this type");
    w.whole(static_cast<long long>(v));
  }
}
template <bool Named, typename Owner, typename Field>
void put_field(Writer& w, const Owner& owner, const Field& f, const std::string& root) {
  if constexpr (Field::storage != Storage::derived) {
    if constexpr (Named) w.name(f.name);
    put<Field::storage, Named>(w, owner.*f.member, root);
  }
}

template <Storage How, bool Named = true, typename T>
void get(Reader& r, T& v, const std::string& root) {
  if constexpr (std::is_same_v<T, ZoneTally>) {
    v = ZoneTally::parse(r.text());
  } else if constexpr (IsRecord<T>::value) {
    std::apply([&](const auto&... f) { (get_field<Named>(r, v, f, root), ...); }, T::fields());
  } else if constexpr (IsVector<T>::value) {
    v.resize(r.count());
    for (auto& e : v) {
      if constexpr (std::is_same_v<T, std::vector<bool>>) {
        bool b = false;
        get<How, false>(r, b, root);
        e = b;
      } else {
        get<How, false>(r, e, root);
      }
    }
  } else if constexpr (IsArray<T>::value) {
    for (auto& e : v) get<How, false>(r, e, root);
  } else if constexpr (IsOptional<T>::value) {
    v.reset();
    if (r.whole() != 0) get<How, Named>(r, v.emplace(), root);
  } else if constexpr (std::is_same_v<T, std::string>) {
    v = How == Storage::path ? workspace_absolute(r.text(), root) : r.text();
  } else if constexpr (std::is_floating_point_v<T>) {
    v = T(r.real());
  } else if constexpr (std::is_same_v<T, bool>) {
    v = r.whole() != 0;
  } else {
    v = T(r.whole());
  }
}
template <bool Named, typename Owner, typename Field>
void get_field(Reader& r, Owner& owner, const Field& f, const std::string& root) {
  if constexpr (Field::storage != Storage::derived) {
    if constexpr (Named) r.name(f.name);
    get<Field::storage, Named>(r, owner.*f.member, root);
  }
}

// A whole text: the format's name, the value, "end".
template <typename T>
std::string to_text(const char* format, const T& value, const std::string& root) {
  Writer w;
  w.name(format);
  put<Storage::value>(w, value, root);
  w.name("end");
  return w.str();
}

template <typename T>
T from_text(const char* format, const std::string& text, const std::string& root) {
  Reader r(text);
  T value;
  r.name(format);
  get<Storage::value>(r, value, root);
  r.name("end");
  return value;
}

}  // namespace

std::string serialise_stored_year(const StoredYear& s, const std::string& root) { return to_text(kFormat, s, root); }

StoredYear parse_stored_year(const std::string& text, const std::string& root) { return from_text<StoredYear>(kFormat, text, root); }

std::string serialise_season_tile(const SeasonTile& tile, const std::string& root) { return to_text(kTileFormat, tile, root); }

SeasonTile parse_season_tile(const std::string& text, const std::string& root) { return from_text<SeasonTile>(kTileFormat, text, root); }

std::vector<std::string> stored_year_rasters(const StoredYear& stored) {
  const std::string year = std::to_string(stored.year.year), prefix = "ecomon_" + year + "_";
  std::vector<std::string> out;
  for (const std::string& path : stored.outputs) {
    const std::filesystem::path p(path);
    if (p.parent_path().filename() == year && p.filename().string().rfind(prefix, 0) == 0 && p.extension() == ".tif") out.push_back(path);
  }
  return out;
}

}  // namespace ecomon
