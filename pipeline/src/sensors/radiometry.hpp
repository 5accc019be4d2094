#pragma once
// Plausibility of reflectance, for every sensor. Damaged metadata that still parses (a gain of 1e38
// or 0, a quantification value of 0) would otherwise turn every pixel into NaN or infinity and every
// figure downstream into nonsense with exit code 0.
#include <cmath>
#include <cstdio>
#include <string>

#include "base/errors.hpp"

namespace ecomon {

/// The reflectance a clear pixel may have, surface or top-of-atmosphere, any sensor: the range that
/// Landsat Collection 2 Level-2 can represent (DN 1..65535 x 2.75e-5 - 0.2 = -0.2..1.6, LSDS-1619).
/// A clear pixel with a band outside it (or not finite) is masked and counted as implausible.
inline constexpr float kPlausibleReflectanceMin = -0.2f, kPlausibleReflectanceMax = 1.6f;

inline bool plausible_reflectance(float rho) { return rho >= kPlausibleReflectanceMin && rho <= kPlausibleReflectanceMax; }

/// A product's rescaling reflectance = DN x gain + offset, over its digital numbers 1..`dn_max`,
/// must be able to represent dark and bright ground (from at most 0.05 up to at least 0.2), stay
/// within -1..10, and step by at most 0.01 per DN. Every published rescaling passes: Landsat C2 L2
/// (2.75e-5, -0.2 over 16 bits: -0.2..1.6), C1 L1 TOA (OLI 2e-5, -0.1 over 16 bits; ETM+ 1.2e-3..2.9e-3 over
/// 8 bits: ~0..0.30 in high-gain blue, ~0..0.73 in NIR), Sentinel-2 L2A (1/10000, -1000/10000: -0.1..6.4). A gain of 0, 1e38 or an
/// infinite one does not. Throws SceneError naming the file and `keys` otherwise.
inline void check_reflectance_scaling(double gain, double offset, double dn_max, const std::string& file, const std::string& keys) {
  const double darkest = gain * 1.0 + offset, brightest = gain * dn_max + offset;
  const bool ok = std::isfinite(gain) && std::isfinite(offset) && gain > 0 && gain <= 0.01 && darkest <= 0.05 && darkest >= -1 &&
                  brightest >= 0.2 && brightest <= 10;
  if (ok) return;
  char buf[200];
  std::snprintf(buf, sizeof buf, "gain %g, offset %g: DN 1..%g gives reflectance %g..%g", gain, offset, dn_max, darkest, brightest);
  throw SceneError(file + ": implausible reflectance rescaling in " + keys + " (" + buf +
                   "; a usable product spans at most 0.05 to at least 0.2, within -1..10, in steps of at most 0.01)");
}

}  // namespace ecomon
