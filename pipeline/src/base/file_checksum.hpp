#pragma once
// A file's SHA2-256, as a multihash (the form STAC's file extension and IPFS name a checksum in), and
// one pass over a file that feeds several digests.
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ecomon {

/// Reads the file from start to end once, handing each piece (a megabyte at most) to `piece`; between
/// pieces, interrupt_point(`point`) (base/interrupt.hpp: Ctrl-C is answered within a megabyte).
/// Returns "" when the whole file was read, else why not, naming the file: the caller throws it as
/// the error of its kind (an input's, an output's).
std::string read_file_in_pieces(const std::string& path, const char* point, const std::function<void(const char*, std::size_t)>& piece);

/// SHA-256 (FIPS 180-4) fed in pieces, finished as a multihash: "1220" (sha2-256, 32 bytes) followed
/// by 64 hex digits. Throws OutputError naming `path` on a failure of the digest.
class Sha256Multihash {
 public:
  explicit Sha256Multihash(std::string path);
  ~Sha256Multihash();
  Sha256Multihash(const Sha256Multihash&) = delete;
  Sha256Multihash& operator=(const Sha256Multihash&) = delete;
  void add(const char* bytes, std::size_t count);
  std::string finish();

 private:
  struct State;
  std::string path_;
  std::unique_ptr<State> state_;
};

/// The file's Sha256Multihash, streamed. Throws OutputError naming the file when it cannot be read.
std::string sha256_multihash_of_file(const std::string& path);

/// `digest` of each file (sha256_multihash_of_file, say), the files in parallel; the error of the
/// first failing file in the list's order is rethrown, whatever thread met it.
std::vector<std::string> digests_of_files(const std::vector<std::string>& paths, std::string (*digest)(const std::string&));

/// `work(i)` for each i below `count`, in parallel, the first failure in index order rethrown.
void for_each_in_parallel(std::size_t count, const std::function<void(std::size_t)>& work);

}  // namespace ecomon
