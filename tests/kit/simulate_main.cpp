// ecomon-simulate: writes a simulated Landsat 8 C2 L2 scene (and its truth) over Bayannur.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>

#include "libgeo/io/raster.hpp"
#include "libgeo/io/table.hpp"

#include "simulator.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Simulate a Landsat 8 Collection 2 Level-2 scene over Bayannur, with truth rasters"};
  ecomon::SimulationOptions o;
  app.add_option("output", o.output_dir, "Folder to write the scene folder into");
  // Labelling mode: a reference sample (ecomon sample-design's CSV) labelled from the truth, as a
  // field team would, and ground plots where the points are wholly grassland.
  std::string label_in, labelled_out, plots_out, label_crs = "+proj=aea +lat_0=0 +lat_1=25 +lat_2=47 +lon_0=105 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs";
  double label_pixel = 30;
  app.add_option("--label", label_in, "Label the points of this CSV (columns point_id, lon, lat, year) from the truth")->check(CLI::ExistingFile);
  app.add_option("--labelled", labelled_out, "With --label: the labelled CSV to write (point_id, lon, lat, class, forest, year)");
  app.add_option("--plots-out", plots_out, "With --label: ground plots (cover measured to +-2 points) at the points wholly grassland");
  app.add_option("--label-pixel", label_pixel, "With --label: the cell a labeller reads around each point (metres of --label-crs)");
  app.add_option("--label-crs", label_crs, "With --label: the CRS of that cell (default: the regional grid's China Albers)");
  app.add_option("--utm-zone", o.utm_zone, "UTM zone (north)")->check(CLI::Range(43, 53));
  app.add_option("--west", o.west, "Western longitude");
  app.add_option("--south", o.south, "Southern latitude");
  app.add_option("--east", o.east, "Eastern longitude");
  app.add_option("--north", o.north, "Northern latitude");
  app.add_option("--pixel", o.pixel_size, "Pixel size in metres (30 for Landsat; coarser for wide demos)")->check(CLI::Range(10.0, 1000.0));
  app.add_option("--date", o.date, "Acquisition date YYYY-MM-DD");
  app.add_option("--path", o.wrs_path, "WRS-2 path");
  app.add_option("--row", o.wrs_row, "WRS-2 row");
  app.add_option("--seed", o.seed, "Random seed");
  app.add_option("--clouds", o.clouds, "Number of clouds");
  app.add_flag("--xml", o.xml_metadata, "Write _MTL.xml instead of _MTL.txt");
  app.add_option("--sensor", o.sensor, "landsat8, sentinel2 or hls (an HLS v2.0 L30 granule)")->check(CLI::IsMember({"landsat8", "sentinel2", "hls"}));
  app.add_option("--s2-layout", o.s2_layout, "Sentinel-2 layout: safe (JPEG 2000 in a .SAFE) or cog (one GeoTIFF per band)")
      ->check(CLI::IsMember({"safe", "cog"}));
  app.add_option("--s2-baseline", o.s2_baseline, "Sentinel-2 processing baseline (04.00 and later carry BOA_ADD_OFFSET)");
  app.add_option("--grass-trend", o.grass_fvc_trend, "Grassland cover change per year since 2020");
  app.add_option("--land-change", o.land_change_year,
                 "From this year on, the carbon scenario's land change (afforestation on the Ulan Buh edge and Wula Shan, abandoned "
                 "fields, degraded grassland); 0 = none");
  app.add_option("--river", o.river_file,
                 "River course (lon lat per line, segments separated by blank lines; scripts/extract_hydrography.py)")
      ->check(CLI::ExistingFile);
  app.add_option("--lakes", o.lakes_file, "Lake rings (same format; scripts/extract_hydrography.py)")->check(CLI::ExistingFile);
  std::string climate_dir;
  int climate_year = 0;
  app.add_option("--climate", climate_dir,
                 "Climate mode: write the monthly climate rasters of --climate-year over the extent into this folder (tmp_/pre_/sol_YYYYMM.tif)");
  app.add_option("--climate-year", climate_year, "With --climate: the year");
  CLI11_PARSE(app, argc, argv);
  if (!climate_dir.empty()) {
    try {
      ecomon::simulate_climate(climate_dir, climate_year, o.west, o.south, o.east, o.north);
      std::cout << climate_dir << ": 36 monthly climate rasters of " << climate_year << "\n";
    } catch (const std::exception& e) {
      std::cerr << "ecomon-simulate: " << e.what() << "\n";
      return 2;
    }
    return 0;
  }
  if (!label_in.empty()) {
    try {
      geo::io::initialise_gdal(64);
      const geo::io::Table t = geo::io::read_csv_table(label_in);
      const int id = t.column("point_id"), lon = t.column("lon"), lat = t.column("lat"), year = t.column("year");
      if (id < 0 || lon < 0 || lat < 0 || year < 0) throw std::runtime_error(label_in + ": needs columns point_id, lon, lat, year");
      std::vector<ecomon::LabelPoint> points;
      for (const auto& row : t.rows)
        points.push_back({std::stod(row[std::size_t(lon)]), std::stod(row[std::size_t(lat)]), std::stoi(row[std::size_t(year)])});
      const auto labels = ecomon::label_points(points, label_crs, label_pixel, o.landscape_seed, o.grass_fvc_trend, o.river_file, o.lakes_file,
                                                o.land_change_year);
      // As a labeller hands the design's file back: every column kept (the design's strata and
      // sizes with it), class and forest filled in.
      std::vector<std::string> columns = t.columns;
      for (const char* c : {"class", "forest"})
        if (std::find(columns.begin(), columns.end(), c) == columns.end()) columns.push_back(c);
      std::ofstream out(labelled_out), plots;
      for (std::size_t c = 0; c < columns.size(); ++c) out << (c ? "," : "") << columns[c];
      out << "\n";
      if (!plots_out.empty()) plots.open(plots_out), plots << "plot_id,lon,lat,date,cover_pct\n";
      for (std::size_t k = 0; k < points.size(); ++k) {
        const auto& row = t.rows[k];
        for (std::size_t c = 0; c < columns.size(); ++c) {
          const std::string cell = columns[c] == "class"    ? labels[k].cls
                                   : columns[c] == "forest" ? std::string(labels[k].forest ? "yes" : "no")
                                                            : row[c];
          out << (c ? "," : "") << cell;
        }
        out << "\n";
        if (plots.is_open() && labels[k].grassland)
          plots << row[std::size_t(id)] << "," << row[std::size_t(lon)] << "," << row[std::size_t(lat)] << "," << points[k].year << "-08-05,"
                << std::clamp(100 * labels[k].cover + 2.0 * std::sin(double(k) * 2.3), 0.0, 100.0) << "\n";
      }
      if (!out) throw std::runtime_error(labelled_out + ": cannot write");
      std::cout << labelled_out << ": " << points.size() << " points labelled from the truth\n";
    } catch (const std::exception& e) {
      std::cerr << "ecomon-simulate: " << e.what() << "\n";
      return 2;
    }
    return 0;
  }
  if (o.output_dir.empty()) {
    std::cerr << "ecomon-simulate: the output folder is required\n";
    return 2;
  }
  try {
    const auto s = ecomon::simulate_scene(o);
    std::cout << s.folder << " (" << s.cols << " x " << s.rows << " pixels of " << (o.sensor == "sentinel2" ? 20.0 : o.pixel_size)
              << " m)\n";
  } catch (const std::exception& e) {
    std::cerr << "ecomon-simulate: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
