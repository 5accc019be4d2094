// carbon_transitions.csv: per zone and pair of years (carbon.pairs), the area of every land cover
// transition seen (IPCC 2006 Guidelines, Vol. 4, Ch. 3: Approach 2 land representation, a matrix of
// land converted between categories), from the two years' LANDCOVER maps on the regional grid.
#include "report/carbon_writer.hpp"

#include <cmath>
#include <cstdio>

#include "carbon/stock_change.hpp"
#include "report/report_writer.hpp"

namespace ecomon {

const std::vector<ReportColumn>& carbon_transition_columns() {
  static const std::vector<ReportColumn> cols = {
      {"zone_code", "区划代码", "Zone code (zones.code_field)."},
      {"zone_name", "区划名称", "Zone name (zones.name_field)."},
      {"year_from", "起始年份", "First year of the pair."},
      {"year_to", "终止年份", "Second year of the pair."},
      named_values_column("from_class", "原地类", "LANDCOVER class in the first year (tree, shrubland, grassland, cropland, water, wetland, bare, built_up)."),
      named_values_column("to_class", "现地类", "LANDCOVER class in the second year; the same as from_class: land that stayed in its class."),
      {"area_ha", "面积_公顷",
       "Area of the zone (coverage-weighted, ellipsoidal) in from_class in the first year and to_class in the second, hectares. A map's "
       "transitions include its classification errors in either year: without a reference sample the areas are the maps' own."},
      {"unpaired_area_ha", "单期观测面积_公顷",
       "Area of the zone observed in only one of the two years (no data or never clear in the other): in no transition, hectares."},
      named_values_column("simulated", "模拟数据", "yes when either year is made of simulated scenes."),
  };
  return cols;
}

const std::vector<ReportColumn>& carbon_report_columns() {
  static const std::vector<ReportColumn> cols = {
      {"unit_code", "单元代码", "Zone code, or the code of a unit of the targets file (a group of zones)."},
      {"unit_name", "单元名称", "Zone or unit name."},
      {"year_from", "起始年份", "First year of the pair."},
      {"year_to", "终止年份", "Second year of the pair."},
      {"method", "方法",
       "stock_difference: the change of the classes' carbon stocks from the land cover transitions (IPCC 2006 Vol. 4 eq. 2.8 on an "
       "Approach 2 matrix); stock_difference+gain_loss: plus the table's growth of land that kept its class (carbon.stable_growth)."},
      {"stock_change_tc", "碳储量变化_吨碳",
       "Carbon stock change over the unit's whole area between the two years, t C (positive: carbon gained, a sink): the land observed "
       "in both years, the rest taken at the same rate. Counts the pools of `pools` through the class of each piece of land; what "
       "imagery cannot see is not in it: soil organic carbon (unless the table gives it), below-ground change within a class, biomass "
       "growth or harvest inside a class that stays the same (unless stable growth is added, and then at the table's rate)."},
      {"stock_change_tco2e", "碳储量变化_吨二氧化碳当量", "stock_change_tc x 44/12, t CO2e."},
      {"ci95_low_tco2e", "95%置信下限_吨二氧化碳当量",
       "Lower end of the 95% interval of stock_change_tco2e: the 2.5% quantile of a seeded Monte Carlo (carbon.draws, carbon.seed) "
       "over the density table's uncertainties and, with a reference sample in both years, the sample's error of the class areas."},
      {"ci95_high_tco2e", "95%置信上限_吨二氧化碳当量", "Upper end (97.5% quantile) of the interval."},
      {"annual_tco2e", "年均碳汇_吨二氧化碳当量每年",
       "stock_change_tco2e / (year_to - year_from): the annual sink (positive) or source (negative), the figure a "
       "carbon_sink_tco2e_per_yr target is judged on."},
      {"annual_ci95_low_tco2e", "年均95%置信下限", "ci95_low_tco2e / (year_to - year_from)."},
      {"annual_ci95_high_tco2e", "年均95%置信上限", "ci95_high_tco2e / (year_to - year_from)."},
      named_values_column("sink_significant", "碳汇显著",
       "yes when the 95% interval lies wholly above zero (a sink), source when wholly below, no when it contains zero; not_assessed when "
       "interval_basis is factors_only (the map's own error is not in the interval)."),
      named_values_column("interval_basis", "区间依据",
       "sample+factors: the reference sample's class areas in both years (Olofsson et al. 2014) and the density table's uncertainty; "
       "factors_only: the density table's uncertainty alone, on the map's own transitions (no reference sample for both years: the "
       "map's classification error is not assessed)."),
      {"sample_problem", "样本问题", "Why a reference sample gave no class areas for this unit (empty when it did or there is none)."},
      {"map_stock_change_tco2e", "图面碳储量变化_吨二氧化碳当量",
       "The map's transitions alone, over the land observed in both years, at the table's densities, t CO2e."},
      {"gained_forest_ha", "新增有林地_公顷", "Area that became tree cover (LANDCOVER tree) between the two years, on the map, ha."},
      {"lost_forest_ha", "减少有林地_公顷", "Area of tree cover that became another class, on the map, ha."},
      {"largest_transition", "最大贡献转移", "The transition (from->to) contributing most to the map's stock change, in absolute terms."},
      {"largest_transition_tco2e", "最大贡献转移_吨二氧化碳当量", "Its contribution, t CO2e (map, land observed in both years)."},
      {"observed_fraction", "两期观测比例", "Share of the unit's area observed in both years (the rest is taken at the observed rate)."},
      {"pools", "碳库", "The carbon pools the densities hold (biomass above and below ground; dead organic matter or soil when the table gives them)."},
      {"grassland_root_shoot_ratio", "草地根冠比",
       "The grassland root-to-shoot ratio used (the table's, or carbon.grassland_root_shoot_ratio); empty with InVEST's table."},
      {"factors", "碳密度表", "The density table (carbon.factors_file, or the built-in config/carbon_factors.csv)."},
      {"draws", "模拟次数", "Monte Carlo draws of the interval."},
      named_values_column("simulated", "模拟数据", "yes when either year is made of simulated scenes."),
  };
  return cols;
}

namespace {

std::string tco2e(double tc, int digits = 1) { return std::isfinite(tc) ? format_fixed(tc * kCO2PerC, digits) : ""; }

std::string significance(const CarbonChange& c) {
  if (!std::isfinite(c.ci95_low_tc)) return "";
  if (!c.statistical()) return "not_assessed";
  return c.ci95_low_tc > 0 ? "yes" : c.ci95_high_tc < 0 ? "source" : "no";
}

std::string transition_name(const CarbonChange& c) {
  if (c.largest_from == LandCover::unknown) return "";
  std::string name = land_cover_name(c.largest_from);
  name.append("->").append(land_cover_name(c.largest_to));
  return name;
}

}  // namespace

std::vector<std::string> carbon_report_cells(const CarbonChange& c, const CarbonFactors& f) {
  const double years = double(c.years());
  const double rs = f.grassland_root_shoot_used();
  return {c.unit_code,
          c.unit_name,
          std::to_string(c.year_from),
          std::to_string(c.year_to),
          c.method,
          std::isfinite(c.stock_change_tc) ? format_fixed(c.stock_change_tc, 1) : "",
          tco2e(c.stock_change_tc),
          tco2e(c.ci95_low_tc),
          tco2e(c.ci95_high_tc),
          tco2e(c.stock_change_tc / years),
          tco2e(c.ci95_low_tc / years),
          tco2e(c.ci95_high_tc / years),
          significance(c),
          c.interval_basis,
          c.sample_problem,
          tco2e(c.map_stock_change_tc),
          format_fixed(c.gained_tree_m2 / 1e4, 2),
          format_fixed(c.lost_tree_m2 / 1e4, 2),
          transition_name(c),
          c.largest_from == LandCover::unknown ? "" : tco2e(c.largest_tc),
          format_fixed(c.observed_fraction(), 4),
          f.pools(),
          std::isfinite(rs) ? format_fixed(rs, 2) : "",
          f.path,
          std::to_string(c.draws),
          c.simulated ? "yes" : "no"};
}

std::string format_carbon_table(const std::vector<CarbonChange>& rows) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-10s %-14s %-9s %14s %27s %-14s %-12s %s\n", "code", "name", "years", "tCO2e/yr", "95% interval",
                "basis", "significant", "largest transition (tCO2e)");
  out += line;
  for (const CarbonChange& c : rows) {
    const double y = double(c.years());
    std::string interval;
    if (std::isfinite(c.ci95_low_tc)) interval.append("[").append(tco2e(c.ci95_low_tc / y, 0)).append(", ").append(tco2e(c.ci95_high_tc / y, 0)).append("]");
    std::snprintf(line, sizeof line, "%-10s %-14s %d-%d %14s %27s %-14s %-12s %s (%s)\n", c.unit_code.c_str(), c.unit_name.c_str(),
                  c.year_from, c.year_to, tco2e(c.stock_change_tc / y, 0).c_str(), interval.c_str(), c.interval_basis.c_str(),
                  significance(c).c_str(), transition_name(c).c_str(), tco2e(c.largest_tc, 0).c_str());
    out += line;
  }
  return out;
}

namespace {

class CarbonWriter final : public ReportWriter {
 public:
  void write(const RunResults& r) override {
    if (!r.transitions || r.transitions->empty()) return;
    std::vector<std::vector<std::string>> rows;
    for (const TransitionResult& t : *r.transitions)
      for (std::size_t z = 0; z < r.season_zones.size(); ++z) {
        const geo::io::Zone& zone = r.season_zones[z];
        for (int a = 1; a < kLandCoverClasses; ++a)
          for (int b = 1; b < kLandCoverClasses; ++b) {
            const double m2 = t.areas[z][TransitionResult::index(LandCover(a), LandCover(b))];
            if (!(m2 > 0)) continue;
            rows.push_back({zone.code, zone.name, std::to_string(t.year_from), std::to_string(t.year_to), land_cover_name(LandCover(a)),
                            land_cover_name(LandCover(b)), format_fixed(m2 / 1e4, 4), format_fixed(t.unpaired_area[z] / 1e4, 4),
                            t.simulated ? "yes" : "no"});
          }
      }
    write_csv(r.output.path({"carbon_transitions.csv"}), carbon_transition_columns(), rows, r.settings.report.headers);
  }
};

// carbon_report.csv: per unit and pair of years, the stock change with its interval.
class CarbonReportWriter final : public ReportWriter {
 public:
  void write(const RunResults& r) override {
    if (!r.carbon || r.carbon->empty() || !r.carbon_factors) return;
    std::vector<std::vector<std::string>> rows;
    for (const CarbonChange& c : *r.carbon) rows.push_back(carbon_report_cells(c, *r.carbon_factors));
    write_csv(r.output.path({"carbon_report.csv"}), carbon_report_columns(), rows, r.settings.report.headers);
  }
};

const ReportWriterRegistration registration("40-carbon", [] { return std::make_unique<CarbonWriter>(); });
const ReportWriterRegistration report_registration("41-carbon-report", [] { return std::make_unique<CarbonReportWriter>(); });
const ReportColumnsRegistration columns(80, "carbon_transitions.csv", carbon_transition_columns);
const ReportColumnsRegistration report_columns(81, "carbon_report.csv", carbon_report_columns);

}  // namespace

}  // namespace ecomon
