#pragma once
// The results the report writers read (report/report_writer.hpp), made from a workspace's
// publication alone: its stored years, their scenes and statuses; the verdicts, land cover
// transitions and carbon stock changes made again from those (and from the files the years'
// settings name: targets, plots, sample, carbon factors) by the functions the run uses. No scene is
// read. `ecomon report` renders every report from it: the workspace is the one source of the
// figures, and a report re-rendered from it equals the run's.
#include <optional>
#include <vector>

#include "carbon/carbon_factors.hpp"
#include "carbon/stock_change.hpp"
#include "catalog/workspace.hpp"
#include "report/report_writer.hpp"
#include "targets/targets.hpp"
#include "targets/verdicts.hpp"

namespace ecomon {

/// A workspace's results before they are rendered: the years' stored results (with their scenes and
/// statuses) and what the run read beside them. `ecomon run` holds these of its own jobs (the years
/// it made and those it reloaded) and renders them before it publishes (its revisions are found from
/// the figures rendered); every other reader takes them from the publication.
struct CollectedResults {
  Settings settings;                  // the latest year's
  std::vector<geo::io::Zone> zones;   // on the regional grid
  std::vector<SceneResult> scenes;    // any order
  std::vector<YearResult> years;      // ascending
  std::vector<StatusRow> statuses;    // any order
  std::optional<TargetsFile> targets;
  std::optional<std::vector<GroundPlot>> plots;
  std::optional<std::vector<ReferenceSample>> samples;
  std::optional<CarbonFactors> factors;
  TransitionsAndCarbon transitions;  // transitions_and_carbon() of the years
};

class WorkspaceResults {
 public:
  /// Reads the workspace's published years (their latest settings for the targets, ground files and
  /// pairs of years). Throws naming the file or year that cannot be read.
  explicit WorkspaceResults(const Workspace& workspace);
  /// The same from results collected by a run (no revisions: the run finds them from this view).
  explicit WorkspaceResults(CollectedResults collected);
  WorkspaceResults(const WorkspaceResults&) = delete;
  WorkspaceResults& operator=(const WorkspaceResults&) = delete;

  /// The writers' view, writing into `to`; terminal tables on stdout when `tables_on_stdout`.
  RunResults view(const OutputFolder& to, bool tables_on_stdout) const;

 private:
  CollectedResults c_;
  std::size_t failed_ = 0;
  std::vector<VerdictRow> verdicts_;
  std::vector<Revision> revisions_;
};

}  // namespace ecomon
