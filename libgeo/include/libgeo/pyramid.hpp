#pragma once
// Overview levels (2x, 4x, ...) of a raster built from its rows as they stream past, top to bottom,
// so that a writer need not read the full-resolution raster back to make them. Memory: one pending
// row per level. Values are doubles, NaN meaning no data.
#include <functional>
#include <vector>

namespace geo {

class OverviewPyramid {
 public:
  /// average: the mean of the valid cells of each 2 x 2 block (NaN if none), as GDAL's AVERAGE;
  /// nearest: the block's top-left cell, for categories.
  enum class Method { average, nearest };
  /// Receives each finished row of a level (1 = half resolution), in order.
  using RowSink = std::function<void(int level, int row, const std::vector<double>& values)>;

  OverviewPyramid(int cols, int levels, Method method, RowSink sink);
  // Not copied: add_typed_row's functions refer to the pyramid that made them.
  OverviewPyramid(const OverviewPyramid&) = delete;
  OverviewPyramid& operator=(const OverviewPyramid&) = delete;
  /// The next full-resolution row (`cols` values).
  void add_row(const double* values);
  /// The same, taking the row's storage (`cols` values).
  void add_row(std::vector<double>&& values);
  /// The next full-resolution row in the raster's own type (std::uint8_t, std::int16_t,
  /// std::uint16_t or float), `nodata` meaning no data: the same levels as add_row of its values as
  /// doubles with nodata as NaN, but no row of doubles is made at full resolution (a writer of
  /// integer rasters converted and stored every cell twice for it). A pyramid takes its rows by one
  /// of the two only.
  template <typename T>
  void add_typed_row(const T* values, double nodata);
  /// Emits what the last, odd rows of each level leave pending. Call once, after the last row.
  void finish();
  /// Passes over `full_rows` rows whose levels were made elsewhere (a part of the raster another
  /// pyramid made, rows a multiple of 2^levels); throws std::logic_error while a level has a row pending.
  void skip_rows(int full_rows);

  /// Levels until both dimensions fit in one block (GDAL's COG driver's default count).
  static int level_count(int cols, int rows, int block_size);

 private:
  struct Level {
    int cols = 0, next_row = 0;
    bool has_pending = false;
    std::vector<double> pending;
  };
  void push(std::size_t level, std::vector<double> row);  // a row of the level above `level`
  std::vector<double> reduce(const std::vector<double>& a, const std::vector<double>* b, int out_cols) const;

  void emit_first_level(std::vector<double> row);  // a row of level 1, made from typed rows

  Method method_;
  RowSink sink_;
  int full_cols_ = 0;
  std::vector<Level> levels_;  // levels_[0] is level 1
  // add_typed_row's work, made for the rows' type at its first call: take a row; emit the pending one
  // alone (finish). They keep the full-resolution row waiting for the one below it, in its type.
  std::function<void(const void* row)> add_typed_;
  std::function<void()> finish_typed_;
  bool has_typed_pending_ = false;
};

}  // namespace geo
