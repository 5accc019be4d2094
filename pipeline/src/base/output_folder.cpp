#include "base/output_folder.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <regex>

#include <spdlog/spdlog.h>

#include "base/interrupt.hpp"

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

OutputFolder::OutputFolder(const std::string& dir, bool wait) : root_(dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw OutputError(dir + ": cannot create the output folder: " + ec.message());
  const std::string lock_path = path_inside(dir, {".ecomon.lock"});
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) throw OutputError(lock_path + ": cannot open the lock file: " + std::strerror(errno));
  // A lock left by a run that died (killed, a power cut) is no lock: flock is released by the
  // kernel with the process, so only a live run holds it.
  bool said = false;
  while (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    char holder[512] = {0};
    const ssize_t n = ::pread(lock_fd_, holder, sizeof holder - 1, 0);
    std::string who = n > 0 ? std::string(holder, std::size_t(n)) : std::string("another process");
    while (!who.empty() && (who.back() == '\n' || who.back() == ' ')) who.pop_back();
    if (wait && err == EWOULDBLOCK) {
      if (!said) spdlog::info("{}: in use by another ecomon run ({}); waiting for it to end (--wait)", dir, who);
      said = true;
      if (interrupt_signal() != 0) {
        ::close(lock_fd_);
        lock_fd_ = -1;
        stop_if_interrupted();
      }
      ::usleep(200000);
      continue;
    }
    ::close(lock_fd_);
    lock_fd_ = -1;
    if (err == EWOULDBLOCK)
      throw OutputError(dir + ": the output folder is in use by another ecomon run (" + who + "); wait for it (--wait) or choose another --out");
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
  remove_leftovers_of_dead_runs();
}

// Holding the lock, this run is the only one on the folder: every scratch folder (.tmp/<pid>) and
// every partial file (<name>.<pid>-<n>.partial[.ext...]: geo::io::unique_partial_path, and the .aux.xml
// GDAL writes beside one) of another pid
// was left by a run that was killed or crashed, and nothing will ever finish or remove it.
void OutputFolder::remove_leftovers_of_dead_runs() const {
  static const std::regex partial_name(R"(.*\.([0-9]+)-[0-9]+\.partial(\.[A-Za-z0-9]+)*)");
  const std::string own_pid = std::to_string(::getpid());
  std::vector<fs::path> leftovers;
  std::error_code ec;
  for (const auto& scratch : fs::directory_iterator(fs::path(root_) / ".tmp", ec))
    if (scratch.path().filename() != own_pid) leftovers.push_back(scratch.path());
  ec.clear();
  for (auto it = fs::recursive_directory_iterator(root_, fs::directory_options::skip_permission_denied, ec), end = decltype(it)();
       !ec && it != end; it.increment(ec)) {
    if (it->path().filename() == ".tmp") {
      it.disable_recursion_pending();  // handled above
      continue;
    }
    std::smatch m;
    const std::string name = it->path().filename().string();
    if (it->is_regular_file(ec) && std::regex_match(name, m, partial_name) && m[1].str() != own_pid) leftovers.push_back(it->path());
  }
  std::size_t removed = 0;
  for (const auto& p : leftovers) {
    std::error_code rec;
    const auto n = fs::remove_all(p, rec);
    if (rec)
      spdlog::warn("{}: left by an earlier run that did not finish, and cannot be removed: {}", p.string(), rec.message());
    else
      removed += std::size_t(n);
  }
  if (removed > 0)
    spdlog::info("{}: removed {} temporary file(s) and folder(s) left by earlier runs that did not finish (killed or crashed)", root_,
                 removed);
}

OutputFolder::OutputFolder(const std::string& dir, Shared) : root_(dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw OutputError(dir + ": cannot create the output folder: " + ec.message());
  char host[256] = "unknown-host";
  ::gethostname(host, sizeof host - 1);
  std::string name = std::string("shard-") + host + "-" + std::to_string(::getpid());
  for (char& c : name)
    if (c == '/' || c == '.') c = '_';
  work_dir_ = path_inside(dir, {".tmp", name});
  shared_ = true;
}

OutputFolder::~OutputFolder() {
  // The work folder is this run's alone (.tmp/<pid>): whatever a run that stopped early (an error,
  // Ctrl-C) left in it goes with it, before the lock is released.
  std::error_code ec;
  if (!work_dir_.empty()) {
    fs::remove_all(work_dir_, ec);
    remove_empty_parent();
  }
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

void OutputFolder::remove_empty_work_dir() const {
  std::error_code ec;
  fs::remove(work_dir_, ec);  // only if empty
  remove_empty_parent();
}

// .tmp, if no other run's folder is left in it; never by a shard: another shard may have just made
// .tmp and be about to make its own folder in it, which then fails ("No such file or directory",
// seen under Slurm). The reduce, which holds the lock, removes it.
void OutputFolder::remove_empty_parent() const {
  if (shared_) return;
  std::error_code ec;
  fs::remove(fs::path(work_dir_).parent_path(), ec);
}

}  // namespace ecomon
