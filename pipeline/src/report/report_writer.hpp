#pragma once
// Report writers: each turns a run's results into one output (CSV files, the terminal summary;
// later HTML, GeoPackage). A writer is one self-registering .cpp file (as PDAL's stages are): it
// declares a static ReportWriterRegistration, and the run calls every registered writer, in name
// order, once the results are complete. No central list to edit.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/fields.hpp"
#include "base/output_folder.hpp"
#include "config/settings.hpp"
#include "engine/scene_engine.hpp"
#include "engine/season_engine.hpp"
#include "carbon/stock_change.hpp"
#include "results/published.hpp"
#include "results/transition_result.hpp"
#include "targets/verdicts.hpp"

namespace ecomon {

/// Columns of scene_status.csv: one row per scene found or input path that could not be read.
const std::vector<ReportColumn>& scene_status_columns();

/// One row of scene_status.csv.
struct StatusRow {
  std::string path, status, message, scene_id;
  std::uint64_t implausible_pixels = 0;
  static constexpr auto fields() {
    return std::make_tuple(field("path", &StatusRow::path), field("status", &StatusRow::status), field("message", &StatusRow::message),
                           field("scene_id", &StatusRow::scene_id), field("implausible_pixels", &StatusRow::implausible_pixels));
  }
};

/// Everything a run produced, as the writers read it.
struct RunResults {
  const Settings& settings;
  const OutputFolder& output;
  const std::vector<SceneResult>& scenes;          // sorted by (date, id)
  const std::vector<geo::io::Zone>& season_zones;  // zones on the regional grid
  const std::vector<YearResult>& years;            // in year order
  const std::vector<StatusRow>& statuses;          // sorted by path
  std::size_t failed = 0;
  const TargetsFile* targets = nullptr;                   // targets.file, when given
  const std::vector<VerdictRow>& verdicts;                // every target x year (empty without targets)
  const std::vector<GroundPlot>* plots = nullptr;         // calibration.plots_file, when given
  const std::vector<ReferenceSample>* samples = nullptr;  // accuracy.samples_file, when given
  const std::vector<TransitionResult>* transitions = nullptr;  // land cover transitions by pair of years (carbon.pairs)
  const std::vector<CarbonChange>* carbon = nullptr;           // stock change by unit and pair of years
  const CarbonFactors* carbon_factors = nullptr;               // the density table of the stock changes
  const std::vector<Revision>* revisions = nullptr;            // published figures this run changed (revisions.csv)
  bool tables_on_stdout = true;      // false in nightly mode: the terminal gets the run summary only
  std::size_t scenes_unchanged = 0;  // scenes of years reloaded from the catalog (not read again): in `scenes`, not processed
  /// Rasters' SHA2-256 multihashes (STAC's file:checksum), in the order of the paths: the workspace
  /// catalog's, kept by size and modification time, when the run has one; else computed
  /// (sha256_multihash_of_file, in parallel).
  std::function<std::vector<std::string>(const std::vector<std::string>&)> checksums_of = {};
};

class ReportWriter {
 public:
  virtual ~ReportWriter() = default;
  /// Writes its output; errors are IoError / OutputError naming the file.
  virtual void write(const RunResults& results) = 0;
  /// Whether it may run beside the other writers: it reads nothing they write and writes nothing
  /// they read (STAC: the rasters and their checksums), so write_reports() starts it on a thread of
  /// its own when the run has more than one.
  virtual bool runs_beside_the_others() const { return false; }
};

/// Registers a writer under `name` (unique; the run order).
struct ReportWriterRegistration {
  ReportWriterRegistration(const std::string& name, std::function<std::unique_ptr<ReportWriter>()> make);
};

using NamedReportWriters = std::vector<std::pair<std::string, std::unique_ptr<ReportWriter>>>;

/// One instance of every registered writer, in name order.
NamedReportWriters make_report_writers();

/// The `writers` (make_report_writers()) on `results`, `before_each(name)` called before each (a log
/// line, a kill point). With `threads` above 1, those that run beside the others start first, each
/// on a thread of its own, while the others run in their order on this one; else all run in order.
/// Once all have ended, the first error in their order is rethrown (a writer after a failed one in
/// the order is not started).
void write_reports(const NamedReportWriters& writers, const RunResults& results, int threads,
                   const std::function<void(const std::string& name)>& before_each);

/// A report's documented columns, registered beside the writer that writes them: `ecomon
/// report-columns` prints every table in rank order (config/README.md embeds them; a test keeps the two in step).
struct ReportColumnsRegistration {
  ReportColumnsRegistration(int rank, const std::string& report, const std::vector<ReportColumn>& (*columns)());
};
/// Every registered report's name and columns, in rank order.
std::vector<std::pair<std::string, const std::vector<ReportColumn>*>> report_column_tables();

}  // namespace ecomon
