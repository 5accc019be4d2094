#pragma once
// Open raster readers kept for reuse. A server answering many small queries over the same files would
// otherwise open every file per request (parse its header and CRS, list its folder) and decode its
// blocks again, since GDAL's block cache keeps a dataset's blocks only while the dataset is open.
// A reader is lent to one borrower at a time (a GDAL dataset is not thread-safe) and comes back when
// the lease ends; a file replaced on disk (another FileStamp: device, inode, size or modification
// time, as an atomic rename changes it) is opened anew, never read through a stale handle.
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>

#include "libgeo/io/raster.hpp"
#include "libgeo/io/vsi.hpp"

namespace geo::io {

class ReaderPool {
 public:
  /// At most `max_idle` readers are kept open while nobody borrows them (the least recently
  /// returned are closed first).
  explicit ReaderPool(std::size_t max_idle = 64) : max_idle_(max_idle) {}
  ReaderPool(const ReaderPool&) = delete;
  ReaderPool& operator=(const ReaderPool&) = delete;

  /// A reader lent until the lease ends (the pool must outlive it); without a pool, a reader of its own.
  class Lease {
   public:
    Lease(Lease&& o) noexcept : pool_(o.pool_), stamp_(o.stamp_), reader_(std::move(o.reader_)) { o.pool_ = nullptr; }
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    const RasterReader& operator*() const { return *reader_; }
    const RasterReader* operator->() const { return reader_.get(); }

   private:
    friend class ReaderPool;
    friend Lease borrow_reader(ReaderPool* pool, const std::string& path);
    Lease(ReaderPool* pool, FileStamp stamp, std::unique_ptr<RasterReader> reader) : pool_(pool), stamp_(stamp), reader_(std::move(reader)) {}
    ReaderPool* pool_;
    FileStamp stamp_;
    std::unique_ptr<RasterReader> reader_;
  };

  /// An open reader of `path`: an idle one of the same file if the pool has it, else a new one.
  /// Throws IoError as RasterReader's constructor does.
  Lease borrow(const std::string& path);
  /// Readers open and idle now (for tests and logs).
  std::size_t idle() const;

 private:
  void give_back(FileStamp stamp, std::unique_ptr<RasterReader> reader);
  struct Idle {
    std::string path;
    FileStamp stamp;
    std::unique_ptr<RasterReader> reader;
  };
  std::size_t max_idle_;
  mutable std::mutex mutex_;
  std::list<Idle> idle_;  // most recently returned first
};

/// `pool->borrow(path)`, or a reader of the caller's own when `pool` is null.
ReaderPool::Lease borrow_reader(ReaderPool* pool, const std::string& path);

}  // namespace geo::io
