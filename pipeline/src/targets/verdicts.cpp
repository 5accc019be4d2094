#include "targets/verdicts.hpp"

#include <cmath>
#include <cstdio>
#include <map>
#include <tuple>

#include <spdlog/spdlog.h>

#include "base/csv.hpp"
#include "engine/transitions.hpp"

namespace ecomon {

std::optional<TargetsFile> targets_for_zones(const Settings& settings, const std::vector<geo::io::Zone>& zones) {
  if (settings.targets.file.empty()) return std::nullopt;
  TargetsFile targets = load_targets(settings.targets.file);
  std::set<std::string> codes;
  for (const auto& z : zones) codes.insert(z.code);
  check_target_units(targets, codes, settings.zones.file);
  return targets;
}

std::vector<CarbonGroup> carbon_groups(const TargetsFile* targets) {
  std::vector<CarbonGroup> groups;
  if (targets)
    for (const auto& [code, unit] : targets->units) groups.push_back({code, unit.name, unit.zones});
  return groups;
}

TransitionsAndCarbon transitions_and_carbon(const std::vector<YearResult>& years, const geo::Grid& grid,
                                            const std::vector<geo::io::Zone>& zones, const Settings& settings, const TargetsFile* targets,
                                            const CarbonFactors* factors, geo::io::ReaderPool* readers) {
  TransitionsAndCarbon out;
  if (!transitions_wanted(settings)) return out;
  out.transitions = transitions_of_pairs(years, settings.carbon.pairs, grid, zones, settings, readers);
  if (factors && !out.transitions.empty())
    out.carbon = carbon_stock_changes(out.transitions, years, zones, carbon_groups(targets), *factors, settings);
  return out;
}

UnitOfYear unit_of_year(const std::string& code, const std::string& name, const std::vector<std::string>& members,
                        const std::vector<geo::io::Zone>& zones, const YearResult& year) {
  UnitOfYear unit{geo::io::Zone{code, name, {}, 0, {}}, ZoneTally{}};
  for (const std::string& member : members)
    for (std::size_t z = 0; z < zones.size(); ++z)
      if (zones[z].code == member) {
        unit.zone.geodesic_area_m2 += zones[z].geodesic_area_m2;
        unit.tally.merge(year.tallies[z]);
        break;
      }
  return unit;
}

namespace {

// The signed margin to the threshold: positive when the value is on the target's side.
double margin(TargetRule rule, double value, double threshold) {
  return rule == TargetRule::at_least ? value - threshold : threshold - value;
}

// The verdict of the row's estimate against its threshold, and what the value alone says. Without
// an error model (an interval that is not a statistical one) a verdict would claim a certainty the
// figure does not have (a map's pixel count is biased by its errors, Olofsson et al. 2014), so none
// is given.
// With a reference sample the verdict rests on the interval widened by what the sample cannot see
// (Estimate::unseen_low/high): a stratum that showed none of a class in its n units is not proof
// that it holds none.
void judge_estimate(VerdictRow& row, TargetRule rule, double min_observed) {
  const Estimate& e = row.estimate;
  const double low = std::isfinite(e.unseen_low) ? e.unseen_low : e.low, high = std::isfinite(e.unseen_high) ? e.unseen_high : e.high;
  row.verdict = judge(rule, low, high, row.threshold, row.observed_fraction, min_observed);
  row.map_verdict = judge(rule, row.estimate.value, row.estimate.value, row.threshold, row.observed_fraction, min_observed);
  if (row.verdict != Verdict::no_data && !row.estimate.statistical()) row.verdict = Verdict::not_assessed;
}

VerdictRow judge_row(const Target& t, const std::string& scope, const UnitOfYear& unit, const YearResult& year, double min_observed) {
  VerdictRow row;
  row.target = &t;
  row.scope = scope;
  row.unit_code = unit.zone.code;
  row.unit_name = unit.zone.name;
  row.year = year.year;
  row.threshold = threshold_for_year(t, year.year);
  const ZoneRow zr{unit.zone, unit.tally, nullptr, &year};
  row.observed_fraction = unit.zone.geodesic_area_m2 > 0 ? std::min(1.0, unit.tally.observed_area / unit.zone.geodesic_area_m2) : 0.0;
  row.method = season_method(zr);
  row.simulated = year.simulated;
  // Only grassland cover goes through the plots' line.
  row.calibrated = t.indicator == "grassland_cover_pct" && year.calibration && year.calibration->applied();
  if (unit.tally.observed_area > 0) {
    row.estimate = indicator(t.indicator).estimate(zr);
    row.distance = margin(t.rule, row.estimate.value, row.threshold);
  }
  judge_estimate(row, t.rule, min_observed);
  return row;
}

std::string yes_no(bool b) { return b ? "yes" : "no"; }

// A carbon target's row for one unit (or member zone) and pair of years: the annual stock change
// (tCO2e/yr) and its Monte Carlo interval; a verdict only when the interval accounts for the map's
// error (a reference sample in both years).
VerdictRow judge_carbon(const Target& t, const std::string& scope, const CarbonChange& c, double min_observed) {
  VerdictRow row;
  row.target = &t;
  row.scope = scope;
  row.unit_code = c.unit_code, row.unit_name = c.unit_name;
  row.year = c.year_to;
  row.threshold = threshold_for_year(t, c.year_to);
  row.observed_fraction = std::min(1.0, c.observed_fraction());
  row.method = c.method + " " + std::to_string(c.year_from) + "-" + std::to_string(c.year_to);
  row.simulated = c.simulated;
  const double per_year = kCO2PerC / double(c.years());
  // basis factors_only is not a statistical interval (Estimate::statistical), as CarbonChange::statistical says.
  row.estimate = {c.stock_change_tc * per_year, c.ci95_low_tc * per_year, c.ci95_high_tc * per_year, c.interval_basis};
  if (std::isfinite(row.estimate.value)) row.distance = margin(t.rule, row.estimate.value, row.threshold);
  judge_estimate(row, t.rule, min_observed);
  return row;
}

}  // namespace

std::vector<VerdictRow> evaluate_targets(const TargetsFile& targets, const std::vector<geo::io::Zone>& zones,
                                         const std::vector<YearResult>& years, double min_observed,
                                         const std::vector<CarbonChange>* carbon) {
  std::map<std::string, std::size_t> zone_index;
  for (std::size_t z = 0; z < zones.size(); ++z) zone_index.emplace(zones[z].code, z);
  std::vector<VerdictRow> rows;
  for (const Target& t : targets.targets) {
    // The unit's member zones: those a `units` entry names, or the unit code as a zone by itself.
    std::vector<std::string> members;
    std::string unit_name = t.unit;
    const auto named_unit = targets.units.find(t.unit);
    const bool zone_as_unit = named_unit == targets.units.end();
    if (zone_as_unit)
      members = {t.unit};
    else
      members = named_unit->second.zones, unit_name = named_unit->second.name;
    if (t.indicator == kCarbonSinkIndicator) {
      const std::size_t before = rows.size();
      for (const CarbonChange& c : carbon ? *carbon : std::vector<CarbonChange>{}) {
        if (c.unit_code != t.unit) continue;
        rows.push_back(judge_carbon(t, "unit", c, min_observed));
        if (members.size() > 1)
          for (const auto& code : members)
            for (const CarbonChange& m : *carbon)
              if (m.unit_code == code && m.year_from == c.year_from && m.year_to == c.year_to)
                rows.push_back(judge_carbon(t, "member", m, min_observed));
      }
      if (rows.size() == before) {
        // No stock change to judge: said in a row (no_data) and in the log, never left out.
        VerdictRow row;
        row.target = &t, row.scope = "unit", row.unit_code = t.unit, row.unit_name = unit_name;
        row.year = years.empty() ? t.target.year : years.back().year;
        row.threshold = threshold_for_year(t, row.year);
        row.method = years.size() < 2 ? "no stock change: the run has " + std::to_string(years.size()) + " year(s), a change needs two"
                                      : "no stock change: carbon.pairs selects no pair of the run's years";
        spdlog::warn("target {} ({} of {}): {}; its row says no_data", t.id, t.indicator, t.unit, row.method);
        rows.push_back(row);
      }
      continue;
    }
    for (const YearResult& y : years) {
      UnitOfYear unit = unit_of_year(t.unit, unit_name, members, zones, y);
      std::vector<UnitOfYear> member_rows;
      for (const auto& code : members) {
        const auto z = zone_index.find(code);
        if (z == zone_index.end()) continue;  // not in this run's zones: the unit is unobserved there
        const geo::io::Zone& zone = zones[z->second];
        member_rows.push_back({geo::io::Zone{zone.code, zone.name, {}, zone.geodesic_area_m2, {}}, y.tallies[z->second]});
        if (zone_as_unit) unit.zone.name = zone.name;  // a zone as a unit by itself: its own name
      }
      rows.push_back(judge_row(t, "unit", unit, y, min_observed));
      if (members.size() > 1)
        for (const auto& m : member_rows) rows.push_back(judge_row(t, "member", m, y, min_observed));
    }
  }
  // Each row's previous figure: rows come by target, then year, so the latest earlier row of the same
  // target, scope and unit with a value is the last one seen.
  std::map<std::tuple<const Target*, std::string, std::string>, const VerdictRow*> latest;
  for (VerdictRow& row : rows) {
    const auto key = std::make_tuple(row.target, row.scope, row.unit_code);
    if (const auto before = latest.find(key); before != latest.end() && before->second->year < row.year)
      row.previous_year = before->second->year, row.previous_value = before->second->estimate.value;
    if (std::isfinite(row.estimate.value)) latest[key] = &row;
  }
  return rows;
}

const std::vector<ReportColumn>& targets_report_columns() {
  static const std::vector<ReportColumn> cols = {
      {"target_id", "目标编号", "Target id from the targets file."},
      named_values_column("scope", "范围", "unit: the target's unit; member: one zone of that unit, judged against the unit's threshold."),
      {"unit_code", "单元代码", "Unit code (a `units` entry of the targets file, or a zone code), or the member zone's code."},
      {"unit_name", "单元名称", "Unit or zone name."},
      {"indicator", "指标", "Indicator (a column of county_timeseries.csv, same definition)."},
      {"year", "年份", "Year of the season composites."},
      {"value", "估计值",
       "The unit's figure over its whole area: the observed part, with the unobserved part taken at the rate observed (area "
       "indicators and forest coverage) or at the mean observed (grassland cover)."},
      {"ci95_low", "95%置信下限", "Lower end of the interval (config/README.md, \"How the interval is computed\")."},
      {"ci95_high", "95%置信上限", "Upper end of the interval."},
      {"unseen_low", "含未见类别下限",
       "With a reference sample: ci95_low less the area a class may lack in strata all of whose units showed it, and ci95_high "
       "(next column) plus the area it may hold in strata none of whose units showed it (a one-sided 95% Clopper-Pearson bound per "
       "stratum, 1 - 0.05^(1/n) of its size): what the sampling interval does not account for. Empty without a sample. With a "
       "sample the verdict rests on unseen_low and unseen_high."},
      {"unseen_high", "含未见类别上限", "See unseen_low."},
      {"threshold", "当年阈值",
       "The threshold of this year: on the straight line from the baseline to the target before the target year, the target from "
       "then on."},
      {"target_value", "目标值", "The target value of the plan."},
      {"target_year", "目标年份", "The target year of the plan."},
      named_values_column("rule", "规则", "at_least or at_most."),
      named_values_column("binding", "约束性", "yes for a binding (约束性) target of the plan, no for an expected one."),
      {"distance", "差距", "value - threshold for at_least, threshold - value for at_most: positive is on the target's side."},
      named_values_column("verdict", "判定",
       "met (the whole interval meets the threshold), not_met (the whole interval misses it), at_risk (it straddles it), the "
       "interval being unseen_low-unseen_high where a reference sample gives them, else ci95_low-ci95_high: only when "
       "interval_basis is a statistical one; not_assessed when it is unobserved_only (no reference sample or plots: the map value has "
       "no error model); no_data (observed_fraction under targets.min_observed_fraction)."),
      named_values_column("interval_basis", "区间依据",
       "What the interval accounts for: sample+unobserved (a reference sample's area-adjusted estimate with its standard error, and "
       "the unobserved part), calibration+unobserved (the ground plots' line and the error of its calibrated mean, and the unobserved "
       "part), unobserved_only (the unobserved part only: not a confidence interval). Carbon targets: sample+factors (the reference "
       "sample's class areas in both years and the density table's uncertainty, by Monte Carlo), factors_only (the density table's "
       "uncertainty only: the map's error is not assessed, so no verdict)."),
      named_values_column("map_verdict", "图面判定",
       "How the value alone compares with the threshold (met or not_met; no_data as verdict): what the map says, without its "
       "uncertainty. A verdict that a bureau signs is `verdict`."),
      named_values_column("calibrated", "已校准", "yes when the figure was calibrated against ground plots."),
      {"observed_fraction", "观测比例", "Share of the unit's whole area observed clear in the season."},
      {"method", "方法", "The unit's method that year (county_timeseries.csv `method`)."},
      {"source", "出处", "FILE:LINE of the target in the planning document."},
      named_values_column("simulated", "模拟数据", "yes when the year's scenes are simulated (the demo's): the verdict is a demonstration, not a finding."),
      {"previous_year", "上年年份", "The latest earlier year of the run in which this target's unit (or member) has a value; empty without one."},
      {"previous_value", "上年估计值", "The value in previous_year."},
      {"change", "较上年变化", "value - previous_value."},
  };
  return cols;
}

std::vector<std::string> targets_report_cells(const VerdictRow& r) {
  const Target& t = *r.target;
  return {t.id,
          r.scope,
          r.unit_code,
          r.unit_name,
          t.indicator,
          std::to_string(r.year),
          format_fixed(r.estimate.value, 4),
          format_fixed(r.estimate.low, 4),
          format_fixed(r.estimate.high, 4),
          format_fixed(r.estimate.unseen_low, 4),
          format_fixed(r.estimate.unseen_high, 4),
          format_fixed(r.threshold, 4),
          format_fixed(t.target.value, 4),
          std::to_string(t.target.year),
          t.rule == TargetRule::at_least ? "at_least" : "at_most",
          yes_no(t.binding),
          format_fixed(r.distance, 4),
          verdict_name(r.verdict),
          r.estimate.basis,
          verdict_name(r.map_verdict),
          yes_no(r.calibrated),
          format_fixed(r.observed_fraction, 6),
          r.method,
          t.source,
          yes_no(r.simulated),
          r.previous_year ? std::to_string(r.previous_year) : "",
          format_fixed(r.previous_value, 4),
          format_fixed(r.estimate.value - r.previous_value, 4)};
}

std::string format_targets_table(const std::vector<VerdictRow>& rows) {
  std::string out = pad_to_width("target", 30) + pad_to_width("unit", 22) +
                    "year       value  95% interval          threshold  verdict       map      basis                                  observed  source\n";
  char buf[256];
  for (const auto& r : rows) {
    std::string unit(r.scope == "member" ? 2 : 0, ' ');
    unit.append(r.unit_code).append(" ").append(r.unit_name);
    auto num = [](double v) { return std::isfinite(v) ? format_fixed(v, 2) : std::string("-"); };
    std::string interval = "-";
    if (std::isfinite(r.estimate.low))
      interval = std::string("[").append(num(r.estimate.low)).append(", ").append(num(r.estimate.high)).append("]");
    std::snprintf(buf, sizeof buf, "%4d %11s  %-21s %9s  %-13s %-8s %-37s %8.3f  %s\n", r.year, num(r.estimate.value).c_str(),
                  interval.c_str(), num(r.threshold).c_str(), verdict_name(r.verdict), verdict_name(r.map_verdict),
                  r.estimate.basis.c_str(), r.observed_fraction, r.target->source.c_str());
    out += pad_to_width(r.scope == "member" ? "" : r.target->id, 30) + pad_to_width(unit, 22) + buf;
  }
  return out;
}

}  // namespace ecomon
