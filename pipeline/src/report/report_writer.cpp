#include "report/report_writer.hpp"

#include <map>
#include <stdexcept>

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

std::vector<std::pair<std::string, std::unique_ptr<ReportWriter>>> make_report_writers() {
  std::vector<std::pair<std::string, std::unique_ptr<ReportWriter>>> out;
  for (const auto& [name, make] : registry()) out.emplace_back(name, make());
  return out;
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
