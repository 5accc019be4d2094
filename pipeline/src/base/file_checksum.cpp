#include "base/file_checksum.hpp"

#include <openssl/evp.h>
#include <tbb/parallel_for.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <vector>

#include "base/errors.hpp"
#include "base/interrupt.hpp"

namespace ecomon {

std::string read_file_in_pieces(const std::string& path, const char* point, const std::function<void(const char*, std::size_t)>& piece) {
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return path + ": cannot be read: " + std::strerror(errno);
  std::vector<char> buffer(1 << 20);
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), f.get())) > 0) {
    interrupt_point(point);
    piece(buffer.data(), n);
  }
  if (std::ferror(f.get())) return path + ": read error";
  return "";
}

struct Sha256Multihash::State {
  // OpenSSL's EVP digest: a maintained implementation, not one of our own.
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx{EVP_MD_CTX_new(), EVP_MD_CTX_free};
};

Sha256Multihash::Sha256Multihash(std::string path) : path_(std::move(path)), state_(std::make_unique<State>()) {
  if (!state_->ctx || EVP_DigestInit_ex(state_->ctx.get(), EVP_sha256(), nullptr) != 1) throw OutputError(path_ + ": cannot start a SHA-256 digest");
}

Sha256Multihash::~Sha256Multihash() = default;

void Sha256Multihash::add(const char* bytes, std::size_t count) {
  if (EVP_DigestUpdate(state_->ctx.get(), bytes, count) != 1) throw OutputError(path_ + ": SHA-256 digest failed");
}

std::string Sha256Multihash::finish() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(state_->ctx.get(), digest, &length) != 1 || length != 32) throw OutputError(path_ + ": SHA-256 digest failed");
  std::string out = "1220";  // multihash: code 0x12 (sha2-256), length 0x20
  char hex[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(hex, sizeof hex, "%02x", digest[i]);
    out += hex;
  }
  return out;
}

std::string sha256_multihash_of_file(const std::string& path) {
  Sha256Multihash sha(path);
  const std::string problem = read_file_in_pieces(path, "checksum", [&](const char* bytes, std::size_t n) { sha.add(bytes, n); });
  if (!problem.empty()) throw OutputError(problem + " (to checksum it)");
  return sha.finish();
}

void for_each_in_parallel(std::size_t count, const std::function<void(std::size_t)>& work) {
  std::vector<std::exception_ptr> failed(count);
  tbb::parallel_for(std::size_t{0}, count, [&](std::size_t i) {
    try {
      work(i);
    } catch (...) {
      failed[i] = std::current_exception();
    }
  });
  for (const std::exception_ptr& e : failed)
    if (e) std::rethrow_exception(e);
}

std::vector<std::string> digests_of_files(const std::vector<std::string>& paths, std::string (*digest)(const std::string&)) {
  std::vector<std::string> digests(paths.size());
  for_each_in_parallel(paths.size(), [&](std::size_t i) { digests[i] = digest(paths[i]); });
  return digests;
}

}  // namespace ecomon
