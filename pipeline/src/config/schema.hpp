#pragma once
// The config schema, declared beside the code that reads it (as PDAL's stages declare their options
// in addArgs): each module registers its section's keys with their type, unit, range and
// documentation, bound to the Settings field they set; config/settings.cpp checks every key of a
// file or `--set` against the keys registered, and `ecomon config-reference` prints them in the
// order of the sections' ranks, each section's keys in declaration order.
//
//   namespace {
//   using namespace config_keys;
//   const ConfigKeys keys(110, {{KEY(landcover, file), Kind::path, "", 0, 0, {}, "Your land cover raster ...", "(none)"}});
//   }
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "config/settings.hpp"

namespace ecomon::config_keys {

enum class Kind { integer, number, number_or_auto, boolean, text, path, choice, month_day, zone_list, product_list, code_table };

// The Settings field a key sets: its type decides how a checked value is stored, and the default
// that `config-reference` prints is read from a default-constructed Settings, so it cannot drift.
template <typename T>
using FieldOf = T& (*)(Settings&);
using Field = std::variant<FieldOf<int>, FieldOf<double>, FieldOf<bool>, FieldOf<std::string>, FieldOf<std::optional<double>>>;

// A key and its field from one spelling: KEY(season, pixel_size) is "season.pixel_size" and
// settings.season.pixel_size, so a key and its field cannot be named apart.
#define KEY(section, name) #section "." #name, Field(+[](Settings& s) -> decltype(auto) { return (s.section.name); })

struct KeyDef {
  std::string key;
  Field field;
  Kind kind;
  std::string unit;
  double min = 0, max = 0;           // for integer / number kinds
  std::vector<std::string> choices;  // for choice
  std::string doc;
  std::string when_empty = "";  // what an empty default means ("(required)", "(first layer)")
};

/// Registers `keys` at static initialisation. `rank` orders the registrations in the printed schema
/// (10 run ... 160 report: config/README.md's table); two registrations of one rank are a mistake
/// found when the schema is first read.
struct ConfigKeys {
  ConfigKeys(int rank, std::vector<KeyDef> keys);
};

/// Every registered key, by rank, each registration's keys in declaration order.
const std::vector<KeyDef>& registered_keys();

}  // namespace ecomon::config_keys
