#include "libgeo/pyramid.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace geo {

OverviewPyramid::OverviewPyramid(int cols, int levels, Method method, RowSink sink)
    : method_(method), sink_(std::move(sink)), full_cols_(cols) {
  for (int l = 0; l < levels; ++l) {
    cols = (cols + 1) / 2;
    Level level;
    level.cols = cols;
    levels_.push_back(level);
  }
}

int OverviewPyramid::level_count(int cols, int rows, int block_size) {
  int n = 0;
  while (cols > block_size || rows > block_size) {
    cols = (cols + 1) / 2;
    rows = (rows + 1) / 2;
    ++n;
  }
  return n;
}

namespace {

// The mean of the cells that are not NaN (NaN if none). Adding 0 for a missing cell is the same as
// skipping it (the sum starts at +0), so there is no branch.
double mean_of_valid(const double (&cells)[4]) {
  double sum = 0;
  int n = 0;
  for (const double v : cells) {
    const bool valid = v == v;
    sum += valid ? v : 0.0;
    n += valid;
  }
  // sum / n; for 4, 2 and 1 cells a multiplication gives the same number (IEEE 754 rounds the same
  // exact quotient either way, and dividing by a power of two is exact scaling) without a division.
  switch (n) {
    case 4: return sum * 0.25;
    case 2: return sum * 0.5;
    case 1: return sum;
    case 3: return sum / 3;
    default: return std::numeric_limits<double>::quiet_NaN();
  }
}

// A row of the level below from the `in_cols` cells of the rows `top` and `bottom` (null: none, the
// last odd row) of the level above, read as doubles by `cell(row, i)` (NaN: no data), into `out`.
// Cells before `first` are left as they are (made by a faster loop of the caller's).
template <typename Row, typename Cell>
void reduce_rows(OverviewPyramid::Method method, const Row* top, const Row* bottom, std::size_t in_cols, std::vector<double>& out,
                 const Cell& cell, std::size_t first = 0) {
  if (method == OverviewPyramid::Method::nearest) {
    for (std::size_t j = first; j < out.size(); ++j) out[j] = cell(top, 2 * j);
    return;
  }
  // The valid cells of the 2 x 2 block, summed in a fixed order (top left, top right, bottom left,
  // bottom right) so the mean does not depend on how the rows arrived. An odd last column has only
  // the left-hand cells: its right-hand ones count as missing.
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  std::size_t j = first;
  if (bottom)  // the blocks with all four cells first: no tests of the edges in the loop
    for (const std::size_t whole = std::min(out.size(), in_cols / 2); j < whole; ++j) {
      const double cells[4] = {cell(top, 2 * j), cell(top, 2 * j + 1), cell(bottom, 2 * j), cell(bottom, 2 * j + 1)};
      out[j] = mean_of_valid(cells);
    }
  for (; j < out.size(); ++j) {
    const std::size_t left = 2 * j, right = left + 1;
    const bool has_right = right < in_cols;
    const double cells[4] = {cell(top, left), has_right ? cell(top, right) : nan, bottom ? cell(bottom, left) : nan,
                             bottom && has_right ? cell(bottom, right) : nan};
    out[j] = mean_of_valid(cells);
  }
}

}  // namespace

std::vector<double> OverviewPyramid::reduce(const std::vector<double>& a, const std::vector<double>* b, int out_cols) const {
  std::vector<double> out(static_cast<std::size_t>(out_cols));
  reduce_rows(method_, a.data(), b ? b->data() : nullptr, a.size(), out, [](const double* row, std::size_t i) { return row[i]; });
  return out;
}

namespace {

// The average of the whole 2 x 2 blocks of two integer rows (`missing`: the nodata value, when the
// type holds it), as reduce_rows makes it from the same cells read by `cell`, to the bit: integer
// cells sum exactly in an int as in a double (|sum| < 2^18), and the mean is then taken as
// mean_of_valid takes it. A block of four valid cells, the common one, without the conversions;
// returns the blocks done.
template <typename T, typename Cell>
std::size_t average_whole_blocks(const T* top, const T* bottom, std::size_t in_cols, std::optional<int> missing, std::vector<double>& out,
                                 const Cell& cell) {
  const std::size_t whole = std::min(out.size(), in_cols / 2);
  for (std::size_t j = 0; j < whole; ++j) {
    const int a = top[2 * j], b = top[2 * j + 1], c = bottom[2 * j], d = bottom[2 * j + 1];
    if (!missing || (a != *missing && b != *missing && c != *missing && d != *missing)) {
      out[j] = double(a + b + c + d) * 0.25;
      continue;
    }
    const double cells[4] = {cell(top, 2 * j), cell(top, 2 * j + 1), cell(bottom, 2 * j), cell(bottom, 2 * j + 1)};
    out[j] = mean_of_valid(cells);
  }
  return whole;
}

}  // namespace

template <typename T>
void OverviewPyramid::add_typed_row(const T* values, double nodata) {
  if (levels_.empty()) return;
  if (!add_typed_) {
    // The row waiting for the one below it, kept in its type by the functions made here.
    auto pending = std::make_shared<std::vector<T>>();
    // A row of level 1 from the full resolution's rows `top` and `bottom` (null: the last, odd row).
    auto first_level = [this, nodata](const T* top, const T* bottom) {
      std::vector<double> out(std::size_t(levels_[0].cols));
      // The cell as add_row's caller would have made it: the value as a double, NaN where it is nodata.
      const auto cell = [nodata](const T* row, std::size_t i) {
        const double d = double(row[i]);
        return d == nodata ? std::numeric_limits<double>::quiet_NaN() : d;
      };
      std::size_t done = 0;
      if constexpr (std::is_integral_v<T>) {
        if (method_ == Method::average && bottom) {
          std::optional<int> missing;  // nodata as a cell of the type, if any cell can be it
          if (nodata >= double(std::numeric_limits<T>::min()) && nodata <= double(std::numeric_limits<T>::max()) &&
              nodata == std::floor(nodata))
            missing = int(nodata);
          done = average_whole_blocks(top, bottom, std::size_t(full_cols_), missing, out, cell);
        }
      }
      reduce_rows(method_, top, bottom, std::size_t(full_cols_), out, cell, done);
      emit_first_level(std::move(out));
    };
    add_typed_ = [this, pending, first_level](const void* row) {
      const T* cells = static_cast<const T*>(row);
      if (!has_typed_pending_) {
        pending->assign(cells, cells + full_cols_);
        has_typed_pending_ = true;
        return;
      }
      has_typed_pending_ = false;
      first_level(pending->data(), cells);
    };
    finish_typed_ = [this, pending, first_level] {
      if (!has_typed_pending_) return;
      has_typed_pending_ = false;
      first_level(pending->data(), nullptr);
    };
  }
  add_typed_(values);
}
template void OverviewPyramid::add_typed_row(const std::uint8_t*, double);
template void OverviewPyramid::add_typed_row(const std::int16_t*, double);
template void OverviewPyramid::add_typed_row(const std::uint16_t*, double);
template void OverviewPyramid::add_typed_row(const float*, double);

void OverviewPyramid::emit_first_level(std::vector<double> row) {
  sink_(1, levels_[0].next_row++, row);
  push(1, std::move(row));
}

void OverviewPyramid::skip_rows(int full_rows) {
  if (has_typed_pending_) throw std::logic_error("OverviewPyramid: rows skipped while a full-resolution row is pending");
  for (std::size_t l = 0; l < levels_.size(); ++l) {
    if (levels_[l].has_pending) throw std::logic_error("OverviewPyramid: rows skipped while level " + std::to_string(l + 1) + " has one pending");
    const int factor = 2 << l;
    levels_[l].next_row += (full_rows + factor - 1) / factor;
  }
}

void OverviewPyramid::push(std::size_t level, std::vector<double> row) {
  if (level >= levels_.size()) return;
  Level& l = levels_[level];
  if (!l.has_pending) {
    l.pending = std::move(row);
    l.has_pending = true;
    return;
  }
  std::vector<double> out = reduce(l.pending, &row, l.cols);
  l.has_pending = false;
  sink_(int(level) + 1, l.next_row++, out);
  push(level + 1, std::move(out));
}

void OverviewPyramid::add_row(const double* values) { add_row(std::vector<double>(values, values + full_cols_)); }

void OverviewPyramid::add_row(std::vector<double>&& values) {
  if (levels_.empty()) return;
  values.resize(std::size_t(full_cols_));
  push(0, std::move(values));
}

void OverviewPyramid::finish() {
  if (finish_typed_) finish_typed_();  // the last, odd full-resolution row, alone
  for (std::size_t l = 0; l < levels_.size(); ++l) {
    Level& level = levels_[l];
    if (!level.has_pending) continue;
    std::vector<double> out = reduce(level.pending, nullptr, level.cols);
    level.has_pending = false;
    sink_(int(l) + 1, level.next_row++, out);
    push(l + 1, std::move(out));
  }
}

}  // namespace geo
