#pragma once
// `ecomon serve` as a child process of a test (tests/integration/test_serve.cpp, test_report_html.cpp).
#include <chrono>
#include <csignal>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.hpp"

namespace testing_helpers {

// `ecomon serve DIR --port 0 ARGS...` as a child process; its port read from the line it prints.
struct ServerProcess {
  pid_t pid = -1;
  int port = 0;
  std::filesystem::path log;

  ServerProcess(const std::filesystem::path& workspace, const std::vector<std::string>& extra, const std::filesystem::path& dir) {
    const std::filesystem::path out = dir / ("serve" + std::to_string(++count()) + ".out");
    log = dir / ("serve" + std::to_string(count()) + ".err");
    std::vector<std::string> args{ecomon_binary(), "serve", workspace.string(), "--port", "0"};
    args.insert(args.end(), extra.begin(), extra.end());
    pid = fork();
    if (pid == 0) {
      const int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), e = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(o, 1), dup2(e, 2);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    for (int k = 0; k < 200 && port == 0; ++k) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      const std::string text = read_file(out);
      const auto at = text.find("http://127.0.0.1:");
      if (at != std::string::npos) port = std::atoi(text.c_str() + at + 17);
    }
  }
  static int& count() {
    static int n = 0;
    return n;
  }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(120, 0);
    return c;
  }
  // SIGTERM; the exit status (-1 when it did not stop within 10 s: then killed).
  int stop() {
    if (pid <= 0) return -1;
    kill(pid, SIGTERM);
    for (int k = 0; k < 200; ++k) {
      int status = 0;
      if (waitpid(pid, &status, WNOHANG) == pid) {
        pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    pid = -1;
    return -1;
  }
  ~ServerProcess() { stop(); }
};

}  // namespace testing_helpers
