#pragma once
// Files built into the binary (pipeline/CMakeLists.txt fetches them, pinned by version and checksum),
// so that a report is self-contained and a run needs nothing beside the binary.
#include <string_view>

namespace ecomon {

/// Apache ECharts (dist/echarts.min.js), Apache-2.0: the charts of report.html.
std::string_view echarts_js();
/// Its LICENSE and NOTICE, written beside every report that embeds it.
std::string_view echarts_license();
std::string_view echarts_notice();
/// Its exact version.
std::string_view echarts_version();

}  // namespace ecomon
