// carbon_transitions.csv: per zone and pair of years (carbon.pairs), the area of every land cover
// transition seen (IPCC 2006 Guidelines, Vol. 4, Ch. 3: Approach 2 land representation, a matrix of
// land converted between categories), from the two years' LANDCOVER maps on the regional grid.
#include "report/carbon_writer.hpp"

#include "report/report_writer.hpp"

namespace ecomon {

const std::vector<ReportColumn>& carbon_transition_columns() {
  static const std::vector<ReportColumn> cols = {
      {"zone_code", "区划代码", "Zone code (zones.code_field)."},
      {"zone_name", "区划名称", "Zone name (zones.name_field)."},
      {"year_from", "起始年份", "First year of the pair."},
      {"year_to", "终止年份", "Second year of the pair."},
      {"from_class", "原地类", "LANDCOVER class in the first year (tree, shrubland, grassland, cropland, water, wetland, bare, built_up)."},
      {"to_class", "现地类", "LANDCOVER class in the second year; the same as from_class: land that stayed in its class."},
      {"area_ha", "面积_公顷",
       "Area of the zone (coverage-weighted, ellipsoidal) in from_class in the first year and to_class in the second, hectares. A map's "
       "transitions include its classification errors in either year: without a reference sample the areas are the maps' own."},
      {"unpaired_area_ha", "单期观测面积_公顷",
       "Area of the zone observed in only one of the two years (no data or never clear in the other): in no transition, hectares."},
      {"simulated", "模拟数据", "yes when either year is made of simulated scenes."},
  };
  return cols;
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

const ReportWriterRegistration registration("40-carbon", [] { return std::make_unique<CarbonWriter>(); });
const ReportColumnsRegistration columns(80, "carbon_transitions.csv", carbon_transition_columns);

}  // namespace

}  // namespace ecomon
