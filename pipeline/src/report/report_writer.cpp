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
     "CSV header language: English keys, Chinese names, or both (\"区划代码 zone_code\")."}
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

}  // namespace ecomon
