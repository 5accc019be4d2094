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

class WorkspaceResults {
 public:
  /// Reads the workspace's published years (their latest settings for the targets, ground files and
  /// pairs of years). Throws naming the file or year that cannot be read.
  explicit WorkspaceResults(const Workspace& workspace);
  WorkspaceResults(const WorkspaceResults&) = delete;
  WorkspaceResults& operator=(const WorkspaceResults&) = delete;

  /// The writers' view, writing into `to`; terminal tables on stdout when `tables_on_stdout`.
  RunResults view(const OutputFolder& to, bool tables_on_stdout) const;

 private:
  Settings settings_;
  std::vector<geo::io::Zone> zones_;
  std::vector<SceneResult> scenes_;
  std::vector<YearResult> years_;
  std::vector<StatusRow> statuses_;
  std::size_t failed_ = 0;
  std::optional<TargetsFile> targets_;
  std::vector<VerdictRow> verdicts_;
  std::optional<std::vector<GroundPlot>> plots_;
  std::optional<std::vector<ReferenceSample>> samples_;
  std::vector<TransitionResult> transitions_;
  std::vector<CarbonChange> carbon_;
  std::optional<CarbonFactors> factors_;
  std::vector<Revision> revisions_;
};

}  // namespace ecomon
