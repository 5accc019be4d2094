// `ecomon report OUTDIR [--to DIR]`: every report of a run rendered again from its workspace alone
// (catalog/workspace_results.hpp), no scene read: into the folder itself (after a change of
// report.headers, say) or into another. A thin command over the registered report writers.
#include <spdlog/spdlog.h>

#include "app/commands.hpp"
#include "base/errors.hpp"
#include "base/output_folder.hpp"
#include "base/threads.hpp"
#include "catalog/workspace_results.hpp"
#include "libgeo/io/raster.hpp"

namespace ecomon {

int report_command(const ReportOptions& o) {
  geo::io::initialise_gdal(64);
  const Workspace ws = Workspace::open(o.workspace);
  const WorkspaceResults results(ws);
  const OutputFolder to(o.to.empty() ? o.workspace : o.to);  // its lock: no run writes there meanwhile
  RunResults view = results.view(to, o.tables_on_stdout);
  // The rasters' checksums the runs kept (STAC's file:checksum), not every raster read and hashed again.
  view.checksums_of = [&ws](const std::vector<std::string>& paths) { return ws.file_checksums(paths); };
  write_reports(make_report_writers(), view, threads_or_all_cores(0), [](const std::string& name) { spdlog::debug("report writer {}", name); });
  to.remove_empty_work_dir();
  spdlog::info("reports of {} (publication of run {}) written to {}", ws.root(), ws.publication(), to.root());
  return 0;
}

}  // namespace ecomon
