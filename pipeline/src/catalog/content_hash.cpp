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

FileStamp file_stamp(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw std::runtime_error(path + ": " + std::strerror(errno));
  return {std::uint64_t(st.st_size), std::int64_t(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec};
}

}  // namespace ecomon
