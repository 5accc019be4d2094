// `ecomon serve` with a real HTTP client (cpp-httplib's) over a socket: a polygon's answer equals
// `ecomon query`'s, a zone's equals `ecomon query --zone`, titiler's /statistics shape equals
// `ecomon zonal`'s figures, every kind of bad request is a 4xx with {"error"} naming the problem, 8
// concurrent clients get the same answers, /health answers meanwhile, garbage on the socket does not
// stop the server, a rerun in the folder is answered from without a restart, and SIGTERM stops it.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <mutex>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>
#include <fcntl.h>

#include "helpers.hpp"
#include "server_process.hpp"
#include "simulator.hpp"

using namespace testing_helpers;
namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

// Bytes written straight to the server's socket (what no HTTP client sends), then closed.
void send_raw(int port, const std::string& bytes) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(std::uint16_t(port));
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    [[maybe_unused]] const auto sent = write(fd, bytes.data(), bytes.size());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  close(fd);
}

std::string polygon(double w, double s, double e, double n) {
  char buf[400];
  std::snprintf(buf, sizeof buf, R"({"type": "Polygon", "coordinates": [[[%.6f, %.6f], [%.6f, %.6f], [%.6f, %.6f], [%.6f, %.6f], [%.6f, %.6f]]]})", w, s,
                e, s, e, n, w, n, w, s);
  return buf;
}

}  // namespace

TEST(Serve, AnswersAsTheCommandsDoRefusesBadRequestsServesConcurrentClientsAndReloadsAfterARerun) {
  const fs::path dir = fresh_dir("serve");
  ecomon::SimulationOptions o = urad_test_scene(dir / "scenes");
  o.date = "2022-07-20";
  ecomon::simulate_scene(o);
  o.date = "2023-07-20", o.seed = 11;
  ecomon::simulate_scene(o);
  const std::string zones = write_zones(dir / "z.geojson", {urad_test_zone()});
  const std::string run = "run /dev/null --input " + (dir / "scenes").string() + " --zones " + zones + " --out " + (dir / "out").string() +
                          " --set output.products=all --set carbon.pairs=consecutive";
  const auto first = run_cli(run);
  ASSERT_EQ(first.exit_code, 0) << first.output;

  ServerProcess server(dir / "out", {"--threads", "2", "--max-vertices", "1000"}, dir);
  ASSERT_GT(server.port, 0) << read_file(server.log);
  auto http = server.client();

  // The answers of the commands, over HTTP.
  {
    const auto health = http.Get("/health");
    ASSERT_TRUE(health) << read_file(server.log);
    EXPECT_EQ(health->status, 200);
    EXPECT_EQ(Json::parse(health->body)["years"], Json::parse("[2022, 2023]"));

    const auto q = http.Post("/query", read_file(zones), "application/json");
    ASSERT_TRUE(q);
    ASSERT_EQ(q->status, 200) << q->body;
    const auto cli = run_cli("query " + (dir / "out").string() + " --geojson " + zones + " -o " + (dir / "q.json").string());
    ASSERT_EQ(cli.exit_code, 0) << cli.output;
    EXPECT_EQ(q->body, read_file(dir / "q.json"));
    const Json answer = Json::parse(q->body);
    EXPECT_EQ(answer["source"], "rasters");
    EXPECT_EQ(answer["years"].size(), 2u);
    EXPECT_FALSE(answer["transitions"].empty()) << q->body.substr(0, 400);

    const auto z = http.Get("/zones/z?year=2023");
    ASSERT_TRUE(z);
    ASSERT_EQ(z->status, 200) << z->body;
    const auto zcli = run_cli("query " + (dir / "out").string() + " --zone z --year 2023 -o " + (dir / "z.json").string());
    ASSERT_EQ(zcli.exit_code, 0) << zcli.output;
    EXPECT_EQ(z->body, read_file(dir / "z.json"));

    // titiler's shape; the figures of `ecomon zonal` on the same raster and polygon.
    const auto st = http.Post("/statistics?product=FVC&year=2023&p=50", read_file(zones), "application/json");
    ASSERT_TRUE(st);
    ASSERT_EQ(st->status, 200) << st->body;
    const Json fc = Json::parse(st->body);
    ASSERT_EQ(fc["type"], "FeatureCollection");
    const Json b1 = fc["features"][0]["properties"]["statistics"]["b1"];
    for (const char* key : {"min", "max", "mean", "count", "sum", "std", "median", "majority", "minority", "unique", "histogram", "valid_percent",
                            "masked_pixels", "valid_pixels", "percentile_50"})
      EXPECT_TRUE(b1.contains(key)) << key;
    EXPECT_EQ(fc["features"][0]["properties"]["code"], "z");
    EXPECT_EQ(fc["features"][0]["properties"]["ecomon"]["scale_offset_applied"], true);
    const auto zonal = run_cli("zonal " + (dir / "out/years/2023/ecomon_2023_FVC.tif").string() + " " + zones +
                               " --field code --stats count,mean,median,stdev -o " + (dir / "zonal.csv").string());
    ASSERT_EQ(zonal.exit_code, 0) << zonal.output;
    const auto row = parse_csv(read_file(dir / "zonal.csv")).at(0);
    EXPECT_NEAR(b1["count"].get<double>(), std::stod(row.at("count")), 1e-9 * std::stod(row.at("count")));
    EXPECT_NEAR(b1["mean"].get<double>(), std::stod(row.at("mean")), 1e-12);
    EXPECT_NEAR(b1["median"].get<double>(), std::stod(row.at("median")), 1e-12);
    EXPECT_NEAR(b1["std"].get<double>(), std::stod(row.at("stdev")), 1e-12);
    EXPECT_EQ(b1["median"], b1["percentile_50"]);
    double histogram_total = 0;
    for (const Json& c : b1["histogram"][0]) histogram_total += c.get<double>();
    EXPECT_NEAR(histogram_total, b1["count"].get<double>(), 1e-6);

    const auto api = http.Get("/openapi.json");
    ASSERT_TRUE(api);
    const Json doc = Json::parse(api->body);
    EXPECT_EQ(doc["openapi"], "3.0.3");
    for (const char* path : {"/query", "/statistics", "/zones/{code}", "/years", "/products", "/health", "/openapi.json"})
      EXPECT_TRUE(doc["paths"].contains(path)) << path;
    const auto products = http.Get("/products");
    ASSERT_TRUE(products);
    EXPECT_NE(products->body.find("\"FVC\""), std::string::npos);
  }

  // Bad requests: each a 4xx with {"error"} naming the problem.
  const std::string inside = polygon(108.91, 40.91, 108.92, 40.92);
  std::string many = R"({"type": "Polygon", "coordinates": [[)";
  for (int k = 0; k < 1200; ++k) many += "[" + std::to_string(108.91 + 0.01 * std::cos(k * 0.005)) + ", " + std::to_string(40.915 + 0.005 * std::sin(k * 0.005)) + "], ";
  many += "[" + std::to_string(108.92) + ", " + std::to_string(40.915) + "]]]}";
  struct Bad {
    std::string method, path, body;
    int status;
    std::string message;
  };
  const std::vector<Bad> bad{
      {"POST", "/query", "{\"type\": \"Polygon\", \"coordinates\": [[", 400, "truncated body"},
      {"POST", "/query", "{type: Polygon}", 400, "invalid JSON"},
      {"POST", "/query", "", 400, "empty body"},
      {"POST", "/query", R"({"type": "LineString", "coordinates": [[108.91, 40.91], [108.92, 40.92]]})", 422, "is not a polygon"},
      {"POST", "/query", R"({"type": "Polygon", "coordinates": [[[108.91, 40.91], [108.92, 40.92], [108.92, 40.91], [108.91, 40.92], [108.91, 40.91]]]})",
       422, "Self-intersection at or near point"},
      {"POST", "/query", R"({"type": "Polygon", "coordinates": []})", 422, "empty Polygon"},
      {"POST", "/query", R"({"type": "Polygon", "coordinates": [[[108.91, 40.91], [108.92, 40.91], [108.92, 40.92], [108.91, 40.92]]]})", 422, "not closed"},
      {"POST", "/query", polygon(100, 30, 100.1, 30.1), 422, "outside the workspace's data"},
      {"POST", "/query", inside.substr(0, inside.size() - 1) + ", \"crs\": \"EPSG:999999\"}", 422, "unknown CRS"},
      {"POST", "/query?years=2031", inside, 404, "no results for 2031"},
      {"POST", "/statistics?product=NOPE&year=2023", inside, 404, "no such product"},
      {"POST", "/statistics?product=FVC", inside, 400, "needs ?product=NAME&year=YEAR"},
      {"POST", "/query", many, 413, "vertices"},
      {"GET", "/zones/nowhere", "", 404, "no zone nowhere"},
      {"DELETE", "/query", "", 405, "method not allowed"},
      {"GET", "/query", "", 405, "method not allowed"},
      {"GET", "/nothing/here", "", 404, "no such endpoint"},
      {"GET", "/zones/z?year=twenty", "", 400, "is not a year"},
  };
  for (const Bad& b : bad) {
    const auto r = b.method == "POST" ? http.Post(b.path, b.body, "application/json") : b.method == "GET" ? http.Get(b.path) : http.Delete(b.path);
    ASSERT_TRUE(r) << b.method << " " << b.path;
    EXPECT_EQ(r->status, b.status) << b.method << " " << b.path << " " << b.body.substr(0, 80) << "\n" << r->body;
    Json error;
    ASSERT_NO_THROW(error = Json::parse(r->body)) << r->body;
    ASSERT_TRUE(error.contains("error")) << r->body;
    EXPECT_NE(error["error"].get<std::string>().find(b.message), std::string::npos) << b.path << ": " << error["error"];
  }
  // Garbage and a body cut short on the socket: the server carries on.
  send_raw(server.port, "NOT HTTP AT ALL\r\n\r\n");
  send_raw(server.port, "POST /query HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{\"type\": \"Poly");
  send_raw(server.port, std::string(5000, '\0'));
  {
    const auto h = http.Get("/health");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->status, 200);
  }
  // Too large an area: a server whose cap is below the polygon's window.
  {
    ServerProcess small(dir / "out", {"--max-cells", "10"}, dir);
    ASSERT_GT(small.port, 0) << read_file(small.log);
    const auto r = small.client().Post("/query", inside, "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413) << r->body;
    EXPECT_NE(r->body.find("the limit is 10"), std::string::npos) << r->body;
    EXPECT_EQ(small.stop(), 0);
  }

  // 8 concurrent clients, 5 queries each, all answered alike; /health answers meanwhile.
  {
    const std::string expected = http.Post("/query", inside, "application/json")->body;
    std::atomic<int> same{0}, health_ok{0};
    std::mutex mutex;
    std::vector<std::string> problems;
    std::vector<std::thread> clients;
    for (int c = 0; c < 8; ++c)
      clients.emplace_back([&] {
        auto client = server.client();
        for (int k = 0; k < 5; ++k) {
          const auto r = client.Post("/query", inside, "application/json");
          if (r && r->status == 200 && r->body == expected) {
            ++same;
            continue;
          }
          const std::lock_guard<std::mutex> lock(mutex);
          if (!r) {
            problems.push_back("no answer: " + httplib::to_string(r.error()));
          } else {
            std::size_t at = 0;
            while (at < r->body.size() && at < expected.size() && r->body[at] == expected[at]) ++at;
            problems.push_back("HTTP " + std::to_string(r->status) + ", differs at byte " + std::to_string(at) + ": " +
                               r->body.substr(at > 200 ? at - 200 : 0, 400) + "\n  expected: " + expected.substr(at > 200 ? at - 200 : 0, 400));
          }
        }
      });
    std::thread health([&] {
      auto client = server.client();
      for (int k = 0; k < 10; ++k) {
        const auto r = client.Get("/health");
        if (r && r->status == 200) ++health_ok;
      }
    });
    for (auto& t : clients) t.join();
    health.join();
    EXPECT_EQ(same.load(), 40) << (problems.empty() ? "" : problems.front());
    EXPECT_EQ(health_ok.load(), 10);
  }

  // A rerun in the folder with a new year: answered without a restart.
  o.date = "2024-07-20", o.seed = 12;
  ecomon::simulate_scene(o);
  const auto second = run_cli(run);
  ASSERT_EQ(second.exit_code, 0) << second.output;
  Json years;
  for (int k = 0; k < 50; ++k) {
    const auto h = http.Get("/health");
    ASSERT_TRUE(h);
    years = Json::parse(h->body)["years"];
    if (years.size() == 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(years, Json::parse("[2022, 2023, 2024]"));
  const auto q = http.Post("/query?years=2024", inside, "application/json");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->status, 200) << q->body;
  const auto cli = run_cli("query " + (dir / "out").string() + " --wkt 'POLYGON((108.91 40.91, 108.92 40.91, 108.92 40.92, 108.91 40.92, 108.91 40.91))' --year 2024 -o " +
                           (dir / "q2024.json").string());
  ASSERT_EQ(cli.exit_code, 0) << cli.output;
  EXPECT_EQ(Json::parse(q->body)["years"], Json::parse(read_file(dir / "q2024.json"))["years"]);

  EXPECT_EQ(server.stop(), 0) << read_file(server.log);
}
