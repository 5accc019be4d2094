#pragma once
// What the season pass reads of a scene: the season's indices (products/index_products.hpp:
// season_indices(), NDVI, MNDWI, ...) and the pixel state on the scene's own grid, as the scene pass
// wrote them (the index rasters and CLEAR). The season pass therefore never
// decodes a scene's bands again: each scene's compressed bands are decoded once per run.
//
// The indices arrive at their product encoding (int16 x 1e-4, products/product_specs.hpp), which is
// also how the season composites store them; so the NDVI_MAX composite equals the maximum of the
// scene products pixel for pixel, and a run with or without per-scene products gives the same figures.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "libgeo/block.hpp"
#include "libgeo/grid.hpp"
#include "libgeo/io/raster.hpp"
#include "results/scene_result.hpp"
#include "sensors/observation.hpp"

namespace ecomon {

/// One window of a scene as the season pass sees it.
struct IndexObservations {
  /// By season index slot (season_indices()): x 1e-4, kNoData16 where not clear or undefined; an
  /// empty block for an index the scene has not (its sensor lacks a band).
  std::vector<geo::Block<std::int16_t>> index;
  geo::Block<PixelState> state;

  IndexObservations() = default;
  /// A window of no data, with an empty block per season index.
  explicit IndexObservations(const geo::Window& w);
  /// The block of a season index, by product name (for tests and tools; the engine uses slots).
  geo::Block<std::int16_t>& of(const std::string& product);
};

class SeasonSource {
 public:
  virtual ~SeasonSource() = default;
  const SceneInfo& info() const { return info_; }
  const geo::Grid& grid() const { return grid_; }
  /// Reads `window` of the scene's grid. Not thread-safe: call from one thread.
  virtual IndexObservations read(const geo::Window& window) = 0;
  /// Frees what the source holds between reads, once the pass is below its last row; a later read
  /// starts over.
  virtual void release() {}
  /// Bytes the source holds between reads.
  virtual std::int64_t held_bytes() const { return 0; }

 protected:
  SceneInfo info_;
  geo::Grid grid_;
};

/// A scene's index rasters and its CLEAR raster (CLEAR: 1 clear, 0 masked, no data outside the data).
/// The index rasters are opened at the first read: a reduce whose season tiles shards made reads
/// none of them (opening them was 7% of its time), and needs only the grid, from CLEAR.
class SceneProductSource final : public SeasonSource {
 public:
  SceneProductSource(const SceneInfo& info, const SeasonInputFiles& files);
  IndexObservations read(const geo::Window& window) override;
  void release() override;
  std::int64_t held_bytes() const override;

 private:
  void open_indices();  // throws SceneError naming a raster not on CLEAR's grid

  geo::io::ForwardReader<std::uint8_t> clear_;  // decode each block once per pass
  std::vector<std::string> index_paths_;        // by season index slot; "" where the scene has none
  std::vector<std::optional<geo::io::ForwardReader<std::int16_t>>> index_;  // by season index slot, opened at the first read
  bool indices_open_ = false;
};

}  // namespace ecomon
