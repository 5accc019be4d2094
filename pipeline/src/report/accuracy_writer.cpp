// landcover_accuracy.csv: each year's LANDCOVER map against the reference sample
// (accuracy.samples_file), per class the columns of `ecomon accuracy` (Olofsson et al. 2014) over
// the zones, or why the year has no estimate.
#include "report/accuracy_writer.hpp"
#include "report/report_writer.hpp"

namespace ecomon {

const std::vector<ReportColumn>& accuracy_columns() {
  static const std::vector<ReportColumn> columns = {
      {"class", "类别", "class code of the map (a stratum) or of the reference sample"},
      {"mapped_area_km2", "制图面积(km²)", "the map's area of the class (ellipsoidal)"},
      {"sample_count", "样本数", "reference sample units in this map class"},
      {"users_accuracy", "用户精度", "share of this map class's sample that the reference confirms (eq. 2)"},
      {"users_accuracy_se", "用户精度标准误", "its standard error (eq. 6)"},
      {"producers_accuracy", "生产者精度", "estimated share of the class's true area that the map shows as the class (eq. 3)"},
      {"producers_accuracy_se", "生产者精度标准误", "its standard error (eq. 7)"},
      {"estimated_area_km2", "估计面积(km²)", "area of the class by the area-adjusted (stratified) estimator (eq. 9)"},
      {"estimated_area_se_km2", "估计面积标准误(km²)", "its standard error (eqs. 10-11)"},
      {"ci95_low_km2", "95%置信下限(km²)", "estimated area - 1.96 standard errors"},
      {"ci95_high_km2", "95%置信上限(km²)", "estimated area + 1.96 standard errors"},
      {"overall_accuracy", "总体精度", "area-weighted share of the map that is right (eq. 1), the same on every row"},
      {"overall_accuracy_se", "总体精度标准误", "its standard error (eq. 5)"},
  };
  return columns;
}

std::vector<std::string> accuracy_cells(long code, const geo::AreaEstimate& e, std::size_t j) {
  const geo::ClassEstimate& c = e.classes[j];
  auto number = [](double v, int digits) { return format_fixed(v, digits); };
  return {std::to_string(code),   format_km2(c.mapped_area),       std::to_string(c.sample_count), number(c.users_accuracy, 4),
          number(c.users_se, 4),  number(c.producers_accuracy, 4), number(c.producers_se, 4),      format_km2(c.area),
          format_km2(c.area_se),  format_km2(c.ci95_low()),        format_km2(c.ci95_high()),      number(e.overall_accuracy, 4),
          number(e.overall_se, 4)};
}


const std::vector<ReportColumn>& landcover_accuracy_columns() {
  static const std::vector<ReportColumn> cols = [] {
    std::vector<ReportColumn> c = {{"year", "年份", "Year of the LANDCOVER map."},
                                   {"class_name", "类别名称", "LANDCOVER class (class is its code)."}};
    for (const auto& a : accuracy_columns()) c.push_back(a);
    c.push_back({"status", "状态", "estimated, or why the year has no estimate (a mapped class with fewer than 2 sample units)."});
    return c;
  }();
  return cols;
}

namespace {

class AccuracyWriter final : public ReportWriter {
 public:
  void write(const RunResults& r) override {
    if (!r.samples) return;
    std::vector<std::vector<std::string>> rows;
    const std::size_t width = landcover_accuracy_columns().size();
    for (const YearResult& y : r.years) {
      if (!y.accuracy) continue;
      const ClassAccuracy& a = *y.accuracy;
      if (!a.region) {
        std::vector<std::string> row(width);
        row.front() = std::to_string(y.year);
        row.back() = "no estimate: " + a.problem;
        rows.push_back(row);
        continue;
      }
      for (std::size_t j = 0; j < a.classes.size(); ++j) {
        std::vector<std::string> row = {std::to_string(y.year), land_cover_name(a.classes[j])};
        for (auto& cell : accuracy_cells(long(a.classes[j]), *a.region, j)) row.push_back(std::move(cell));
        row.push_back("estimated");
        rows.push_back(std::move(row));
      }
    }
    write_csv(r.output.path({"landcover_accuracy.csv"}), landcover_accuracy_columns(), rows, r.settings.report.headers);
  }
};

const ReportWriterRegistration registration("36-accuracy", [] { return std::make_unique<AccuracyWriter>(); });
const ReportColumnsRegistration columns(90, "ecomon accuracy", accuracy_columns);

}  // namespace

}  // namespace ecomon
