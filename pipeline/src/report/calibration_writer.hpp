#pragma once
// The columns of calibration.csv and calibration_plots.csv (written by report/calibration_writer.cpp).
#include <vector>

#include "base/csv.hpp"

namespace ecomon {

const std::vector<ReportColumn>& calibration_columns();
const std::vector<ReportColumn>& calibration_plot_columns();

}  // namespace ecomon
