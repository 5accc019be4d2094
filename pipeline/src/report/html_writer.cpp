// report.html: the run's report as a bureau reads and prints it, in Chinese (report.language: en for
// English). One renderer of the same results as the CSVs (RunResults): the targets' verdicts with a
// sentence each, every unit and county with its previous year and change, time-series charts with
// the interval as a band, the target's line, the years with too little clear observation shaded and
// method steps marked, the land cover areas per year, the carbon stock changes, the data's quality,
// and the method's settings and scenes. The tables are HTML (readable and printable without
// scripts); the charts are Apache ECharts, embedded (report/embedded_scripts.hpp), from the figures in
// a JSON block of the page. No network, no timestamp: the same results give the same bytes.
#include <spdlog/spdlog.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "base/csv.hpp"
#include "base/version.hpp"
#include "products/product_specs.hpp"
#include "libgeo/io/raster.hpp"
#include "report/embedded_scripts.hpp"
#include "report/markup.hpp"
#include "report/raster_maps.hpp"
#include "report/report_writer.hpp"
#include "report/zone_reports.hpp"

namespace ecomon {

namespace {

// The page's words in both languages.
struct Words {
  bool zh = true;
  const char* operator()(const char* chinese, const char* english) const { return zh ? chinese : english; }
};

std::string escape(const std::string& s) { return escape_markup(s); }

// An indicator's name as a heading reads it: the Chinese name without its unit suffix, or the key.
std::string indicator_label(const Words& w, const std::string& key) {
  if (key == kCarbonSinkIndicator) return w("碳汇量", "carbon sink");
  if (!w.zh) return key;
  std::string zh = indicator(key).zh;
  for (const char* suffix : {"_百分比", "_平方公里", "_万亩", "_克碳每平方米", "_吨碳"})
    if (const auto at = zh.rfind(suffix); at != std::string::npos && at + std::strlen(suffix) == zh.size()) zh.erase(at);
  for (char& c : zh)
    if (c == '_') c = ' ';
  return zh;
}

std::string unit_label(const Words& w, const std::string& key) {
  if (key == kCarbonSinkIndicator) return w("吨二氧化碳当量/年", "t CO2e/yr");
  const std::string u = indicator_unit(key);
  if (u == "km2") return w("平方公里", "km²");
  if (u == "g C/m2") return w("克碳/平方米", "g C/m²");
  if (u == "t C") return w("吨碳", "t C");
  if (u == "observations") return w("次", "observations");
  if (u == "scenes") return w("景", "scenes");
  return u == "1" ? "" : u;  // %, 万亩
}

const char* verdict_words(const Words& w, Verdict v) {
  switch (v) {
    case Verdict::met: return w("达标", "met");
    case Verdict::not_met: return w("未达标", "not met");
    case Verdict::at_risk: return w("存在风险", "at risk");
    case Verdict::not_assessed: return w("未评估", "not assessed");
    case Verdict::no_data: return w("无数据", "no data");
  }
  return "";
}

// An interval's basis (Estimate::basis, CarbonChange::interval_basis: parts joined by '+') in words.
std::string basis_words(const Words& w, const std::string& basis) {
  if (basis == Estimate::kUnobservedOnly) return w("仅未观测部分（无误差模型，不作判定）", "unobserved part only (no error model, no verdict)");
  if (basis == Estimate::kFactorsOnly) return w("仅碳密度因子（未评估制图误差）", "density factors only (map error not assessed)");
  std::string out;
  std::size_t from = 0;
  while (from <= basis.size()) {
    const std::size_t to = std::min(basis.find('+', from), basis.size());
    const std::string part = basis.substr(from, to - from);
    const std::string words = part == "sample"        ? w("参考样本", "reference sample")
                              : part == "calibration" ? w("地面样地校准", "ground-plot calibration")
                              : part == "unobserved"  ? w("未观测部分", "unobserved part")
                              : part == "factors"     ? w("碳密度因子", "carbon density factors")
                                                      : part;
    out.append(out.empty() ? "" : " + ").append(words);
    from = to + 1;
  }
  return out;
}

// A chart's figure at the precision of its CSV column (so that the same results give the same page,
// whatever the sum's last bits: a strip height changes those, never the printed digits). NaN stays
// NaN (null in the JSON: a gap in the line).
double rounded(double v, int digits) { return std::isfinite(v) ? std::stod(format_fixed(v, digits)) : v; }

std::string number(double v, int digits) { return std::isfinite(v) ? format_fixed(v, digits) : "—"; }

std::string interval(double low, double high, int digits) {
  return std::isfinite(low) && std::isfinite(high) ? format_interval(low, high, digits) : "—";
}

// A change as a bulletin prints it, signed.
std::string change(double now, double before, int digits) {
  if (!std::isfinite(now) || !std::isfinite(before)) return "—";
  std::string out = now - before >= 0 ? "+" : "";
  out.append(format_fixed(now - before, digits));
  return out;
}

// The sentence a bulletin writes of a verdict, from its figures.
std::string verdict_sentence(const Words& w, const VerdictRow& v) {
  const std::string name = indicator_label(w, v.target->indicator), unit = unit_label(w, v.target->indicator);
  const std::string value = number(v.estimate.value, 2) + (unit == "%" ? "%" : " " + unit);
  const std::string range = interval(v.estimate.low, v.estimate.high, 2) + (unit == "%" ? "%" : " " + unit);
  const std::string threshold = number(v.threshold, 2) + (unit == "%" ? "%" : " " + unit);
  const bool above = v.estimate.value >= v.threshold;
  std::ostringstream s;
  if (v.verdict == Verdict::no_data) {
    s << v.year << (w.zh ? "年" : ": ") << v.unit_name << (w.zh ? "的" : " ") << name << w("观测不足（有效观测 ", " was not observed enough (")
      << number(100 * v.observed_fraction, 1) << w("%），无数据可判定。", "% observed) to be judged: no data.");
    return s.str();
  }
  if (w.zh)
    s << v.year << "年" << v.unit_name << name << "为 " << value << "（95%置信区间 " << range << "），" << (above ? "高于" : "低于")
      << "当年目标 " << threshold << "，" << verdict_words(w, v.verdict) << "。";
  else
    s << "In " << v.year << ", " << v.unit_name << "'s " << name << " was " << value << " (95% interval " << range << "), "
      << (above ? "above" : "below") << " that year's threshold of " << threshold << ": " << verdict_words(w, v.verdict) << ".";
  if (!v.estimate.statistical()) s << w("区间仅反映未观测部分，不作判定。", " The interval covers the unobserved part only: no verdict.");
  return s.str();
}

// The land cover classes the stacked chart shows, in the legend's order.
struct ClassStyle {
  LandCover cls;
  const char *zh, *en, *colour;
};
const std::vector<ClassStyle>& stacked_classes() {
  static const std::vector<ClassStyle> classes = {
      {LandCover::tree, "乔木林", "trees", "#1b5e20"},      {LandCover::shrubland, "灌木", "shrubland", "#7c9a3a"},
      {LandCover::grassland, "草地", "grassland", "#b5d67a"}, {LandCover::cropland, "耕地", "cropland", "#f2c14e"},
      {LandCover::water, "水体", "water", "#1e6fb8"},        {LandCover::wetland, "湿地", "wetland", "#4fb3a9"},
      {LandCover::bare, "裸地", "bare", "#d8c3a0"},          {LandCover::built_up, "建设用地", "built-up", "#9e4a4a"}};
  return classes;
}

std::string class_words(const Words& w, LandCover c) {
  for (const ClassStyle& k : stacked_classes())
    if (k.cls == c) return w.zh ? k.zh : k.en;
  return land_cover_name(c);
}

// The figures of a county's table: latest year, the year before with data, the change.
const std::vector<std::string>& table_keys() {
  static const std::vector<std::string> keys = {"forest_coverage_pct", "forest_area_km2",   "grassland_cover_pct", "fvc_mean",
                                                "grassland_area_km2",  "water_area_km2",    "wetland_area_km2",    "observed_fraction"};
  return keys;
}

class HtmlReportWriter final : public ReportWriter {
 public:
  void write(const RunResults& r) override {
    if (r.years.empty() && r.scenes.empty()) return;
    const Words w{r.settings.report.language != "en"};
    zones_geojson_.clear();
    std::ostringstream page;
    nlohmann::json charts = nlohmann::json::array();
    const bool simulated = std::any_of(r.years.begin(), r.years.end(), [](const YearResult& y) { return y.simulated; });
    const int first = r.years.empty() ? 0 : r.years.front().year, last = r.years.empty() ? 0 : r.years.back().year;

    page << "<!DOCTYPE html>\n<html lang=\"" << (w.zh ? "zh-CN" : "en") << "\">\n<head>\n<meta charset=\"utf-8\">\n"
         << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>"
         << w("生态监测年度报告", "Ecological monitoring report") << " " << first << (last != first ? "–" + std::to_string(last) : "")
         << "</title>\n<style>\n" << kStyle << "</style>\n</head>\n<body>\n";
    page << "<header><h1>" << w("生态监测年度报告", "Ecological monitoring report") << "</h1><p class=\"sub\">"
         << (r.years.empty() ? "" : std::to_string(first) + "–" + std::to_string(last) + w("年，", ", ")) << r.season_zones.size()
         << w(" 个旗县区，", " counties, ") << r.scenes.size() << w(" 景影像", " scenes") << "</p>";
    if (simulated)
      page << "<p class=\"banner\">" << w("本报告由模拟影像生成（演示数据），不是实际观测。", "Made from SIMULATED scenes (demo data), not acquisitions.")
           << "</p>";
    page << "</header>\n";

    targets_section(r, w, page, charts);
    zones_section(r, w, page, charts);
    carbon_section(r, w, page);
    quality_section(r, w, page);
    method_section(r, w, page);

    // The figures of the charts, then the library, then the few lines that draw them.
    std::string data = charts.dump();
    for (std::size_t at = data.find("</"); at != std::string::npos; at = data.find("</", at + 2)) data.replace(at, 2, "<\\/");
    page << "<script type=\"application/json\" id=\"ecomon-charts\">" << data << "</script>\n";
    if (!zones_geojson_.empty()) {
      for (std::size_t at = zones_geojson_.find("</"); at != std::string::npos; at = zones_geojson_.find("</", at + 2))
        zones_geojson_.replace(at, 2, "<\\/");
      page << "<script type=\"application/json\" id=\"ecomon-zones\">" << zones_geojson_ << "</script>\n";
    }
    page << "<script>/* Apache ECharts " << echarts_version() << ", Apache-2.0: report_files/echarts-LICENSE.txt */\n"
         << echarts_js() << "\n</script>\n<script>\n" << kDrawCharts << "</script>\n</body>\n</html>\n";

    const std::string path = r.output.path({"report.html"});
    std::filesystem::create_directories(r.output.path({"report_files"}));
    geo::io::write_file_atomically(r.output.path({"report_files", "echarts-LICENSE.txt"}), std::string(echarts_license()));
    geo::io::write_file_atomically(r.output.path({"report_files", "echarts-NOTICE.txt"}), std::string(echarts_notice()));
    geo::io::write_file_atomically(path, page.str());
    spdlog::info("report {}", path);
  }

 private:
  std::string zones_geojson_;  // the outlines the maps are drawn on (set by maps())

  static void targets_section(const RunResults& r, const Words& w, std::ostringstream& page, nlohmann::json& charts) {
    if (!r.targets) return;
    page << "<section id=\"targets\"><h2>" << w("一、规划目标核查", "1. Plan targets") << "</h2>\n";
    // The latest year of each target's unit row, then every year in a chart.
    std::map<std::pair<std::string, std::string>, const VerdictRow*> latest;
    std::vector<std::pair<std::string, std::string>> order;
    for (const VerdictRow& v : r.verdicts) {
      if (v.scope != "unit") continue;
      const auto key = std::make_pair(v.target->id, v.unit_code);
      if (!latest.count(key)) order.push_back(key);
      latest[key] = &v;
    }
    page << "<table class=\"verdicts\"><thead><tr><th>" << w("单位", "Unit") << "</th><th>" << w("指标", "Indicator") << "</th><th>"
         << w("年份", "Year") << "</th><th>" << w("数值", "Value") << "</th><th>" << w("95%置信区间", "95% interval") << "</th><th>"
         << w("目标", "Threshold") << "</th><th>" << w("判定", "Verdict") << "</th><th>" << w("区间依据", "Interval basis") << "</th><th>"
         << w("规划出处", "Plan") << "</th></tr></thead><tbody>\n";
    for (const auto& key : order) {
      const VerdictRow& v = *latest.at(key);
      const bool judged = v.verdict != Verdict::no_data;  // too little observed: its partial value is not quoted
      page << "<tr><td>" << escape(v.unit_name) << "</td><td>" << escape(indicator_label(w, v.target->indicator)) << " ("
           << escape(unit_label(w, v.target->indicator)) << ")</td><td>" << v.year << "</td><td class=\"n\">" << (judged ? number(v.estimate.value, 2) : "—")
           << "</td><td class=\"n\">" << (judged ? interval(v.estimate.low, v.estimate.high, 2) : "—") << "</td><td class=\"n\">" << number(v.threshold, 2)
           << "</td><td class=\"verdict " << verdict_name(v.verdict) << "\">" << verdict_words(w, v.verdict) << "</td><td>"
           << escape(basis_words(w, v.estimate.basis)) << "</td><td class=\"src\">" << escape(v.target->source) << "</td></tr>\n";
    }
    page << "</tbody></table>\n<ul class=\"sentences\">\n";
    for (const auto& key : order) page << "<li>" << escape(verdict_sentence(w, *latest.at(key))) << "</li>\n";
    page << "</ul>\n<div class=\"charts\">\n";
    for (const auto& [target_id, unit_code] : order) {
      nlohmann::json chart{{"kind", "series"}, {"id", "target-" + target_id + "-" + unit_code}};
      const VerdictRow& head = *latest.at({target_id, unit_code});
      chart["title"] = head.unit_name + " " + indicator_label(w, head.target->indicator);
      chart["unit"] = unit_label(w, head.target->indicator);
      chart["labels"] = {{"value", w("数值", "value")}, {"band", w("95%置信区间", "95% interval")}, {"target", w("目标", "threshold")},
                         {"shade", w("观测不足", "too little observed")}, {"step", w("方法变化", "method step")}};
      for (const VerdictRow& v : r.verdicts) {
        if (v.scope != "unit" || v.target->id != target_id || v.unit_code != unit_code) continue;
        chart["years"].push_back(v.year);
        chart["value"].push_back(v.verdict == Verdict::no_data ? std::nan("") : rounded(v.estimate.value, 4));
        chart["low"].push_back(v.verdict == Verdict::no_data ? std::nan("") : rounded(v.estimate.low, 4));
        chart["high"].push_back(v.verdict == Verdict::no_data ? std::nan("") : rounded(v.estimate.high, 4));
        chart["target"].push_back(rounded(v.threshold, 4));
        chart["shade"].push_back(v.verdict == Verdict::no_data);
        chart["step"].push_back(false);
      }
      page << "<div class=\"chart\" id=\"" << escape(chart["id"].get<std::string>()) << "\"></div>\n";
      charts.push_back(std::move(chart));
    }
    page << "</div></section>\n";
  }

  void zones_section(const RunResults& r, const Words& w, std::ostringstream& page, nlohmann::json& charts) {
    if (r.years.empty()) return;
    page << "<section id=\"zones\"><h2>" << w("二、旗县区指标", "2. Counties") << "</h2>\n";
    maps(r, w, page, charts);
    for (std::size_t z = 0; z < r.season_zones.size(); ++z) {
      const geo::io::Zone& zone = r.season_zones[z];
      const std::vector<ZoneRow> rows = zone_series(zone, z, r.years);
      page << "<article class=\"zone\"><h3>" << escape(zone.name) << " <span class=\"code\">" << escape(zone.code) << "</span></h3>\n";
      // Latest year with data, and the one before it with data.
      const auto has_data = [](const ZoneRow& row) { return row.tally.observed_area > 0; };
      int now = -1, before = -1;
      for (int i = int(rows.size()) - 1; i >= 0; --i)
        if (has_data(rows[std::size_t(i)])) {
          if (now < 0) now = i;
          else if (before < 0) before = i;
        }
      if (now < 0) {
        page << "<p>" << w("各年均无有效观测。", "Not observed in any year.") << "</p></article>\n";
        continue;
      }
      const ZoneRow& a = rows[std::size_t(now)];
      page << "<table class=\"figures\"><thead><tr><th>" << w("指标", "Indicator") << "</th><th>" << w("单位", "Unit") << "</th><th>"
           << (before >= 0 ? std::to_string(rows[std::size_t(before)].year->year) : "—") << "</th><th>" << a.year->year << "</th><th>"
           << w("变化", "Change") << "</th></tr></thead><tbody>\n";
      for (const std::string& key : table_keys()) {
        const Indicator& ind = indicator(key);
        const double v = ind.number(a);
        const double p = before >= 0 ? ind.number(rows[std::size_t(before)]) : std::nan("");
        const int digits = key == "fvc_mean" || key == "observed_fraction" ? 3 : 2;
        page << "<tr><td>" << escape(indicator_label(w, key)) << "</td><td>" << escape(unit_label(w, key)) << "</td><td class=\"n\">"
             << number(p, digits) << "</td><td class=\"n\">" << number(v, digits) << "</td><td class=\"n\">"
             << change(v, p, digits) << "</td></tr>\n";
      }
      page << "</tbody></table>\n<div class=\"charts\">\n";
      for (const std::string key : {"forest_coverage_pct", "grassland_cover_pct"}) {
        const Indicator& ind = indicator(key);
        nlohmann::json chart{{"kind", "series"}, {"id", "zone-" + zone.code + "-" + key}};
        chart["title"] = zone.name + " " + indicator_label(w, key);
        chart["unit"] = unit_label(w, key);
        chart["labels"] = {{"value", w("数值", "value")}, {"band", w("95%置信区间", "95% interval")}, {"target", w("目标", "threshold")},
                           {"shade", w("观测不足", "too little observed")}, {"step", w("方法变化", "method step")}};
        for (const ZoneRow& row : rows) {
          const Estimate e = ind.estimate(row);
          const bool observed = has_data(row);
          chart["years"].push_back(row.year->year);
          chart["value"].push_back(observed ? rounded(e.value, 4) : std::nan(""));
          chart["low"].push_back(observed ? rounded(e.low, 4) : std::nan(""));
          chart["high"].push_back(observed ? rounded(e.high, 4) : std::nan(""));
          chart["target"].push_back(std::nan(""));
          chart["shade"].push_back(indicator("observed_fraction").number(row) < r.settings.targets.min_observed_fraction || !observed);
          chart["step"].push_back(row.method_step);
        }
        page << "<div class=\"chart\" id=\"" << escape(chart["id"].get<std::string>()) << "\"></div>\n";
        charts.push_back(std::move(chart));
      }
      nlohmann::json stacked{{"kind", "stacked"}, {"id", "zone-" + zone.code + "-landcover"}};
      stacked["title"] = zone.name + " " + w("土地覆盖面积", "land cover area");
      stacked["unit"] = w("平方公里", "km²");
      for (const ZoneRow& row : rows) stacked["years"].push_back(row.year->year);
      for (const ClassStyle& k : stacked_classes()) {
        nlohmann::json series{{"name", w.zh ? k.zh : k.en}, {"colour", k.colour}, {"values", nlohmann::json::array()}};
        for (const ZoneRow& row : rows) series["values"].push_back(rounded(row.tally.landcover_area[std::size_t(k.cls)] / 1e6, 6));
        stacked["series"].push_back(std::move(series));
      }
      page << "<div class=\"chart\" id=\"" << escape(stacked["id"].get<std::string>()) << "\"></div>\n</div></article>\n";
      charts.push_back(std::move(stacked));
    }
    page << "</section>\n";
  }

  // County choropleths of the latest year's forest coverage and grassland cover, on the zones'
  // outlines (lon/lat, rounded to 1e-4 degrees, about 10 m: a report of a manageable size).
  void maps(const RunResults& r, const Words& w, std::ostringstream& page, nlohmann::json& charts) {
    const std::vector<geo::io::Zone> outlines = zone_outlines_lonlat(r.settings);
    nlohmann::json features = nlohmann::json::array();
    for (const geo::io::Zone& z : outlines) {
      nlohmann::json polygons = nlohmann::json::array();
      for (const geo::Polygon& part : z.geometry.parts) {
        nlohmann::json rings = nlohmann::json::array();
        for (const geo::Ring* ring : [&] {
               std::vector<const geo::Ring*> all{&part.exterior};
               for (const geo::Ring& h : part.holes) all.push_back(&h);
               return all;
             }()) {
          nlohmann::json points = nlohmann::json::array();
          double last_x = std::nan(""), last_y = std::nan("");
          for (const geo::Point& p : *ring) {
            const double x = std::round(p.x * 1e4) / 1e4, y = std::round(p.y * 1e4) / 1e4;
            if (x == last_x && y == last_y) continue;
            points.push_back({x, y}), last_x = x, last_y = y;
          }
          rings.push_back(std::move(points));
        }
        polygons.push_back(std::move(rings));
      }
      features.push_back({{"type", "Feature"},
                          {"properties", {{"code", z.code}, {"name", z.name}}},
                          {"geometry", {{"type", "MultiPolygon"}, {"coordinates", std::move(polygons)}}}});
    }
    zones_geojson_ = nlohmann::json{{"type", "FeatureCollection"}, {"features", std::move(features)}}.dump();
    page << "<h3>" << w("地图", "Maps") << " " << r.years.back().year << "</h3>\n<div class=\"charts\">\n";
    for (const std::string key : {"forest_coverage_pct", "grassland_cover_pct"}) {
      nlohmann::json chart{{"kind", "map"}, {"id", "map-" + key}};
      chart["title"] = indicator_label(w, key) + " " + std::to_string(r.years.back().year);
      chart["unit"] = unit_label(w, key);
      chart["labels"] = {{"nodata", w("无数据", "no data")}};
      double low = std::numeric_limits<double>::infinity(), high = -low;
      for (std::size_t z = 0; z < r.season_zones.size(); ++z) {
        const ZoneRow row{r.season_zones[z], r.years.back().tallies[z], nullptr, &r.years.back()};
        const double v = rounded(indicator(key).number(row), 4);
        if (std::isfinite(v)) low = std::min(low, v), high = std::max(high, v);
        chart["values"].push_back({{"name", r.season_zones[z].code}, {"label", r.season_zones[z].name}, {"value", v}});
      }
      chart["min"] = std::isfinite(low) ? low : 0.0;
      chart["max"] = std::isfinite(high) ? high : 1.0;
      page << "<div class=\"chart map\" id=\"" << escape(chart["id"].get<std::string>()) << "\"></div>\n";
      charts.push_back(std::move(chart));
    }
    page << "</div>\n";
    // The products themselves, per year, drawn from the run's rasters.
    const std::string figures = raster_map_figures(r, w.zh, r.output.path({"report_files"}), "report_files/");
    if (!figures.empty()) page << "<h3>" << w("专题图（据本次运行的栅格绘制）", "Maps of the products (drawn from this run's rasters)") << "</h3>\n" << figures;
  }

  static void carbon_section(const RunResults& r, const Words& w, std::ostringstream& page) {
    if (!r.carbon || r.carbon->empty()) return;
    page << "<section id=\"carbon\"><h2>" << w("三、碳储量变化", "3. Carbon stock change") << "</h2>\n<table><thead><tr><th>"
         << w("单位", "Unit") << "</th><th>" << w("时段", "Period") << "</th><th>" << w("碳储量变化 (吨碳)", "Stock change (t C)")
         << "</th><th>" << w("95%置信区间", "95% interval") << "</th><th>" << w("区间依据", "Interval basis") << "</th><th>"
         << w("最大转移", "Largest transition") << "</th></tr></thead><tbody>\n";
    for (const CarbonChange& c : *r.carbon)
      page << "<tr><td>" << escape(c.unit_name) << "</td><td>" << c.year_from << "–" << c.year_to << "</td><td class=\"n\">"
           << number(c.stock_change_tc, 0) << "</td><td class=\"n\">" << interval(c.ci95_low_tc, c.ci95_high_tc, 0) << "</td><td>"
           << escape(basis_words(w, c.interval_basis)) << "</td><td>" << class_words(w, c.largest_from) << " → "
           << class_words(w, c.largest_to) << " (" << number(c.largest_tc, 0) << ")</td></tr>\n";
    page << "</tbody></table>\n";
    if (r.carbon_factors) page << "<p class=\"note\">" << w("碳密度因子表：", "Carbon density table: ") << escape(r.carbon_factors->path) << "</p>\n";
    page << "</section>\n";
  }

  static void quality_section(const RunResults& r, const Words& w, std::ostringstream& page) {
    page << "<section id=\"quality\"><h2>" << w("四、数据质量", "4. Data quality") << "</h2>\n<table><thead><tr><th>" << w("年份", "Year")
         << "</th><th>" << w("影像景数", "Scenes") << "</th><th>" << w("校准样地数", "Calibration plots") << "</th><th>R²</th><th>RMSE ("
         << w("盖度百分点", "cover points") << ")</th><th>" << w("总体精度", "Overall accuracy") << "</th></tr></thead><tbody>\n";
    for (const YearResult& y : r.years) {
      page << "<tr><td>" << y.year << "</td><td class=\"n\">" << y.scenes << "</td>";
      if (y.calibration && y.calibration->fit)
        page << "<td class=\"n\">" << y.calibration->fit->n << "</td><td class=\"n\">" << number(y.calibration->fit->r2, 3)
             << "</td><td class=\"n\">" << number(100 * y.calibration->fit->rmse, 2) << "</td>";
      else
        page << "<td class=\"n\">—</td><td class=\"n\">—</td><td class=\"n\">—</td>";
      if (y.accuracy && y.accuracy->region)
        page << "<td class=\"n\">" << number(y.accuracy->region->overall_accuracy, 3) << " ± " << number(y.accuracy->region->overall_se, 3)
             << "</td>";
      else
        page << "<td class=\"n\">—</td>";
      page << "</tr>\n";
    }
    page << "</tbody></table>\n</section>\n";
  }

  static void method_section(const RunResults& r, const Words& w, std::ostringstream& page) {
    page << "<section id=\"method\"><h2>" << w("五、方法与来源", "5. Method and provenance") << "</h2>\n<h3>"
         << w("配置", "Settings") << "</h3>\n<table class=\"settings\"><tbody>\n";
    // The run's resources (run.*: threads, strips, memory) change no figure, and the output folder is
    // where this report is: left out, so that the same results give the same report.
    for (const SettingValue& v : setting_values(r.settings))
      if (v.key.rfind("run.", 0) != 0 && v.key != "output.dir")
        page << "<tr><td class=\"key\">" << escape(v.key) << "</td><td>" << escape(v.text) << "</td></tr>\n";
    page << "</tbody></table>\n<p class=\"note\">"
         << w("run.*（线程、内存）不影响结果，未列出。", "run.* (threads, memory) change no figure and are not listed.") << "</p>\n<h3>" << w("影像", "Scenes") << "</h3>\n<table class=\"scenes\"><thead><tr><th>" << w("成像日期", "Date")
         << "</th><th>" << w("传感器", "Sensor") << "</th><th>" << w("景标识", "Scene") << "</th></tr></thead><tbody>\n";
    for (const SceneResult& s : r.scenes)
      page << "<tr><td>" << escape(s.scene.date) << "</td><td>" << escape(s.scene.spacecraft + " " + s.scene.sensor) << "</td><td class=\"id\">"
           << escape(s.scene.id) << "</td></tr>\n";
    // Each product's formula and its source, as its spec (and the raster's band description) says it.
    page << "</tbody></table>\n<h3>" << w("产品与公式", "Products and formulas") << "</h3>\n<table class=\"formulas\"><thead><tr><th>"
         << w("产品", "Product") << "</th><th>" << w("公式与来源", "Formula and source") << "</th></tr></thead><tbody>\n";
    for (const auto* list : {&scene_products(), &season_products(), &trend_products()})
      for (const ProductSpec& p : *list)
        page << "<tr><td class=\"key\">" << escape(p.name) << "</td><td>" << escape(p.description) << "</td></tr>\n";
    page << "</tbody></table>\n<p class=\"note\">ecomon " << escape(ecomon_version()) << "</p>\n";
    page << "<p class=\"note\">" << w("图表：", "Charts: ") << "Apache ECharts " << echarts_version()
         << " (Apache-2.0, report_files/echarts-LICENSE.txt)</p>\n</section>\n";
  }

  static constexpr const char* kStyle = R"css(
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; margin: 0 auto; max-width: 1100px; padding: 1em; color: #222; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { border-bottom: 2px solid #2e7d32; padding-bottom: 0.2em; margin-top: 1.6em; }
.sub { color: #555; margin-top: 0; } .banner { background: #fff3cd; border: 1px solid #e0c36a; padding: 0.5em; }
table { border-collapse: collapse; width: 100%; margin: 0.6em 0; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.45em; text-align: left; vertical-align: top; } th { background: #f0f4f0; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; } td.src, td.id, td.key { font-size: 0.85em; word-break: break-all; }
.verdict { font-weight: bold; } .verdict.met { color: #1b5e20; background: #e8f5e9; } .verdict.not_met { color: #b71c1c; background: #ffebee; }
.verdict.at_risk { color: #8d5a00; background: #fff8e1; } .verdict.not_assessed, .verdict.no_data { color: #555; background: #f5f5f5; }
.sentences li { margin: 0.3em 0; } .code { color: #777; font-size: 0.8em; font-weight: normal; }
.rmaps { display: flex; flex-wrap: wrap; gap: 0.6em; } figure.rmap { margin: 0; width: 100%; max-width: 540px; break-inside: avoid; }
figure.rmap svg { width: 100%; height: auto; border: 1px solid #ccc; background: #fff; } figure.rmap .outlines path { fill: none; stroke: #333; stroke-width: 1; }
figure.rmap .names text { font-size: 11px; text-anchor: middle; fill: #111; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
figure.rmap .scalebar text, figure.rmap .north text { font-size: 11px; fill: #111; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.legend { font-size: 0.85em; margin-top: 0.2em; } .legend .swatch { display: inline-block; margin-right: 0.8em; white-space: nowrap; }
.legend .swatch i { display: inline-block; width: 0.9em; height: 0.9em; margin-right: 0.3em; vertical-align: -0.1em; border: 1px solid #888; }
.legend .ramp i { display: inline-block; width: 10em; height: 0.8em; margin: 0 0.4em; vertical-align: -0.1em; border: 1px solid #888; }
.charts { display: flex; flex-wrap: wrap; gap: 0.5em; } .chart { width: 100%; max-width: 520px; height: 260px; } .chart.map { height: 360px; }
.note { color: #555; font-size: 0.85em; }
@media (max-width: 600px) { body { padding: 0.4em; } table { font-size: 0.8em; } .chart { height: 220px; } }
@media print { @page { size: A4; margin: 15mm; } body { max-width: none; padding: 0; } section { break-before: page; } section#targets { break-before: auto; }
  article.zone, .chart, tr { break-inside: avoid; } .chart { width: 48%; height: 220px; } }
)css";

  // Draws each chart of the JSON block: a series (value, its 95% band, the target line, shaded years,
  // method steps) or stacked areas per year. SVG, so that a printed page is sharp.
  static constexpr const char* kDrawCharts = R"js(
(function () {
  var specs = JSON.parse(document.getElementById('ecomon-charts').textContent);
  var zones = document.getElementById('ecomon-zones');
  if (zones) echarts.registerMap('zones', JSON.parse(zones.textContent));
  var charts = [];
  function num(v) { return (v === null || v === undefined) ? null : v; }
  specs.forEach(function (s) {
    var el = document.getElementById(s.id);
    if (!el) return;
    var chart = echarts.init(el, null, { renderer: 'svg' });
    var years = (s.years || []).map(String), option, title = s.unit ? s.title + ' (' + s.unit + ')' : s.title;
    if (s.kind === 'series') {
      var low = s.low.map(num), width = s.high.map(function (h, i) { return (h === null || low[i] === null) ? null : h - low[i]; });
      var shaded = [], steps = [];
      s.shade.forEach(function (on, i) { if (on) shaded.push([{ xAxis: years[i] }, { xAxis: years[i] }]); });
      s.step.forEach(function (on, i) { if (on) steps.push({ xAxis: years[i] }); });
      var series = [
        { name: s.labels.band, type: 'line', data: low, stack: 'band', lineStyle: { opacity: 0 }, symbol: 'none', silent: true,
          color: 'rgba(46,125,50,0.35)' },
        { name: s.labels.band, type: 'line', data: width, stack: 'band', lineStyle: { opacity: 0 }, symbol: 'none',
          color: 'rgba(46,125,50,0.35)', areaStyle: { color: 'rgba(46,125,50,0.18)' }, silent: true },
        { name: s.labels.value, type: 'line', data: s.value.map(num), color: '#2e7d32', symbolSize: 6,
          markArea: { itemStyle: { color: 'rgba(120,120,120,0.15)' }, data: shaded },
          markLine: { symbol: 'none', lineStyle: { color: '#555', type: 'dashed' }, label: { formatter: s.labels.step }, data: steps } }
      ];
      if (s.target.some(function (t) { return t !== null; }))
        series.push({ name: s.labels.target, type: 'line', data: s.target.map(num), color: '#c62828', lineStyle: { type: 'dashed' }, symbol: 'none' });
      option = { title: { text: title, textStyle: { fontSize: 13 } }, tooltip: { trigger: 'axis' },
        legend: { bottom: 0, data: [s.labels.value, s.labels.band].concat(series.length > 3 ? [s.labels.target] : []) },
        grid: { left: 50, right: 20, top: 36, bottom: 45 }, xAxis: { type: 'category', data: years, boundaryGap: false },
        yAxis: { type: 'value', scale: true }, series: series, animation: false };
    } else if (s.kind === 'map') {
      option = { title: { text: title, textStyle: { fontSize: 13 } },
        tooltip: { trigger: 'item', formatter: function (p) {
          var v = p.data ? p.data.value : null;
          return (p.data ? p.data.label : p.name) + ': ' + ((v === null || v === undefined || isNaN(v)) ? s.labels.nodata : v.toFixed(2));
        } },
        visualMap: { min: s.min, max: s.max, left: 'left', bottom: 0, itemHeight: 80, calculable: false,
          text: [s.max.toFixed(1), s.min.toFixed(1)], inRange: { color: ['#f7fcf5', '#74c476', '#00441b'] } },
        series: [{ type: 'map', map: 'zones', nameProperty: 'code', data: s.values, roam: false, label: { show: false },
          itemStyle: { borderColor: '#555', borderWidth: 0.5, areaColor: '#dddddd' }, emphasis: { label: { show: true } } }],
        animation: false };
    } else {
      option = { title: { text: title, textStyle: { fontSize: 13 } }, tooltip: { trigger: 'axis' },
        legend: { bottom: 0, itemWidth: 10, itemHeight: 8, itemGap: 6, textStyle: { fontSize: 10 } },
        grid: { left: 60, right: 20, top: 36, bottom: 50 }, xAxis: { type: 'category', data: years }, yAxis: { type: 'value' },
        series: s.series.map(function (c) { return { name: c.name, type: 'bar', stack: 'lc', data: c.values, color: c.colour }; }),
        animation: false };
    }
    chart.setOption(option);
    charts.push(chart);
  });
  window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
  window.addEventListener('beforeprint', function () { charts.forEach(function (c) { c.resize(); }); });
  document.body.setAttribute('data-charts', String(charts.length));
})();
)js";
};

const ReportWriterRegistration registration("70-report-html", [] { return std::make_unique<HtmlReportWriter>(); });

}  // namespace

}  // namespace ecomon
