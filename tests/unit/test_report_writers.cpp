// Report writers register themselves: the CSV files and the terminal summary are there, in order,
// and a writer defined in one file alone (here, in this test) joins them with no list to edit.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "base/csv.hpp"
#include "base/value_names.hpp"
#include "report/report_writer.hpp"

using namespace ecomon;

namespace {

int probe_writes = 0;

class ProbeWriter final : public ReportWriter {
 public:
  void write(const RunResults&) override { ++probe_writes; }
};

const ReportWriterRegistration probe("50-probe", [] { return std::make_unique<ProbeWriter>(); });

}  // namespace

TEST(ReportWriters, SelfRegisteredInNameOrder) {
  std::vector<std::string> names;
  for (const auto& [name, writer] : make_report_writers()) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"10-csv", "15-unit-series", "30-targets", "35-calibration", "36-accuracy", "40-carbon", "41-carbon-report", "45-revisions", "50-probe", "70-report-html", "75-geopackage", "80-xlsx", "85-stac", "90-terminal"}));
}

TEST(ReportWriters, ANewWriterIsCalledWithTheResults) {
  Settings settings;
  const OutputFolder output((std::filesystem::temp_directory_path() / ("ecomon_writers_" + std::to_string(getpid()))).string());
  const std::vector<SceneResult> scenes;
  const std::vector<geo::io::Zone> zones;
  const std::vector<YearResult> years;
  const std::vector<StatusRow> statuses;
  const std::vector<VerdictRow> verdicts;
  const RunResults results{settings, output, scenes, zones, years, statuses, 0, nullptr, verdicts, nullptr, nullptr};
  for (auto& [name, writer] : make_report_writers())
    if (name == "50-probe") writer->write(results);
  EXPECT_EQ(probe_writes, 1);
  EXPECT_THROW(ReportWriterRegistration("50-probe", [] { return std::make_unique<ProbeWriter>(); }), std::logic_error);
}

// Intervals in the terminal's tables: two decimals, more only where two would make the ends equal.
TEST(ReportFormatting, AnIntervalIsNeverPrintedWithZeroWidth) {
  EXPECT_EQ(ecomon::format_interval(7.671, 12.904), "7.67-12.90");
  EXPECT_EQ(ecomon::format_interval(0.0012, 0.0041), "0.001-0.004");
  EXPECT_EQ(ecomon::format_interval(14.0712, 14.0714), "14.0712-14.0714");
  EXPECT_EQ(ecomon::format_interval(-0.0001, 0.0001), "-0.0001-0.0001");
  EXPECT_EQ(ecomon::format_interval(3.0, 3.0), "3.00-3.00");  // a point, said as such
}

// A Chinese table writes the words of its named columns in Chinese, and only those: a name or a number
// that happens to be a word of the vocabulary ("no" as a plot id) stays as written elsewhere.
TEST(ReportWriters, NamedValuesFollowTheHeadersLanguage) {
  EXPECT_EQ(chinese_value_name("met"), "达标");
  EXPECT_EQ(chinese_value_name("not_assessed"), "未评估");
  EXPECT_EQ(chinese_value_name("sample+calibration+unobserved"), "参考样本 + 地面样地校准 + 未观测部分");
  EXPECT_EQ(chinese_value_name("sample+something"), "");
  EXPECT_EQ(chinese_value_name("12.5"), "");
  const std::vector<ReportColumn> columns = {{"id", "编号", "an id"}, named_values_column("verdict", "判定", "a verdict")};
  const std::vector<std::vector<std::string>> rows = {{"no", "met"}, {"x", "no_data"}, {"y", "free text"}};
  EXPECT_EQ(csv_text(columns, rows, "en", "t"), "\xEF\xBB\xBFid,verdict\nno,met\nx,no_data\ny,free text\n");
  EXPECT_EQ(csv_text(columns, rows, "zh", "t"), "\xEF\xBB\xBF编号,判定\nno,达标\nx,无数据\ny,free text\n");
  EXPECT_EQ(csv_text(columns, rows, "en_zh", "t"), "\xEF\xBB\xBF编号 id,判定 verdict\nno,达标 met\nx,无数据 no_data\ny,free text\n");
}
