#include "engine/season_source.hpp"

#include "base/errors.hpp"
#include "products/index_products.hpp"
#include "products/product_specs.hpp"

namespace ecomon {

IndexObservations::IndexObservations(const geo::Window& w)
    : index(season_indices().size()), state(w, PixelState::no_data) {}

geo::Block<std::int16_t>& IndexObservations::of(const std::string& product) {
  geo::Block<std::int16_t>& block = index.at(season_index_slot(product));
  if (block.size() == 0) block = geo::Block<std::int16_t>(state.window(), kNoData16);
  return block;
}

namespace {

std::string required_path(const SceneInfo& info, const SeasonInputFiles& files, const std::string& product) {
  const std::string path = files.path(product);
  if (path.empty()) throw SceneError(info.path + ": the scene pass left no " + product + " raster for the season (scene " + info.id + ")");
  return path;
}

}  // namespace

SceneProductSource::SceneProductSource(const SceneInfo& info, const SeasonInputFiles& files)
    : clear_(geo::io::RasterReader(required_path(info, files, "CLEAR"))) {
  info_ = info;
  grid_ = clear_.reader().grid();
  for (const IndexProduct* p : season_indices()) index_paths_.push_back(files.path(p->name));  // "": the sensor lacks one of its bands
  index_.resize(index_paths_.size());
}

void SceneProductSource::open_indices() {
  for (std::size_t k = 0; k < index_paths_.size(); ++k) {
    if (index_paths_[k].empty()) continue;
    index_[k].emplace(geo::io::RasterReader(index_paths_[k]));
    const geo::Grid& g = index_[k]->reader().grid();
    if (g.cols != grid_.cols || g.rows != grid_.rows || !(g.transform == grid_.transform))
      throw SceneError(index_paths_[k] + ": not on the grid of " + clear_.reader().path() + " (season inputs of scene " + info_.id + " disagree)");
  }
  indices_open_ = true;
}

IndexObservations SceneProductSource::read(const geo::Window& w) {
  if (!indices_open_) open_indices();
  IndexObservations o(w);
  for (std::size_t k = 0; k < index_.size(); ++k)
    if (index_[k]) o.index[k] = index_[k]->read(w);
  const geo::Block<std::uint8_t> clear = clear_.read(w);
  for (std::size_t i = 0; i < clear.size(); ++i)
    o.state[i] = clear[i] == kNoData8 ? PixelState::no_data : clear[i] == 1 ? PixelState::clear : PixelState::masked;
  return o;
}

void SceneProductSource::release() {
  clear_.release();
  for (auto& reader : index_)
    if (reader) reader->release();
}

std::int64_t SceneProductSource::held_bytes() const {
  std::int64_t bytes = clear_.held_bytes();
  for (const auto& reader : index_)
    if (reader) bytes += reader->held_bytes();
  return bytes;
}

}  // namespace ecomon
