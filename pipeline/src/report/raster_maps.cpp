#include "report/raster_maps.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "base/csv.hpp"
#include "base/file_checksum.hpp"
#include "base/value_names.hpp"
#include "libgeo/io/picture.hpp"
#include "libgeo/io/projection.hpp"
#include "products/product_specs.hpp"
#include "report/markup.hpp"

namespace ecomon {

namespace {

namespace fs = std::filesystem;

constexpr int kPictureWidth = 560;

// The products a bureau's report maps, in the report's order; a continuous one with its ramp.
struct MappedProduct {
  const char* name;
  const char *zh, *en;
  std::vector<geo::io::RampStop> ramp;  // empty: a class raster (its spec's colours)
  const char *unit_zh, *unit_en;
};
const std::vector<MappedProduct>& mapped_products() {
  // FVC on a brown-to-green ramp (ColorBrewer BrBG's ends and middle, Brewer 2003).
  static const std::vector<MappedProduct> products = {
      {"LANDCOVER", "土地覆盖", "Land cover", {}, "", ""},
      {"FOREST", "森林（国家定义）", "Forest (China's definition)", {}, "", ""},
      {"FVC", "植被覆盖度", "Fractional vegetation cover", {{0, 140, 81, 10}, {0.3, 246, 232, 195}, {1, 1, 102, 94}}, "无量纲（0–1）",
       "dimensionless (0–1)"},
      {"SANDIFICATION_GRADE", "沙化程度（GB/T 24255）", "Sandification grade (GB/T 24255)", {}, "", ""}};
  return products;
}

// Class names in Chinese, by the English label the raster carries (the value vocabulary).
std::string class_label(const std::string& label, bool zh) {
  if (!zh) return label;
  const std::string chinese = chinese_value_name(label);
  return chinese.empty() ? label : chinese;
}

std::string escape(const std::string& s) { return escape_markup(s); }

std::string fixed(double v, int digits) { return format_fixed(v, digits); }

const ProductSpec* season_spec(const std::string& name) {
  for (const ProductSpec& p : season_products())
    if (p.name == name) return &p;
  return nullptr;
}

// Outlines and name positions of the zones in the picture's pixels (the zones are on the grid's CRS).
struct Overlay {
  std::string paths, names;
};

Overlay zone_overlay(const std::vector<geo::io::Zone>& zones, const geo::Grid& picture) {
  const geo::GeoTransform& t = picture.transform;
  std::ostringstream paths, names;
  for (const geo::io::Zone& z : zones) {
    std::string d;
    double best_area = 0, label_x = 0, label_y = 0;
    for (const geo::Polygon& part : z.geometry.parts) {
      std::vector<const geo::Ring*> rings{&part.exterior};
      for (const geo::Ring& h : part.holes) rings.push_back(&h);
      for (const geo::Ring* ring : rings) {
        double last_c = 1e300, last_r = 1e300;
        bool first = true;
        for (const geo::Point& p : *ring) {
          const double c = t.x_to_col(p.x), r = t.y_to_row(p.y);
          // Points closer than half a pixel to the last drawn add nothing to the picture.
          if (!first && std::abs(c - last_c) < 0.5 && std::abs(r - last_r) < 0.5) continue;
          d += first ? 'M' : 'L';
          d.append(fixed(c, 1)).append(" ").append(fixed(r, 1));
          first = false, last_c = c, last_r = r;
        }
        d += "Z";
      }
      // The name at the centroid of the largest part's outer ring (shoelace formula).
      double a = 0, cx = 0, cy = 0;
      const geo::Ring& ring = part.exterior;
      for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
        const double x0 = t.x_to_col(ring[i].x), y0 = t.y_to_row(ring[i].y), x1 = t.x_to_col(ring[i + 1].x), y1 = t.y_to_row(ring[i + 1].y);
        const double cross = x0 * y1 - x1 * y0;
        a += cross, cx += (x0 + x1) * cross, cy += (y0 + y1) * cross;
      }
      if (std::abs(a) > best_area) best_area = std::abs(a), label_x = cx / (3 * a), label_y = cy / (3 * a);
    }
    paths << "<path d=\"" << d << "\"/>";
    if (best_area > 0) names << "<text x=\"" << fixed(label_x, 1) << "\" y=\"" << fixed(label_y, 1) << "\">" << escape(z.name) << "</text>";
  }
  return {paths.str(), names.str()};
}

// A scale bar of a round length (1, 2 or 5 x 10^k km) near a fifth of the picture's width, and a
// north arrow pointing to true north at the picture's centre (grid north differs from it away from
// the projection's central meridian).
std::string scale_and_north(const geo::Grid& picture, bool zh) {
  const geo::GeoTransform& t = picture.transform;
  const double metres_per_pixel = std::abs(t.pixel_width);
  const double wanted_km = picture.cols * metres_per_pixel / 5 / 1000;
  const double magnitude = std::pow(10.0, std::floor(std::log10(wanted_km)));
  double km = magnitude;
  for (double step : {2.0, 5.0, 10.0})
    if (step * magnitude <= wanted_km) km = step * magnitude;
  const double bar = km * 1000 / metres_per_pixel;
  const double x0 = 12, y0 = picture.rows - 14;
  std::ostringstream out;
  out << "<g class=\"scalebar\"><rect x=\"" << fixed(x0, 1) << "\" y=\"" << fixed(y0, 1) << "\" width=\"" << fixed(bar / 2, 1)
      << "\" height=\"5\" fill=\"#222\"/><rect x=\"" << fixed(x0 + bar / 2, 1) << "\" y=\"" << fixed(y0, 1) << "\" width=\"" << fixed(bar / 2, 1)
      << "\" height=\"5\" fill=\"#fff\" stroke=\"#222\"/><text x=\"" << fixed(x0, 1) << "\" y=\"" << fixed(y0 - 4, 1) << "\">0</text><text x=\""
      << fixed(x0 + bar, 1) << "\" y=\"" << fixed(y0 - 4, 1) << "\" text-anchor=\"middle\">" << format_fixed(km, km < 1 ? 1 : 0) << (zh ? " 公里" : " km")
      << "</text></g>";
  // True north: the centre and a point 0.05 degrees north of it, in the picture's pixels.
  double angle = 0;
  if (!picture.crs_wkt.empty() && !geo::io::is_geographic(picture.crs_wkt)) {
    std::vector<geo::Point> centre{{t.col_to_x(picture.cols / 2.0), t.row_to_y(picture.rows / 2.0)}};
    geo::io::CoordinateTransformer(picture.crs_wkt, "EPSG:4326").transform(centre);
    std::vector<geo::Point> both{centre[0], {centre[0].x, centre[0].y + 0.05}};
    geo::io::CoordinateTransformer("EPSG:4326", picture.crs_wkt).transform(both);
    const double dc = t.x_to_col(both[1].x) - t.x_to_col(both[0].x), dr = t.y_to_row(both[1].y) - t.y_to_row(both[0].y);
    angle = std::atan2(dc, -dr) * 180 / M_PI;
  }
  const double nx = picture.cols - 24, ny = 34;
  out << "<g class=\"north\" transform=\"translate(" << fixed(nx, 1) << " " << fixed(ny, 1) << ") rotate(" << fixed(angle, 1)
      << ")\"><path d=\"M0 -18L7 8L0 3L-7 8Z\" fill=\"#222\" stroke=\"#fff\" stroke-width=\"1\"/><text x=\"0\" y=\"-22\" "
         "text-anchor=\"middle\">"
      << (zh ? "北" : "N") << "</text></g>";
  return out.str();
}

std::string css_colour(std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  char text[8];
  std::snprintf(text, sizeof text, "#%02x%02x%02x", r, g, b);
  return text;
}

std::string legend(const MappedProduct& product, const ProductSpec& spec, bool zh) {
  std::ostringstream out;
  out << "<div class=\"legend\">";
  if (product.ramp.empty()) {
    for (const geo::io::ColourEntry& c : spec.colours) {
      if (c.a == 0) continue;  // transparent: no data, unknown
      out << "<span class=\"swatch\"><i style=\"background:" << css_colour(c.r, c.g, c.b) << "\"></i>" << escape(class_label(c.label, zh))
          << "</span>";
    }
  } else {
    std::string stops;
    for (const geo::io::RampStop& s : product.ramp)
      stops += ", " + css_colour(s.r, s.g, s.b) + " " + fixed(100 * (s.value - product.ramp.front().value) /
                                                                  (product.ramp.back().value - product.ramp.front().value), 0) + "%";
    out << "<span class=\"ramp\"><span>" << fixed(product.ramp.front().value, 1) << "</span><i style=\"background:linear-gradient(to right"
        << stops << ")\"></i><span>" << fixed(product.ramp.back().value, 1) << "</span></span> <span class=\"unit\">"
        << (zh ? "单位：" : "unit: ") << escape(zh ? product.unit_zh : product.unit_en) << "</span>";
  }
  out << "</div>";
  return out.str();
}

const MappedProduct& mapped_product(const std::string& name) {
  for (const MappedProduct& p : mapped_products())
    if (p.name == name && season_spec(p.name)) return p;
  throw std::out_of_range(name + ": not a product the maps draw");
}

}  // namespace

std::vector<MapProduct> map_products(bool zh) {
  std::vector<MapProduct> out;
  for (const MappedProduct& p : mapped_products()) {
    const ProductSpec* spec = season_spec(p.name);
    if (!spec) continue;
    MapProduct m{p.name, zh ? p.zh : p.en, zh ? p.unit_zh : p.unit_en, {}};
    if (p.ramp.empty()) {
      for (const geo::io::ColourEntry& c : spec->colours)
        if (c.a != 0) m.legend.push_back({class_label(c.label, zh), css_colour(c.r, c.g, c.b)});
    } else {
      for (const geo::io::RampStop& stop : p.ramp) m.legend.push_back({fixed(stop.value, 1), css_colour(stop.r, stop.g, stop.b)});
    }
    out.push_back(std::move(m));
  }
  return out;
}

geo::io::RasterPicture draw_map_product(const std::string& product, const std::string& path, int max_width, const std::string& to_crs) {
  const MappedProduct& p = mapped_product(product);
  return geo::io::render_raster_png(path, p.ramp.empty() ? season_spec(p.name)->colours : std::vector<geo::io::ColourEntry>{}, p.ramp, max_width,
                                    to_crs);
}

std::string raster_map_figures(const RunResults& r, bool zh, const std::string& folder, const std::string& folder_href) {
  // The maps to draw, product by product and year by year: drawn side by side (each reads its
  // raster's overviews and deflates its picture, the larger part of the report's time), then put
  // in the page in this order.
  struct Map {
    const MappedProduct* product;
    const ProductSpec* spec;
    int year;
    std::string path, file;
    geo::io::RasterPicture picture;
  };
  std::vector<Map> maps;
  for (const MappedProduct& product : mapped_products()) {
    const ProductSpec* spec = season_spec(product.name);
    if (!spec) continue;
    for (const YearResult& y : r.years) {
      std::string file_name = "ecomon_";
      file_name.append(std::to_string(y.year)).append("_").append(product.name).append(".tif");
      const auto path = std::find_if(y.products.begin(), y.products.end(),
                                     [&](const std::string& p) { return fs::path(p).filename().string() == file_name; });
      if (path == y.products.end() || !fs::exists(*path)) continue;
      std::string file = "map_";  // appended: GCC 12's -Wrestrict misfires on "literal" + std::string
      file.append(std::to_string(y.year)).append("_").append(product.name).append(".png");
      maps.push_back({&product, spec, y.year, *path, file, {}});
    }
  }
  if (!maps.empty()) fs::create_directories(folder);
  for_each_in_parallel(maps.size(), [&](std::size_t i) {
    Map& map = maps[i];
    map.picture = draw_map_product(map.product->name, map.path, kPictureWidth);
    geo::io::write_file_atomically((fs::path(folder) / map.file).string(), map.picture.png);
    map.picture.png.clear();
    map.picture.png.shrink_to_fit();
  });
  std::ostringstream html;
  std::set<std::string> drawn_files;
  for (std::size_t i = 0; i < maps.size();) {
    const MappedProduct& product = *maps[i].product;
    std::ostringstream figures;
    for (; i < maps.size() && maps[i].product == &product; ++i) {
      const Map& map = maps[i];
      drawn_files.insert(map.file);
      const Overlay overlay = zone_overlay(r.season_zones, map.picture.grid);
      const std::string title = std::string(zh ? product.zh : product.en) + " " + std::to_string(map.year);
      figures << "<figure class=\"rmap\"><svg viewBox=\"0 0 " << map.picture.grid.cols << " " << map.picture.grid.rows
              << "\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"" << escape(title) << "\"><image href=\""
              << escape(folder_href + map.file) << "\" width=\"" << map.picture.grid.cols << "\" height=\"" << map.picture.grid.rows
              << "\" style=\"image-rendering:pixelated\"/><g class=\"outlines\">" << overlay.paths << "</g><g class=\"names\">" << overlay.names
              << "</g>" << scale_and_north(map.picture.grid, zh) << "</svg><figcaption><b>" << escape(title) << "</b>"
              << legend(product, *map.spec, zh) << "</figcaption></figure>\n";
    }
    html << "<h4>" << escape(zh ? product.zh : product.en) << "</h4>\n<div class=\"rmaps\">\n" << figures.str() << "</div>\n";
  }
  // The pictures of an earlier run that this one did not draw (a product no longer written, a year
  // no longer in the run) would be left beside a report that no longer shows them.
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(folder, ec)) {
    const std::string name = e.path().filename().string();
    if (e.is_regular_file() && name.rfind("map_", 0) == 0 && e.path().extension() == ".png" && !drawn_files.count(name))
      fs::remove(e.path(), ec);
  }
  return html.str();  // empty when nothing was drawn
}

}  // namespace ecomon
