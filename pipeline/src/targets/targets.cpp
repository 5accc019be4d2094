#include "targets/targets.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "base/errors.hpp"
#include "config/schema.hpp"
#include "products/indicators.hpp"
#include "config/strict_yaml.hpp"

namespace ecomon {

// Config keys read here (config/schema.hpp; their table: config/README.md).
namespace {

using namespace config_keys;

// targets
const ConfigKeys keys_targets(120, {
    {KEY(targets, file),
     Kind::path,
     "",
     0,
     0,
     {},
     "Targets file (format in \"Targets file\" below; the plans' targets: config/targets.yaml). With it, the run writes "
     "targets_report.csv and prints the verdicts; `--targets FILE` sets it.",
     "(none: no targets report)"},
    {KEY(targets, min_observed_fraction),
     Kind::number,
     "fraction",
     0,
     1,
     {},
     "A unit observed (clear in the season) over less than this share of its whole area gets the verdict no_data."}
});

}  // namespace

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::met:
      return "met";
    case Verdict::not_met:
      return "not_met";
    case Verdict::at_risk:
      return "at_risk";
    case Verdict::not_assessed:
      return "not_assessed";
    case Verdict::no_data:
      return "no_data";
  }
  return "no_data";
}


namespace {

[[noreturn]] void fail(const std::string& path, const std::string& key, const std::string& what) {
  throw ConfigError(path + ": " + key + ": " + what);
}

void only_keys(const YAML::Node& node, const std::string& path, const std::string& key, std::initializer_list<const char*> allowed) {
  if (!node.IsMap()) fail(path, key, "must be a mapping");
  for (const auto& kv : node) {
    const std::string k = kv.first.as<std::string>();
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return k == a; })) fail(path, key + "." + k, "unknown key");
  }
}

template <typename T>
T required(const YAML::Node& node, const char* name, const std::string& path, const std::string& key) {
  const YAML::Node v = node[name];
  if (!v) fail(path, key + "." + name, "is required");
  try {
    return v.as<T>();
  } catch (const YAML::Exception&) {
    fail(path, key + "." + name, "has the wrong type ('" + YAML::Dump(v) + "')");
  }
}

TargetPoint point(const YAML::Node& node, const std::string& path, const std::string& key) {
  only_keys(node, path, key, {"year", "value"});
  TargetPoint p{required<int>(node, "year", path, key), required<double>(node, "value", path, key)};
  if (p.year < 1972 || p.year > 2100) fail(path, key + ".year", std::to_string(p.year) + " is not a plan year (1972..2100)");
  if (!std::isfinite(p.value)) fail(path, key + ".value", "is not a number");
  return p;
}

}  // namespace

TargetsFile parse_targets(const std::string& text, const std::string& path) {
  const YAML::Node root = load_strict_yaml(text, path);
  TargetsFile out;
  out.path = path;
  only_keys(root, path, "(top)", {"units", "targets"});
  if (const YAML::Node units = root["units"]) {
    if (!units.IsMap()) fail(path, "units", "must be a mapping of unit code to {name, zones}");
    for (const auto& kv : units) {
      TargetUnit u;
      u.code = kv.first.as<std::string>();
      const std::string key = "units." + u.code;
      only_keys(kv.second, path, key, {"name", "zones"});
      u.name = required<std::string>(kv.second, "name", path, key);
      u.zones = required<std::vector<std::string>>(kv.second, "zones", path, key);
      if (u.zones.empty()) fail(path, key + ".zones", "is empty");
      // A zone listed twice would count twice in the unit's sums (areas, forest coverage).
      std::set<std::string> listed;
      for (const auto& z : u.zones)
        if (!listed.insert(z).second) fail(path, key + ".zones", "lists zone " + z + " twice");
      out.units[u.code] = u;
    }
  }
  const YAML::Node targets = root["targets"];
  if (!targets || !targets.IsSequence()) fail(path, "targets", "a list of targets is required");
  std::set<std::string> ids;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const YAML::Node n = targets[i];
    const std::string key = "targets[" + std::to_string(i) + "]";
    only_keys(n, path, key, {"id", "unit", "indicator", "rule", "baseline", "target", "binding", "source"});
    Target t;
    t.id = required<std::string>(n, "id", path, key);
    if (!ids.insert(t.id).second) fail(path, key + ".id", "'" + t.id + "' is used twice");
    t.unit = required<std::string>(n, "unit", path, key);
    t.indicator = required<std::string>(n, "indicator", path, key);
    std::vector<std::string> known = target_indicators();
    known.push_back(kCarbonSinkIndicator);
    if (std::find(known.begin(), known.end(), t.indicator) == known.end()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      fail(path, key + ".indicator", "unknown indicator '" + t.indicator + "' (one of: " + list + ")");
    }
    const std::string rule = required<std::string>(n, "rule", path, key);
    if (rule == "at_least")
      t.rule = TargetRule::at_least;
    else if (rule == "at_most")
      t.rule = TargetRule::at_most;
    else
      fail(path, key + ".rule", "unknown rule '" + rule + "' (at_least or at_most)");
    if (n["baseline"]) t.baseline = point(n["baseline"], path, key + ".baseline");
    if (!n["target"]) fail(path, key + ".target", "is required");
    t.target = point(n["target"], path, key + ".target");
    if (t.baseline && t.baseline->year >= t.target.year)
      fail(path, key + ".baseline.year",
           std::to_string(t.baseline->year) + " is not before the target year " + std::to_string(t.target.year));
    t.binding = required<bool>(n, "binding", path, key);
    t.source = required<std::string>(n, "source", path, key);
    const auto colon = t.source.rfind(':');
    if (colon == std::string::npos || colon + 1 >= t.source.size() ||
        !std::all_of(t.source.begin() + long(colon) + 1, t.source.end(), [](char c) { return (c >= '0' && c <= '9') || c == '-'; }))
      fail(path, key + ".source", "'" + t.source + "' is not FILE:LINE of the planning document");
    out.targets.push_back(t);
  }
  return out;
}

TargetsFile load_targets(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path + ": cannot read the targets file");
  std::stringstream text;
  text << in.rdbuf();
  return parse_targets(text.str(), path);
}

void check_target_units(const TargetsFile& targets, const std::set<std::string>& zone_codes, const std::string& zones_file) {
  for (const auto& [code, unit] : targets.units) {
    // A target names a zone or a unit by one code: a unit coded like a zone would hide the zone (its
    // targets would be judged on the unit's members instead).
    if (zone_codes.count(code))
      throw ConfigError(targets.path + ": units." + code + " (" + unit.name + ") has the code of a zone of " + zones_file +
                        "; give the unit a code of its own (targets name zones and units by code)");
    for (const auto& z : unit.zones)
      if (!zone_codes.count(z))
        throw ConfigError(targets.path + ": units." + code + " (" + unit.name + ") names zone " + z + ", which is not in " + zones_file);
  }
}

double threshold_for_year(const Target& t, int year) {
  if (!t.baseline || year >= t.target.year) return t.target.value;
  if (year <= t.baseline->year) return t.baseline->value;
  const double share = double(year - t.baseline->year) / double(t.target.year - t.baseline->year);
  return t.baseline->value + (t.target.value - t.baseline->value) * share;
}

Verdict judge(TargetRule rule, double low, double high, double threshold, double observed_fraction, double min_observed_fraction) {
  if (!(observed_fraction >= min_observed_fraction) || std::isnan(low) || std::isnan(high)) return Verdict::no_data;
  if (rule == TargetRule::at_least) return low >= threshold ? Verdict::met : high < threshold ? Verdict::not_met : Verdict::at_risk;
  return high <= threshold ? Verdict::met : low > threshold ? Verdict::not_met : Verdict::at_risk;
}

}  // namespace ecomon
