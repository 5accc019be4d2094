#include "catalog/stored_year.hpp"

#include <cstdio>
#include <cstdlib>
#include <iomanip>
#include <sstream>
#include <stdexcept>

#include "catalog/workspace_catalog.hpp"

namespace ecomon {

namespace {

// The text is a sequence of tokens: `name value...` in a fixed order, strings quoted (std::quoted),
// numbers as C99 hexadecimal floats (bit-exact), counts before every list.
constexpr const char* kFormat = "ecomon-stored-year-2";

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
  explicit Reader(const std::string& text) : in_(text) {}
  void name(const char* expected) {
    std::string n;
    if (!(in_ >> n) || n != expected)
      throw std::runtime_error(std::string("stored year: expected '") + expected + "', found '" + n + "'");
    where_ = expected;
  }
  std::string text() {
    std::string s;
    if (!(in_ >> std::quoted(s))) fail("a quoted string");
    return s;
  }
  double real() {
    const std::string t = token();
    char* end = nullptr;
    const double v = std::strtod(t.c_str(), &end);
    if (end != t.c_str() + t.size()) fail("a number, not '" + t + "'");
    return v;
  }
  long long whole() {
    const std::string t = token();
    char* end = nullptr;
    const long long v = std::strtoll(t.c_str(), &end, 10);
    if (t.empty() || end != t.c_str() + t.size()) fail("a whole number, not '" + t + "'");
    return v;
  }
  std::size_t count() {
    const long long n = whole();
    if (n < 0 || n > (1LL << 26)) fail("a count, not " + std::to_string(n));
    return std::size_t(n);
  }

 private:
  std::string token() {
    std::string t;
    if (!(in_ >> t)) fail("a value; the text ends early");
    return t;
  }
  [[noreturn]] void fail(const std::string& what) const { throw std::runtime_error("stored year: after '" + where_ + "': expected " + what); }
  std::istringstream in_;
  std::string where_;
};

void write_matches(Writer& w, const std::vector<PlotMatch>& matches) {
  w.whole(static_cast<long long>(matches.size()));
  for (const PlotMatch& m : matches)
    w.whole(static_cast<long long>(m.plot)).whole(int(m.status)).real(m.satellite_cover).whole(int(m.land_cover)).whole(m.grassland_type).whole(m.zone);
}
std::vector<PlotMatch> read_matches(Reader& r) {
  std::vector<PlotMatch> matches(r.count());
  for (PlotMatch& m : matches) {
    m.plot = std::size_t(r.whole());
    m.status = PlotStatus(r.whole());
    m.satellite_cover = r.real();
    m.land_cover = LandCover(r.whole());
    m.grassland_type = std::uint16_t(r.whole());
    m.zone = int(r.whole());
  }
  return matches;
}

void write_tallies(Writer& w, const std::vector<ZoneTally>& tallies) {
  w.whole(static_cast<long long>(tallies.size()));
  for (const ZoneTally& t : tallies) w.text(t.serialise());
}
std::vector<ZoneTally> read_tallies(Reader& r) {
  std::vector<ZoneTally> tallies(r.count());
  for (ZoneTally& t : tallies) t = ZoneTally::parse(r.text());
  return tallies;
}

void write_texts(Writer& w, const std::vector<std::string>& texts) {
  w.whole(static_cast<long long>(texts.size()));
  for (const std::string& s : texts) w.text(s);
}
std::vector<std::string> read_texts(Reader& r) {
  std::vector<std::string> texts(r.count());
  for (std::string& s : texts) s = r.text();
  return texts;
}

}  // namespace

std::string serialise_stored_year(const StoredYear& s, const std::string& root) {
  Writer w;
  auto here = [&](const std::string& p) { return workspace_relative(p, root); };
  auto all_here = [&](std::vector<std::string> paths) {
    for (auto& p : paths) p = here(p);
    return paths;
  };
  const YearResult& y = s.year;
  w.name(kFormat);
  w.name("year").whole(y.year).whole(y.scenes).whole(s.produced).whole(y.simulated).real(y.method_min_share);
  w.name("products").text(here(y.fvc_product)).text(here(y.landcover_product)).text(here(y.land_cover_layer));
  w.name("tallies");
  write_tallies(w, y.tallies);
  w.name("plots").whole(y.calibration.has_value());
  if (y.calibration) write_matches(w, y.calibration->matches);
  w.name("sample").whole(y.accuracy.has_value());
  if (y.accuracy) {
    write_matches(w, y.accuracy->matches);
    w.whole(static_cast<long long>(y.accuracy->zone_of_unit.size()));
    for (int z : y.accuracy->zone_of_unit) w.whole(z);
    for (double a : y.accuracy->mapped) w.real(a);
  }
  w.name("scenes").whole(static_cast<long long>(s.scenes.size()));
  for (const SceneResult& r : s.scenes) {
    const SceneInfo& i = r.scene;
    w.name("scene").text(i.id).text(i.date).text(i.spacecraft).text(i.sensor).text(i.reflectance).text(i.path).whole(i.simulated);
    w.real(r.ndvi_soil).real(r.ndvi_veg).whole(static_cast<long long>(r.implausible_pixels)).whole(static_cast<long long>(r.undefined_index_pixels));
    write_texts(w, all_here(r.products));
    write_tallies(w, r.tallies);
  }
  w.name("statuses").whole(static_cast<long long>(s.statuses.size()));
  for (const StatusRow& st : s.statuses)
    w.text(st.path).text(st.status).text(st.message).text(st.scene_id).whole(static_cast<long long>(st.implausible_pixels));
  w.name("outputs");
  write_texts(w, all_here(s.outputs));
  w.name("settings").whole(static_cast<long long>(s.settings.size()));
  for (const SettingValue& v : s.settings) w.text(v.key).text(v.text).whole(v.path);
  w.name("end");
  return w.str();
}

StoredYear parse_stored_year(const std::string& text, const std::string& root) {
  Reader r(text);
  auto there = [&](const std::string& p) { return workspace_absolute(p, root); };
  auto all_there = [&](std::vector<std::string> paths) {
    for (auto& p : paths) p = there(p);
    return paths;
  };
  StoredYear s;
  YearResult& y = s.year;
  r.name(kFormat);
  r.name("year");
  y.year = int(r.whole());
  y.scenes = int(r.whole());
  s.produced = r.whole() != 0;
  y.simulated = r.whole() != 0;
  y.method_min_share = r.real();
  r.name("products");
  y.fvc_product = there(r.text());
  y.landcover_product = there(r.text());
  y.land_cover_layer = there(r.text());
  r.name("tallies");
  y.tallies = read_tallies(r);
  r.name("plots");
  if (r.whole()) {
    y.calibration.emplace();
    y.calibration->matches = read_matches(r);
  }
  r.name("sample");
  if (r.whole()) {
    y.accuracy.emplace();
    y.accuracy->matches = read_matches(r);
    y.accuracy->zone_of_unit.resize(r.count());
    for (int& z : y.accuracy->zone_of_unit) z = int(r.whole());
    for (double& a : y.accuracy->mapped) a = r.real();
  }
  r.name("scenes");
  s.scenes.resize(r.count());
  for (SceneResult& sr : s.scenes) {
    r.name("scene");
    SceneInfo& i = sr.scene;
    i.id = r.text();
    i.date = r.text();
    i.spacecraft = r.text();
    i.sensor = r.text();
    i.reflectance = r.text();
    i.path = r.text();
    i.simulated = r.whole() != 0;
    sr.ndvi_soil = r.real();
    sr.ndvi_veg = r.real();
    sr.implausible_pixels = std::uint64_t(r.whole());
    sr.undefined_index_pixels = std::uint64_t(r.whole());
    sr.products = all_there(read_texts(r));
    sr.tallies = read_tallies(r);
  }
  r.name("statuses");
  s.statuses.resize(r.count());
  for (StatusRow& st : s.statuses) {
    st.path = r.text();
    st.status = r.text();
    st.message = r.text();
    st.scene_id = r.text();
    st.implausible_pixels = std::uint64_t(r.whole());
  }
  r.name("outputs");
  s.outputs = all_there(read_texts(r));
  r.name("settings");
  s.settings.resize(r.count());
  for (SettingValue& v : s.settings) {
    v.key = r.text();
    v.text = r.text();
    v.path = r.whole() != 0;
  }
  r.name("end");
  return s;
}

}  // namespace ecomon
