#include "base/file_checksum.hpp"

#include <openssl/evp.h>
#include <tbb/parallel_for.h>

#include <cstdio>
#include <exception>
#include <fstream>
#include <memory>
#include <vector>

#include "base/errors.hpp"

namespace ecomon {

std::string sha256_multihash_of_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw OutputError(path + ": cannot be read to checksum it");
  // OpenSSL's EVP digest (FIPS 180-4 SHA-256): a maintained implementation, not one of our own.
  const std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) throw OutputError(path + ": cannot start a SHA-256 digest");
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), std::streamsize(buffer.size()));
    if (in.gcount() > 0 && EVP_DigestUpdate(ctx.get(), buffer.data(), std::size_t(in.gcount())) != 1)
      throw OutputError(path + ": SHA-256 digest failed");
  }
  if (in.bad()) throw OutputError(path + ": read error while checksumming");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(ctx.get(), digest, &length) != 1 || length != 32) throw OutputError(path + ": SHA-256 digest failed");
  std::string out = "1220";  // multihash: code 0x12 (sha2-256), length 0x20
  char hex[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(hex, sizeof hex, "%02x", digest[i]);
    out += hex;
  }
  return out;
}

std::vector<std::string> digests_of_files(const std::vector<std::string>& paths, std::string (*digest)(const std::string&)) {
  std::vector<std::string> digests(paths.size());
  std::vector<std::exception_ptr> failed(paths.size());
  tbb::parallel_for(std::size_t{0}, paths.size(), [&](std::size_t i) {
    try {
      digests[i] = digest(paths[i]);
    } catch (...) {
      failed[i] = std::current_exception();
    }
  });
  for (const std::exception_ptr& e : failed)
    if (e) std::rethrow_exception(e);
  return digests;
}

}  // namespace ecomon
