#include "catalog/content_hash.hpp"

#include "base/file_checksum.hpp"

#include <sys/stat.h>
#include <xxhash.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>
#include <stdexcept>
#include <system_error>

namespace ecomon {

namespace {
std::string hex(std::uint64_t v) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(v));
  return buffer;
}
}  // namespace

std::string hash_text(std::string_view bytes) {
  const XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
  return hex(h.high64) + hex(h.low64);
}

struct FileContentHash::State {
  std::unique_ptr<XXH3_state_t, XXH_errorcode (*)(XXH3_state_t*)> xxh3{XXH3_createState(), &XXH3_freeState};
};

FileContentHash::FileContentHash() : state_(std::make_unique<State>()) {
  if (!state_->xxh3) throw std::bad_alloc();
  XXH3_64bits_reset(state_->xxh3.get());
}

FileContentHash::~FileContentHash() = default;

void FileContentHash::add(const char* bytes, std::size_t count) { XXH3_64bits_update(state_->xxh3.get(), bytes, count); }

std::string FileContentHash::finish() const { return hex(XXH3_64bits_digest(state_->xxh3.get())); }

std::string hash_file(const std::string& path) {
  FileContentHash hash;
  // A scene archive is gigabytes: the "hash" point answers Ctrl-C within a megabyte.
  const std::string problem = read_file_in_pieces(path, "hash", [&](const char* bytes, std::size_t n) { hash.add(bytes, n); });
  if (!problem.empty()) throw std::runtime_error(problem + " (to hash it)");
  return hash.finish();
}

HashAndChecksum hash_and_checksum_of_file(const std::string& path) {
  FileContentHash hash;
  Sha256Multihash checksum(path);
  const std::string problem = read_file_in_pieces(path, "hash", [&](const char* bytes, std::size_t n) {
    hash.add(bytes, n);
    checksum.add(bytes, n);
  });
  if (!problem.empty()) throw std::runtime_error(problem + " (to hash it)");
  return {hash.finish(), checksum.finish()};
}

EarlyDigests::~EarlyDigests() { take(); }

void EarlyDigests::add(const std::string& path) {
  auto digests = [path] {
    Taken taken;
    try {
      const FileStamp stamp = file_stamp(path);
      HashAndChecksum both = hash_and_checksum_of_file(path);
      taken.hashes.push_back({path, stamp, std::move(both.hash)});
      taken.checksums.push_back({path, stamp, std::move(both.checksum)});
    } catch (...) {
      // gone, unreadable, or the run interrupted: left to whoever needs the digest
    }
    return taken;
  };
  const std::lock_guard<std::mutex> lock(mutex_);
  try {
    pending_.push_back(std::async(std::launch::async, std::move(digests)));
  } catch (const std::system_error&) {
    // no thread to be had: the digest is taken when needed
  }
}

EarlyDigests::Taken EarlyDigests::take() {
  std::vector<std::future<Taken>> pending;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    pending.swap(pending_);
  }
  Taken all;
  for (std::future<Taken>& f : pending) {
    Taken one = f.get();
    for (StampedDigest& d : one.hashes) all.hashes.push_back(std::move(d));
    for (StampedDigest& d : one.checksums) all.checksums.push_back(std::move(d));
  }
  return all;
}

FileStamp file_stamp(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw std::runtime_error(path + ": " + std::strerror(errno));
  return {std::uint64_t(st.st_size), std::int64_t(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec};
}

}  // namespace ecomon
