#include "engine/transitions.hpp"

#include <algorithm>

#include "config/schema.hpp"
#include "engine/strip_runner.hpp"
#include "libgeo/cell_area.hpp"
#include "libgeo/coverage.hpp"
#include "libgeo/io/projection.hpp"
#include "libgeo/io/raster.hpp"
#include "products/product_specs.hpp"

namespace ecomon {

// Config keys read here (config/schema.hpp; their table: config/README.md).
namespace {

using namespace config_keys;

const ConfigKeys keys_carbon(170, {
    {KEY(carbon, pairs),
     Kind::choice,
     "",
     0,
     0,
     {"consecutive_and_span", "consecutive", "span", "none"},
     "Pairs of years whose land cover transition matrix is written (carbon_transitions.csv; IPCC 2006 Vol. 4 Approach 2): each year and "
     "the next, the first and the last, both, or none. Each year's LANDCOVER is kept for it (a work file when not selected)."}
});

}  // namespace

using geo::Block;
using geo::Window;

std::vector<std::pair<int, int>> transition_pairs(const std::vector<YearResult>& years, const std::string& pairs) {
  std::vector<int> with_map;
  for (const YearResult& y : years)
    if (!y.landcover_product.empty()) with_map.push_back(y.year);
  std::vector<std::pair<int, int>> out;
  if (with_map.size() < 2 || pairs == "none") return out;
  if (pairs == "consecutive" || pairs == "consecutive_and_span")
    for (std::size_t k = 0; k + 1 < with_map.size(); ++k) out.push_back({with_map[k], with_map[k + 1]});
  const std::pair<int, int> span{with_map.front(), with_map.back()};
  if ((pairs == "span" || pairs == "consecutive_and_span") && std::find(out.begin(), out.end(), span) == out.end()) out.push_back(span);
  return out;
}

bool transitions_wanted(const Settings& settings) { return settings.carbon.pairs != "none"; }

TransitionResult land_cover_transitions(const YearResult& from, const YearResult& to, const geo::Grid& grid,
                                        const std::vector<geo::io::Zone>& zones, const Settings& settings,
                                        geo::io::ReaderPool* readers) {
  TransitionResult result;
  result.year_from = from.year, result.year_to = to.year;
  result.simulated = from.simulated || to.simulated;
  result.areas.assign(zones.size(), TransitionResult::Matrix{});
  result.unpaired_area.assign(zones.size(), 0.0);
  const geo::io::ReaderPool::Lease first_lease = geo::io::borrow_reader(readers, from.landcover_product);
  const geo::io::ReaderPool::Lease second_lease = geo::io::borrow_reader(readers, to.landcover_product);
  const geo::io::RasterReader &first = *first_lease, &second = *second_lease;
  for (const geo::io::RasterReader* r : {&first, &second})
    if (r->grid().cols != grid.cols || r->grid().rows != grid.rows || !(r->grid().transform == grid.transform))
      throw std::runtime_error(r->path() + ": not on the run's regional grid");
  const geo::ZoneCover zone_cover = geo::io::zone_cover(zones, grid);
  if (zone_cover.bounding_window().empty()) return result;
  const geo::CellAreaModel area_model = geo::io::cell_area_model(grid);

  // Per zone and core row: the row's matrix and its unpaired area, merged in row order.
  struct Row {
    TransitionResult::Matrix areas{};
    double unpaired = 0;
  };
  struct TransitionStrip : StripWindows {
    Block<std::uint8_t> first, second;
    std::vector<std::vector<Row>> zone_rows;  // [zone][row of core]
  };
  const StripPlan plan = plan_strips(settings, 2.0 + 8.0 + 8.0, grid.cols, 0);  // two classes, the cell's area, one zone's coverage
  run_strips<TransitionStrip>(
      plan, grid, 0,
      [&](TransitionStrip& t) {
        t.first = first.read<std::uint8_t>(t.core);
        t.second = second.read<std::uint8_t>(t.core);
      },
      [&](TransitionStrip& t) {
        const Window& c = t.core;
        const Block<double> areas = area_model.areas(c);
        t.zone_rows.assign(zones.size(), std::vector<Row>(std::size_t(c.rows)));
        zone_cover.for_each_weighted_row(c, areas, [&](std::size_t z, int row, int col0, const double* weight, int cells) {
          Row& out = t.zone_rows[z][std::size_t(row - c.row0)];
          const int cr = row - c.row0;
          for (int k = 0; k < cells; ++k) {
            const double w = weight[k];
            if (!(w > 0)) continue;
            const int cc = col0 - c.col0 + k;
            const std::uint8_t a = t.first.at(cr, cc), b = t.second.at(cr, cc);
            const bool a_known = a > 0 && a < kLandCoverClasses, b_known = b > 0 && b < kLandCoverClasses;
            if (a_known && b_known)
              out.areas[TransitionResult::index(LandCover(a), LandCover(b))] += w;
            else if (a_known || b_known)
              out.unpaired += w;
          }
        });
        t.first = {}, t.second = {};
      },
      [&](TransitionStrip& t) {
        for (std::size_t z = 0; z < zones.size(); ++z)
          for (const Row& row : t.zone_rows[z]) {
            for (std::size_t i = 0; i < row.areas.size(); ++i) result.areas[z][i] += row.areas[i];
            result.unpaired_area[z] += row.unpaired;
          }
      },
      // The zones' window only: a query of a field reads a few blocks, not the region.
      zone_cover.bounding_window());
  return result;
}

std::vector<TransitionResult> transitions_of_pairs(const std::vector<YearResult>& years, const std::string& pairs, const geo::Grid& grid,
                                                   const std::vector<geo::io::Zone>& zones, const Settings& settings,
                                                   geo::io::ReaderPool* readers) {
  auto year = [&](int y) -> const YearResult& { return *std::find_if(years.begin(), years.end(), [y](const YearResult& r) { return r.year == y; }); };
  std::vector<TransitionResult> out;
  for (const auto& [a, b] : transition_pairs(years, pairs)) out.push_back(land_cover_transitions(year(a), year(b), grid, zones, settings, readers));
  return out;
}

}  // namespace ecomon
