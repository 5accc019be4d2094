// revisions.csv: every figure this run changed since the workspace last published it, with the year's
// reason. Written by every run (empty when nothing changed), so that a nightly job that adds a scene
// to a year already reported says so instead of silently revising what a bureau sent on.
#include "report/revisions_writer.hpp"

#include <algorithm>
#include <tuple>

#include "report/zone_reports.hpp"

namespace ecomon {

std::vector<PublishedFigure> published_figures(const RunResults& r) {
  std::vector<PublishedFigure> out;
  for (std::size_t z = 0; z < r.season_zones.size(); ++z)
    for (const ZoneRow& row : zone_series(r.season_zones[z], z, r.years))
      for (const std::string& key : target_indicators())
        out.push_back({"county_timeseries.csv", r.season_zones[z].code, r.season_zones[z].name, row.year->year, key, indicator(key).text(row)});
  for (const VerdictRow& v : r.verdicts)
    if (v.scope == "unit")
      out.push_back({"targets_report.csv", v.unit_code, v.unit_name, v.year, v.target->indicator, format_fixed(v.estimate.value, 4)});
  // Targets of one unit and indicator (a binding and an expected one) share their value: once.
  auto key = [](const PublishedFigure& f) { return std::tie(f.source, f.unit_code, f.year, f.indicator); };
  std::stable_sort(out.begin(), out.end(), [&](const PublishedFigure& a, const PublishedFigure& b) { return key(a) < key(b); });
  out.erase(std::unique(out.begin(), out.end(), [&](const PublishedFigure& a, const PublishedFigure& b) { return key(a) == key(b); }),
            out.end());
  return out;
}

std::vector<Revision> find_revisions(const std::vector<PublishedFigure>& before, const std::vector<PublishedFigure>& now,
                                     const std::map<int, std::string>& reason_of_year, long long previous_run) {
  std::map<std::tuple<std::string, std::string, int, std::string>, const PublishedFigure*> earlier;
  for (const PublishedFigure& f : before) earlier[{f.source, f.unit_code, f.year, f.indicator}] = &f;
  std::vector<Revision> out;
  for (const PublishedFigure& f : now) {
    const auto at = earlier.find({f.source, f.unit_code, f.year, f.indicator});
    if (at == earlier.end() || at->second->value == f.value) continue;
    const auto reason = reason_of_year.find(f.year);
    out.push_back({f.source, f.unit_code, f.unit_name, f.year, f.indicator, at->second->value, f.value,
                   reason == reason_of_year.end() ? "" : reason->second, previous_run});
  }
  return out;
}

namespace {

// "3 scene(s) added (first: ID)" for the ids of `a` not in `b` (both sorted).
std::string listed(const std::vector<std::string>& a, const std::vector<std::string>& b, const char* what) {
  std::vector<std::string> only;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(only));
  if (only.empty()) return "";
  return std::to_string(only.size()) + " scene(s) " + what + " (" + only.front() + (only.size() > 1 ? ", ..." : "") + ")";
}

}  // namespace

std::string year_change_reason(const PublishedYear& before, const PublishedYear& now) {
  std::string reason = listed(now.scene_ids, before.scene_ids, "added");
  const std::string left = listed(before.scene_ids, now.scene_ids, "left out (forgotten, gone or quarantined)");
  if (!left.empty()) reason += (reason.empty() ? "" : "; ") + left;
  if (!reason.empty()) return reason;
  if (before.key != now.key) return "the same scenes under other settings or another ecomon version";
  return "the year's composite unchanged: settings of the estimates or the targets changed";
}

const std::vector<ReportColumn>& revision_columns() {
  static const std::vector<ReportColumn> cols = {
      {"report", "报表", "The report the figure is published in: county_timeseries.csv (a zone) or targets_report.csv (a target's unit)."},
      {"unit_code", "单元代码", "Zone or unit code."},
      {"unit_name", "单元名称", "Zone or unit name."},
      {"year", "年份", "Year of the figure."},
      {"indicator", "指标", "The indicator (a column of county_timeseries.csv; for targets_report.csv the target's indicator)."},
      {"previous_value", "原值", "The value the workspace published before this run."},
      {"new_value", "新值", "The value this run publishes."},
      {"previous_run", "原运行", "The run (ecomon status) that published the previous value."},
      {"reason", "原因",
       "Why the year's figures changed: scenes added, scenes left out (forgotten with `ecomon forget`, gone from the input, or "
       "quarantined), the same scenes under other settings or another ecomon version, or the year's composite unchanged while the "
       "settings of the estimates (reference sample, plots) or the targets changed."},
  };
  return cols;
}

namespace {

class RevisionsWriter final : public ReportWriter {
 public:
  void write(const RunResults& r) override {
    std::vector<std::vector<std::string>> rows;
    if (r.revisions)
      for (const Revision& v : *r.revisions)
        rows.push_back({v.source, v.unit_code, v.unit_name, std::to_string(v.year), v.indicator, v.previous, v.value,
                        std::to_string(v.previous_run), v.reason});
    write_csv(r.output.path({"revisions.csv"}), revision_columns(), rows, r.settings.report.headers);
  }
};

const ReportWriterRegistration registration("45-revisions", [] { return std::make_unique<RevisionsWriter>(); });
const ReportColumnsRegistration columns(95, "revisions.csv", revision_columns);

}  // namespace

}  // namespace ecomon
