#include "config/settings.hpp"

#include <yaml-cpp/yaml.h>

#include "base/threads.hpp"
#include "config/schema.hpp"
#include "config/strict_yaml.hpp"
#include "libgeo/io/projection.hpp"
#include "rules/cell_rules.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <type_traits>
#include <variant>
#include <sstream>

namespace ecomon {

namespace config_keys {

namespace {

std::map<int, std::vector<KeyDef>>& registrations() {
  static std::map<int, std::vector<KeyDef>> by_rank;
  return by_rank;
}
std::vector<int>& repeated_ranks() {
  static std::vector<int> ranks;
  return ranks;
}

}  // namespace

ConfigKeys::ConfigKeys(int rank, std::vector<KeyDef> keys) {
  if (!registrations().emplace(rank, std::move(keys)).second) repeated_ranks().push_back(rank);
}

// A programming error, found on the first read of the schema (every test and run): two registrations
// of one rank (their order would depend on the link order) or one key registered twice.
const std::vector<KeyDef>& registered_keys() {
  static const std::vector<KeyDef> keys = [] {
    if (!repeated_ranks().empty())
      throw std::logic_error("two config key registrations share rank " + std::to_string(repeated_ranks().front()));
    std::vector<KeyDef> all;
    std::map<std::string, int> seen;
    for (const auto& [rank, defs] : registrations())
      for (const KeyDef& d : defs) {
        if (!seen.emplace(d.key, rank).second) throw std::logic_error("config key " + d.key + " registered twice");
        all.push_back(d);
      }
    return all;
  }();
  return keys;
}

}  // namespace config_keys

namespace {

using namespace config_keys;

// A checked value: its text, and for numeric kinds the number parsed once (never re-read from text).
struct Value {
  std::string text;
  double number = 0;
  int integer() const { return int(number); }  // integer kinds are checked integral and in range
};

// "a,b,,c" -> {"a", "b", "", "c"}: the zone codes of a zone_list value, empty ones kept for the check.
std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    const std::size_t comma = text.find(',', start);
    parts.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return parts;
    start = comma + 1;
  }
}

std::string number_text(double v, bool exact = false) {
  char buf[40];
  std::snprintf(buf, sizeof buf, exact ? "%.17g" : "%g", v);
  return buf;
}

// The key's value in `s`, as text (the documented default, for a default-constructed Settings);
// `exact`: numbers to the last bit.
std::string value_text(const KeyDef& d, const Settings& s, bool exact = false) {
  return std::visit(
      [&](auto field) -> std::string {
        const auto& v = field(const_cast<Settings&>(s));
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, int>)
          return std::to_string(v);
        else if constexpr (std::is_same_v<T, double>)
          return number_text(v, exact);
        else if constexpr (std::is_same_v<T, bool>)
          return v ? "true" : "false";
        else if constexpr (std::is_same_v<T, std::string>)
          return v.empty() ? d.when_empty : v;
        else
          return v ? number_text(*v, exact) : "auto";
      },
      d.field);
}

// Stores a checked value in the key's field.
void store(Settings& s, const KeyDef& d, const Value& value) {
  std::visit(
      [&](auto field) {
        auto& v = field(s);
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, int>)
          v = value.integer();
        else if constexpr (std::is_same_v<T, double>)
          v = value.number;
        else if constexpr (std::is_same_v<T, bool>)
          v = value.text == "true";
        else if constexpr (std::is_same_v<T, std::string>)
          v = value.text;
        else
          v = value.text == "auto" ? std::nullopt : std::optional<double>(value.number);
      },
      d.field);
}

std::string kind_name(const KeyDef& d) {
  switch (d.kind) {
    case Kind::integer:
      return "integer";
    case Kind::number:
      return "number";
    case Kind::number_or_auto:
      return "number or `auto`";
    case Kind::boolean:
      return "boolean";
    case Kind::text:
      return "string";
    case Kind::path:
      return "path";
    case Kind::choice:
      return "one of";
    case Kind::month_day:
      return "date MM-DD";
    case Kind::zone_list:
      return "`all`, `none` or a list of zone codes";
    case Kind::product_list:
      return "`all`, `none` or a list of products";
    case Kind::code_table:
      return "mapping of raster codes to land cover classes";
  }
  return "?";
}

std::string range_text(const KeyDef& d) {
  std::ostringstream o;
  switch (d.kind) {
    case Kind::integer:
    case Kind::number:
    case Kind::number_or_auto:
      o << "[" << d.min << ", " << d.max << "]";
      break;
    case Kind::choice:
      for (std::size_t i = 0; i < d.choices.size(); ++i) o << (i ? ", " : "") << d.choices[i];
      break;
    case Kind::boolean:
      o << "true, false";
      break;
    case Kind::month_day:
      o << "01-01 to 12-31";
      break;
    case Kind::zone_list:
      o << "all, none, [code, ...]";
      break;
    case Kind::product_list:
      o << "all, none, [scene, season, trends, LEVEL/NAME, NAME, ...]";
      break;
    case Kind::code_table:
      o << "{code: tree | shrubland | grassland | cropland | water | wetland | bare | built_up, ...}";
      break;
    default:
      o << "any";
      break;
  }
  return o.str();
}

const KeyDef* find_key(const std::string& key) {
  for (const auto& d : registered_keys())
    if (d.key == key) return &d;
  return nullptr;
}

bool is_section(const std::string& prefix) {
  for (const auto& d : registered_keys())
    if (d.key.rfind(prefix + ".", 0) == 0) return true;
  return false;
}

std::string keys_under(const std::string& prefix) {
  std::string out;
  for (const auto& d : registered_keys())
    if (prefix.empty() || d.key.rfind(prefix + ".", 0) == 0) out += (out.empty() ? "" : ", ") + d.key;
  return out;
}

// Checks `text` against the key's type and range, then stores it.
void apply(Settings& s, const KeyDef& d, const std::string& text, const std::string& where) {
  Value value{text, 0};
  auto fail = [&](const std::string& why) {
    throw ConfigError(where + ": key '" + d.key + "' " + why + " (expected " + kind_name(d) + " " + range_text(d) + ")");
  };
  auto parse_number = [&](const std::string& t) {
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(t, &used);
    } catch (const std::exception&) {
      fail("has value '" + t + "', not a number");
    }
    if (used != t.size() || !std::isfinite(v)) fail("has value '" + t + "', not a number");
    if (v < d.min || v > d.max) fail("has value " + t + ", out of range");
    return v;
  };
  switch (d.kind) {
    case Kind::integer: {
      value.number = parse_number(text);
      if (value.number != std::floor(value.number)) fail("has value " + text + ", not an integer");
      break;
    }
    case Kind::number:
      value.number = parse_number(text);
      break;
    case Kind::number_or_auto:
      if (text != "auto") value.number = parse_number(text);
      break;
    case Kind::boolean:
      if (text != "true" && text != "false") fail("has value '" + text + "'");
      break;
    case Kind::choice: {
      std::string upper = text;
      bool ok = false;
      for (const auto& c : d.choices) ok = ok || c == text;
      if (!ok) fail("has value '" + upper + "'");
      break;
    }
    case Kind::month_day: {
      static const int days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
      const bool shape = text.size() == 5 && text[2] == '-' && std::isdigit(text[0]) && std::isdigit(text[1]) && std::isdigit(text[3]) &&
                         std::isdigit(text[4]);
      const int m = shape ? std::stoi(text.substr(0, 2)) : 0, day = shape ? std::stoi(text.substr(3, 2)) : 0;
      if (!shape || m < 1 || m > 12 || day < 1 || day > days[m - 1]) fail("has value '" + text + "', not a valid MM-DD");
      break;
    }
    case Kind::product_list: {
      // `all`, `none` (or true / false), or names separated by commas (a YAML list arrives joined so);
      // whether each names a product is checked against the product registry when the run starts.
      if (text == "all" || text == "none" || text == "true" || text == "false") break;
      for (const std::string& item : split_commas(text))
        if (item.empty() || item.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_/") != std::string::npos)
          fail("has value '" + text + "': '" + item + "' is not a product or level name (letters, digits, _ and one /)");
      break;
    }
    case Kind::zone_list: {
      // `all`, `none`, or codes separated by commas (a YAML list arrives joined so).
      if (text == "all" || text == "none") break;
      for (const std::string& code : split_commas(text))
        if (code.empty() || code.find_first_of(" \t[]") != std::string::npos)
          fail("has value '" + text + "': '" + code + "' is not a zone code");
      break;
    }
    case Kind::code_table: {
      // `code: class` pairs (a YAML mapping arrives joined as "code=class,code=class").
      if (text.empty()) break;
      for (const std::string& pair : split_commas(text)) {
        const auto eq = pair.find('=');
        const std::string code = pair.substr(0, eq), name = eq == std::string::npos ? "" : pair.substr(eq + 1);
        const bool numeric =
            !code.empty() && code.size() <= 5 && std::all_of(code.begin(), code.end(), ::isdigit) && std::stoi(code) < 65535;
        if (!numeric) fail("has '" + pair + "': '" + code + "' is not a raster code (an integer 0-65534)");
        if (!land_cover_from_name(name)) fail("has '" + pair + "': '" + name + "' is not a land cover class (" + range_text(d) + ")");
      }
      break;
    }
    case Kind::text:
    case Kind::path:
      break;
  }
  store(s, d, value);
}

// `line_of_key`: the line of every key set so far, so that one key written twice in two forms
// (`season.start:` and `start:` under `season:`) is refused like a key repeated in one mapping.
void walk(Settings& s, const YAML::Node& node, const std::string& prefix, const std::string& file, const std::filesystem::path& base,
          std::map<std::string, int>& line_of_key) {
  if (!node.IsMap()) throw ConfigError(file + ": '" + (prefix.empty() ? "top level" : prefix) + "' must be a mapping");
  for (const auto& kv : node) {
    const std::string name = kv.first.as<std::string>();
    const std::string key = prefix.empty() ? name : prefix + "." + name;
    if (const KeyDef* d = find_key(key)) {
      const int line = kv.first.Mark().line + 1;
      if (const auto [first, inserted] = line_of_key.emplace(key, line); !inserted)
        throw ConfigError(file + ": line " + std::to_string(line) + ": key '" + key + "' is given twice (first on line " +
                          std::to_string(first->second) + "); remove one");
      if (d->kind == Kind::code_table && kv.second.IsMap()) {
        std::string joined;
        for (const auto& item : kv.second) {
          if (!item.second.IsScalar()) throw ConfigError(file + ": key '" + key + "' must map each code to a class name");
          if (!joined.empty()) joined.push_back(',');
          joined.append(item.first.as<std::string>()).append("=").append(item.second.as<std::string>());
        }
        apply(s, *d, joined, file);
        continue;
      }
      if ((d->kind == Kind::zone_list || d->kind == Kind::product_list) && kv.second.IsSequence()) {
        const char* what = d->kind == Kind::zone_list ? "zone codes" : "products";
        std::string joined;
        for (const auto& item : kv.second) {
          if (!item.IsScalar()) throw ConfigError(file + ": key '" + key + "' must list " + what + " as plain values");
          if (!joined.empty()) joined.push_back(',');
          joined.append(item.as<std::string>());
        }
        if (joined.empty())
          throw ConfigError(file + ": key '" + key + "' is an empty list (write `none` " +
                            (d->kind == Kind::zone_list ? "to count no shrubland)" : "to write no product)"));
        apply(s, *d, joined, file);
        continue;
      }
      if (!kv.second.IsScalar())
        throw ConfigError(file + ": key '" + key + "' must be a single value (expected " + kind_name(*d) + " " + range_text(*d) + ")");
      std::string text = kv.second.as<std::string>();
      if (d->kind == Kind::path && !text.empty() && std::filesystem::path(text).is_relative())
        text = (base / text).lexically_normal().string();
      apply(s, *d, text, file);
    } else if (is_section(key)) {
      walk(s, kv.second, key, file, base, line_of_key);
    } else {
      const std::string section = prefix;
      throw ConfigError(file + ": unknown key '" + key + "' (known keys" + (section.empty() ? "" : " in '" + section + "'") + ": " +
                        keys_under(section) + ")");
    }
  }
}

}  // namespace

void apply_override(Settings& s, const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos) throw ConfigError("--set " + assignment + ": expected key.path=value");
  const std::string key = assignment.substr(0, eq), value = assignment.substr(eq + 1);
  const KeyDef* d = find_key(key);
  if (!d) throw ConfigError("--set: unknown key '" + key + "' (known keys: " + keys_under("") + ")");
  apply(s, *d, value, "--set");
}

void validate(const Settings& s, const std::string& where) {
  if (s.fvc.ndvi_soil && s.fvc.ndvi_veg && !(*s.fvc.ndvi_veg > *s.fvc.ndvi_soil))
    throw ConfigError(where + ": fvc.ndvi_veg (" + std::to_string(*s.fvc.ndvi_veg) + ") must be greater than fvc.ndvi_soil (" +
                      std::to_string(*s.fvc.ndvi_soil) + ")");
  if (!(s.sandification.none_min_fvc > s.sandification.light_min_fvc && s.sandification.light_min_fvc > s.sandification.moderate_min_fvc &&
        s.sandification.moderate_min_fvc > s.sandification.severe_min_fvc))
    throw ConfigError(where + ": sandification cut points must decrease: none_min_fvc > light_min_fvc > moderate_min_fvc > severe_min_fvc");
  const DesertificationSection& d = s.desertification;
  if (!(d.none_min_ddi > d.light_min_ddi && d.light_min_ddi > d.moderate_min_ddi && d.moderate_min_ddi > d.severe_min_ddi))
    throw ConfigError(where +
                      ": desertification cut points must decrease: none_min_ddi > light_min_ddi > moderate_min_ddi > severe_min_ddi");
  if (s.landcover.scheme == "custom" && s.landcover.custom_codes.empty() && !s.landcover.file.empty())
    throw ConfigError(where + ": landcover.scheme is custom but landcover.custom_codes is empty (map each code of " + s.landcover.file +
                      " to a class)");
  if (s.landcover.scheme != "custom" && !s.landcover.custom_codes.empty())
    throw ConfigError(where + ": landcover.custom_codes is set but landcover.scheme is " + s.landcover.scheme +
                      " (the table applies to the custom scheme only)");
  if (!(s.landcover.crop_max_autumn_ratio <= s.landcover.shrub_min_green_ratio))
    throw ConfigError(where + ": landcover.crop_max_autumn_ratio must not exceed landcover.shrub_min_green_ratio (shrubs hold in autumn)");
  if (!(s.landcover.crop_max_green_ratio < s.landcover.shrub_min_green_ratio))
    throw ConfigError(where +
                      ": landcover.crop_max_green_ratio must be below landcover.shrub_min_green_ratio (crops green up, shrubs hold)");
  if (!(s.landcover.bare_max_fvc < s.landcover.shrub_min_fvc && s.landcover.bare_max_fvc < s.landcover.crop_min_fvc))
    throw ConfigError(where + ": landcover.bare_max_fvc must be below landcover.shrub_min_fvc and landcover.crop_min_fvc");
  if (s.output.block_size % 16 != 0) throw ConfigError(where + ": key 'output.block_size' must be a multiple of 16");
  if (!(s.water.permanent_min_frequency > s.water.seasonal_min_frequency))
    throw ConfigError(where + ": water.permanent_min_frequency must be greater than water.seasonal_min_frequency");
  if (s.season.start > s.season.end || s.season.spring_start > s.season.spring_end || s.season.autumn_start > s.season.autumn_end)
    throw ConfigError(where + ": each season window must start before it ends (season, spring, autumn)");
  // season.pixel_size is in metres: a geographic grid would make cells of that many degrees.
  if (const std::string why = geo::io::projected_metres_problem(s.season.grid_crs); !why.empty())
    throw ConfigError(where + ": key 'season.grid_crs' " + why + " ('" + s.season.grid_crs.substr(0, 80) +
                      "'); the regional grid needs a projected CRS in metres, ideally equal-area (e.g. the default China Albers)");
}

namespace {

// Reads YAML text into `s` (no cross-key validation yet). Relative paths resolve against `base`.
void parse_into(Settings& s, const std::string& text, const std::string& where, const std::filesystem::path& base) {
  const YAML::Node root = load_strict_yaml(text, where);
  try {
    std::map<std::string, int> line_of_key;
    if (!root.IsNull()) walk(s, root, "", where, base, line_of_key);
  } catch (const YAML::Exception& e) {
    throw ConfigError(where + ": not valid YAML: " + e.what());
  }
}

}  // namespace

Settings parse_settings(const std::string& text, const std::string& where, const std::string& base_dir) {
  Settings s;
  parse_into(s, text, where, std::filesystem::absolute(base_dir));
  validate(s, where);
  return s;
}

Settings load_settings(const std::string& path, const std::vector<std::string>& overrides) {
  Settings s;
  if (!path.empty()) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream text;
    text << f.rdbuf();
    if (!f) throw ConfigError(path + ": cannot read the config file");
    parse_into(s, text.str(), path, std::filesystem::absolute(path).parent_path());
  }
  for (const auto& o : overrides) apply_override(s, o);
  validate(s, path.empty() ? "settings" : path);
  return s;
}

std::vector<SettingValue> setting_values(const Settings& s) {
  std::vector<SettingValue> values;
  for (const auto& d : registered_keys()) values.push_back({d.key, value_text(d, s, true), d.kind == Kind::path});
  return values;
}

Settings settings_from_values(const std::vector<SettingValue>& values, const std::string& where) {
  Settings s;
  for (const SettingValue& v : values) {
    const KeyDef* d = find_key(v.key);
    if (!d) throw ConfigError(where + ": unknown key '" + v.key + "' (stored by another ecomon version?)");
    // An empty text is stored as its placeholder (value_text): read back as empty.
    const bool emptied = std::visit(
        [&](auto field) {
          auto& f = field(s);
          if constexpr (std::is_same_v<std::decay_t<decltype(f)>, std::string>) {
            if (v.text == d->when_empty) return f.clear(), true;
          }
          return false;
        },
        d->field);
    if (!emptied) apply(s, *d, v.text, where);
  }
  return s;
}

StripPlan plan_strips(const Settings& s, double bytes_per_cell, int cols, int halo_rows) {
  StripPlan plan;
  plan.threads = threads_or_all_cores(s.run.threads);
  plan.tokens = std::size_t(2 * plan.threads);
  const double budget_rows = double(s.run.memory_budget_mb) * 1024.0 * 1024.0 / (bytes_per_cell * cols * double(plan.tokens));
  plan.rows = std::clamp(int(budget_rows) - 2 * halo_rows, 8, std::max(8, s.run.window_rows));
  plan.heap_bytes = double(plan.tokens) * double(plan.rows + 2 * halo_rows) * double(cols) * bytes_per_cell;
  return plan;
}

std::vector<std::string> designated_shrubland_zones(const ForestSection& forest) {
  if (forest.special_shrubland == "all" || forest.special_shrubland == "none") return {};
  return split_commas(forest.special_shrubland);
}

bool counts_special_shrubland(const ForestSection& forest, const std::string& zone_code) {
  if (forest.special_shrubland == "all") return true;
  const std::vector<std::string> codes = designated_shrubland_zones(forest);
  return std::find(codes.begin(), codes.end(), zone_code) != codes.end();
}

namespace {

std::string upper(std::string s) {
  for (char& c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::vector<std::string> listed_products(const OutputSection& output) {
  const std::string& p = output.products;
  if (p == "all" || p == "none" || p == "true" || p == "false") return {};
  std::vector<std::string> items;
  for (const std::string& item : split_commas(p)) items.push_back(upper(item));
  return items;
}

bool product_selected(const OutputSection& output, const std::string& level, const std::string& name) {
  if (output.products == "all" || output.products == "true") return true;
  const std::string l = upper(level), n = upper(name);
  for (const std::string& item : listed_products(output))
    if (item == l || item == l + "/" + n || item == n) return true;
  return false;
}

std::string settings_reference_markdown() {
  std::ostringstream o;
  o << "| key | type | unit | default | allowed | meaning |\n|---|---|---|---|---|---|\n";
  const Settings defaults;
  for (const auto& d : registered_keys())
    o << "| `" << d.key << "` | " << kind_name(d) << " | " << d.unit << " | " << value_text(d, defaults) << " | " << range_text(d) << " | "
      << d.doc << " |\n";
  return o.str();
}

}  // namespace ecomon
