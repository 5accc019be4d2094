#pragma once
// The columns of landcover_accuracy.csv (written by report/accuracy_writer.cpp).
#include <vector>

#include "report/csv_report.hpp"

namespace ecomon {

const std::vector<ReportColumn>& landcover_accuracy_columns();

}  // namespace ecomon
