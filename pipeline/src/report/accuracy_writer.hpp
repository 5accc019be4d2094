#pragma once
// The columns of `ecomon accuracy` and of landcover_accuracy.csv (written by report/accuracy_writer.cpp).
#include <string>
#include <vector>

#include "base/csv.hpp"
#include "libgeo/area_estimate.hpp"

namespace ecomon {

/// The columns `ecomon accuracy` prints.
const std::vector<ReportColumn>& accuracy_columns();
/// Those columns' cells for class `j` of an estimate, whose code is `code`.
std::vector<std::string> accuracy_cells(long code, const geo::AreaEstimate& estimate, std::size_t j);
/// The columns of landcover_accuracy.csv: the year and unit, then the accuracy columns.
const std::vector<ReportColumn>& landcover_accuracy_columns();

}  // namespace ecomon
