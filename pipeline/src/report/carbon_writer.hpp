#pragma once
// The columns of carbon_transitions.csv (written by report/carbon_writer.cpp).
#include <vector>

#include "base/csv.hpp"

namespace ecomon {

const std::vector<ReportColumn>& carbon_transition_columns();

}  // namespace ecomon
