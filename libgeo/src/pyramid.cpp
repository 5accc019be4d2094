#include "libgeo/pyramid.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

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

}  // namespace

std::vector<double> OverviewPyramid::reduce(const std::vector<double>& a, const std::vector<double>* b, int out_cols) const {
  std::vector<double> out(static_cast<std::size_t>(out_cols));
  const std::size_t in_cols = a.size();
  if (method_ == Method::nearest) {
    for (std::size_t j = 0; j < out.size(); ++j) out[j] = a[2 * j];
    return out;
  }
  // The valid cells of the 2 x 2 block, summed in a fixed order (top left, top right, bottom left,
  // bottom right) so the mean does not depend on how the rows arrived. An odd last column has only
  // the left-hand cells: its right-hand ones count as missing.
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  const double* top = a.data();
  const double* bottom = b ? b->data() : nullptr;
  std::size_t j = 0;
  if (bottom)  // the blocks with all four cells first: no tests of the edges in the loop
    for (const std::size_t whole = std::min(out.size(), in_cols / 2); j < whole; ++j) {
      const double cells[4] = {top[2 * j], top[2 * j + 1], bottom[2 * j], bottom[2 * j + 1]};
      out[j] = mean_of_valid(cells);
    }
  for (; j < out.size(); ++j) {
    const std::size_t left = 2 * j, right = left + 1;
    const bool has_right = right < in_cols;
    const double cells[4] = {top[left], has_right ? top[right] : nan, bottom ? bottom[left] : nan,
                             bottom && has_right ? bottom[right] : nan};
    out[j] = mean_of_valid(cells);
  }
  return out;
}

void OverviewPyramid::skip_rows(int full_rows) {
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
