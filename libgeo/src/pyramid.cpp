#include "libgeo/pyramid.hpp"

#include <algorithm>
#include <cmath>

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

std::vector<double> OverviewPyramid::reduce(const std::vector<double>& a, const std::vector<double>* b, int out_cols) const {
  std::vector<double> out(std::size_t(out_cols), std::nan(""));
  const std::size_t in_cols = a.size();
  for (std::size_t j = 0; j < out.size(); ++j) {
    const std::size_t c0 = 2 * j, c1 = std::min(2 * j + 1, in_cols - 1);
    if (method_ == Method::nearest) {
      out[j] = a[c0];
      continue;
    }
    double sum = 0;
    int n = 0;
    for (const double v : {a[c0], c1 != c0 ? a[c1] : std::nan(""), b ? (*b)[c0] : std::nan(""), b && c1 != c0 ? (*b)[c1] : std::nan("")})
      if (!std::isnan(v)) sum += v, ++n;
    if (n > 0) out[j] = sum / n;
  }
  return out;
}

void OverviewPyramid::push(std::size_t level, const std::vector<double>& row) {
  if (level >= levels_.size()) return;
  Level& l = levels_[level];
  if (!l.has_pending) {
    l.pending = row;
    l.has_pending = true;
    return;
  }
  const std::vector<double> out = reduce(l.pending, &row, l.cols);
  l.has_pending = false;
  sink_(int(level) + 1, l.next_row++, out);
  push(level + 1, out);
}

void OverviewPyramid::add_row(const double* values) {
  if (levels_.empty()) return;
  push(0, std::vector<double>(values, values + full_cols_));
}

void OverviewPyramid::finish() {
  for (std::size_t l = 0; l < levels_.size(); ++l) {
    Level& level = levels_[l];
    if (!level.has_pending) continue;
    const std::vector<double> out = reduce(level.pending, nullptr, level.cols);
    level.has_pending = false;
    sink_(int(l) + 1, level.next_row++, out);
    push(l + 1, out);
  }
}

}  // namespace geo
