// report.html and the page of `ecomon serve`. report.html: written by the run and by `ecomon report` alike (the same bytes), its verdict table
// quoting targets_report.csv, and rendered in a real browser (Debian's Chromium driven by
// puppeteer-core, tests/browser/check_report.mjs): no JavaScript error, no request leaving the
// file, every chart drawn, Chinese text in a CJK font, A4 pages when printed.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>

#include <nlohmann/json.hpp>

#include "base/csv.hpp"
#include "helpers.hpp"
#include "server_process.hpp"
#include "simulator.hpp"

using namespace testing_helpers;
namespace fs = std::filesystem;

namespace {

// A two-year run over two zones with forest and grassland targets on their city.
fs::path two_year_run(const std::string& name, const std::string& extra = "") {
  const fs::path dir = fresh_dir(name);
  simulate_two_summers(dir / "scenes", 900);
  const std::string zones = write_zones(dir / "z.geojson", {box_feature("A", "乌兰布和", 106.82, 40.47, 106.90, 40.73),
                                                            box_feature("B", "河套西", 106.90, 40.47, 106.98, 40.73)});
  std::ofstream(dir / "targets.yaml") << "units:\n  c: {name: 试验市, zones: [A, B]}\ntargets:\n"
                                       << "  - {id: f, unit: c, indicator: forest_coverage_pct, rule: at_least, target: {year: 2023, value: 5}, "
                                          "binding: true, source: \"plan.txt:12\"}\n"
                                       << "  - {id: g, unit: c, indicator: grassland_cover_pct, rule: at_least, target: {year: 2023, value: 20}, "
                                          "binding: true, source: \"plan.txt:13\"}\n";
  const auto r = run_cli("run /dev/null --out " + (dir / "out").string() + " --input " + (dir / "scenes").string() + " --zones " + zones +
                         " --set season.pixel_size=60 --targets " + (dir / "targets.yaml").string() + extra);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return dir;
}

}  // namespace

TEST(ReportHtml, TheRunAndEcomonReportWriteTheSameReportQuotingTheTargetsTable) {
  const fs::path dir = two_year_run("report_html");
  const std::string html = read_file(dir / "out" / "report.html");
  ASSERT_FALSE(html.empty());
  EXPECT_NE(html.find("<html lang=\"zh-CN\">"), std::string::npos);
  EXPECT_NE(html.find("规划目标核查"), std::string::npos);
  EXPECT_NE(html.find("Apache ECharts 5.6.0"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir / "out" / "report_files" / "echarts-LICENSE.txt"));
  // Every unit row of the latest year in targets_report.csv, in the verdict table: value, interval, threshold.
  int quoted = 0;
  for (const auto& row : parse_csv(read_file(dir / "out" / "targets_report.csv"))) {
    if (row.at("scope") != "unit" || row.at("year") != "2023") continue;
    const std::string value = ecomon::format_fixed(std::stod(row.at("value")), 2);
    const std::string range = ecomon::format_interval(std::stod(row.at("ci95_low")), std::stod(row.at("ci95_high")), 2);
    const std::string threshold = ecomon::format_fixed(std::stod(row.at("threshold")), 2);
    const std::string cells = "<td class=\"n\">" + value + "</td><td class=\"n\">" + range + "</td><td class=\"n\">" + threshold + "</td>";
    EXPECT_NE(html.find(cells), std::string::npos) << row.at("target_id") << ": " << cells;
    EXPECT_NE(html.find("plan.txt:1"), std::string::npos);
    ++quoted;
  }
  EXPECT_EQ(quoted, 2);
  // Every county's figures: the latest year's and the year before's cells of county_timeseries.csv, as
  // the report rounds them, side by side in that county's table.
  std::map<std::string, std::map<std::string, std::map<std::string, std::string>>> cells;  // zone, year, key
  for (const auto& row : parse_csv(read_file(dir / "out" / "county_timeseries.csv"))) cells[row.at("zone_code")][row.at("year")] = row;
  ASSERT_EQ(cells.size(), 2u);
  for (const auto& [code, years] : cells) {
    const auto from = html.find("<span class=\"code\">" + code + "</span></h3>");
    ASSERT_NE(from, std::string::npos) << code;
    const std::string article = html.substr(from, html.find("</article>", from) - from);
    for (const std::string key : {"forest_coverage_pct", "forest_area_km2", "grassland_cover_pct", "fvc_mean", "grassland_area_km2",
                                  "water_area_km2", "wetland_area_km2", "observed_fraction"}) {
      const int digits = key == "fvc_mean" || key == "observed_fraction" ? 3 : 2;
      const auto shown = [&](const std::string& year) {
        const std::string& cell = years.at(year).at(key);
        return cell.empty() ? std::string("—") : ecomon::format_fixed(std::stod(cell), digits);
      };
      const std::string pair = "<td class=\"n\">" + shown("2022") + "</td><td class=\"n\">" + shown("2023") + "</td>";
      EXPECT_NE(article.find(pair), std::string::npos) << code << " " << key << ": " << pair;
    }
  }
  // The same bytes from the workspace alone, the workbook too.
  const auto again = run_cli("report " + (dir / "out").string() + " --to " + (dir / "again").string() + " --no-tables");
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(read_file(dir / "again" / "report.html"), html);
  EXPECT_EQ(read_file(dir / "again" / "ecomon_report.xlsx"), read_file(dir / "out" / "ecomon_report.xlsx"));
}

// ecomon_report.xlsx read as Excel reads it (the Office Open XML inside the zip, by Python's zipfile
// and XML parser, not by the library that wrote it): a sheet per CSV table, Chinese headers, the
// header row frozen, numbers as numbers with the CSV's decimals, codes as text.
TEST(ReportXlsx, ASheetPerTableWithChineseHeadersNumbersAndAFrozenHeader) {
  const fs::path dir = two_year_run("report_xlsx");
  const fs::path book = dir / "out" / "ecomon_report.xlsx";
  ASSERT_TRUE(fs::exists(book));
  std::ofstream(dir / "check.py") << R"py(
import html, re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = re.findall(r'<sheet name="([^"]+)"', z.read('xl/workbook.xml').decode())
strings = [html.unescape(re.sub(r'<[^>]+>', '', s)) for s in re.findall(r'<si>(.*?)</si>', z.read('xl/sharedStrings.xml').decode(), re.S)]
rels = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="([^"]+)"', z.read('xl/_rels/workbook.xml.rels').decode()))
ids = re.findall(r'<sheet name="[^"]+" sheetId="\d+" r:id="(rId\d+)"', z.read('xl/workbook.xml').decode())
sheet = z.read('xl/' + rels[ids[names.index('county_timeseries')]]).decode()
styles = z.read('xl/styles.xml').decode()
def cell(ref):
    m = re.search(r'<c r="' + ref + r'"([^>]*)>(?:<v>([^<]*)</v>)?', sheet)
    return (m.group(1), m.group(2)) if m else (None, None)
print('sheets', ','.join(names))
print('frozen', 'state="frozen"' in sheet)
print('header_zh', any(s.startswith('区划代码') for s in strings), any(s.startswith('森林覆盖率') for s in strings))
attrs, v = cell('A2')
print('code_is_text', 't="s"' in attrs, strings[int(v)] if 't="s"' in attrs else v)
print('formats', '0.0000' in styles)
# Every cell of every sheet against its CSV: numbers equal, text equal, or a named value (a verdict,
# a class, yes/no) in Chinese.
import csv, os
out = os.path.dirname(sys.argv[1])
compared = 0
for name in names:
    path = os.path.join(out, name + '.csv')
    if not os.path.exists(path): print('no_csv', name); continue
    with open(path, encoding='utf-8-sig') as f:
        table = list(csv.reader(f))
    xml = z.read('xl/' + rels[ids[names.index(name)]]).decode()
    for r, row in enumerate(table[1:], start=2):
        for c, expected in enumerate(row):
            col = ''
            n = c
            while True:
                col = chr(65 + n % 26) + col
                n = n // 26 - 1
                if n < 0: break
            m = re.search(r'<c r="' + col + str(r) + r'"([^>]*?)(?:/>|>(?:<v>([^<]*)</v>)?)', xml)
            if m is None:
                if expected != '': print('differs', name, col + str(r), repr(expected), 'missing')
                continue
            attrs, v = m.group(1), m.group(2)
            got = strings[int(v)] if 't="s"' in attrs else v
            compared += 1
            if got == expected: continue
            if 't="s"' not in attrs and got is not None and expected != '' and float(got) == float(expected): continue
            if re.fullmatch(r'[a-z_+ ]+', expected) and re.search(r'[\u4e00-\u9fff]', got or ''): continue
            print('differs', name, col + str(r), repr(expected), repr(got))
print('cells_compared', compared)
)py";
  const auto r = run_shell("python3 " + (dir / "check.py").string() + " " + book.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* expected : {"county_timeseries", "targets_report", "county_report", "scene_status"})
    EXPECT_NE(r.output.find(expected), std::string::npos) << expected << "\n" << r.output;
  EXPECT_NE(r.output.find("frozen True"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("header_zh True True"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("code_is_text True A"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("formats True"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("differs"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("no_csv"), std::string::npos) << r.output;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.output, m, std::regex("cells_compared (\\d+)"))) << r.output;
  EXPECT_GT(std::stoi(m[1]), 500) << r.output;
  // The verdicts in Chinese, as the headers are.
  EXPECT_NE(r.output.find("targets_report"), std::string::npos) << r.output;
}

// unit_timeseries.csv: the city's yearly series, its counties merged as its verdicts merge them: its
// figure is the targets table's, its area the counties' sum, and a bulletin's year before and change.
// A Chinese table (report.headers: zh) writes its words in Chinese too.
TEST(UnitSeries, TheCitysRowsAreItsVerdictsFiguresWithTheYearBeforeAndTheChange) {
  const fs::path dir = two_year_run("unit_series");
  const auto units = parse_csv(read_file(dir / "out" / "unit_timeseries.csv"));
  const auto counties = parse_csv(read_file(dir / "out" / "county_timeseries.csv"));
  const auto verdicts = parse_csv(read_file(dir / "out" / "targets_report.csv"));
  ASSERT_EQ(units.size(), 2u);
  for (std::size_t i = 0; i < units.size(); ++i) {
    const auto& u = units[i];
    EXPECT_EQ(u.at("zone_code"), "c");
    EXPECT_EQ(u.at("zone_name"), "试验市");
    EXPECT_EQ(u.at("year"), i == 0 ? "2022" : "2023");
    double area = 0;
    for (const auto& c : counties)
      if (c.at("year") == u.at("year")) area += std::stod(c.at("zone_area_km2"));
    EXPECT_NEAR(std::stod(u.at("zone_area_km2")), area, 2e-6);
    for (const auto& v : verdicts) {
      if (v.at("scope") != "unit" || v.at("year") != u.at("year")) continue;
      const std::string key = v.at("indicator");
      EXPECT_NEAR(std::stod(u.at(key)), std::stod(v.at("value")), 1e-4) << key << " " << u.at("year");
      if (i == 0) {
        EXPECT_EQ(v.at("previous_year"), "");
        EXPECT_EQ(v.at("change"), "");
      } else {
        EXPECT_EQ(v.at("previous_year"), "2022");
        EXPECT_NEAR(std::stod(v.at("change")), std::stod(v.at("value")) - std::stod(v.at("previous_value")), 2e-4);
      }
    }
  }
  EXPECT_EQ(units[0].at("forest_coverage_pct_previous"), "");
  EXPECT_EQ(units[0].at("forest_coverage_pct_change"), "");
  EXPECT_EQ(units[1].at("forest_coverage_pct_previous"), units[0].at("forest_coverage_pct"));
  EXPECT_NEAR(std::stod(units[1].at("forest_coverage_pct_change")),
              std::stod(units[1].at("forest_coverage_pct")) - std::stod(units[0].at("forest_coverage_pct")), 2e-4);
  EXPECT_EQ(units[1].at("grassland_cover_pct_previous"), units[0].at("grassland_cover_pct"));

  const fs::path zh = two_year_run("unit_series_zh", " --set report.headers=zh");
  const std::string text = read_file(zh / "out" / "targets_report.csv");
  const auto lines = parse_csv(text);
  ASSERT_FALSE(lines.empty());
  for (const auto& row : lines) {
    const std::string& verdict = row.at("判定");
    EXPECT_TRUE(verdict == "达标" || verdict == "未达标" || verdict == "存在风险" || verdict == "未评估" || verdict == "无数据") << verdict;
    EXPECT_TRUE(row.at("范围") == "考核单元" || row.at("范围") == "所辖旗县区") << row.at("范围");
    EXPECT_EQ(row.at("规则"), "不低于");
  }
  const auto status = parse_csv(read_file(zh / "out" / "scene_status.csv"));
  ASSERT_FALSE(status.empty());
  for (const auto& row : status) EXPECT_EQ(row.at("状态"), "成功");
}

TEST(ReportHtml, RendersInARealBrowserWithChineseTextChartsAndA4Pages) {
  const fs::path dir = two_year_run("report_html_browser");
  const fs::path browser = fs::path(ECOMON_SOURCE_DIR) / "tests" / "browser";
  ASSERT_TRUE(fs::exists("/usr/bin/chromium")) << "Debian's chromium is not installed: scripts/install_deps.sh --tests installs it";
  ASSERT_TRUE(fs::exists(browser / "node_modules" / "puppeteer-core"))
      << "puppeteer-core is not installed in " << browser << ": scripts/install_deps.sh --tests runs npm ci there";
  const auto r = run_shell("node " + (browser / "check_report.mjs").string() + " " + (dir / "out" / "report.html").string() + " " + dir.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // What the browser saw (one JSON line): the verdicts, and every chart drawn.
  EXPECT_NE(r.output.find("\"verdictRows\":2"), std::string::npos) << r.output;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.output, m, std::regex("\"chartsDrawn\":(\\d+)"))) << r.output;
  EXPECT_EQ(std::stoi(m[1]), 2 + 2 + 2 * 3) << r.output;  // a chart per target, two maps, per county two series and the land cover
  EXPECT_TRUE(fs::exists(dir / "report.pdf"));

  // English on request: the same page in the other language.
  const fs::path en = two_year_run("report_html_en", " --set report.language=en");
  const std::string html = read_file(en / "out" / "report.html");
  EXPECT_NE(html.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(html.find("Plan targets"), std::string::npos);
  EXPECT_EQ(html.find("规划目标核查"), std::string::npos);
}

// The page of `ecomon serve` in a real browser: a county clicked shows the forest coverage that
// `ecomon query --zone` gives, and a polygon drawn on the map is answered.
TEST(ServePage, AClickedCountyShowsItsFiguresAndADrawnPolygonIsAnswered) {
  const fs::path dir = two_year_run("serve_page");
  const fs::path browser = fs::path(ECOMON_SOURCE_DIR) / "tests" / "browser";
  ASSERT_TRUE(fs::exists(browser / "node_modules" / "puppeteer-core")) << "scripts/install_deps.sh --tests installs puppeteer-core";
  ASSERT_TRUE(fs::exists("/usr/share/javascript/leaflet/leaflet.js")) << "Debian's libjs-leaflet: scripts/install_deps.sh installs it";
  ServerProcess server(dir / "out", {}, dir);
  ASSERT_GT(server.port, 0) << read_file(server.log);
  // The page and its scripts, served by the server itself.
  auto client = server.client();
  const auto page = client.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->get_header_value("Content-Type").find("text/html"), std::string::npos);
  for (const char* file : {"/static/leaflet.js", "/static/leaflet.css", "/static/echarts.js"}) {
    const auto r = client.Get(file);
    ASSERT_TRUE(r) << file;
    EXPECT_EQ(r->status, 200) << file;
    EXPECT_GT(r->body.size(), 1000u) << file;
  }
  const auto traversal = client.Get("/static/..%2F..%2Fetc%2Fpasswd");
  ASSERT_TRUE(traversal);
  EXPECT_EQ(traversal->status, 404);
  const auto outlines = client.Get("/map/zones?year=2023");
  ASSERT_TRUE(outlines);
  EXPECT_EQ(outlines->status, 200);
  EXPECT_NE(outlines->body.find("\"forest_coverage_pct\""), std::string::npos);

  // The year's product pictures: listed with bounds in lat/lon that hold the zones, each a PNG.
  const auto listed = client.Get("/map/products?year=2023");
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->status, 200) << listed->body;
  const auto products = nlohmann::json::parse(listed->body).at("products");
  std::set<std::string> names;
  for (const auto& p : products) {
    names.insert(p.at("name").get<std::string>());
    const auto& b = p.at("bounds");  // [[south, west], [north, east]]
    EXPECT_LT(b[0][0].get<double>(), 40.6) << p;
    EXPECT_GT(b[1][0].get<double>(), 40.6) << p;
    EXPECT_LT(b[0][1].get<double>(), 106.9) << p;
    EXPECT_GT(b[1][1].get<double>(), 106.9) << p;
    EXPECT_FALSE(p.at("legend").empty()) << p;
    const auto png = client.Get(p.at("url").get<std::string>());
    ASSERT_TRUE(png);
    EXPECT_EQ(png->status, 200) << p.at("url");
    EXPECT_EQ(png->get_header_value("Content-Type"), "image/png");
    EXPECT_EQ(png->body.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8)) << p.at("url");
  }
  EXPECT_TRUE(names.count("LANDCOVER") && names.count("FVC")) << listed->body;
  for (const auto& [request, status] : std::vector<std::pair<std::string, int>>{
           {"/map/product.png?name=ROADS&year=2023", 404}, {"/map/product.png?year=2023", 400}, {"/map/product.png?name=FVC&year=1999", 404},
           {"/map/products?year=20x3", 400}}) {
    const auto refused = client.Get(request);
    ASSERT_TRUE(refused) << request;
    EXPECT_EQ(refused->status, status) << request << ": " << refused->body;
    EXPECT_NE(refused->body.find("\"error\""), std::string::npos) << request << ": " << refused->body;
  }

  const auto r = run_shell("node " + (browser / "check_serve.mjs").string() + " http://127.0.0.1:" + std::to_string(server.port) + "/ A " +
                           dir.string());
  ASSERT_EQ(r.exit_code, 0) << r.output << read_file(server.log);
  // The figure shown for county A is `ecomon query --zone A`'s, to the two decimals shown.
  const auto zone = run_cli("query " + (dir / "out").string() + " --zone A --year 2023");
  ASSERT_EQ(zone.exit_code, 0) << zone.output;
  const auto json_start = zone.output.find('{');
  const double forest = std::stod(zone.output.substr(zone.output.find("\"value\"", zone.output.find("\"forest_coverage_pct\"", json_start)) + 8));
  EXPECT_NE(r.output.find("\"forest_coverage_pct\":\"" + ecomon::format_fixed(forest, 2) + "\""), std::string::npos)
      << r.output << " vs " << forest;
  EXPECT_NE(r.output.find("\"answer\":{\"forest_coverage_pct\""), std::string::npos) << r.output;
  EXPECT_EQ(server.stop(), 0);
}

// indicators.gpkg read with SQLite (Python's, not GDAL, which wrote it): the layers, QGIS's
// layer_styles with a default style per layer, and every county's latest-year cells and every
// verdict of the latest year equal to the CSVs', column by column.
TEST(IndicatorsGeoPackage, StyledForQgisWithTheCsvsValues) {
  const fs::path dir = two_year_run("indicators_gpkg");
  const fs::path gpkg = dir / "out" / "indicators.gpkg";
  ASSERT_TRUE(fs::exists(gpkg));
  std::ofstream(dir / "check.py") << R"py(
import csv, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
out = dir_ = sys.argv[2]
print('layers', sorted(r[0] for r in db.execute('select table_name from gpkg_contents')))
styles = db.execute('select f_table_name, useAsDefault, styleQML from layer_styles').fetchall()
print('styles', sorted((t, d, 'renderer-v2' in q, '<aliases>' in q) for t, d, q in styles))
def rows(name):
    with open(out + '/' + name, encoding='utf-8-sig') as f:
        return list(csv.DictReader(f))
def same(csv_rows, table, key_columns):
    cols = [r[1] for r in db.execute('pragma table_info(%s)' % table)]
    compared = 0
    for row in csv_rows:
        where = ' and '.join('%s = ?' % k for k in key_columns)
        got = db.execute('select * from %s where %s' % (table, where), [row[k] for k in key_columns]).fetchone()
        if got is None:
            print('missing', table, [row[k] for k in key_columns]); continue
        for name, value in zip(cols, got):
            if name not in row: continue
            expected = row[name]
            if isinstance(value, float):
                ok = expected != '' and float(expected) == value
            else:
                ok = (value is None and expected == '') or str(value) == expected
            if not ok: print('differs', table, name, repr(expected), repr(value))
            compared += 1
    return compared
series = rows('county_timeseries.csv')
latest = max(r['year'] for r in series)
print('counties_compared', same([r for r in series if r['year'] == latest], 'counties', ['zone_code']))
print('timeseries_compared', same(series, 'timeseries', ['zone_code', 'year']))
verdicts = [r for r in rows('targets_report.csv') if r['scope'] == 'unit' and r['year'] == latest]
print('verdicts_compared', same(verdicts, 'verdicts', ['target_id']))
)py";
  const auto r = run_shell("python3 " + (dir / "check.py").string() + " " + gpkg.string() + " " + (dir / "out").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("layers ['counties', 'layer_styles', 'timeseries', 'verdicts']"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("styles [('counties', 1, True, True), ('verdicts', 1, True, True)]"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("differs"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("missing"), std::string::npos) << r.output;
  std::smatch m;
  for (const char* what : {"counties_compared", "timeseries_compared", "verdicts_compared"}) {
    ASSERT_TRUE(std::regex_search(r.output, m, std::regex(std::string(what) + " (\\d+)"))) << r.output;
    EXPECT_GT(std::stoi(m[1]), 20) << what << "\n" << r.output;
  }
}

// stac/: valid against the official STAC 1.1 and extension schemas (vendored in tests/schemas,
// validated offline by Debian's python3-jsonschema), every href names a file, and an item's figures
// are the raster's own, checked by independent tools: its size and SHA-256 (coreutils' sha256sum),
// its grid, scale and nodata, and its classes as the class names GDAL reads from the file
// (`gdalinfo -json`: the category names and the raster attribute table QGIS shows as a legend).
TEST(Stac, ValidAgainstTheOfficialSchemasWithTheRastersOwnFigures) {
  const fs::path dir = two_year_run("stac");
  const fs::path stac = dir / "out" / "stac";
  ASSERT_TRUE(fs::exists(stac / "catalog.json"));
  const auto valid = run_shell("/usr/bin/python3 " + std::string(ECOMON_SOURCE_DIR) + "/tests/schemas/validate_stac.py " + stac.string());
  EXPECT_EQ(valid.exit_code, 0) << valid.output;
  EXPECT_NE(valid.output.find(": 0 failure(s)"), std::string::npos) << valid.output;
  std::printf("[stac] %s", valid.output.c_str());

  // The season's land cover of 2023: a class raster.
  const fs::path item_path = stac / "ecomon-season-LANDCOVER" / "LANDCOVER-2023" / "LANDCOVER-2023.json";
  ASSERT_TRUE(fs::exists(item_path)) << item_path;
  const auto item = nlohmann::json::parse(read_file(item_path));
  const auto& asset = item.at("assets").at("data");
  const fs::path raster = fs::weakly_canonical(item_path.parent_path() / asset.at("href").get<std::string>());
  EXPECT_EQ(raster, fs::weakly_canonical(dir / "out" / "years" / "2023" / "ecomon_2023_LANDCOVER.tif"));
  EXPECT_EQ(asset.at("file:size").get<std::uintmax_t>(), fs::file_size(raster));
  const auto sum = run_shell("sha256sum " + raster.string());
  ASSERT_EQ(sum.exit_code, 0) << sum.output;
  EXPECT_EQ(asset.at("file:checksum").get<std::string>(), "1220" + sum.output.substr(0, 64));

  const auto info_text = run_shell("gdalinfo -json " + raster.string() + " 2>/dev/null");
  ASSERT_EQ(info_text.exit_code, 0) << info_text.output;
  const auto info = nlohmann::json::parse(info_text.output);
  const auto& band = info.at("bands").at(0);
  EXPECT_EQ(item.at("properties").at("proj:shape"), nlohmann::json::array({info.at("size")[1], info.at("size")[0]}));
  EXPECT_EQ(asset.at("nodata").get<double>(), band.at("noDataValue").get<double>());
  EXPECT_EQ(asset.at("data_type").get<std::string>(), "uint8");
  // The classes STAC lists are the names GDAL reads from the file, value by value.
  const auto& categories = band.at("categories");
  int named = 0;
  for (const auto& c : asset.at("classification:classes")) {
    const int value = c.at("value").get<int>();
    ASSERT_LT(std::size_t(value), categories.size()) << c.dump();
    EXPECT_EQ(categories.at(std::size_t(value)).get<std::string>(), c.at("title").get<std::string>()) << c.dump();
    ++named;
  }
  EXPECT_GE(named, 6);
  // The thematic attribute table (gdalinfo prints it as XML; GDAL 3.6's JSON leaves it out).
  const auto text = run_shell("gdalinfo " + raster.string() + " 2>/dev/null");
  EXPECT_NE(text.output.find("<GDALRasterAttributeTable tableType=\"thematic\">"), std::string::npos) << text.output.substr(0, 2000);
  EXPECT_NE(text.output.find("<F>grassland</F>"), std::string::npos);
  // QGIS's style beside it, listed as the item's style asset.
  EXPECT_TRUE(fs::exists(dir / "out" / "years" / "2023" / "ecomon_2023_LANDCOVER.qml"));
  EXPECT_TRUE(item.at("assets").contains("style"));

  // A continuous product states its unit and encoding: FVC is x0.005, dimensionless.
  const auto fvc = nlohmann::json::parse(read_file(stac / "ecomon-season-FVC" / "FVC-2023" / "FVC-2023.json"));
  EXPECT_EQ(fvc.at("assets").at("data").at("unit"), "1");
  EXPECT_DOUBLE_EQ(fvc.at("assets").at("data").at("raster:scale").get<double>(), 0.005);
  // The regional grid is a custom Albers: no EPSG code, its WKT2 instead, and named.
  EXPECT_TRUE(fvc.at("properties").at("proj:code").is_null());
  EXPECT_NE(fvc.at("properties").at("proj:wkt2").get<std::string>().find("Albers"), std::string::npos);
  // `ecomon report` makes the same catalog from the workspace alone.
  const auto again = run_cli("report " + (dir / "out").string() + " --no-tables");
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(read_file(item_path), item.dump(2) + "\n");
}

// The README's own-data walkthrough, end to end: the shipped 30 m example config copied unchanged
// into a folder of its own, Landsat C2 L2 archives dropped unextracted into downloads/, the county
// boundaries as a GeoPackage in CGCS2000 (EPSG:4490), the plans' targets beside it; `ecomon check`
// and `ecomon run` on the config by a relative path, from that folder. The workspace has the tables,
// the report, the workbook, the GeoPackage and a valid STAC catalog.
TEST(OwnData, TheThirtyMetreExampleConfigOnArchivesByRelativePath) {
  const fs::path dir = fresh_dir("own_data");
  fs::create_directories(dir / "downloads");
  fs::create_directories(dir / "boundaries");
  const fs::path scenes = dir / "delivered";
  std::uint64_t seed = 4100;
  for (const char* date : {"2023-07-12", "2023-08-13"}) {
    ecomon::SimulationOptions o;
    o.output_dir = scenes.string();
    o.west = 107.30, o.east = 107.42, o.south = 41.00, o.north = 41.10, o.utm_zone = 48, o.clouds = 1, o.seed = ++seed, o.pixel_size = 30;
    o.date = date;
    const auto s = ecomon::simulate_scene(o);
    // As USGS delivers it: one .tar per scene, the files at its top level.
    const auto tar = run_shell("tar -C " + s.folder + " -cf " + (dir / "downloads" / (s.product_id + ".tar")).string() + " .");
    ASSERT_EQ(tar.exit_code, 0) << tar.output;
  }
  fs::remove_all(scenes);
  const std::string zones = write_zones(dir / "z.geojson", {box_feature("150821", "五原县", 107.31, 41.01, 107.36, 41.09),
                                                            box_feature("150822", "磴口县", 107.36, 41.01, 107.41, 41.09)});
  const auto gpkg = run_shell("ogr2ogr -f GPKG " + (dir / "boundaries" / "counties.gpkg").string() + " " + zones +
                              " -nln counties -t_srs EPSG:4490");
  ASSERT_EQ(gpkg.exit_code, 0) << gpkg.output;
  fs::copy_file(std::string(ECOMON_SOURCE_DIR) + "/config/bayannur_30m.yaml", dir / "bayannur_30m.yaml");
  // The league's own targets (config/targets.yaml cut to the units whose counties the boundaries hold).
  std::ofstream(dir / "targets.yaml") << "units:\n  \"150800\": {name: 巴彦淖尔市（两县示例）, zones: [\"150821\", \"150822\"]}\ntargets:\n"
                                       << "  - {id: bayannur_forest, unit: \"150800\", indicator: forest_coverage_pct, rule: at_least, "
                                          "target: {year: 2025, value: 6.97}, baseline: {year: 2020, value: 6.47}, binding: true, "
                                          "source: \"plan.txt:1\"}\n";

  const std::string in_dir = "cd " + dir.string() + " && " + ecomon_binary();
  const auto check = run_shell(in_dir + " check bayannur_30m.yaml");
  ASSERT_EQ(check.exit_code, 0) << check.output;
  const auto run = run_shell(in_dir + " run bayannur_30m.yaml");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const fs::path out = dir / "ecomon_out";
  const auto series = parse_csv(read_file(out / "county_timeseries.csv"));
  ASSERT_EQ(series.size(), 2u);
  for (const auto& row : series) {
    EXPECT_EQ(row.at("year"), "2023");
    EXPECT_EQ(row.at("scenes"), "2") << row.at("zone_code");
    EXPECT_GT(std::stod(row.at("observed_fraction")), 0.9) << row.at("zone_code");
  }
  for (const char* file : {"report.html", "ecomon_report.xlsx", "indicators.gpkg", "targets_report.csv", "stac/catalog.json",
                           "years/2023/ecomon_2023_LANDCOVER.tif", "years/2023/ecomon_2023_LANDCOVER.qml"})
    EXPECT_TRUE(fs::exists(out / file)) << file;
  const auto valid = run_shell("/usr/bin/python3 " + std::string(ECOMON_SOURCE_DIR) + "/tests/schemas/validate_stac.py " + (out / "stac").string());
  EXPECT_EQ(valid.exit_code, 0) << valid.output;
}

// The catalog keeps each raster's SHA-256 with its size and modification time: the next run (both
// years unchanged, reloaded) writes the STAC item from it without reading the raster again, and a
// raster changed since is read again. Seen by planting a value in the catalog for one raster.
TEST(Stac, TheNextRunTakesAnUnchangedRastersChecksumFromTheCatalogAndRereadsAChangedOne) {
  const fs::path dir = two_year_run("stac_checksums");
  const fs::path out = dir / "out";
  const fs::path raster = out / "years" / "2023" / "ecomon_2023_LANDCOVER.tif";
  const fs::path item_path = out / "stac" / "ecomon-season-LANDCOVER" / "LANDCOVER-2023" / "LANDCOVER-2023.json";
  const auto checksum = [&] { return nlohmann::json::parse(read_file(item_path)).at("assets").at("data").at("file:checksum").get<std::string>(); };
  const std::string real = checksum();
  const auto plant = run_shell("/usr/bin/python3 -c \"import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); "
                               "n = db.execute(\\\"UPDATE file_checksums SET sha256 = '1220planted' WHERE path LIKE '%ecomon_2023_LANDCOVER.tif'\\\").rowcount; "
                               "db.commit(); print('rows', n)\" " +
                               (out / "catalog.sqlite").string());
  ASSERT_NE(plant.output.find("rows 1"), std::string::npos) << plant.output;
  const std::string again = "run /dev/null --out " + out.string() + " --input " + (dir / "scenes").string() + " --zones " +
                            (dir / "z.geojson").string() + " --set season.pixel_size=60 --targets " + (dir / "targets.yaml").string();
  auto r = run_cli(again);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_NE(r.output.find("2 unchanged"), std::string::npos) << r.output;
  EXPECT_EQ(checksum(), "1220planted") << "the unchanged raster was read again";
  // `ecomon report` takes it too, the workspace named by another path (relative, from its parent
  // folder): a raster is kept under its path in the workspace, not as a command spelled it.
  const auto report = run_shell("cd " + dir.string() + " && " + ecomon_binary() + " report ./out/");
  ASSERT_EQ(report.exit_code, 0) << report.output;
  EXPECT_EQ(checksum(), "1220planted") << "ecomon report read the unchanged raster again";
  // The raster's modification time moves: its checksum is computed again.
  fs::last_write_time(raster, fs::last_write_time(raster) + std::chrono::seconds(2));
  r = run_cli(again);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(checksum(), real);
}
