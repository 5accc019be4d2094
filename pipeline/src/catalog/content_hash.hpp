#pragma once
// Content hashes of files and texts (XXH3, Collet's xxHash: not cryptographic, which a catalog of
// one's own files does not need, and fast enough that hashing a scene costs less than reading it).
#include <cstddef>
#include <cstdint>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace ecomon {

/// 32 hex digits: the 128-bit XXH3 of `bytes`.
std::string hash_text(std::string_view bytes);

/// 16 hex digits: the 64-bit XXH3 of the file's bytes, streamed. Throws std::runtime_error naming the file.
std::string hash_file(const std::string& path);

/// hash_file's hash and the SHA-256 multihash (base/file_checksum.hpp) of the file, from one read:
/// a file the catalog keeps both for (a year's COG) is not read twice. Throws std::runtime_error
/// naming the file.
struct HashAndChecksum {
  std::string hash, checksum;
};
HashAndChecksum hash_and_checksum_of_file(const std::string& path);

/// hash_file's hash fed in pieces: for one pass over a file that feeds another digest too.
class FileContentHash {
 public:
  FileContentHash();
  ~FileContentHash();
  FileContentHash(const FileContentHash&) = delete;
  FileContentHash& operator=(const FileContentHash&) = delete;
  void add(const char* bytes, std::size_t count);
  std::string finish() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// What tells a file changed without reading it: its size and modification time (ns).
struct FileStamp {
  std::uint64_t bytes = 0;
  std::int64_t mtime_ns = 0;
  bool operator==(const FileStamp& o) const { return bytes == o.bytes && mtime_ns == o.mtime_ns; }
};
/// The file's stamp; throws std::runtime_error naming the file when it cannot be read.
FileStamp file_stamp(const std::string& path);

/// A file's digest (a content hash, a checksum) as one process took it, with the file's stamp taken
/// before it: another process may keep it while the file's stamp is still that one.
struct StampedDigest {
  std::string path;
  FileStamp stamp;
  std::string digest;
};

/// Digests of files taken as soon as they are written, each file read on a thread of its own: a
/// run's rasters are then in the page cache, and the pass that wrote them waits on the disk (the
/// publishing fsync) with its cores idle, where reading them when the catalog records them costs the
/// run that time again at its end. Safe from any thread.
class EarlyDigests {
 public:
  EarlyDigests() = default;
  ~EarlyDigests();  // waits for the files still being read
  EarlyDigests(const EarlyDigests&) = delete;
  EarlyDigests& operator=(const EarlyDigests&) = delete;
  /// Starts taking the file's content hash and SHA-256 checksum (hash_and_checksum_of_file), its
  /// stamp taken before it is read.
  void add(const std::string& path);
  struct Taken {
    std::vector<StampedDigest> hashes, checksums;
  };
  /// Waits for every file added so far and gives their digests. A file that could not be read is
  /// left out: whoever needs its digest reads it again, and says why it cannot.
  Taken take();

 private:
  std::mutex mutex_;
  std::vector<std::future<Taken>> pending_;
};

}  // namespace ecomon
