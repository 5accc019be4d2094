#pragma once
// Typed pixel blocks: a window's worth of one band, row-major, owning its memory.
#include <cstddef>
#include <vector>

#include "libgeo/grid.hpp"

namespace geo {

template <typename T>
class Block {
 public:
  Block() = default;
  Block(const Window& window, T fill = T{}) : window_(window), data_(std::size_t(window.size()), fill) {}

  const Window& window() const { return window_; }
  int cols() const { return window_.cols; }
  int rows() const { return window_.rows; }
  std::size_t size() const { return data_.size(); }
  T* data() { return data_.data(); }
  const T* data() const { return data_.data(); }
  T& at(int row, int col) { return data_[std::size_t(row) * window_.cols + col]; }
  const T& at(int row, int col) const { return data_[std::size_t(row) * window_.cols + col]; }
  T* row(int r) { return data_.data() + std::size_t(r) * window_.cols; }
  const T* row(int r) const { return data_.data() + std::size_t(r) * window_.cols; }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }

 private:
  Window window_;
  std::vector<T> data_;
};

}  // namespace geo
