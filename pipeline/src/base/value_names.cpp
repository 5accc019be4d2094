#include "base/value_names.hpp"

#include <map>

namespace ecomon {

namespace {

// The words, in the terms of the bulletins (达标 / 未达标 of the plans' assessments, the land cover
// classes of GB/T 21010 and of 林草生态综合监测, the grades of GB/T 24255).
const std::map<std::string, std::string>& vocabulary() {
  static const std::map<std::string, std::string> words = {
      // verdicts (targets/targets.hpp verdict_name)
      {"met", "达标"},
      {"not_met", "未达标"},
      {"at_risk", "存在风险"},
      {"not_assessed", "未评估"},
      {"no_data", "无数据"},
      // a target's row and rule
      {"unit", "考核单元"},
      {"member", "所辖旗县区"},
      {"at_least", "不低于"},
      {"at_most", "不高于"},
      {"yes", "是"},
      {"no", "否"},
      // land cover classes (rules/cell_rules.hpp land_cover_name)
      {"tree", "乔木林"},
      {"shrubland", "灌木林"},
      {"grassland", "草地"},
      {"cropland", "耕地"},
      {"water", "水体"},
      {"wetland", "湿地"},
      {"bare", "裸地"},
      {"built_up", "建设用地"},
      // the class rasters' own labels (their legends: products/product_specs.cpp)
      {"unknown", "未分类"},
      {"built-up", "建设用地"},
      {"not forest", "非森林"},
      {"forest (trees)", "森林（乔木林）"},
      {"special shrubland (forest where designated)", "国家特别规定灌木林地"},
      {"not graded (water, wetland, cropland, built-up)", "不分级（水体、湿地、耕地、建设用地）"},
      {"non-sandified", "非沙化"},
      {"light", "轻度"},
      {"moderate", "中度"},
      {"severe", "重度"},
      {"extreme", "极重度"},
      // a carbon sink's significance (carbon_report.csv: yes, no or source)
      {"source", "碳源"},
      // a scene's status (scene_status.csv)
      {"ok", "成功"},
      {"failed", "失败"},
      {"duplicate", "重复"},
      // a trend (county_trends.csv)
      {"increasing", "增加"},
      {"decreasing", "减少"},
      {"no significant trend", "无显著趋势"},
      // an interval's basis, whole or by its parts
      {"unobserved_only", "仅未观测部分（无误差模型）"},
      {"factors_only", "仅碳密度因子（未评估制图误差）"},
      {"sample", "参考样本"},
      {"calibration", "地面样地校准"},
      {"unobserved", "未观测部分"},
      {"factors", "碳密度因子"},
  };
  return words;
}

}  // namespace

std::string chinese_value_name(const std::string& english) {
  const auto& words = vocabulary();
  if (const auto w = words.find(english); w != words.end()) return w->second;
  if (english.find('+') == std::string::npos) return "";
  std::string out;
  for (std::size_t from = 0; from <= english.size();) {
    const std::size_t to = std::min(english.find('+', from), english.size());
    const auto w = words.find(english.substr(from, to - from));
    if (w == words.end()) return "";
    out.append(out.empty() ? "" : " + ").append(w->second);
    from = to + 1;
  }
  return out;
}

std::string value_in_language(const std::string& english, const std::string& headers) {
  if (headers == "en") return english;
  const std::string zh = chinese_value_name(english);
  if (zh.empty()) return english;
  return headers == "zh" ? zh : zh + " " + english;
}

}  // namespace ecomon
