#include "app/output_folder.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>

namespace ecomon {

namespace fs = std::filesystem;

std::string path_inside(const std::string& root, const std::vector<std::string>& parts) {
  if (root.empty()) throw OutputError("output folder: empty path");
  fs::path p(root);
  for (const auto& part : parts) {
    if (part.empty() || part == "." || part == ".." || part.find('/') != std::string::npos || part.find('\0') != std::string::npos)
      throw OutputError(root + ": refusing the output name '" + part + "' (it must be one non-empty file or folder name)");
    p /= part;
  }
  const fs::path base = fs::absolute(root).lexically_normal(), full = fs::absolute(p).lexically_normal();
  const auto rel = full.lexically_relative(base);
  if (rel.empty() || *rel.begin() == "..") throw OutputError(full.string() + ": outside the output folder " + base.string());
  return p.string();
}

OutputFolder::OutputFolder(const std::string& dir) : root_(dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw OutputError(dir + ": cannot create the output folder: " + ec.message());
  const std::string lock_path = path_inside(dir, {".ecomon.lock"});
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) throw OutputError(lock_path + ": cannot open the lock file: " + std::strerror(errno));
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    char holder[512] = {0};
    const ssize_t n = ::pread(lock_fd_, holder, sizeof holder - 1, 0);
    std::string who = n > 0 ? std::string(holder, std::size_t(n)) : std::string("another process");
    while (!who.empty() && (who.back() == '\n' || who.back() == ' ')) who.pop_back();
    ::close(lock_fd_);
    lock_fd_ = -1;
    if (err == EWOULDBLOCK)
      throw OutputError(dir + ": the output folder is in use by another ecomon run (" + who + "); wait for it or choose another --out");
    throw OutputError(lock_path + ": cannot lock: " + std::strerror(err));
  }
  char host[256] = "unknown host";
  ::gethostname(host, sizeof host - 1);
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char when[64];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  const std::string line = "pid " + std::to_string(::getpid()) + " on " + host + " since " + when + "\n";
  if (::ftruncate(lock_fd_, 0) != 0 || ::pwrite(lock_fd_, line.data(), line.size(), 0) != ssize_t(line.size())) {
    // The lock holds without the note; only the message a second run prints is poorer.
  }
  work_dir_ = path_inside(dir, {".tmp", std::to_string(::getpid())});
}

OutputFolder::~OutputFolder() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

void OutputFolder::remove_empty_work_dir() const {
  std::error_code ec;
  fs::remove(work_dir_, ec);                          // only if empty
  fs::remove(fs::path(work_dir_).parent_path(), ec);  // .tmp, only if no other run's folder is left
}

}  // namespace ecomon
