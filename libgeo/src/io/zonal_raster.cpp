#include "libgeo/io/zonal_raster.hpp"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <exception>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#include <immintrin.h>
#define GEO_ZONAL_AVX2 1
#endif

#include "direct_tiles.hpp"

namespace geo::io {

namespace {

// One zone's part of one grid row: what its cells add, kept until the rows are merged in order.
struct RowPart {
  std::size_t zone = 0;
  int row = 0;
  WeightedStats stats, weighted;
  double masked = 0;
  std::vector<std::pair<double, double>> values;  // (value, coverage) in column order: the distribution's
  std::vector<std::pair<std::uint16_t, double>> keyed;  // the same as (stored value's key, coverage): see DenseDistribution
};

// What a zone's row of cells adds: coverage (count), coverage-weighted sum, extremes, and the coverage
// of its nodata cells.
struct RowSums {
  double count = 0, sum = 0, masked = 0;
  double min = std::numeric_limits<double>::infinity(), max = -std::numeric_limits<double>::infinity();
};

// a < b ? a : b and a > b ? a : b, as one SSE2 instruction each (MINSD, MAXSD: the first operand when
// the comparison holds, else the second). Written as conditionals or through std::min, GCC kept the
// extremes in memory or moved them through general registers, and each cell waited on them.
inline double lower(double a, double b) {
#if defined(__SSE2__)
  return _mm_cvtsd_f64(_mm_min_sd(_mm_set_sd(a), _mm_set_sd(b)));
#else
  return a < b ? a : b;
#endif
}
inline double higher(double a, double b) {
#if defined(__SSE2__)
  return _mm_cvtsd_f64(_mm_max_sd(_mm_set_sd(a), _mm_set_sd(b)));
#else
  return a > b ? a : b;
#endif
}

// A row's sums in four lanes: cell c of the row goes to lane c % 4, each lane adds its cells in
// column order (WeightedStats::add's arithmetic: coverage, value x coverage, extremes), and the lanes
// are then added as (0 + 1) + (2 + 3). The row is the zone's run of cells on that grid row, the
// same for any strip height or thread count, so the figures are too; and the cell's value goes to
// double as a read into doubles would give it, so they do not depend on the band's type. One sum
// per cell in column order waited on the previous addition at every cell (the latency of ADDPD, most
// of the tally's time); four lanes, two to an SSE2 register, keep the adder busy. A cell outside the
// zone or masked adds 0 to its lane, which changes no sum (a lane starts at +0 and never becomes -0).
struct Lanes {
  static constexpr int width = 4;
  double count[width] = {}, sum[width] = {}, masked[width] = {};
  double min[width], max[width];
  Lanes() {
    for (int j = 0; j < width; ++j) min[j] = std::numeric_limits<double>::infinity(), max[j] = -std::numeric_limits<double>::infinity();
  }
  // One cell into lane j, as the vector loop adds it.
  void add(int j, double raw, double f, bool has_nodata, double nodata_value, double scale, double offset) {
    const bool counted = f > 0;
    const bool valid = !std::isnan(raw) && !(has_nodata && raw == nodata_value);
    const double v = raw * scale + offset;
    const bool take = counted && valid;
    count[j] += take ? f : 0.0;
    sum[j] += take ? v * f : 0.0;
    masked[j] += counted && !valid ? f : 0.0;
    if (take) min[j] = lower(v, min[j]), max[j] = higher(v, max[j]);
  }
  RowSums combined() const {
    RowSums out;
    out.count = (count[0] + count[1]) + (count[2] + count[3]);
    out.sum = (sum[0] + sum[1]) + (sum[2] + sum[3]);
    out.masked = (masked[0] + masked[1]) + (masked[2] + masked[3]);
    out.min = lower(lower(min[0], min[1]), lower(min[2], min[3]));
    out.max = higher(higher(max[0], max[1]), higher(max[2], max[3]));
    return out;
  }
};

#if defined(__SSE2__)
// Four cells of the band as doubles, two to a register: 8- and 16-bit integers widened in registers
// (one conversion for two cells), other types one cell at a time. Exact either way.
template <typename T>
inline void four_as_double(const T* cells, __m128d out[2]) {
  if constexpr (std::is_integral_v<T> && sizeof(T) <= 2) {
    __m128i in;
    if constexpr (sizeof(T) == 2) {
      std::uint64_t bits;
      std::memcpy(&bits, cells, sizeof bits);
      in = _mm_cvtsi64_si128(static_cast<long long>(bits));
    } else {
      std::uint32_t bits;
      std::memcpy(&bits, cells, sizeof bits);
      in = _mm_cvtsi32_si128(static_cast<int>(bits));
      in = std::is_signed_v<T> ? _mm_srai_epi16(_mm_unpacklo_epi8(in, in), 8) : _mm_unpacklo_epi8(in, _mm_setzero_si128());
    }
    // 16-bit lanes to 32-bit ones: the sign copied in (arithmetic shift) or zeros.
    const __m128i wide = std::is_signed_v<T> ? _mm_srai_epi32(_mm_unpacklo_epi16(in, in), 16) : _mm_unpacklo_epi16(in, _mm_setzero_si128());
    out[0] = _mm_cvtepi32_pd(wide);
    out[1] = _mm_cvtepi32_pd(_mm_shuffle_epi32(wide, 0x0E));
  } else {
    out[0] = _mm_set_pd(static_cast<double>(cells[1]), static_cast<double>(cells[0]));
    out[1] = _mm_set_pd(static_cast<double>(cells[3]), static_cast<double>(cells[2]));
  }
}
#endif

template <typename T>
[[gnu::noinline]] RowSums sum_row(const T* raw_of, const double* fraction, int cells, bool has_nodata, double nodata_value, double scale, double offset) {
  Lanes lanes;
  int c = 0;
#if defined(__SSE2__)
  // Lanes 0-1 in the low register, 2-3 in the high one; every step as Lanes::add takes it.
  const __m128d zero = _mm_setzero_pd(), nodata = _mm_set1_pd(nodata_value), by = _mm_set1_pd(scale), plus = _mm_set1_pd(offset);
  __m128d count[2] = {zero, zero}, sum[2] = {zero, zero}, masked[2] = {zero, zero};
  __m128d min[2] = {_mm_set1_pd(lanes.min[0]), _mm_set1_pd(lanes.min[0])}, max[2] = {_mm_set1_pd(lanes.max[0]), _mm_set1_pd(lanes.max[0])};
  for (; c + 4 <= cells; c += 4) {
    __m128d raw[2];
    four_as_double(raw_of + c, raw);
    __m128d f[2], inside[2], take[2], valid[2], v[2];
    for (int h = 0; h < 2; ++h) {
      f[h] = _mm_loadu_pd(fraction + c + 2 * h);
      inside[h] = _mm_cmpgt_pd(f[h], zero);
      valid[h] = _mm_cmpord_pd(raw[h], raw[h]);
      if (has_nodata) valid[h] = _mm_andnot_pd(_mm_cmpeq_pd(raw[h], nodata), valid[h]);
      take[h] = _mm_and_pd(inside[h], valid[h]);
      v[h] = _mm_add_pd(_mm_mul_pd(raw[h], by), plus);
    }
    if (_mm_movemask_pd(_mm_and_pd(take[0], take[1])) == 3) {
      // The four cells inside the zone and valid (most of a zone): the same additions, nothing masked.
      for (int h = 0; h < 2; ++h) {
        count[h] = _mm_add_pd(count[h], f[h]);
        sum[h] = _mm_add_pd(sum[h], _mm_mul_pd(v[h], f[h]));
        min[h] = _mm_min_pd(v[h], min[h]);
        max[h] = _mm_max_pd(v[h], max[h]);
      }
      continue;
    }
    for (int h = 0; h < 2; ++h) {
      count[h] = _mm_add_pd(count[h], _mm_and_pd(take[h], f[h]));
      sum[h] = _mm_add_pd(sum[h], _mm_and_pd(take[h], _mm_mul_pd(v[h], f[h])));
      masked[h] = _mm_add_pd(masked[h], _mm_and_pd(_mm_andnot_pd(valid[h], inside[h]), f[h]));
      min[h] = _mm_or_pd(_mm_and_pd(take[h], _mm_min_pd(v[h], min[h])), _mm_andnot_pd(take[h], min[h]));
      max[h] = _mm_or_pd(_mm_and_pd(take[h], _mm_max_pd(v[h], max[h])), _mm_andnot_pd(take[h], max[h]));
    }
  }
  for (int h = 0; h < 2; ++h) {
    _mm_storeu_pd(lanes.count + 2 * h, count[h]), _mm_storeu_pd(lanes.sum + 2 * h, sum[h]);
    _mm_storeu_pd(lanes.masked + 2 * h, masked[h]);
    _mm_storeu_pd(lanes.min + 2 * h, min[h]), _mm_storeu_pd(lanes.max + 2 * h, max[h]);
  }
#endif
  for (; c < cells; ++c) lanes.add(c % Lanes::width, static_cast<double>(raw_of[c]), fraction[c], has_nodata, nodata_value, scale, offset);
  return lanes.combined();
}

#if defined(GEO_ZONAL_AVX2)
// sum_row with the four lanes in one AVX register (lane j in element j): the same operations on the
// same lanes in the same order, so the same sums bit for bit, in half the instructions. No FMA: the
// target enables AVX2 alone, so value x coverage is rounded before it is added, as above.
template <typename T>
[[gnu::noinline, gnu::target("avx2")]] RowSums sum_row_avx2(const T* raw_of, const double* fraction, int cells, bool has_nodata, double nodata_value,
                                                         double scale, double offset) {
  Lanes lanes;
  int c = 0;
  const __m256d zero = _mm256_setzero_pd(), nodata = _mm256_set1_pd(nodata_value), by = _mm256_set1_pd(scale), plus = _mm256_set1_pd(offset);
  __m256d count = zero, sum = zero, masked = zero, min = _mm256_set1_pd(lanes.min[0]), max = _mm256_set1_pd(lanes.max[0]);
  for (; c + 4 <= cells; c += 4) {
    __m256d raw;
    if constexpr (std::is_integral_v<T> && sizeof(T) <= 2) {
      // Four cells widened to 32-bit integers (sign or zeros copied in), then to doubles: exact.
      __m128i in;
      if constexpr (sizeof(T) == 2) {
        std::uint64_t bits;
        std::memcpy(&bits, raw_of + c, sizeof bits);
        in = _mm_cvtsi64_si128(static_cast<long long>(bits));
        in = std::is_signed_v<T> ? _mm_cvtepi16_epi32(in) : _mm_cvtepu16_epi32(in);
      } else {
        std::uint32_t bits;
        std::memcpy(&bits, raw_of + c, sizeof bits);
        in = _mm_cvtsi32_si128(static_cast<int>(bits));
        in = std::is_signed_v<T> ? _mm_cvtepi8_epi32(in) : _mm_cvtepu8_epi32(in);
      }
      raw = _mm256_cvtepi32_pd(in);
    } else {
      raw = _mm256_set_pd(static_cast<double>(raw_of[c + 3]), static_cast<double>(raw_of[c + 2]), static_cast<double>(raw_of[c + 1]),
                          static_cast<double>(raw_of[c]));
    }
    const __m256d f = _mm256_loadu_pd(fraction + c);
    const __m256d inside = _mm256_cmp_pd(f, zero, _CMP_GT_OQ);
    __m256d valid = _mm256_cmp_pd(raw, raw, _CMP_ORD_Q);
    if (has_nodata) valid = _mm256_andnot_pd(_mm256_cmp_pd(raw, nodata, _CMP_EQ_OQ), valid);
    const __m256d take = _mm256_and_pd(inside, valid);
    const __m256d v = _mm256_add_pd(_mm256_mul_pd(raw, by), plus);
    if (_mm256_movemask_pd(take) == 15) {
      count = _mm256_add_pd(count, f);
      sum = _mm256_add_pd(sum, _mm256_mul_pd(v, f));
      min = _mm256_min_pd(v, min);
      max = _mm256_max_pd(v, max);
      continue;
    }
    count = _mm256_add_pd(count, _mm256_and_pd(take, f));
    sum = _mm256_add_pd(sum, _mm256_and_pd(take, _mm256_mul_pd(v, f)));
    masked = _mm256_add_pd(masked, _mm256_and_pd(_mm256_andnot_pd(valid, inside), f));
    min = _mm256_blendv_pd(min, _mm256_min_pd(v, min), take);
    max = _mm256_blendv_pd(max, _mm256_max_pd(v, max), take);
  }
  _mm256_storeu_pd(lanes.count, count), _mm256_storeu_pd(lanes.sum, sum), _mm256_storeu_pd(lanes.masked, masked);
  _mm256_storeu_pd(lanes.min, min), _mm256_storeu_pd(lanes.max, max);
  for (; c < cells; ++c) lanes.add(c % Lanes::width, static_cast<double>(raw_of[c]), fraction[c], has_nodata, nodata_value, scale, offset);
  return lanes.combined();
}

// The AVX2 loop where the processor has it, unless GDAL's configuration option GEO_ZONAL_AVX2=NO (an
// environment variable as well) asks for the SSE2 one, for comparisons.
bool use_avx2() {
  static const bool avx2 = __builtin_cpu_supports("avx2") && CPLTestBool(CPLGetConfigOption("GEO_ZONAL_AVX2", "YES"));
  return avx2;
}
#endif

template <typename T>
RowSums sum_zone_row(const T* raw_of, const double* fraction, int cells, bool has_nodata, double nodata_value, double scale, double offset) {
#if defined(GEO_ZONAL_AVX2)
  if (use_avx2()) return sum_row_avx2(raw_of, fraction, cells, has_nodata, nodata_value, scale, offset);
#endif
  return sum_row(raw_of, fraction, cells, has_nodata, nodata_value, scale, offset);
}

// Each valid cell of a zone's row handed to `keep` (cell, value, fraction), in column order: what
// else a tally wants (the distribution, the weighted sums), beside the sums.
template <typename T, typename Keep>
void for_each_valid_cell(const T* raw_of, const double* fraction, int cells, bool has_nodata, double nodata_value, double scale, double offset,
                         Keep&& keep) {
  for (int c = 0; c < cells; ++c) {
    const double f = fraction[c];
    if (!(f > 0)) continue;
    const double raw = static_cast<double>(raw_of[c]);
    if (std::isnan(raw) || (has_nodata && raw == nodata_value)) continue;
    keep(c, raw * scale + offset, f);
  }
}

// The tally in the band's own type T (a strip of UInt16 cells read as such is a quarter of the bytes
// of doubles, and GDAL converts nothing); each value goes to double exactly as a read into doubles
// would give it, so the figures do not depend on T.
template <typename T>
void tally_zones(const RasterReader& raster, const ZoneCover& cover, const ZonalRasterOptions& o, std::vector<ZoneValues>& out) {
  const std::optional<double> nodata = raster.nodata(o.band);
  const bool has_nodata = nodata.has_value();
  const double nodata_value = nodata.value_or(0.0);
  const std::optional<double> weight_nodata = o.weights ? o.weights->nodata(1) : std::nullopt;
  // Physical values (raw x scale + offset, as the file declares them) unless raw.
  const std::pair<double, double> scale_offset = o.raw ? std::pair<double, double>{1.0, 0.0} : raster.scale_offset(o.band);
  const double scale = scale_offset.first, offset = scale_offset.second;
  // Each value's weight summed in a hash table (a sorted map per cell was most of the time), then
  // handed to the ordered distribution once: per value, the same sums in the same cell order.
  std::vector<std::unordered_map<double, double>> weight_of(o.distribution ? out.size() : 0);
  // Bands of at most 16 bits: the sums kept in an array by stored value instead (a hash lookup per
  // cell was half the time of the order statistics), where each stored value has its own physical
  // value (so the sums are the same additions in the same order) and the zones' arrays stay small.
  constexpr bool small_type = std::is_integral_v<T> && sizeof(T) <= 2;
  constexpr std::size_t keys = small_type ? std::size_t(1) << (8 * sizeof(T)) : 0;
  constexpr long long lowest = small_type ? static_cast<long long>(std::numeric_limits<T>::lowest()) : 0;
  const auto physical = [&](std::size_t key) { return static_cast<double>(static_cast<long long>(key) + lowest) * scale + offset; };
  bool dense = small_type && o.distribution && out.size() * keys * sizeof(double) <= (std::size_t(256) << 20);
  for (std::size_t k = 1; dense && k < keys; ++k) dense = physical(k) != physical(k - 1);  // monotone in k: adjacent ones suffice
  std::vector<std::vector<double>> dense_weight(dense ? out.size() : 0);
  std::vector<std::vector<char>> dense_seen(dense ? out.size() : 0);
  const int threads = std::max(1, o.threads);

  // Strips cut on the file's block rows (a multiple of them, at least one), so that each block is
  // decoded once, by one read, whatever GDAL's block cache holds; blocks much taller than a strip
  // (a file stored as one strip) are left to the cache rather than read whole, and the cache made
  // large enough to hold a block row of each file whose blocks straddle the strips (else every strip
  // decodes it again).
  const Window all = cover.bounding_window();
  const int strip_rows = std::max(1, o.strip_rows);
  const int block_rows = std::max(1, raster.block_rows(o.band));
  const int step = block_rows > 4 * strip_rows ? strip_rows : std::max(block_rows, strip_rows / block_rows * block_rows);
  std::int64_t held_by_cache = 0;
  if (step % block_rows != 0) held_by_cache += raster.block_row_bytes(o.band);
  if (o.weights && step % std::max(1, o.weights->block_rows(1)) != 0) held_by_cache += o.weights->block_row_bytes(1);
  if (held_by_cache > 0) ensure_block_cache(held_by_cache + (std::int64_t(16) << 20));  // 16 MB for the other bands' blocks
  std::vector<Window> touched;
  for (int r0 = all.row0; r0 < all.row_end();) {
    const int r1 = std::min(all.row_end(), (r0 / step + 1) * step);
    const Window strip{all.col0, r0, all.cols, r1 - r0};
    r0 = r1;
    bool any = false;
    for (std::size_t z = 0; z < cover.size() && !any; ++z) any = !cover.window(z).intersect(strip).empty();
    if (any) touched.push_back(strip);
  }
  // Two strips in flight: the next one read while this one is tallied, on a thread of its own (and
  // decoded on the reader's threads) when there are threads to spare. The reader serves one read at
  // a time.
  struct Strip {
    Block<T> values;
    Block<double> weights;
  };
  Strip buffers[2];
  // A plain GeoTIFF of 8 or 16 bits is decoded without GDAL's block cache (io/direct_tiles.hpp): the
  // same cells, one copy fewer. With threads, a decoder each, a strip's block columns cut among them
  // (as GDAL's NUM_THREADS decodes a read's blocks); the file's layout is read once.
  std::vector<std::unique_ptr<DirectTiles>> direct;
  if constexpr (std::is_integral_v<T> && sizeof(T) <= 2)
    if (o.band == 1 && raster.band_count() == 1)
      if (auto first = DirectTiles::open(raster.path(), raster.opened(), raster.grid().cols, raster.grid().rows, int(sizeof(T)),
                                         std::is_signed_v<T>)) {
        direct.push_back(std::move(first));
        for (int t = 1; t < threads; ++t)
          if (auto another = direct.front()->another()) direct.push_back(std::move(another));
      }
  // Reads `w` with the decoders, each part a task of the arena; false when a block there is GDAL's to
  // read (sparse).
  const auto read_direct = [&](const Window& w, T* cells) {
    const int block = direct.front()->block_cols();
    const int first = w.col0 / block, end = (w.col_end() - 1) / block + 1;
    const int parts = std::min<int>(int(direct.size()), end - first);
    std::vector<char> whole(std::size_t(parts), 1);
    tbb::parallel_for(
        0, parts,
        [&](int p) {
          // Part p: block columns [first + (end - first) * p / parts, first + (end - first) * (p + 1) / parts).
          const int c0 = std::max(w.col0, (first + (end - first) * p / parts) * block);
          const int c1 = std::min(w.col_end(), (first + (end - first) * (p + 1) / parts) * block);
          whole[std::size_t(p)] = direct[std::size_t(p)]->read_window(c0, w.row0, c1 - c0, w.rows, cells + (c0 - w.col0), w.cols);
        },
        tbb::simple_partitioner());  // a part's error rethrown here, once every part is done
    return std::all_of(whole.begin(), whole.end(), [](char c) { return c != 0; });
  };
  const auto read_strip = [&](std::size_t k) {
    Strip& s = buffers[k % 2];
    const Window& w = touched[k];
    s.values.reuse(w);
    if (direct.empty() || !read_direct(w, s.values.data())) raster.read_into(w, s.values, o.band);
    if (o.weights) o.weights->read_into(touched[k], s.weights, 1);
  };
  // The next strip read while this one is tallied, as tasks of one arena of `threads` threads kept
  // between strips (threads started for each strip's parts waited up to 4 ms for a core while the
  // other sat idle: README, Limits: Speed), at most as many as the machine has cores. The parts and
  // bands, and so the figures, follow `threads` whatever the arena holds. The reader serves one read
  // at a time.
  tbb::task_arena arena(std::min(threads, tbb::info::default_concurrency()));
  arena.execute([&] {
    tbb::task_group reading;  // declared after the buffers: waited for before them
    const auto start_reading = [&](std::size_t k) {
      if (threads > 1)
        reading.run([&read_strip, k] { read_strip(k); });
      else
        read_strip(k);
    };
    if (!touched.empty()) start_reading(0);
    for (std::size_t k = 0; k < touched.size(); ++k) {
      reading.wait();  // the strip's read done (its error rethrown here)
      if (k + 1 < touched.size()) start_reading(k + 1);
      const Window& strip = touched[k];
      const Strip& data = buffers[k % 2];
      // The strip's rows in bands, one a task: each row of each zone tallied on its own (coverage
      // fractions and cells in column order), then merged zone by zone, rows in order, as one pass
      // over the strip would merge them: the same figures for any thread count.
      const int bands = std::min(threads, strip.rows);
      std::vector<std::vector<RowPart>> parts(std::size_t(bands), std::vector<RowPart>{});
      std::vector<std::exception_ptr> failed(static_cast<std::size_t>(bands));
      const auto tally_band = [&](int b) {
        try {
          const int r0 = strip.row0 + int(std::int64_t(strip.rows) * b / bands), r1 = strip.row0 + int(std::int64_t(strip.rows) * (b + 1) / bands);
          cover.for_each_row(Window{strip.col0, r0, strip.cols, r1 - r0}, [&](std::size_t z, int row, int col0, const double* fraction, int cells) {
            RowPart part;
            part.zone = z, part.row = row;
            const T* raw_of = data.values.row(row - strip.row0) + (col0 - strip.col0);
            const double* weight_of_cell = o.weights ? data.weights.row(row - strip.row0) + (col0 - strip.col0) : nullptr;
            // The values of a distribution and the weighted sums, cell by cell, only when wanted, in a
            // pass of their own after the sums.
            const auto keep = [&](int c, double v, double f) {
              if (dense)
                part.keyed.emplace_back(static_cast<std::uint16_t>(static_cast<long long>(raw_of[c]) - lowest), f);
              else if (o.distribution)
                part.values.emplace_back(v, f);
              if (weight_of_cell) {
                const double w = weight_of_cell[c];
                if (!std::isnan(w) && !(weight_nodata && w == *weight_nodata)) part.weighted.add(v, f * w);
              }
            };
            const RowSums sums = sum_zone_row(raw_of, fraction, cells, has_nodata, nodata_value, scale, offset);
            if (o.distribution || weight_of_cell) for_each_valid_cell(raw_of, fraction, cells, has_nodata, nodata_value, scale, offset, keep);
            part.stats.count = sums.count, part.stats.sum = sums.sum, part.stats.min = sums.min, part.stats.max = sums.max;
            part.masked = sums.masked;
            parts[std::size_t(b)].push_back(std::move(part));
          });
        } catch (...) {
          failed[std::size_t(b)] = std::current_exception();
        }
      };
      tbb::parallel_for(0, bands, tally_band, tbb::simple_partitioner());
      for (const std::exception_ptr& e : failed)
        if (e) std::rethrow_exception(e);
      std::vector<const RowPart*> ordered;
      for (const auto& band : parts)
        for (const RowPart& part : band) ordered.push_back(&part);
      std::stable_sort(ordered.begin(), ordered.end(),
                       [](const RowPart* a, const RowPart* b) { return std::tie(a->zone, a->row) < std::tie(b->zone, b->row); });
      // Each zone's rows merged in row order, the zones side by side (what one zone holds is its own;
      // a distribution's merge, a cell at a time, was an eighth of the order statistics' time).
      std::vector<std::size_t> zone_starts;
      for (std::size_t i = 0; i < ordered.size(); ++i)
        if (i == 0 || ordered[i]->zone != ordered[i - 1]->zone) zone_starts.push_back(i);
      zone_starts.push_back(ordered.size());
      const auto merge_zone = [&](std::size_t g) {
        for (std::size_t i = zone_starts[g]; i < zone_starts[g + 1]; ++i) {
          const RowPart* part = ordered[i];
          ZoneValues& zone = out[part->zone];
          zone.stats.merge(part->stats);
          zone.weighted.merge(part->weighted);
          zone.masked_weight += part->masked;
          for (const auto& [v, w] : part->values) weight_of[part->zone][v] += w;
          if (!part->keyed.empty()) {
            std::vector<double>& sums = dense_weight[part->zone];
            std::vector<char>& seen = dense_seen[part->zone];
            if (sums.empty()) sums.assign(keys, 0.0), seen.assign(keys, 0);
            for (const auto& [key, w] : part->keyed) sums[key] += w, seen[key] = 1;
          }
        }
      };
      if (o.distribution)
        tbb::parallel_for(std::size_t(0), zone_starts.size() - 1, merge_zone, tbb::simple_partitioner());
      else  // a few sums a row: not worth a task
        for (std::size_t g = 0; g + 1 < zone_starts.size(); ++g) merge_zone(g);
    }
  });
  for (std::size_t z = 0; z < weight_of.size(); ++z) out[z].values.weight_of.insert(weight_of[z].begin(), weight_of[z].end());
  for (std::size_t z = 0; z < dense_weight.size(); ++z)
    for (std::size_t k = 0; k < dense_weight[z].size(); ++k)
      if (dense_seen[z][k]) out[z].values.weight_of.emplace(physical(k), dense_weight[z][k]);
}

}  // namespace

std::vector<ZoneValues> zonal_statistics(const RasterReader& raster, const std::vector<Zone>& zones, const ZonalRasterOptions& o) {
  const Grid& grid = raster.grid();
  if (o.band < 1 || o.band > raster.band_count())
    throw IoError(raster.path() + ": band " + std::to_string(o.band) + " requested but the file has " + std::to_string(raster.band_count()));
  if (o.weights) {
    const Grid& wg = o.weights->grid();
    if (wg.cols != grid.cols || wg.rows != grid.rows || !(wg.transform == grid.transform))
      throw IoError(o.weights->path() + ": not on the grid of " + raster.path() + " (" + std::to_string(wg.cols) + " x " +
                    std::to_string(wg.rows) + " cells against " + std::to_string(grid.cols) + " x " + std::to_string(grid.rows) +
                    ", or another origin or cell size); warp it first (gdalwarp -tap)");
  }
  const ZoneCover cover = zone_cover(zones, grid);
  std::vector<ZoneValues> out(zones.size());
  if (cover.bounding_window().empty()) return out;
  const std::string type = raster.data_type_name(o.band);
  if (type == "Byte")
    tally_zones<std::uint8_t>(raster, cover, o, out);
  else if (type == "UInt16")
    tally_zones<std::uint16_t>(raster, cover, o, out);
  else if (type == "Int16")
    tally_zones<std::int16_t>(raster, cover, o, out);
  else if (type == "Int32")
    tally_zones<std::int32_t>(raster, cover, o, out);
  else if (type == "Float32")
    tally_zones<float>(raster, cover, o, out);
  else
    tally_zones<double>(raster, cover, o, out);  // UInt32, Float64 and the rest: doubles hold them exactly
  return out;
}

}  // namespace geo::io
