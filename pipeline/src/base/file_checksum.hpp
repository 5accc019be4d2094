#pragma once
// A file's SHA2-256, as a multihash (the form STAC's file extension and IPFS name a checksum in).
#include <string>

namespace ecomon {

/// "1220" (sha2-256, 32 bytes) followed by the 64 hex digits of the file's SHA-256, streamed.
/// Throws OutputError naming the file when it cannot be read.
std::string sha256_multihash_of_file(const std::string& path);

}  // namespace ecomon
