#pragma once
// The columns of carbon_transitions.csv (written by report/carbon_writer.cpp).
#include <vector>

#include "base/csv.hpp"

namespace ecomon {

const std::vector<ReportColumn>& carbon_transition_columns();
/// The columns of carbon_report.csv.
const std::vector<ReportColumn>& carbon_report_columns();

struct CarbonChange;
struct CarbonFactors;
/// One row of carbon_report.csv, in the order of carbon_report_columns().
std::vector<std::string> carbon_report_cells(const CarbonChange& c, const CarbonFactors& factors);
/// A terminal table of carbon changes (unit, pair, annual tCO2e with its interval, basis, largest transition).
std::string format_carbon_table(const std::vector<CarbonChange>& rows);

}  // namespace ecomon
