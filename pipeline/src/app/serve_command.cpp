// `ecomon serve OUTDIR`: the workspace's results over HTTP. A thin command: cpp-httplib carries each
// request to the API (server/api.hpp), which answers it; this file only sets the server's limits,
// binds, and stops it on Ctrl-C or SIGTERM.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include <malloc.h>

#include <httplib.h>
#include <spdlog/spdlog.h>

#include "base/threads.hpp"
#include "app/commands.hpp"
#include "base/errors.hpp"
#include "base/interrupt.hpp"
#include "libgeo/io/raster.hpp"
#include "server/api.hpp"

namespace ecomon {

int serve_command(const ServeOptions& o) {
  // Few malloc arenas: a query's strips are allocated on one thread and freed on another, and with
  // glibc's default (8 per core) each HTTP worker's arena kept its own freed strips (peak memory
  // 1.26 GiB against 0.77 with two, on scripts/bench_query.sh's county queries; and slower).
  mallopt(M_ARENA_MAX, 2);
  geo::io::initialise_gdal(128);
  server::Limits limits;
  limits.max_cells = o.max_cells;
  limits.seconds = o.timeout_seconds;
  limits.max_vertices = o.max_vertices;
  limits.concurrent_queries = threads_or_all_cores(o.threads);
  server::WorkspaceView workspace(o.workspace);  // fails here, naming the folder, when it is no workspace
  server::QuerySlots slots(limits.concurrent_queries);
  server::Context context{workspace, limits, slots, o.version};

  httplib::Server http;
  // Light requests (health, years) never wait behind the queries: more HTTP workers than query slots.
  const int workers = limits.concurrent_queries + 8;
  http.new_task_queue = [workers] { return new httplib::ThreadPool(std::size_t(workers)); };
  http.set_payload_max_length(limits.max_body_bytes);
  http.set_read_timeout(10, 0);  // a client that stops sending mid-body is dropped, not waited on
  http.set_write_timeout(30, 0);
  http.set_keep_alive_timeout(5);
  auto forward = [&context](const httplib::Request& req, httplib::Response& res) {
    server::Request request{req.method, req.path, {req.params.begin(), req.params.end()}, req.body};
    const auto start = std::chrono::steady_clock::now();
    const server::Response answer = server::handle(request, context);
    res.status = answer.status;
    for (const auto& [name, value] : answer.headers) res.set_header(name, value);
    res.set_content(answer.body, answer.content_type);
    spdlog::info("{} {} {} ({:.0f} ms)", req.method, req.path, answer.status,
                 std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  };
  for (auto route : {&httplib::Server::Get, &httplib::Server::Post, &httplib::Server::Put, &httplib::Server::Delete, &httplib::Server::Patch})
    (http.*route)(".*", forward);
  http.Options(".*", forward);
  // What httplib refuses itself (a body over the limit: 413; a malformed request line: 400) gets
  // the API's error shape too.
  http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    const std::string what = res.status == 413   ? "the body is larger than the server's limit"
                             : res.status == 400 ? "malformed HTTP request"
                                                 : "refused (HTTP " + std::to_string(res.status) + ")";
    const server::Response answer = server::error_response(res.status, req.method + " " + req.path + ": " + what);
    res.set_content(answer.body, answer.content_type);
  });

  const int port = o.port == 0 ? http.bind_to_any_port(o.bind) : (http.bind_to_port(o.bind, o.port) ? o.port : -1);
  if (port < 0) throw ConfigError("ecomon serve: cannot listen on " + o.bind + ":" + std::to_string(o.port) + " (in use, or not an address of this machine)");
  std::printf("ecomon serve: http://%s:%d/ (workspace %s; Ctrl-C stops)\n", o.bind.c_str(), port, workspace.dir().c_str());
  std::fflush(stdout);
  spdlog::info("serving {} on http://{}:{}/ ({} concurrent queries, {} HTTP workers, at most {:.0f} cells and {:.0f} s per request)",
               workspace.dir(), o.bind, port, limits.concurrent_queries, workers, limits.max_cells, limits.seconds);
  std::atomic<bool> done{false};
  std::thread watcher([&] {
    while (!done && interrupt_signal() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    http.stop();
  });
  http.listen_after_bind();
  done = true;
  watcher.join();
  const int signal = interrupt_signal();
  spdlog::info("ecomon serve: stopped{}", signal ? " (signal " + std::to_string(signal) + ")" : "");
  return 0;
}

}  // namespace ecomon
