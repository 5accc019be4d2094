// Report writers register themselves: the CSV files and the terminal summary are there, in order,
// and a writer defined in one file alone (here, in this test) joins them with no list to edit.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <stdexcept>

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

namespace {

// What writers saw, in the order they saw it (writers on two threads: under a lock).
struct WriterLog {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> events;
  void add(const std::string& e) {
    {
      const std::lock_guard<std::mutex> lock(mutex);
      events.push_back(e);
    }
    changed.notify_all();
  }
  bool has(const std::string& e) { return std::find(events.begin(), events.end(), e) != events.end(); }
};

class LoggingWriter final : public ReportWriter {
 public:
  LoggingWriter(WriterLog& log, std::string name, bool beside = false, std::string wait_for = "", bool fail = false)
      : log_(log), name_(std::move(name)), beside_(beside), wait_for_(std::move(wait_for)), fail_(fail) {}
  void write(const RunResults&) override {
    log_.add(name_);
    if (!wait_for_.empty()) {
      // Waits (at most a minute, so that a failure cannot hang the test) for another writer to start.
      std::unique_lock<std::mutex> lock(log_.mutex);
      const bool seen = log_.changed.wait_for(lock, std::chrono::minutes(1), [&] { return log_.has(wait_for_); });
      lock.unlock();
      log_.add(name_ + (seen ? " saw " : " did not see ") + wait_for_);
    }
    if (fail_) throw std::runtime_error(name_ + " failed");
  }
  bool runs_beside_the_others() const override { return beside_; }

 private:
  WriterLog& log_;
  std::string name_;
  bool beside_;
  std::string wait_for_;
  bool fail_;
};

RunResults empty_results() {
  static const Settings settings;
  static const OutputFolder output((std::filesystem::temp_directory_path() / ("ecomon_writer_order_" + std::to_string(getpid()))).string());
  static const std::vector<SceneResult> scenes;
  static const std::vector<geo::io::Zone> zones;
  static const std::vector<YearResult> years;
  static const std::vector<StatusRow> statuses;
  static const std::vector<VerdictRow> verdicts;
  return RunResults{settings, output, scenes, zones, years, statuses, 0, nullptr, verdicts, nullptr, nullptr};
}

// The error writing the reports on two threads ends with ("" if none).
std::string error_of_writing(const NamedReportWriters& writers) {
  try {
    write_reports(writers, empty_results(), 2, [](const std::string&) {});
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace

// A writer that runs beside the others (STAC) starts first on a thread of its own when the run has
// two or more, and runs while the others run in their order: it waits for the last of them to start
// and sees it. On one thread every writer runs in its order, that one too.
TEST(ReportWriters, OneThatRunsBesideTheOthersRunsWhileTheyRunOnTwoThreadsAndInOrderOnOne) {
  for (const int threads : {2, 1}) {
    SCOPED_TRACE(threads);
    WriterLog log;
    NamedReportWriters writers;
    writers.emplace_back("10-a", std::make_unique<LoggingWriter>(log, "a"));
    writers.emplace_back("20-beside", std::make_unique<LoggingWriter>(log, "beside", true, threads > 1 ? "c" : ""));
    writers.emplace_back("30-c", std::make_unique<LoggingWriter>(log, "c"));
    std::vector<std::string> announced;
    std::mutex announcing;
    write_reports(writers, empty_results(), threads, [&](const std::string& name) {
      const std::lock_guard<std::mutex> lock(announcing);
      announced.push_back(name);
    });
    std::sort(announced.begin(), announced.end());
    EXPECT_EQ(announced, (std::vector<std::string>{"10-a", "20-beside", "30-c"}));
    std::vector<std::string> in_order;
    for (const std::string& e : log.events)
      if (e == "a" || e == "c") in_order.push_back(e);
    EXPECT_EQ(in_order, (std::vector<std::string>{"a", "c"}));
    if (threads > 1)
      EXPECT_TRUE(log.has("beside saw c"));
    else
      EXPECT_EQ(log.events, (std::vector<std::string>{"a", "beside", "c"}));
  }
}

// The first error in the writers' order is rethrown once every started writer has ended: a failing
// writer beside the others lets them all run; a failing one in the order stops those after it.
TEST(ReportWriters, TheFirstErrorInTheirOrderIsRethrownOnceAllHaveEnded) {
  WriterLog log;
  NamedReportWriters writers;
  writers.emplace_back("10-a", std::make_unique<LoggingWriter>(log, "a"));
  writers.emplace_back("20-beside", std::make_unique<LoggingWriter>(log, "beside", true, "", true));
  writers.emplace_back("30-c", std::make_unique<LoggingWriter>(log, "c"));
  EXPECT_EQ(error_of_writing(writers), "beside failed");
  EXPECT_TRUE(log.has("a") && log.has("c"));

  WriterLog log2;
  NamedReportWriters stopping;
  stopping.emplace_back("10-a", std::make_unique<LoggingWriter>(log2, "a", false, "", true));
  stopping.emplace_back("20-beside", std::make_unique<LoggingWriter>(log2, "beside", true, "", true));
  stopping.emplace_back("30-c", std::make_unique<LoggingWriter>(log2, "c"));
  EXPECT_EQ(error_of_writing(stopping), "a failed");
  EXPECT_FALSE(log2.has("c"));
  EXPECT_TRUE(log2.has("beside"));
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
