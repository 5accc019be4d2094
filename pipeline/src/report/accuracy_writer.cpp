// landcover_accuracy.csv: each year's LANDCOVER map against the reference sample
// (accuracy.samples_file), per class the columns of `ecomon accuracy` (Olofsson et al. 2014) over
// the zones, or why the year has no estimate.
#include "app/commands.hpp"
#include "report/accuracy_writer.hpp"
#include "report/report_writer.hpp"

namespace ecomon {

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

}  // namespace

}  // namespace ecomon
