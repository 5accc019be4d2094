#include "base/interrupt.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>

namespace ecomon {

namespace {

volatile std::sig_atomic_t g_signal = 0;

extern "C" void on_signal(int s) {
  if (g_signal != 0) {  // a second signal: stop now
    std::signal(s, SIG_DFL);
    std::raise(s);
    return;
  }
  g_signal = s;
}

}  // namespace

Interrupted::Interrupted(int s)
    : std::runtime_error(std::string("interrupted by ") + (s == SIGINT ? "SIGINT (Ctrl-C)" : s == SIGTERM ? "SIGTERM" : "a signal") +
                         ": temporary files removed, the output folder unlocked; outputs already complete were kept"),
      signal(s) {}

void install_interrupt_handlers() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

int interrupt_signal() { return int(g_signal); }

namespace {
thread_local Deadline thread_limit;
}  // namespace

void Deadline::check() const {
  if (set && std::chrono::steady_clock::now() > end) throw DeadlineExceeded(seconds);
}
Deadline thread_deadline() { return thread_limit; }

DeadlineExceeded::DeadlineExceeded(double limit)
    : std::runtime_error("the request took longer than the limit of " + std::to_string(int(limit)) + " s"), seconds(limit) {}

ThreadDeadline::ThreadDeadline(double seconds) {
  thread_limit = {true, std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds)), seconds};
}
ThreadDeadline::~ThreadDeadline() { thread_limit = {}; }

void stop_if_interrupted() {
  if (const int s = interrupt_signal(); s != 0) throw Interrupted(s);
  thread_limit.check();
}

namespace {

// NAME:N from a test variable: the N-th time point NAME is reached.
struct TestPoint {
  std::string name;
  long at = 0;
  std::atomic<long> reached{0};

  explicit TestPoint(const char* variable) {
    const char* v = std::getenv(variable);
    if (!v) return;
    const std::string text = v;
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) return;
    name = text.substr(0, colon);
    at = std::strtol(text.c_str() + colon + 1, nullptr, 10);
  }
  bool hit(const char* point) { return at > 0 && name == point && ++reached == at; }
};

}  // namespace

void kill_point(const char* name) {
  static TestPoint target("ECOMON_TEST_KILL_AT");
  if (target.hit(name)) std::raise(SIGKILL);
}

void interrupt_point(const char* name) {
  static TestPoint target("ECOMON_TEST_INTERRUPT_AT");
  if (target.hit(name)) std::raise(SIGINT);
  stop_if_interrupted();
}

void strip_checkpoint() {
  kill_point("strip");
  static const long raise_at = [] {
    const char* v = std::getenv("ECOMON_TEST_INTERRUPT_AFTER_STRIPS");
    return v ? std::strtol(v, nullptr, 10) : 0L;
  }();
  static std::atomic<long> strips{0};
  if (raise_at > 0 && ++strips == raise_at) std::raise(SIGINT);
  stop_if_interrupted();
}

}  // namespace ecomon
