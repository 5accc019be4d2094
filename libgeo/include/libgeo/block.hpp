#pragma once
// Typed pixel blocks: a window's worth of one band, row-major, owning its memory.
#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "libgeo/grid.hpp"

namespace geo {

/// An allocator whose value-initialisation leaves trivial types uninitialised: a block about to be
/// overwritten (a decoded window) is not first filled with zeros.
template <typename T>
struct DefaultInitAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = DefaultInitAllocator<U>;
  };
  using std::allocator<T>::allocator;
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    if constexpr (sizeof...(Args) == 0 && std::is_trivially_default_constructible_v<U>)
      ::new (static_cast<void*>(p)) U;
    else
      ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

/// Bytes a caller writes before it reads them (a tile's scratch, a codec's output): grown without zeroing.
using ScratchBytes = std::vector<unsigned char, DefaultInitAllocator<unsigned char>>;

template <typename T>
class Block {
 public:
  Block() = default;
  Block(const Window& window, T fill = T{}) : window_(window), data_(std::size_t(window.size()), fill) {}
  /// A block whose cells are left unset, for a reader about to write every one of them.
  static Block uninitialized(const Window& window) {
    Block b;
    b.window_ = window;
    b.data_.resize(std::size_t(window.size()));
    return b;
  }

  /// Takes `window` keeping the storage it has (grown if needed): a reader filling strip after strip
  /// allocates (and the kernel zeroes) its memory once, not per strip. Cells are left as they were.
  void reuse(const Window& window) {
    window_ = window;
    data_.resize(std::size_t(window.size()));
  }

  /// The same cells at another place of the grid (a window of the same size): a part of a grid
  /// read from a file of its own, put back where it belongs.
  void relocate(const Window& window) {
    if (window.cols != window_.cols || window.rows != window_.rows) throw std::invalid_argument("Block::relocate: another size");
    window_ = window;
  }
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
  std::vector<T, DefaultInitAllocator<T>> data_;
};

}  // namespace geo
