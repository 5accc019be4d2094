// calibration.csv (each year's line from satellite cover to measured cover) and
// calibration_plots.csv (every ground plot, what the season found under it and whether it was
// used), when calibration.plots_file is given.
#include "report/calibration_writer.hpp"

#include <algorithm>
#include <map>

#include "report/report_writer.hpp"

namespace ecomon {

const std::vector<ReportColumn>& calibration_columns() {
  static const std::vector<ReportColumn> cols = {
      {"year", "年份", "Year of the season composites."},
      {"grassland_type", "草原类型",
       "all: the line of every plot on grassland; a type code (landcover.grassland_types_file): the line of that type's plots, used "
       "for its grassland."},
      {"plots", "样地数", "Ground plots dated in the year (of that type)."},
      {"n", "参与拟合样地数", "Plots used: on observed grassland of the peak composite."},
      {"slope", "斜率", "Slope of measured cover on satellite cover (both 0-1)."},
      {"intercept", "截距", "Intercept (cover fraction)."},
      {"r2", "决定系数", "Coefficient of determination of the line."},
      {"rmse_pct", "均方根误差_百分点", "RMSE of the calibrated cover at the plots, cover points."},
      {"loo_rmse_pct", "留一交叉验证均方根误差_百分点",
       "Leave-one-out RMSE: the error expected at a plot the line has not seen, cover points."},
      {"bias_pct", "偏差_百分点", "Mean of satellite minus measured cover before calibration, cover points."},
      {"status", "状态", "calibrated, or why the year is uncalibrated."},
  };
  return cols;
}

const std::vector<ReportColumn>& calibration_plot_columns() {
  static const std::vector<ReportColumn> cols = {
      {"plot_id", "样地编号", "plot_id from the plots file."},
      {"row", "行号", "Data row in the plots file (1 = the first row after the header)."},
      {"date", "调查日期", "Date of the measurement; the plot calibrates the season of its year."},
      {"lon", "经度", "WGS84 longitude."},
      {"lat", "纬度", "WGS84 latitude."},
      {"cover_pct", "实测盖度_百分比", "Measured vegetation cover, percent."},
      {"satellite_cover_pct", "遥感盖度_百分比", "Cover of the plot's cell in the peak composite (FVC of the maximum NDVI), percent."},
      {"calibrated_cover_pct", "校准后盖度_百分比", "satellite_cover_pct through the year's line."},
      {"land_cover", "土地覆盖", "LANDCOVER class of the plot's cell (3 = grassland)."},
      {"grassland_type", "草原类型", "Grassland type code of the plot's cell (with landcover.grassland_types_file; 0 none)."},
      {"status", "状态",
       "matched (used), outside_data (no scene of the year covers it), unobserved (never clear in the season), not_grassland, "
       "no_season (no season of that year in the run)."},
  };
  return cols;
}

namespace {

class CalibrationWriter final : public ReportWriter {
 public:
  void write(const RunResults& r) override {
    if (!r.plots) return;
    const std::vector<GroundPlot>& plots = *r.plots;
    std::vector<std::vector<std::string>> lines, plot_lines(plots.size());
    std::map<std::size_t, const PlotMatch*> match_of;
    std::map<std::size_t, const Calibration*> calibration_of;
    for (const YearResult& y : r.years) {
      if (!y.calibration) continue;
      const Calibration& c = *y.calibration;
      for (const PlotMatch& m : c.matches) match_of[m.plot] = &m, calibration_of[m.plot] = &c;
      auto line = [&](const std::string& type, const geo::LinearFit* f, int plots_of_type) {
        auto fixed = [&](double v, int digits) { return f ? format_fixed(v, digits) : std::string(); };
        lines.push_back({std::to_string(y.year), type, std::to_string(plots_of_type), f ? std::to_string(f->n) : "0",
                         fixed(f ? f->slope : 0, 6), fixed(f ? f->intercept : 0, 6), fixed(f ? f->r2 : 0, 4),
                         fixed(f ? 100 * f->rmse : 0, 3), fixed(f ? 100 * f->loo_rmse : 0, 3), fixed(f ? 100 * f->bias : 0, 3),
                         f ? "calibrated" : "uncalibrated: " + c.problem});
      };
      line("all", c.fit ? &*c.fit : nullptr, int(c.matches.size()));
      for (const auto& [type, fit] : c.type_fits) {
        int n = 0;
        for (const PlotMatch& m : c.matches) n += m.grassland_type == type;
        line(std::to_string(type), &fit, n);
      }
    }
    for (std::size_t k = 0; k < plots.size(); ++k) {
      const GroundPlot& p = plots[k];
      const auto m = match_of.find(k);
      const bool found = m != match_of.end();
      const double satellite = found ? m->second->satellite_cover : std::nan("");
      const Calibration* c = found ? calibration_of[k] : nullptr;
      const double calibrated = c && c->fit ? c->calibrated_mean(satellite, m->second->grassland_type).value : std::nan("");
      plot_lines[k] = {p.id,
                       std::to_string(p.row),
                       p.date,
                       format_fixed(p.lon, 6),
                       format_fixed(p.lat, 6),
                       format_fixed(p.cover_pct, 2),
                       format_fixed(100 * satellite, 2),
                       format_fixed(100 * calibrated, 2),
                       found && m->second->land_cover != LandCover::unknown ? std::to_string(int(m->second->land_cover)) : "",
                       found ? std::to_string(m->second->grassland_type) : "",
                       found ? plot_status_name(m->second->status) : "no_season"};
    }
    write_csv(r.output.path({"calibration.csv"}), calibration_columns(), lines, r.settings.report.headers);
    write_csv(r.output.path({"calibration_plots.csv"}), calibration_plot_columns(), plot_lines, r.settings.report.headers);
  }
};

const ReportWriterRegistration registration("35-calibration", [] { return std::make_unique<CalibrationWriter>(); });
const ReportColumnsRegistration line_columns(60, "calibration.csv", calibration_columns);
const ReportColumnsRegistration plot_columns(70, "calibration_plots.csv", calibration_plot_columns);

}  // namespace

}  // namespace ecomon
