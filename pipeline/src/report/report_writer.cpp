#include "report/report_writer.hpp"

#include <exception>
#include <map>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "config/schema.hpp"

namespace ecomon {

// Config keys read here (config/schema.hpp; their table: config/README.md).
namespace {

using namespace config_keys;

// report
const ConfigKeys keys_report(160, {
    {KEY(report, headers),
     Kind::choice,
     "",
     0,
     0,
     {"en", "zh", "en_zh"},
     "CSV header language: English keys, Chinese names, or both (\"区划代码 zone_code\"); the named values (verdicts, classes, yes/no, "
     "trends, statuses) follow it (\"达标\", \"达标 met\")."},
    {KEY(report, language), Kind::choice, "", 0, 0, {"zh", "en"}, "Language of report.html: Chinese (the bureaus' reports) or English."}
});

}  // namespace

namespace {

std::map<std::string, std::function<std::unique_ptr<ReportWriter>()>>& registry() {
  static std::map<std::string, std::function<std::unique_ptr<ReportWriter>()>> writers;
  return writers;
}

}  // namespace

ReportWriterRegistration::ReportWriterRegistration(const std::string& name, std::function<std::unique_ptr<ReportWriter>()> make) {
  if (!registry().emplace(name, std::move(make)).second) throw std::logic_error("report writer '" + name + "' registered twice");
}

NamedReportWriters make_report_writers() {
  NamedReportWriters out;
  for (const auto& [name, make] : registry()) out.emplace_back(name, make());
  return out;
}

void write_reports(const NamedReportWriters& writers, const RunResults& results, int threads,
                   const std::function<void(const std::string& name)>& before_each) {
  std::vector<std::exception_ptr> failed(writers.size());
  const auto write = [&](std::size_t i) {
    try {
      before_each(writers[i].first);
      writers[i].second->write(results);
    } catch (...) {
      failed[i] = std::current_exception();
    }
  };
  // STAC and the HTML report take about the same time, a fifth of a second each on a small run:
  // side by side on two cores, a run ends that much sooner.
  std::vector<std::thread> beside;
  std::vector<bool> started(writers.size(), false);
  for (std::size_t i = 0; i < writers.size(); ++i)
    if (threads > 1 && writers[i].second->runs_beside_the_others()) {
      try {
        beside.emplace_back(write, i);
        started[i] = true;
      } catch (const std::system_error&) {
        // no thread to be had (a process at its limit): it runs in its turn
      }
    }
  for (std::size_t i = 0; i < writers.size(); ++i) {
    if (started[i]) continue;
    write(i);
    if (failed[i]) break;
  }
  for (std::thread& t : beside) t.join();
  for (const std::exception_ptr& e : failed)
    if (e) std::rethrow_exception(e);
}

namespace {

std::map<int, std::pair<std::string, const std::vector<ReportColumn>& (*)()>>& column_tables() {
  static std::map<int, std::pair<std::string, const std::vector<ReportColumn>& (*)()>> tables;
  return tables;
}

}  // namespace

ReportColumnsRegistration::ReportColumnsRegistration(int rank, const std::string& report, const std::vector<ReportColumn>& (*columns)()) {
  if (!column_tables().emplace(rank, std::make_pair(report, columns)).second)
    throw std::logic_error("report columns of '" + report + "': rank " + std::to_string(rank) + " registered twice");
}

std::vector<std::pair<std::string, const std::vector<ReportColumn>*>> report_column_tables() {
  std::vector<std::pair<std::string, const std::vector<ReportColumn>*>> out;
  for (const auto& [rank, table] : column_tables()) out.emplace_back(table.first, &table.second());
  return out;
}

}  // namespace ecomon
