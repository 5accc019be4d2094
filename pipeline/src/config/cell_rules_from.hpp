#pragma once
// The per-cell rules (rules/cell_rules.hpp) with the thresholds the config gives: the one place that
// reads the rules' keys, so that the rules themselves depend on nothing but libgeo.
#include "config/settings.hpp"
#include "rules/cell_rules.hpp"

namespace ecomon {

/// The rules of `s`, with the FVC end-members given (a scene's `auto` ones, or a year's).
CellRules cell_rules_from(const Settings& s, double ndvi_soil, double ndvi_veg);

}  // namespace ecomon
