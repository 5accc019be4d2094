#include "engine/season_source.hpp"

#include "products/product_specs.hpp"
#include "base/errors.hpp"

namespace ecomon {

SceneProductSource::SceneProductSource(const SceneInfo& info, const SeasonInputFiles& files)
    : ndvi_(geo::io::RasterReader(files.ndvi)), mndwi_(geo::io::RasterReader(files.mndwi)), clear_(geo::io::RasterReader(files.clear)) {
  info_ = info;
  grid_ = ndvi_.reader().grid();
  if (!files.albedo.empty()) albedo_.emplace(geo::io::RasterReader(files.albedo));
  for (const geo::io::RasterReader* r : {&mndwi_.reader(), &clear_.reader(), albedo_ ? &albedo_->reader() : &clear_.reader()})
    if (r->grid().cols != grid_.cols || r->grid().rows != grid_.rows || !(r->grid().transform == grid_.transform))
      throw SceneError(r->path() + ": not on the grid of " + ndvi_.reader().path() + " (season inputs of scene " + info.id + " disagree)");
}

IndexObservations SceneProductSource::read(const geo::Window& w) {
  IndexObservations o{ndvi_.read(w), mndwi_.read(w), geo::Block<PixelState>(w, PixelState::no_data),
                      albedo_ ? albedo_->read(w) : geo::Block<std::int16_t>()};
  const geo::Block<std::uint8_t> clear = clear_.read(w);
  for (std::size_t i = 0; i < clear.size(); ++i)
    o.state[i] = clear[i] == kNoData8 ? PixelState::no_data : clear[i] == 1 ? PixelState::clear : PixelState::masked;
  return o;
}

}  // namespace ecomon
