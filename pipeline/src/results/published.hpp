#pragma once
// What a run publishes that bureaus pass on, as the catalog keeps it between runs, and a revision:
// a published figure that a later run changed. Every run compares its figures with the last ones
// published in the workspace and says what changed and why (revisions.csv, the log, `ecomon status`).
#include <string>
#include <vector>

namespace ecomon {

/// One figure as published: a zone's (county_timeseries.csv) or a target unit's (targets_report.csv)
/// indicator in a year, as the report writes it.
struct PublishedFigure {
  std::string source;  // the report it is published in
  std::string unit_code, unit_name;
  int year = 0;
  std::string indicator, value;
};

/// A year's work as published: its task key and the scenes it was made from (sorted ids).
struct PublishedYear {
  int year = 0;
  std::string key;
  std::vector<std::string> scene_ids;
};

/// A published figure this run changed, and why (the year's scenes added or left out, its settings).
struct Revision {
  std::string source, unit_code, unit_name;
  int year = 0;
  std::string indicator, previous, value, reason;
  long long previous_run = 0;  // the run that published `previous`
};

}  // namespace ecomon
