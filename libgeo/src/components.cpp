#include "libgeo/components.hpp"

#include <cmath>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <vector>

namespace geo {

int min_patch_halo_rows(double min_area, double smallest_cell_area) {
  if (min_area <= 0) return 0;
  if (smallest_cell_area <= 0) throw std::invalid_argument("cell area must be positive");
  const double cells = std::ceil(min_area / smallest_cell_area - 1e-9);
  return std::max(0, int(cells) - 1);
}

Block<std::uint8_t> remove_small_patches(const Block<std::uint8_t>& mask, const Block<double>& cell_areas, double min_area,
                                         const Window& core) {
  const Window& grown = mask.window();
  if (core.intersect(grown) != core) throw std::invalid_argument("core window outside the mask window");
  Block<std::uint8_t> out(core, 0);
  const int dr = core.row0 - grown.row0, dc = core.col0 - grown.col0;
  if (min_area <= 0) {
    for (int r = 0; r < core.rows; ++r)
      for (int c = 0; c < core.cols; ++c) out.at(r, c) = mask.at(r + dr, c + dc);
    return out;
  }
  // OpenCV labels non-zero pixels; build a 0/1 image so that no-data values never connect.
  cv::Mat binary(grown.rows, grown.cols, CV_8U);
  for (int r = 0; r < grown.rows; ++r) {
    auto* dst = binary.ptr<std::uint8_t>(r);
    const auto* src = mask.row(r);
    for (int c = 0; c < grown.cols; ++c) dst[c] = src[c] == 1 ? 1 : 0;
  }
  cv::Mat labels;
  const int n = cv::connectedComponents(binary, labels, 8, CV_32S);
  std::vector<double> area(std::size_t(n), 0.0);
  for (int r = 0; r < grown.rows; ++r) {
    const auto* lab = labels.ptr<std::int32_t>(r);
    const double* a = cell_areas.row(r);
    for (int c = 0; c < grown.cols; ++c)
      if (lab[c] > 0) area[std::size_t(lab[c])] += a[c];
  }
  for (int r = 0; r < core.rows; ++r) {
    const auto* lab = labels.ptr<std::int32_t>(r + dr);
    for (int c = 0; c < core.cols; ++c) {
      const std::uint8_t v = mask.at(r + dr, c + dc);
      if (v == 1)
        out.at(r, c) = area[std::size_t(lab[c + dc])] >= min_area ? 1 : 0;
      else
        out.at(r, c) = v;
    }
  }
  return out;
}

}  // namespace geo
