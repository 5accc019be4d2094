#pragma once
// A file's SHA2-256, as a multihash (the form STAC's file extension and IPFS name a checksum in).
#include <string>
#include <vector>

namespace ecomon {

/// "1220" (sha2-256, 32 bytes) followed by the 64 hex digits of the file's SHA-256, streamed.
/// Throws OutputError naming the file when it cannot be read.
std::string sha256_multihash_of_file(const std::string& path);

/// `digest` of each file (sha256_multihash_of_file, say), the files in parallel; the error of the
/// first failing file in the list's order is rethrown, whatever thread met it.
std::vector<std::string> digests_of_files(const std::vector<std::string>& paths, std::string (*digest)(const std::string&));

}  // namespace ecomon
