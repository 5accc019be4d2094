#pragma once
// Task keys by content (as odc-stats derives its output ids): a year's task is the same task only
// when ecomon's version, the algorithm's version, every setting the scene and season passes read (with
// the content, not the name, of each file a setting names), the regional grid, the zones and the
// sorted (scene id, content hash) of the year's scenes are the same. Settings that only the reports,
// targets, trends and carbon read are not in it: those are derived again from the stored results at
// every run, never from imagery.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "config/settings.hpp"
#include "libgeo/grid.hpp"
#include "libgeo/io/vector.hpp"

namespace ecomon {

/// Bumped whenever the scene or season pass changes what it computes without a new ecomon version.
inline constexpr int kYearAlgorithmVersion = 2;  // 2: season tallies read the stored product values (FVC at its 0.005 step)

/// Whether a setting is read by the scene and season passes (false: run, input and output folders,
/// targets, reports, trends, carbon other than carbon.casa).
bool setting_feeds_year(const std::string& key);

/// The key of `year`'s task. `scenes`: (scene id, content hash) of the year's scenes, any order.
/// `hash_of_file`: a file's content hash (WorkspaceCatalog::file_hash keeps them between runs).
std::string year_task_key(const std::string& version, const Settings& settings, const geo::Grid& grid,
                          const std::vector<geo::io::Zone>& zones, int year, std::vector<std::pair<std::string, std::string>> scenes,
                          const std::function<std::string(const std::string&)>& hash_of_file);

/// The key of a scene's task (its products, tallies and season inputs on its own grid): ecomon's
/// version, the settings the scene pass reads (a file by its content), the output settings its files
/// are written with (codec, level, block size, output.products), the scene's id and content
/// hash, and whether the season pass needs its season inputs. What a shard that did the task and the
/// run that takes its results both compute.
std::string scene_task_key(const std::string& version, const Settings& settings, int year, const std::string& scene_id,
                           const std::string& content_hash, bool season_inputs,
                           const std::function<std::string(const std::string&)>& hash_of_file);

/// The key of a season tile task: its year's task key, the tile's rows and the products the year
/// writes (season_products_written: output.products is not in the year's key).
std::string season_tile_key(const std::string& year_key, const geo::Window& rows, const std::string& products);

/// The content hash of a scene as delivered: a folder's every file, an archive (also when read through
/// /vsitar/, /vsizip/), or a metadata file with the files beside it that start with the scene's id.
/// `hash_of_files` gives the files' hashes in their order (it is called once for the scene's files).
std::string scene_content_hash(const std::string& scene_path, const std::string& scene_id,
                               const std::function<std::vector<std::string>(const std::vector<std::string>&)>& hash_of_files);

}  // namespace ecomon
