#pragma once
// The reflective bands ecomon knows, by role, whatever the sensor calls them. An index declares the
// roles it reads (as Orfeo ToolBox's functors declare GetRequiredBands()); the engine asks a sensor
// driver for the union, and the driver opens and reads only those.
#include <array>
#include <bitset>
#include <cstddef>
#include <initializer_list>
#include <string>

namespace ecomon {

enum class Band : unsigned char { blue, green, red, nir, swir1, swir2 };
inline constexpr std::size_t kBandCount = 6;
inline constexpr std::array<const char*, kBandCount> kBandNames = {"blue", "green", "red", "nir", "swir1", "swir2"};
inline constexpr std::array<Band, kBandCount> kAllBands = {Band::blue, Band::green, Band::red, Band::nir, Band::swir1, Band::swir2};

inline std::size_t band_index(Band b) { return static_cast<std::size_t>(b); }
inline const char* band_name(Band b) { return kBandNames[band_index(b)]; }

/// A set of band roles.
class BandSet {
 public:
  BandSet() = default;
  BandSet(std::initializer_list<Band> bands) {
    for (Band b : bands) add(b);
  }
  template <typename Range>
  explicit BandSet(const Range& bands) {
    for (Band b : bands) add(b);
  }
  void add(Band b) { bits_.set(band_index(b)); }
  void add(const BandSet& o) { bits_ |= o.bits_; }
  bool has(Band b) const { return bits_.test(band_index(b)); }
  bool has(const BandSet& o) const { return (bits_ & o.bits_) == o.bits_; }
  BandSet operator&(const BandSet& o) const {
    BandSet r;
    r.bits_ = bits_ & o.bits_;
    return r;
  }
  /// The roles of `this` that `o` lacks.
  BandSet without(const BandSet& o) const {
    BandSet r;
    r.bits_ = bits_ & ~o.bits_;
    return r;
  }
  bool empty() const { return bits_.none(); }
  bool operator==(const BandSet&) const = default;
  std::string names() const {
    std::string out;
    for (Band b : kAllBands)
      if (has(b)) out += (out.empty() ? "" : ", ") + std::string(band_name(b));
    return out;
  }

 private:
  std::bitset<kBandCount> bits_;
};

}  // namespace ecomon
