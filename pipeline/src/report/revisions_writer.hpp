#pragma once
// Revisions: the figures a run publishes (products/indicators.hpp's target indicators per zone and
// year, and each target unit's value per year), compared with those the workspace published last,
// so that a figure a bureau already sent on never changes without a word (revisions.csv).
#include <map>
#include <string>
#include <vector>

#include "report/report_writer.hpp"
#include "results/published.hpp"

namespace ecomon {

/// The figures of this run, as county_timeseries.csv and targets_report.csv write them.
std::vector<PublishedFigure> published_figures(const RunResults& results);

/// The figures of `now` whose value differs from `before`'s (same report, unit, year and indicator),
/// each with the reason of its year (`reason_of_year`; "" when none is known). A figure new in
/// `now`, or gone from it, is not a revision.
std::vector<Revision> find_revisions(const std::vector<PublishedFigure>& before, const std::vector<PublishedFigure>& now,
                                     const std::map<int, std::string>& reason_of_year, long long previous_run);

/// Why a year's figures may have changed between two publications: scenes added, scenes left out
/// (forgotten, gone, quarantined), or the same scenes under other settings or another version.
std::string year_change_reason(const PublishedYear& before, const PublishedYear& now);

const std::vector<ReportColumn>& revision_columns();

}  // namespace ecomon
