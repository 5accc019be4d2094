#include "libgeo/io/reader_pool.hpp"

#include <utility>

namespace geo::io {

ReaderPool::Lease::~Lease() {
  if (pool_ && reader_) pool_->give_back(stamp_, std::move(reader_));
}

ReaderPool::Lease ReaderPool::borrow(const std::string& path) {
  const FileStamp stamp = stamp_of(path);
  std::list<Idle> stale;  // closed after the lock is released
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = idle_.begin(); it != idle_.end();) {
      if (it->path != path) {
        ++it;
      } else if (it->stamp == stamp) {
        std::unique_ptr<RasterReader> reader = std::move(it->reader);
        idle_.erase(it);
        return Lease(this, stamp, std::move(reader));
      } else {
        stale.splice(stale.end(), idle_, it++);  // the file was replaced: its old handle goes
      }
    }
  }
  return Lease(this, stamp, std::make_unique<RasterReader>(path));
}

void ReaderPool::give_back(FileStamp stamp, std::unique_ptr<RasterReader> reader) {
  std::list<Idle> closed;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    std::string path = reader->path();
    idle_.push_front({std::move(path), stamp, std::move(reader)});
    while (idle_.size() > max_idle_) closed.splice(closed.end(), idle_, std::prev(idle_.end()));
  }
}

std::size_t ReaderPool::idle() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return idle_.size();
}

ReaderPool::Lease borrow_reader(ReaderPool* pool, const std::string& path) {
  if (pool) return pool->borrow(path);
  return ReaderPool::Lease(nullptr, {}, std::make_unique<RasterReader>(path));
}

}  // namespace geo::io
