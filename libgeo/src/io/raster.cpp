#include "libgeo/io/raster.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <gdal_priv.h>
#include <gdal_rat.h>
#include <gdal_utils.h>
#include <ogr_api.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <type_traits>

#include "cog_file.hpp"
#include "dataset_crs.hpp"
#include "direct_tiles.hpp"
#include "stamped_file.hpp"
#include "tiff_ifd.hpp"
#include "libgeo/io/vsi.hpp"

namespace geo::io {

namespace {

std::string last_gdal_error() {
  const char* msg = CPLGetLastErrorMsg();
  return msg && *msg ? std::string(msg) : std::string("unknown GDAL error");
}

template <typename T>
constexpr GDALDataType gdal_type_of() {
  if constexpr (std::is_same_v<T, std::uint8_t>)
    return GDT_Byte;
  else if constexpr (std::is_same_v<T, std::int16_t>)
    return GDT_Int16;
  else if constexpr (std::is_same_v<T, std::uint16_t>)
    return GDT_UInt16;
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return GDT_Int32;
  else if constexpr (std::is_same_v<T, float>)
    return GDT_Float32;
  else if constexpr (std::is_same_v<T, double>)
    return GDT_Float64;
  else
    static_assert(sizeof(T) == 0, "unsupported pixel type");
}

GDALDataType gdal_type_of(PixelType t) {
  switch (t) {
    case PixelType::u8:
      return GDT_Byte;
    case PixelType::i16:
      return GDT_Int16;
    case PixelType::u16:
      return GDT_UInt16;
    case PixelType::f32:
      return GDT_Float32;
  }
  return GDT_Float32;
}

// The GDAL settings that change the CRS GDAL builds from a GeoTIFF's GeoKeys or the WKT it gives for
// it (GDAL's GTiff driver and OGRSpatialReference::exportToWkt documentation).
constexpr const char* kCrsSettings[] = {"GTIFF_SRS_SOURCE", "GTIFF_REPORT_COMPD_CS", "GTIFF_LINEAR_UNITS", "GDAL_GEOREF_SOURCES",
                                        "OSR_WKT_FORMAT"};

// The bytes of a GeoTIFF's three GeoKey tags (GeoKeyDirectory, GeoDoubleParams, GeoAsciiParams:
// GeoTIFF 1.1, section 7.1) in its first IFD, led by the values of kCrsSettings; none when `path` is not
// a little-endian TIFF or BigTIFF with a GeoKeyDirectory, or anything in it does not add up (GDAL then
// says what the file holds). `opened`: the file at `path` before GDAL opened it; none too when the file
// there now is another one, or that one was not known.
std::optional<std::string> geokey_bytes(const std::string& path, const FileStamp& opened) {
  const std::optional<StampedFile> file = StampedFile::open(path, opened);
  if (!file) return std::nullopt;
  const auto bytes_at = [&file](std::uint64_t offset, std::size_t size, std::string& out) { return file->bytes_at(offset, size, out); };
  const std::optional<std::vector<TiffField>> fields = read_first_ifd(bytes_at, {34735, 34736, 34737});
  if (!fields || std::none_of(fields->begin(), fields->end(), [](const TiffField& f) { return f.tag == 34735; })) return std::nullopt;
  std::string key;
  for (const char* setting : kCrsSettings) {
    key += CPLGetConfigOption(setting, "");
    key += '\n';
  }
  for (const TiffField& f : *fields)
    key += std::to_string(f.tag) + ":" + std::to_string(f.type) + ":" + std::to_string(f.bytes.size()) + ":" + f.bytes;
  return key;
}

}  // namespace

// GDAL builds a GeoTIFF's CRS from its GeoKeys anew on every open, with PROJ database lookups: about
// 1.5 ms a file (GDAL 3.6), a tenth of a reduce that opens some two hundred rasters of two CRSs. With
// GDAL's side files off (initialise_gdal turns PAM off), the CRS is a function of the GeoKey tags and a
// few settings alone, so the WKT GDAL built once for the same bytes is the file's.
std::string dataset_crs_wkt(GDALDatasetH ds, const std::string& path, const FileStamp& opened) {
  const auto gdal_wkt = [&] {
    const char* wkt = GDALGetProjectionRef(ds);
    return std::string(wkt ? wkt : "");
  };
  GDALDriverH driver = GDALGetDatasetDriver(ds);
  if (!driver || std::strcmp(GDALGetDriverShortName(driver), "GTiff") != 0 || CPLTestBool(CPLGetConfigOption("GDAL_PAM_ENABLED", "YES")))
    return gdal_wkt();
  const std::optional<std::string> key = geokey_bytes(path, opened);
  if (!key) return gdal_wkt();
  static std::mutex mutex;
  static std::map<std::string, std::string> wkt_of;  // a handful of CRSs a run
  {
    const std::lock_guard<std::mutex> lock(mutex);
    if (const auto it = wkt_of.find(*key); it != wkt_of.end()) return it->second;
  }
  std::string wkt = gdal_wkt();
  if (!wkt.empty()) {
    const std::lock_guard<std::mutex> lock(mutex);
    if (wkt_of.size() < 256) wkt_of.emplace(*key, wkt);
  }
  return wkt;
}

namespace {

Grid grid_of(GDALDatasetH ds, const std::string& path, const FileStamp& opened) {
  Grid g;
  g.cols = GDALGetRasterXSize(ds);
  g.rows = GDALGetRasterYSize(ds);
  double gt[6];
  if (GDALGetGeoTransform(ds, gt) != CE_None) throw IoError(path + ": has no geotransform (not a georeferenced raster)");
  if (gt[2] != 0 || gt[4] != 0) throw IoError(path + ": rotated geotransforms are not supported");
  g.transform = GeoTransform{gt[0], gt[1], gt[3], gt[5]};
  g.crs_wkt = dataset_crs_wkt(ds, path, opened);
  return g;
}

std::function<void(bool, const std::string&)>& gdal_message_sink() {
  static std::function<void(bool, const std::string&)> sink;
  return sink;
}

extern "C" void route_gdal_message(CPLErr level, CPLErrorNum, const char* message) {
  if (level == CE_Debug || level == CE_None || !gdal_message_sink()) return;
  gdal_message_sink()(level >= CE_Failure, message ? message : "");
}

}  // namespace

void set_gdal_message_sink(std::function<void(bool error, const std::string& message)> sink) {
  gdal_message_sink() = std::move(sink);
  CPLSetErrorHandler(route_gdal_message);
}

void initialise_gdal(int cache_mb) {
  static std::once_flag once;
  std::call_once(once, [] { GDALAllRegister(); });
  // GDAL's default block cache (5% of RAM) costs a streaming reader ~1 GB; a small one suffices.
  GDALSetCacheMax64(std::int64_t(cache_mb) * 1024 * 1024);
  CPLSetConfigOption("GDAL_PAM_ENABLED", "NO");  // no .aux.xml side files next to inputs or outputs
}

void ensure_block_cache(std::int64_t bytes) {
  if (GDALGetCacheMax64() < bytes) GDALSetCacheMax64(bytes);
}

namespace {

// Why a path cannot be opened, in the user's terms: missing, unreadable, or not a raster.
[[noreturn]] void throw_open_failure(const std::string& path) {
  const std::string gdal_message = last_gdal_error();
  VSIStatBufL st;
  if (VSIStatExL(path.c_str(), &st, VSI_STAT_EXISTS_FLAG) != 0) throw IoError(path + ": does not exist");
  if (path.rfind("/vsi", 0) != 0 && ::access(path.c_str(), R_OK) != 0)
    throw IoError(path + ": is not readable (" + std::strerror(errno) + ")");
  if (path.rfind("/vsi", 0) != 0 && std::filesystem::is_directory(path)) throw IoError(path + ": is a folder, not a raster file");
  throw IoError(path + ": is not a raster GDAL can read (corrupt, truncated or another format): " + gdal_message);
}

}  // namespace

RasterReader::RasterReader(const std::string& path) : RasterReader(path, 1) {}

RasterReader::RasterReader(const std::string& path, int decode_threads) : path_(path) {
  // Opening a FIFO waits for a writer that may never come.
  if (const std::string why = special_file_problem(path, opened_); !why.empty()) throw IoError(path + ": " + why);
  CPLErrorReset();
  // The option only where the file's driver declares it (GDAL warns of an open option a driver lacks).
  const std::string threads = "NUM_THREADS=" + std::to_string(decode_threads);
  const char* const open_options[] = {threads.c_str(), nullptr};
  bool threaded = false;
  if (decode_threads > 1)
    if (GDALDriverH driver = GDALIdentifyDriverEx(path.c_str(), GDAL_OF_RASTER, nullptr, nullptr))
      if (const char* list = GDALGetMetadataItem(driver, GDAL_DMD_OPENOPTIONLIST, nullptr))
        // GDAL's XML quotes attributes with ' (GTiff) or " (others): either.
        threaded = std::strstr(list, "name='NUM_THREADS'") != nullptr || std::strstr(list, "name=\"NUM_THREADS\"") != nullptr;
  GDALDatasetH ds = GDALOpenEx(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, threaded ? open_options : nullptr, nullptr);
  if (!ds) throw_open_failure(path);
  dataset_ = ds;
  try {
    grid_ = grid_of(ds, path, opened_);
  } catch (...) {
    GDALClose(ds);
    dataset_ = nullptr;
    throw;
  }
  bands_ = GDALGetRasterCount(ds);
}

RasterReader::~RasterReader() {
  if (dataset_) GDALClose(static_cast<GDALDatasetH>(dataset_));
}
RasterReader::RasterReader(RasterReader&& o) noexcept
    : path_(std::move(o.path_)), opened_(o.opened_), grid_(std::move(o.grid_)), bands_(o.bands_), dataset_(o.dataset_) {
  o.dataset_ = nullptr;
}
RasterReader& RasterReader::operator=(RasterReader&& o) noexcept {
  if (this != &o) {
    if (dataset_) GDALClose(static_cast<GDALDatasetH>(dataset_));
    path_ = std::move(o.path_);
    opened_ = o.opened_;
    grid_ = std::move(o.grid_);
    bands_ = o.bands_;
    dataset_ = o.dataset_;
    o.dataset_ = nullptr;
  }
  return *this;
}

std::optional<double> RasterReader::nodata(int band) const {
  int has = 0;
  GDALRasterBandH b = GDALGetRasterBand(static_cast<GDALDatasetH>(dataset_), band);
  if (!b) return std::nullopt;
  const double v = GDALGetRasterNoDataValue(b, &has);
  return has ? std::optional<double>(v) : std::nullopt;
}

std::pair<double, double> RasterReader::scale_offset(int band) const {
  GDALRasterBandH b = GDALGetRasterBand(static_cast<GDALDatasetH>(dataset_), band);
  if (!b) return {1, 0};
  int has_scale = 0, has_offset = 0;
  double scale = GDALGetRasterScale(b, &has_scale), offset = GDALGetRasterOffset(b, &has_offset);
  auto item = [&](const char* key) -> const char* {
    const char* v = GDALGetMetadataItem(b, key, nullptr);
    return v ? v : GDALGetMetadataItem(static_cast<GDALDatasetH>(dataset_), key, nullptr);
  };
  if (!has_scale || scale == 1)
    if (const char* v = item("scale_factor")) scale = CPLAtof(v);
  if (!has_offset || offset == 0)
    if (const char* v = item("add_offset")) offset = CPLAtof(v);
  return {scale, offset};
}

std::optional<std::string> RasterReader::metadata_item(const std::string& key) const {
  const char* v = GDALGetMetadataItem(static_cast<GDALDatasetH>(dataset_), key.c_str(), nullptr);
  return v ? std::optional<std::string>(v) : std::nullopt;
}

std::string RasterReader::data_type_name(int band) const {
  GDALRasterBandH b = GDALGetRasterBand(static_cast<GDALDatasetH>(dataset_), band);
  return b ? GDALGetDataTypeName(GDALGetRasterDataType(b)) : "";
}

void RasterReader::read_raw(const Window& w, int band, void* dst, int gdal_type) const {
  if (band < 1 || band > bands_)
    throw IoError(path_ + ": band " + std::to_string(band) + " requested but the file has " + std::to_string(bands_));
  if (w.empty()) return;
  GDALRasterBandH b = GDALGetRasterBand(static_cast<GDALDatasetH>(dataset_), band);
  CPLErrorReset();
  if (GDALRasterIO(b, GF_Read, w.col0, w.row0, w.cols, w.rows, dst, w.cols, w.rows, static_cast<GDALDataType>(gdal_type), 0, 0) != CE_None)
    throw IoError(path_ + ": cannot read rows " + std::to_string(w.row0) + "-" + std::to_string(w.row_end() - 1) +
                  " (corrupt or truncated file?): " + last_gdal_error());
}

template <typename T>
Block<T> RasterReader::read(const Window& window, int band) const {
  Block<T> out = Block<T>::uninitialized(window);
  read_raw(window, band, out.data(), gdal_type_of<T>());
  return out;
}

template <typename T>
void RasterReader::read_into(const Window& window, Block<T>& out, int band) const {
  out.reuse(window);
  read_raw(window, band, out.data(), gdal_type_of<T>());
}

int RasterReader::block_rows(int band) const {
  if (band < 1 || band > bands_) return 1;
  int x = 0, y = 0;
  GDALGetBlockSize(GDALGetRasterBand(static_cast<GDALDatasetH>(dataset_), band), &x, &y);
  return std::max(1, y);
}

std::int64_t RasterReader::block_row_bytes(int band) const {
  if (band < 1 || band > bands_) return 0;
  GDALRasterBandH b = GDALGetRasterBand(static_cast<GDALDatasetH>(dataset_), band);
  int x = 0, y = 0;
  GDALGetBlockSize(b, &x, &y);
  x = std::max(1, x), y = std::max(1, y);
  const std::int64_t blocks_across = (std::int64_t(grid_.cols) + x - 1) / x;
  return blocks_across * x * y * GDALGetDataTypeSizeBytes(GDALGetRasterDataType(b));
}

template <typename T>
ForwardReader<T>::ForwardReader(RasterReader reader, int band) : reader_(std::move(reader)), band_(band) {
  // Chunks of whole block rows, at least 64 rows (a file stored one row per strip is not read row by
  // row); blocks taller than 1024 rows (a whole image in one strip) are left to GDAL's cache.
  const int block = reader_.block_rows(band);
  if (block <= 1024) chunk_rows_ = block * std::max(1, 64 / block);
  if (chunk_rows_ > 0 && band == 1 && reader_.band_count() == 1)
    direct_ = DirectTiles::open(reader_.path(), reader_.opened(), reader_.grid().cols, reader_.grid().rows, int(sizeof(T)), std::is_signed_v<T>);
}

template <typename T>
Block<T> ForwardReader<T>::read_chunk(int row0, int rows) {
  const Window chunk{0, row0, reader_.grid().cols, rows};
  if (direct_) {
    Block<T> out = Block<T>::uninitialized(chunk);
    if (direct_->read_rows(row0, rows, out.data())) return out;
  }
  Block<T> out = reader_.read<T>(chunk, band_);
  // Held here, the chunk's blocks are not needed in GDAL's cache again. Dropped now, their memory
  // serves the next chunk's blocks: a pass over many rasters stays within memory it has touched
  // already, instead of filling the cache with fresh pages (a season tile shard: 125 MiB less peak
  // memory, and a third of its system time, which the kernel spent giving it zeroed pages).
  reader_.drop_cached_blocks(band_);
  return out;
}

void RasterReader::drop_cached_blocks(int band) const {
  if (GDALRasterBandH b = GDALGetRasterBand(static_cast<GDALDatasetH>(dataset_), band)) GDALFlushRasterCache(b);
}

template <typename T>
Block<T> ForwardReader<T>::read(const Window& w) {
  const Grid& g = reader_.grid();
  if (chunk_rows_ == 0 || w.empty() || w.col0 < 0 || w.row0 < 0 || w.col_end() > g.cols || w.row_end() > g.rows)
    return reader_.read<T>(w, band_);
  if (!held_.empty() && w.row0 < held_.front().window().row0) held_.clear();  // the stream starts over
  std::size_t drop = 0;
  while (drop < held_.size() && held_[drop].window().row_end() <= w.row0) ++drop;
  held_.erase(held_.begin(), held_.begin() + std::ptrdiff_t(drop));
  int next = held_.empty() ? w.row0 / chunk_rows_ * chunk_rows_ : held_.back().window().row_end();
  while (next < w.row_end()) {
    const int rows = std::min(chunk_rows_, g.rows - next);
    held_.push_back(read_chunk(next, rows));
    next += rows;
  }
  Block<T> out = Block<T>::uninitialized(w);
  const int first_chunk = held_.front().window().row0 / chunk_rows_;
  for (int r = w.row0; r < w.row_end(); ++r) {
    const Block<T>& chunk = held_[std::size_t(r / chunk_rows_ - first_chunk)];
    const T* src = chunk.data() + std::size_t(r - chunk.window().row0) * std::size_t(g.cols) + std::size_t(w.col0);
    std::copy(src, src + w.cols, out.data() + std::size_t(r - w.row0) * std::size_t(w.cols));
  }
  return out;
}

template <typename T>
std::int64_t ForwardReader<T>::held_bytes() const {
  std::int64_t bytes = 0;
  for (const Block<T>& chunk : held_) bytes += std::int64_t(chunk.size() * sizeof(T));
  return bytes;
}

template class ForwardReader<std::uint8_t>;
template class ForwardReader<std::int16_t>;
template class ForwardReader<std::uint16_t>;

template Block<std::uint8_t> RasterReader::read(const Window&, int) const;
template Block<std::int16_t> RasterReader::read(const Window&, int) const;
template Block<std::uint16_t> RasterReader::read(const Window&, int) const;
template Block<float> RasterReader::read(const Window&, int) const;
template Block<double> RasterReader::read(const Window&, int) const;
template Block<std::int32_t> RasterReader::read(const Window&, int) const;
template void RasterReader::read_into(const Window&, Block<std::uint8_t>&, int) const;
template void RasterReader::read_into(const Window&, Block<std::int16_t>&, int) const;
template void RasterReader::read_into(const Window&, Block<std::uint16_t>&, int) const;
template void RasterReader::read_into(const Window&, Block<std::int32_t>&, int) const;
template void RasterReader::read_into(const Window&, Block<float>&, int) const;
template void RasterReader::read_into(const Window&, Block<double>&, int) const;

namespace {
// Flush a file or folder by path with `flush` (fsync(2) for it alone, syncfs(2) for its whole file
// system); a file system that cannot (EINVAL, EROFS) is left as it is.
void sync_path(const std::string& path, int flags, const std::string& what, int (*flush)(int) = ::fsync) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) throw WriteError(path + ": cannot open to flush " + what + ": " + std::strerror(errno));
  if (flush(fd) != 0 && errno != EINVAL && errno != EROFS) {
    const int err = errno;
    ::close(fd);
    throw WriteError(path + ": cannot flush " + what + " to disk: " + std::strerror(err));
  }
  ::close(fd);
}
}  // namespace

namespace {
std::function<void(const char*, const std::string&)>& publish_observer() {
  static std::function<void(const char*, const std::string&)> observer;
  return observer;
}
}  // namespace

void set_publish_observer(std::function<void(const char* stage, const std::string& path)> observer) {
  publish_observer() = std::move(observer);
}

namespace {

// The folders of the FolderSyncBatches alive (how many batches name each) and those a rename went
// into since (their flush is owed by a batch's finish).
struct DeferredFolderSyncs {
  std::mutex mutex;
  std::map<std::string, int> batches;
  std::set<std::string> owed;
};
DeferredFolderSyncs& deferred_folder_syncs() {
  static DeferredFolderSyncs d;
  return d;
}

std::string normal_folder(const std::string& folder) {
  std::string normal = std::filesystem::path(folder.empty() ? std::string(".") : folder).lexically_normal().string();
  while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  return normal;
}

}  // namespace

FolderSyncBatch::FolderSyncBatch(const std::vector<std::string>& folders) {
  DeferredFolderSyncs& d = deferred_folder_syncs();
  const std::lock_guard<std::mutex> lock(d.mutex);
  for (const std::string& f : folders) {
    folders_.push_back(normal_folder(f));
    ++d.batches[folders_.back()];
  }
}

void FolderSyncBatch::finish() {
  if (finished_) return;
  finished_ = true;
  std::vector<std::string> to_flush;
  {
    DeferredFolderSyncs& d = deferred_folder_syncs();
    const std::lock_guard<std::mutex> lock(d.mutex);
    for (const std::string& f : folders_) {
      if (--d.batches[f] == 0) d.batches.erase(f);
      if (d.owed.erase(f) > 0) to_flush.push_back(f);
    }
  }
  // Outside the lock: a flush waits for the disk, and other threads publish meanwhile.
  for (const std::string& f : to_flush) sync_path(f, O_RDONLY | O_DIRECTORY, "the folder");
}

FolderSyncBatch::~FolderSyncBatch() {
  try {
    finish();
  } catch (const std::exception&) {
    // Unwinding from another error already; that one is reported.
  }
}

void atomic_replace(const std::string& from, const std::string& to) {
  // The data reaches the disk before the rename publishes it, and the rename before the caller goes
  // on (a catalog recording the file), or before its FolderSyncBatch finishes: a crash or power cut
  // leaves the old file or the whole new one.
  sync_path(from, O_RDONLY, "the new file");
  if (publish_observer()) publish_observer()("before-rename", to);
  if (std::rename(from.c_str(), to.c_str()) != 0) throw WriteError("cannot rename " + from + " to " + to + ": " + std::strerror(errno));
  const auto slash = to.find_last_of('/');
  const std::string folder = slash == std::string::npos ? std::string(".") : slash == 0 ? std::string("/") : to.substr(0, slash);
  bool deferred = false;
  {
    DeferredFolderSyncs& d = deferred_folder_syncs();
    const std::lock_guard<std::mutex> lock(d.mutex);
    if (!d.batches.empty()) {
      const std::string normal = normal_folder(folder);
      if (d.batches.count(normal)) deferred = true, d.owed.insert(normal);
    }
  }
  if (!deferred) sync_path(folder, O_RDONLY | O_DIRECTORY, "the folder");
  if (publish_observer()) publish_observer()("after-rename", to);
}

std::string unique_partial_path(const std::string& target, bool keep_extension) {
  static std::atomic<unsigned long> counter{0};
  std::string tag(".");  // appended piecewise: GCC 12 warns falsely (-Wrestrict) on "." + std::string
  tag.append(std::to_string(::getpid())).append("-").append(std::to_string(counter++)).append(".partial");
  if (!keep_extension) return target + tag;
  const auto slash = target.find_last_of('/');
  const auto dot = target.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return target + tag;
  return target.substr(0, dot) + tag + target.substr(dot);
}

namespace {

// Writes `bytes` into a new file `path` with every error checked (a full disk, a file-size limit);
// when `flush`, to disk too. On failure the file is removed and WriteError names `target` (what
// the file becomes) and the reason.
void write_new_file(const std::string& path, const std::string& target, const std::string& bytes, bool flush) {
  auto fail = [&](const std::string& what, int err) {
    std::remove(path.c_str());
    throw WriteError(target + ": " + what + ": " + std::strerror(err));
  };
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot create " + path, errno);
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : ENOSPC;
      ::close(fd);
      fail("cannot write (" + std::to_string(written) + " of " + std::to_string(bytes.size()) + " bytes written)", err);
    }
    written += std::size_t(n);
  }
  if (flush && ::fsync(fd) != 0 && errno != EINVAL && errno != EROFS) {
    const int err = errno;
    ::close(fd);
    fail("cannot flush to disk", err);
  }
  if (::close(fd) != 0) fail("cannot close", errno);
}

}  // namespace

void write_file_atomically(const std::string& path, const std::string& bytes) {
  const std::string partial = unique_partial_path(path);
  write_new_file(partial, path, bytes, false);  // atomic_replace flushes it to disk before the rename
  try {
    atomic_replace(partial, path);
  } catch (...) {
    std::remove(partial.c_str());
    throw;
  }
}

void write_files_durably(const std::string& folder, const std::vector<std::pair<std::string, std::string>>& files) {
  namespace fs = std::filesystem;
  fs::path root = fs::path(folder).lexically_normal();
  if (!root.has_filename() && root.has_parent_path() && root != root.root_path()) root = root.parent_path();  // "out/" is "out"
  for (const auto& [relative, bytes] : files) {
    const fs::path path = (root / relative).lexically_normal();
    const fs::path inside = path.lexically_relative(root);
    if (inside.empty() || *inside.begin() == ".." || inside == ".")
      throw WriteError(path.string() + ": not a file inside " + root.string());
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) throw WriteError(path.string() + ": cannot create its folder: " + ec.message());
    write_new_file(path.string(), path.string(), bytes, false);
  }
  // One flush of the folder's file system (syncfs(2)) for every file and folder at once: each of
  // hundreds flushed on its own cost a round trip to the disk apiece (a STAC catalog's 230 flushes
  // were a fifth of a reduce step). Since Linux 5.8 syncfs reports the write-back errors of the
  // files written here. It also flushes whatever else is waiting on that file system: at the end of a
  // run, whose rasters are on disk already, that is little.
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) throw WriteError(root.string() + ": cannot create the folder: " + ec.message());
  sync_path(root.string(), O_RDONLY | O_DIRECTORY, "the new files", ::syncfs);
}

namespace {

// A class raster's names: GDAL's category names (one per value up to the largest) and a thematic
// raster attribute table (Value, Class, Red, Green, Blue, Alpha), as ArcGIS and QGIS (3.30+) read a
// thematic raster's classes. GeoTIFF holds neither: on a file opened read-only GDAL keeps them in the
// file's .aux.xml (PAM).
void set_class_names(GDALRasterBandH band, const std::vector<ColourEntry>& colours) {
  int max_value = 0;
  for (const auto& c : colours) max_value = std::max(max_value, c.value);
  std::vector<std::string> names(std::size_t(max_value + 1));
  for (const auto& c : colours) names[std::size_t(c.value)] = c.label;
  char** cats = nullptr;
  for (const auto& n : names) cats = CSLAddString(cats, n.c_str());
  GDALSetRasterCategoryNames(band, cats);
  CSLDestroy(cats);
  GDALRasterAttributeTableH rat = GDALCreateRasterAttributeTable();
  GDALRATCreateColumn(rat, "Value", GFT_Integer, GFU_MinMax);
  GDALRATCreateColumn(rat, "Class", GFT_String, GFU_Name);
  const char* channels[] = {"Red", "Green", "Blue", "Alpha"};
  const GDALRATFieldUsage usages[] = {GFU_Red, GFU_Green, GFU_Blue, GFU_Alpha};
  for (int i = 0; i < 4; ++i) GDALRATCreateColumn(rat, channels[i], GFT_Integer, usages[i]);
  GDALRATSetTableType(rat, GRTT_THEMATIC);
  GDALRATSetRowCount(rat, int(colours.size()));
  for (std::size_t i = 0; i < colours.size(); ++i) {
    const ColourEntry& c = colours[i];
    const int row = int(i);
    GDALRATSetValueAsInt(rat, row, 0, c.value);
    GDALRATSetValueAsString(rat, row, 1, c.label.c_str());
    const int rgba[] = {c.r, c.g, c.b, c.a};
    for (int k = 0; k < 4; ++k) GDALRATSetValueAsInt(rat, row, 2 + k, rgba[k]);
  }
  GDALSetDefaultRAT(band, rat);
  GDALDestroyRasterAttributeTable(rat);
}

}  // namespace

namespace {

// What GDAL records of a raster besides its cells: georeferencing, nodata, the band's description,
// scale, offset, unit and colour table, the dataset's metadata.
void describe_dataset(GDALDatasetH ds, const RasterSpec& spec) {
  const auto& t = spec.grid.transform;
  double gt[6] = {t.origin_x, t.pixel_width, 0, t.origin_y, 0, t.pixel_height};
  GDALSetGeoTransform(ds, gt);
  if (!spec.grid.crs_wkt.empty()) GDALSetProjection(ds, spec.grid.crs_wkt.c_str());
  GDALRasterBandH b = GDALGetRasterBand(ds, 1);
  GDALSetRasterNoDataValue(b, spec.nodata);
  GDALSetDescription(b, spec.description.c_str());
  if (spec.scale != 1 || spec.offset != 0) {
    GDALSetRasterScale(b, spec.scale);
    GDALSetRasterOffset(b, spec.offset);
  }
  if (!spec.colours.empty()) {
    GDALColorTableH ct = GDALCreateColorTable(GPI_RGB);
    for (const auto& c : spec.colours) {
      GDALColorEntry e{c.r, c.g, c.b, c.a};
      GDALSetColorEntry(ct, c.value, &e);
    }
    GDALSetRasterColorTable(b, ct);
    GDALDestroyColorTable(ct);
  }
  if (!spec.unit.empty()) GDALSetRasterUnitType(b, spec.unit.c_str());
  for (const auto& [k, v] : spec.metadata) GDALSetMetadataItem(ds, k.c_str(), v.c_str(), nullptr);
}

// The TIFF fields GDAL writes for `spec` beyond the cells' layout (photometric, colour map, the
// GeoTIFF georeferencing, GDAL_METADATA, GDAL_NODATA), taken from a one-cell GeoTIFF GDAL writes in
// memory: the direct COG writer carries exactly what GDAL would, with no GeoTIFF code of its own.
std::vector<TiffField> gdal_fields_for(const RasterSpec& spec, const std::string& target) {
  static std::atomic<unsigned long> counter{0};
  const std::string name = "/vsimem/ecomon_template_" + std::to_string(counter++) + ".tif";
  RasterSpec one_cell = spec;
  one_cell.grid.cols = one_cell.grid.rows = 1;
  CPLErrorReset();
  GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), name.c_str(), 1, 1, 1, gdal_type_of(spec.type), nullptr);
  if (!ds) throw WriteError(target + ": cannot describe the raster: " + last_gdal_error());
  describe_dataset(ds, one_cell);
  GDALClose(ds);
  vsi_l_offset size = 0;
  GByte* bytes = VSIGetMemFileBuffer(name.c_str(), &size, FALSE);
  const std::string file = bytes ? std::string(reinterpret_cast<const char*>(bytes), std::size_t(size)) : std::string();
  VSIUnlink(name.c_str());
  // Photometric, ColorMap, ModelPixelScale, ModelTiepoint, ModelTransformation, GeoKeyDirectory,
  // GeoDoubleParams, GeoAsciiParams, GDAL_METADATA, GDAL_NODATA.
  // The fields are copied into a classic TIFF, so they must come from one.
  std::optional<std::vector<TiffField>> fields;
  if (file.compare(0, 4, std::string("II*\0", 4)) == 0)
    fields = read_first_ifd(file, {262, 320, 33550, 33922, 34264, 34735, 34736, 34737, 42112, 42113});
  if (!fields) throw WriteError(target + ": the GeoTIFF template GDAL wrote is not a little-endian classic TIFF");
  return std::move(*fields);
}

}  // namespace

CogWriter::CogWriter(std::string path, RasterSpec spec, CogOptions options, std::string temp_dir)
    : path_(std::move(path)), spec_(std::move(spec)), options_(std::move(options)) {
  namespace fs = std::filesystem;
  fs::create_directories(temp_dir);
  // Unique per process and writer: two runs on one output folder never share a streaming file.
  temp_path_ = unique_partial_path((fs::path(temp_dir) / fs::path(path_).filename()).string(), true);
  const int levels = options_.cloud_optimized ? OverviewPyramid::level_count(spec_.grid.cols, spec_.grid.rows, options_.block_size) : 0;
  if (options_.part_rows > 0 && !part_possible(spec_, options_, options_.part_row0, options_.part_rows))
    throw std::logic_error(path_ + ": rows " + std::to_string(options_.part_row0) + "+" + std::to_string(options_.part_rows) +
                           " cannot be written as a part of a Cloud-Optimized GeoTIFF");
  // A COG whose codec the direct writer knows is written by it, unless one band of block rows of
  // every level would hold more than kDirectBandBytes: GDAL's bounded block cache then keeps the
  // memory in check for any width.
  // A plain tiled GeoTIFF (a work file: no overviews) is written so as well, the same tiles without
  // GDAL's block cache and its copies (a season-only run, whose scene passes write them, 4% faster).
  if (cog::codec_supported(options_.codec) && cog::band_bytes(spec_, options_, levels) <= kDirectBandBytes) {
    // A part has no IFD of its own: the GDAL template is only made for a whole COG.
    direct_ = std::make_unique<cog::CogFile>(spec_, options_, levels, options_.part_rows > 0 ? std::vector<TiffField>{} : gdal_fields_for(spec_, path_),
                                             temp_path_);
    if (options_.part_rows > 0) direct_->start_part(options_.part_row0);
    if (levels > 0 && spec_.categorical)
      decimated_levels_ = levels;
    else if (levels > 0)
      pyramid_ = std::make_unique<OverviewPyramid>(
          spec_.grid.cols, levels, OverviewPyramid::Method::average,
          [this](int level, int row, const std::vector<double>& values) { write_overview_row(level, row, values); });
    return;
  }
  GDALDriverH drv = GDALGetDriverByName("GTiff");
  // For a COG the streaming file is uncompressed: the codec runs once, in the COG translation.
  char** opts = nullptr;
  if (!options_.cloud_optimized && options_.codec != "NONE") {
    opts = CSLSetNameValue(opts, "COMPRESS", options_.codec.c_str());
    if (options_.codec == "ZSTD") opts = CSLSetNameValue(opts, "ZSTD_LEVEL", std::to_string(options_.level).c_str());
    if (options_.codec == "DEFLATE") opts = CSLSetNameValue(opts, "ZLEVEL", std::to_string(options_.level).c_str());
    if (options_.predictor) opts = CSLSetNameValue(opts, "PREDICTOR", spec_.type == PixelType::f32 ? "3" : "2");
  }
  opts = CSLSetNameValue(opts, "TILED", "YES");
  opts = CSLSetNameValue(opts, "BLOCKXSIZE", std::to_string(options_.block_size).c_str());
  opts = CSLSetNameValue(opts, "BLOCKYSIZE", std::to_string(options_.block_size).c_str());
  opts = CSLSetNameValue(opts, "BIGTIFF", "IF_SAFER");
  CPLErrorReset();
  GDALDatasetH ds = GDALCreate(drv, temp_path_.c_str(), spec_.grid.cols, spec_.grid.rows, 1, gdal_type_of(spec_.type), opts);
  CSLDestroy(opts);
  if (!ds) throw WriteError(temp_path_ + ": cannot create: " + last_gdal_error());
  dataset_ = ds;
  describe_dataset(ds, spec_);
  GDALRasterBandH b = GDALGetRasterBand(ds, 1);
  if (!spec_.colours.empty()) set_class_names(b, spec_.colours);
  // Overview levels as the COG driver would make them (halving until one block holds a level),
  // created empty in the stream file and filled while streaming.
  if (levels > 0) {
    std::vector<int> factors;
    for (int l = 1, f = 2; l <= levels; ++l, f *= 2) factors.push_back(f);
    CPLErrorReset();
    if (GDALBuildOverviews(ds, "NONE", levels, factors.data(), 0, nullptr, nullptr, nullptr) == CE_None &&
        GDALGetOverviewCount(b) == levels) {
      for (int l = 0; l < levels; ++l) GDALSetRasterNoDataValue(GDALGetOverview(b, l), spec_.nodata);
      pyramid_ = std::make_unique<OverviewPyramid>(
          spec_.grid.cols, levels, spec_.categorical ? OverviewPyramid::Method::nearest : OverviewPyramid::Method::average,
          [this](int level, int row, const std::vector<double>& values) { write_overview_row(level, row, values); });
    }
  }
}

namespace {

// floor(x) for |x| < 2^63, without a call: std::floor is one on x86-64 without SSE4.1, made for
// every overview cell. The truncation is exact, and one less where it rounded a negative x up.
inline double floor_of(double x) {
  const double truncated = double(static_cast<long long>(x));
  return truncated > x ? truncated - 1 : truncated;
}

// An overview row in the raster's own type, so GDAL copies it rather than converting each value: the
// nodata value where the mean is NaN, integers rounded half up (means of in-range integers stay in range).
template <typename T>
std::vector<T> overview_cells(const std::vector<double>& values, double nodata) {
  std::vector<T> out(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    if constexpr (std::is_floating_point_v<T>)
      out[i] = T(v == v ? v : nodata);
    else
      out[i] = T(v == v ? floor_of(v + 0.5) : nodata);  // a mean of in-range integers: well inside 2^63
  }
  return out;
}

template <typename T>
CPLErr write_overview_cells(GDALRasterBandH band, int row, const std::vector<double>& values, double nodata) {
  std::vector<T> cells = overview_cells<T>(values, nodata);
  return GDALRasterIO(band, GF_Write, 0, row, int(cells.size()), 1, cells.data(), int(cells.size()), 1, gdal_type_of<T>(), 0, 0);
}

}  // namespace

void CogWriter::write_overview_row(int level, int row, const std::vector<double>& values) {
  if (direct_) {
    const auto add = [&](auto cells) { direct_->add_rows(level, cells.data(), 1); };
    switch (spec_.type) {
      case PixelType::u8: add(overview_cells<std::uint8_t>(values, spec_.nodata)); break;
      case PixelType::i16: add(overview_cells<std::int16_t>(values, spec_.nodata)); break;
      case PixelType::u16: add(overview_cells<std::uint16_t>(values, spec_.nodata)); break;
      case PixelType::f32: add(overview_cells<float>(values, spec_.nodata)); break;
    }
    return;
  }
  GDALRasterBandH ov = GDALGetOverview(GDALGetRasterBand(static_cast<GDALDatasetH>(dataset_), 1), level - 1);
  CPLErrorReset();
  CPLErr err = CE_None;
  switch (spec_.type) {
    case PixelType::u8:
      err = write_overview_cells<std::uint8_t>(ov, row, values, spec_.nodata);
      break;
    case PixelType::i16:
      err = write_overview_cells<std::int16_t>(ov, row, values, spec_.nodata);
      break;
    case PixelType::u16:
      err = write_overview_cells<std::uint16_t>(ov, row, values, spec_.nodata);
      break;
    case PixelType::f32:
      err = write_overview_cells<float>(ov, row, values, spec_.nodata);
      break;
  }
  if (err != CE_None) throw WriteError(temp_path_ + ": cannot write overview level " + std::to_string(level) + ": " + last_gdal_error());
}

CogWriter::~CogWriter() {
  if (dataset_) GDALClose(static_cast<GDALDatasetH>(dataset_));
  if (!finished_) std::remove(temp_path_.c_str());
}

void CogWriter::write_raw(const Window& w, const void* data, int gdal_type) {
  if (w.empty()) return;
  GDALRasterBandH b = GDALGetRasterBand(static_cast<GDALDatasetH>(dataset_), 1);
  CPLErrorReset();
  if (GDALRasterIO(b, GF_Write, w.col0, w.row0, w.cols, w.rows, const_cast<void*>(data), w.cols, w.rows,
                   static_cast<GDALDataType>(gdal_type), 0, 0) != CE_None)
    throw WriteError(temp_path_ + ": cannot write: " + last_gdal_error());
}

template <typename T>
void CogWriter::write(const Block<T>& block) {
  const Window& w = block.window();
  if (w.empty()) return;
  const bool in_order = w.col0 == 0 && w.cols == spec_.grid.cols && w.row0 == next_row_ && (options_.part_rows == 0 || w.row_end() <= options_.part_rows);
  if (direct_) {
    if (!in_order)
      throw std::logic_error(path_ + ": a Cloud-Optimized GeoTIFF is written from full-width strips in row order; got rows " +
                             std::to_string(w.row0) + "-" + std::to_string(w.row0 + w.rows - 1) + " where row " + std::to_string(next_row_) +
                             " was next");
    direct_->add_rows(0, block.data(), w.rows);
  } else {
    write_raw(w, block.data(), gdal_type_of<T>());
  }
  if (decimated_levels_ > 0) {  // direct_: in order, checked above
    write_decimated_overviews(block);
    next_row_ += w.rows;
    return;
  }
  if (!pyramid_) {
    if (in_order) next_row_ += w.rows;
    return;
  }
  if (!in_order) {
    pyramid_.reset();  // not a full-width strip in order: GDAL computes the overviews at finish()
    return;
  }
  for (int r = 0; r < w.rows; ++r) pyramid_->add_typed_row(block.data() + std::size_t(r) * std::size_t(w.cols), spec_.nodata);
  next_row_ += w.rows;
}
// OverviewPyramid's nearest method, cell for cell: level l's row k is the full resolution's row
// k * 2^l, its cell j the row's cell j * 2^l (each level takes the top-left cell of the 2 x 2 block of
// the level above), a NaN float as the nodata value (the pyramid's missing cell). The pyramid made
// each overview row through rows of doubles, converted and allocated for every full-resolution row,
// odd ones included (with the average's, 11% of a full run's perf samples before; 7% after). A level's row
// goes to the writer as soon as its source row arrives; the COG's bytes do not depend on when (the
// tiles are laid out by level and place at the end). In a part, whose first row is a multiple of
// 2^levels, the rows count from the part's start with the same parities.
template <typename T>
void CogWriter::write_decimated_overviews(const Block<T>& block) {
  const Window& w = block.window();
  std::vector<T> cells;
  for (int r = 0; r < w.rows; ++r) {
    const int row = next_row_ + r;
    const T* src = block.data() + std::size_t(r) * std::size_t(w.cols);
    for (int level = 1; level <= decimated_levels_ && row % (1 << level) == 0; ++level) {
      const std::size_t step = std::size_t(1) << level, cols = (std::size_t(w.cols) + step - 1) / step;
      cells.resize(cols);
      for (std::size_t j = 0; j < cols; ++j) {
        const T v = src[j * step];
        if constexpr (std::is_floating_point_v<T>)
          cells[j] = v == v ? v : T(spec_.nodata);
        else
          cells[j] = v;
      }
      direct_->add_rows(level, cells.data(), 1);
    }
  }
}

template void CogWriter::write(const Block<std::uint8_t>&);
template void CogWriter::write(const Block<std::int16_t>&);
template void CogWriter::write(const Block<std::uint16_t>&);
template void CogWriter::write(const Block<float>&);

namespace {

// Flushes and closes `ds`; false when GDAL reported a failure doing either (a full disk shows here).
bool flush_and_close(GDALDatasetH ds) {
  CPLErrorReset();
  GDALFlushCache(ds);
  const bool flushed = CPLGetLastErrorType() < CE_Failure;
  GDALClose(ds);
  return flushed && CPLGetLastErrorType() < CE_Failure;
}

}  // namespace

bool CogWriter::part_possible(const RasterSpec& spec, const CogOptions& options, int row0, int rows) {
  if (!options.cloud_optimized || !cog::codec_supported(options.codec) || rows <= 0 || row0 < 0 || row0 + rows > spec.grid.rows) return false;
  const int levels = OverviewPyramid::level_count(spec.grid.cols, spec.grid.rows, options.block_size);
  if (cog::band_bytes(spec, options, levels) > kDirectBandBytes) return false;
  const int factor = 1 << levels;
  return row0 % factor == 0 && (rows % factor == 0 || row0 + rows == spec.grid.rows);
}

void CogWriter::append_part(const std::string& part) {
  if (!direct_ || options_.part_rows > 0) throw std::logic_error(path_ + ": parts are appended only to a directly written COG");
  if (pyramid_) pyramid_->skip_rows(0);  // throws while a level has a row pending: the part would not follow on
  const int rows = direct_->add_part(part);
  if (pyramid_) pyramid_->skip_rows(rows);
  next_row_ += rows;
}

void CogWriter::finish() {
  if (direct_ && options_.part_rows > 0) {
    if (next_row_ != options_.part_rows)
      throw WriteError(path_ + ": cannot write a part: " + std::to_string(next_row_) + " of its " + std::to_string(options_.part_rows) +
                       " rows were written");
    // The part's overview rows are all out unless it ends the raster, whose last odd rows the
    // pyramid still holds.
    if (pyramid_ && options_.part_row0 + options_.part_rows == spec_.grid.rows) pyramid_->finish();
    const std::string partial = unique_partial_path(path_, true);
    direct_->write_part(partial, path_);
    direct_.reset();
    atomic_replace(partial, path_);
    finished_ = true;
    return;
  }
  if (direct_) {
    if (next_row_ != spec_.grid.rows)
      throw WriteError(path_ + ": cannot write Cloud-Optimized GeoTIFF: " + std::to_string(next_row_) + " of its " +
                       std::to_string(spec_.grid.rows) + " rows were written");
    if (pyramid_) pyramid_->finish();
    const std::string partial = unique_partial_path(path_, true);
    direct_->write(partial, path_);
    direct_.reset();
    publish_with_sidecars(partial);
    return;
  }
  GDALDatasetH src = static_cast<GDALDatasetH>(dataset_);
  if (!options_.cloud_optimized) {  // the streaming file is the result
    const bool written = flush_and_close(src);
    dataset_ = nullptr;
    if (!written) {
      std::remove(temp_path_.c_str());
      std::remove((temp_path_ + ".aux.xml").c_str());
      throw WriteError(path_ + ": cannot write GeoTIFF: " + last_gdal_error());
    }
    publish_with_sidecars(temp_path_);
    return;
  }
  const bool streamed = pyramid_ && next_row_ == spec_.grid.rows;  // every row arrived, in order
  if (streamed) pyramid_->finish();
  GDALFlushCache(src);
  const std::string partial = unique_partial_path(path_, true);
  char** opts = nullptr;
  opts = CSLSetNameValue(opts, "COMPRESS", options_.codec.c_str());
  if (options_.codec == "ZSTD" || options_.codec == "DEFLATE")
    opts = CSLSetNameValue(opts, "LEVEL", std::to_string(options_.level).c_str());
  // No differencing of classes: runs of one class compress as well without it, and libtiff's
  // byte-wise differencing costs about as much as the ZSTD encoding of the band.
  if (options_.predictor && options_.codec != "NONE" && !spec_.categorical)
    opts = CSLSetNameValue(opts, "PREDICTOR", spec_.type == PixelType::f32 ? "FLOATING_POINT" : "YES");
  opts = CSLSetNameValue(opts, "BLOCKSIZE", std::to_string(options_.block_size).c_str());
  opts = CSLSetNameValue(opts, "OVERVIEWS", streamed ? "FORCE_USE_EXISTING" : "IGNORE_EXISTING");
  opts = CSLSetNameValue(opts, "RESAMPLING", spec_.categorical ? "NEAREST" : "AVERAGE");
  opts = CSLSetNameValue(opts, "NUM_THREADS", std::to_string(std::max(1, options_.threads)).c_str());
  opts = CSLSetNameValue(opts, "BIGTIFF", "IF_SAFER");
  CPLErrorReset();
  GDALDatasetH out = GDALCreateCopy(GDALGetDriverByName("COG"), partial.c_str(), src, FALSE, opts, nullptr, nullptr);
  CSLDestroy(opts);
  if (!out) {
    std::remove(partial.c_str());
    throw WriteError(path_ + ": cannot write Cloud-Optimized GeoTIFF: " + last_gdal_error());
  }
  const bool written = flush_and_close(out);
  GDALClose(src);
  dataset_ = nullptr;
  std::remove(temp_path_.c_str());
  std::remove((temp_path_ + ".aux.xml").c_str());  // the stream file's names, copied into the COG's
  if (!written || CPLGetLastErrorType() >= CE_Failure) {
    std::remove(partial.c_str());
    std::remove((partial + ".aux.xml").c_str());
    throw WriteError(path_ + ": cannot write Cloud-Optimized GeoTIFF: " + last_gdal_error());
  }
  publish_with_sidecars(partial);
}

// GDAL names a file's .aux.xml after the file, so the one written beside the partial file follows it
// under the target's name, and the QGIS style joins them; the sidecars go first, so that a crash
// leaves at worst new names beside the old raster (the same classes), never a new raster with none.
// A sidecar of an earlier version the new raster does not have is removed.
std::vector<std::string> raster_sidecar_paths(const std::string& raster) {
  namespace fs = std::filesystem;
  return {raster + ".aux.xml", (fs::path(raster).parent_path() / fs::path(raster).stem()).string() + ".qml"};
}

bool remove_raster(const std::string& raster) {
  std::error_code ec;
  for (const std::string& sidecar : raster_sidecar_paths(raster)) std::filesystem::remove(sidecar, ec);
  return std::filesystem::remove(raster, ec);
}

void CogWriter::publish_with_sidecars(const std::string& written) {
  namespace fs = std::filesystem;
  if (!spec_.colours.empty()) {
    // The class names into the written file's .aux.xml: opened read-only, GDAL keeps them there. PAM
    // is off for the process (no side files beside inputs), so it is turned on for this thread alone.
    CPLSetThreadLocalConfigOption("GDAL_PAM_ENABLED", "YES");
    GDALDatasetH ds = GDALOpenEx(written.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
    if (ds) {
      set_class_names(GDALGetRasterBand(ds, 1), spec_.colours);
      GDALClose(ds);
    }
    CPLSetThreadLocalConfigOption("GDAL_PAM_ENABLED", nullptr);
    if (!ds) throw WriteError(path_ + ": cannot reopen to name its classes: " + last_gdal_error());
  }
  const std::vector<std::string> sidecars = raster_sidecar_paths(path_);
  const std::string aux = written + ".aux.xml", target_aux = sidecars[0];
  const std::string qml = sidecars[1];
  std::error_code ec;
  if (fs::exists(aux, ec))
    atomic_replace(aux, target_aux);
  else
    fs::remove(target_aux, ec);
  if (!spec_.colours.empty()) {
    write_file_atomically(qml, qgis_class_style(spec_.colours, spec_.nodata));
  } else {
    fs::remove(qml, ec);
  }
  atomic_replace(written, path_);
  finished_ = true;
}

std::string qgis_class_style(const std::vector<ColourEntry>& colours, double nodata) {
  std::string xml =
      "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"3.28.0\" styleCategories=\"Symbology\">\n <pipe>\n"
      "  <rasterrenderer type=\"paletted\" band=\"1\" opacity=\"1\" alphaBand=\"-1\" nodataColor=\"\">\n   <rasterTransparency/>\n"
      "   <colorPalette>\n";
  const auto escaped = [](const std::string& text) {
    std::string out;
    for (char ch : text) {
      if (ch == '&') out += "&amp;";
      else if (ch == '<') out += "&lt;";
      else if (ch == '>') out += "&gt;";
      else if (ch == '"') out += "&quot;";
      else out += ch;
    }
    return out;
  };
  for (const ColourEntry& c : colours) {
    if (double(c.value) == nodata) continue;
    char colour[8];
    std::snprintf(colour, sizeof colour, "#%02x%02x%02x", c.r, c.g, c.b);
    xml += "    <paletteEntry value=\"" + std::to_string(c.value) + "\" color=\"" + colour + "\" alpha=\"" + std::to_string(int(c.a)) +
           "\" label=\"" + escaped(c.label) + "\"/>\n";
  }
  xml += "   </colorPalette>\n  </rasterrenderer>\n </pipe>\n</qgis>\n";
  return xml;
}

void translate_to_tiled_geotiff(const std::string& src, const std::string& dst) {
  translate_raster(src, dst, "GTiff", {"TILED=YES", "COMPRESS=ZSTD", "ZSTD_LEVEL=1", "NUM_THREADS=ALL_CPUS"});
}

void translate_raster(const std::string& src, const std::string& dst, const std::string& driver,
                      const std::vector<std::string>& creation_options) {
  CPLErrorReset();
  GDALDatasetH in = GDALOpenEx(src.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
  if (!in) throw_open_failure(src);
  // The partial file keeps the target's extension: some drivers (JPEG 2000) choose the codec by it.
  const std::string partial = unique_partial_path(dst, true);
  char** opts = nullptr;
  for (const auto& o : creation_options) opts = CSLAddString(opts, o.c_str());
  GDALDriverH drv = GDALGetDriverByName(driver.c_str());
  if (!drv) {
    GDALClose(in);
    throw IoError("GDAL has no " + driver + " driver");
  }
  CPLSetThreadLocalConfigOption("GDAL_NUM_THREADS", "ALL_CPUS");  // parallel JPEG 2000 decoding
  GDALDatasetH out = GDALCreateCopy(drv, partial.c_str(), in, FALSE, opts, nullptr, nullptr);
  CPLSetThreadLocalConfigOption("GDAL_NUM_THREADS", nullptr);
  CSLDestroy(opts);
  GDALClose(in);
  if (!out) {
    std::remove(partial.c_str());
    throw IoError(src + ": cannot decode (corrupt or truncated?): " + last_gdal_error());
  }
  GDALClose(out);
  atomic_replace(partial, dst);
}

namespace {

// The arguments of a GDAL utility that put a UInt16 class raster exactly on `grid`: extent, size,
// CRS, no data, tiled ZSTD GeoTIFF.
std::vector<std::string> class_grid_arguments(const Grid& grid, const char* crs_flag, const char* nodata_flag, std::uint16_t nodata) {
  auto number = [](double v) {
    char b[64];
    std::snprintf(b, sizeof b, "%.17g", v);
    return std::string(b);
  };
  const Box e = grid.extent();
  return {"-of",
          "GTiff",
          "-ot",
          "UInt16",
          crs_flag,
          grid.crs_wkt,
          "-te",
          number(e.xmin),
          number(e.ymin),
          number(e.xmax),
          number(e.ymax),
          "-ts",
          std::to_string(grid.cols),
          std::to_string(grid.rows),
          nodata_flag,
          std::to_string(nodata),
          "-co",
          "TILED=YES",
          "-co",
          "COMPRESS=ZSTD",
          "-q"};
}

char** string_list(const std::vector<std::string>& args) {
  char** list = nullptr;
  for (const auto& a : args) list = CSLAddString(list, a.c_str());
  return list;
}

// Runs a GDAL utility that writes `dst` under a partial name, then renames it into place.
template <typename Make>
void write_through_partial(const std::string& src, const std::string& dst, const char* what, Make make) {
  const std::string partial = unique_partial_path(dst, true);
  GDALDatasetH out = make(partial.c_str());
  if (!out) {
    std::remove(partial.c_str());
    throw IoError(src + ": cannot be " + what + " onto the grid: " + last_gdal_error());
  }
  GDALClose(out);
  atomic_replace(partial, dst);
}

}  // namespace

namespace {

// Opens band 1 of a raster a user hands in for warping onto the grid: it must have a band and a CRS.
GDALDatasetH open_warp_source(const std::string& src) {
  CPLErrorReset();
  GDALDatasetH in = GDALOpenEx(src.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
  if (!in) throw_open_failure(src);
  if (GDALGetRasterCount(in) < 1) {
    GDALClose(in);
    throw IoError(src + ": has no raster band");
  }
  const char* wkt = GDALGetProjectionRef(in);
  if (!wkt || !*wkt) {
    GDALClose(in);
    throw IoError(src + ": has no CRS; it cannot be placed on the grid");
  }
  return in;
}

// gdalwarp of `in` (closed here) with `args` into `dst`, written under a partial name.
void warp_into(GDALDatasetH in, const std::string& src, const std::string& dst, const std::vector<std::string>& args) {
  char** argv = string_list(args);
  GDALWarpAppOptions* options = GDALWarpAppOptionsNew(argv, nullptr);
  CSLDestroy(argv);
  try {
    write_through_partial(src, dst, "warped", [&](const char* partial) {
      int usage_error = 0;
      return GDALWarp(partial, nullptr, 1, &in, options, &usage_error);
    });
  } catch (...) {
    GDALWarpAppOptionsFree(options);
    GDALClose(in);
    throw;
  }
  GDALWarpAppOptionsFree(options);
  GDALClose(in);
}

}  // namespace

void warp_classes_to_grid(const std::string& src, const std::string& dst, const Grid& grid, Resampling resampling, std::uint16_t nodata) {
  GDALDatasetH in = open_warp_source(src);
  // Codes that do not fit 0..nodata-1 would be clipped by the conversion to UInt16 (a negative code
  // to 0, a large one to 65535) and become another class or no data without a word. Byte and UInt16
  // fit by their type; other types are scanned once, the source's own no data left out.
  GDALRasterBandH band = GDALGetRasterBand(in, 1);
  const GDALDataType type = GDALGetRasterDataType(band);
  if (type != GDT_Byte && type != GDT_UInt16) {
    double range[2] = {0, 0};
    CPLErrorReset();
    if (GDALComputeRasterMinMax(band, FALSE, range) != CE_None && CPLGetLastErrorType() == CE_Failure) {
      const std::string why = last_gdal_error();
      GDALClose(in);
      throw IoError(src + ": cannot be read: " + why);
    }
    if (!(range[0] >= 0 && range[1] <= double(nodata) - 1)) {
      GDALClose(in);
      char text[160];
      std::snprintf(text, sizeof text, "%.10g to %.10g", range[0], range[1]);
      throw IoError(src + ": its values range from " + text + " (" + GDALGetDataTypeName(type) + "); class codes must be integers 0-" +
                    std::to_string(nodata - 1) + " (declare other values as the band's no data)");
    }
  }
  std::vector<std::string> args = class_grid_arguments(grid, "-t_srs", "-dstnodata", nodata);
  for (const char* a : {"-r", resampling == Resampling::mode ? "mode" : "near", "-wm", "64"}) args.push_back(a);
  warp_into(in, src, dst, args);
}

void warp_values_to_grid(const std::string& src, const std::string& dst, const Grid& grid) {
  GDALDatasetH in = open_warp_source(src);
  std::vector<std::string> args = class_grid_arguments(grid, "-t_srs", "-dstnodata", 0);
  // The no-data value NaN, and Float32 (class_grid_arguments' integer no data replaced).
  for (std::size_t i = 0; i + 1 < args.size(); ++i)
    if (args[i] == "-dstnodata") args[i + 1] = "nan";
  for (const char* a : {"-ot", "Float32", "-r", "bilinear", "-wm", "64"}) args.push_back(a);
  warp_into(in, src, dst, args);
}

bool is_raster_file(const std::string& path) {
  GDALDatasetH ds = GDALOpenEx(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
  if (!ds) return false;
  GDALClose(ds);
  return true;
}

void rasterize_field_to_grid(const std::string& src, const std::string& field, const std::string& dst, const Grid& grid,
                             std::uint16_t nodata, long min_code, long max_code) {
  CPLErrorReset();
  GDALDatasetH in = GDALOpenEx(src.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
  if (!in) throw IoError(src + ": is neither a raster nor vectors GDAL can read: " + last_gdal_error());
  if (GDALDatasetGetLayerCount(in) < 1) {
    GDALClose(in);
    throw IoError(src + ": has no layer");
  }
  OGRLayerH layer = GDALDatasetGetLayer(in, 0);
  const std::string layer_name = OGR_L_GetName(layer);
  if (OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(layer), field.c_str()) < 0) {
    GDALClose(in);
    throw IoError(src + ": layer " + layer_name + " has no field '" + field + "'");
  }
  // Every code, checked before the burn: gdal_rasterize turns text into 0 and clips numbers to the
  // band's type, so a damaged field would become another code without a word.
  {
    const int index = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(layer), field.c_str());
    OGR_L_ResetReading(layer);
    while (OGRFeatureH f = OGR_L_GetNextFeature(layer)) {
      const std::string text = OGR_F_IsFieldSetAndNotNull(f, index) ? OGR_F_GetFieldAsString(f, index) : "";
      const long long fid = OGR_F_GetFID(f);
      OGR_F_Destroy(f);
      char* end = nullptr;
      errno = 0;
      const long long code = text.empty() ? 0 : std::strtoll(text.c_str(), &end, 10);
      if (text.empty() || errno != 0 || *end != '\0' || code < min_code || code > max_code) {
        GDALClose(in);
        throw IoError(src + ", feature " + std::to_string(fid) + ": field '" + field + "' is '" + text + "', not a code (an integer " +
                      std::to_string(min_code) + "-" + std::to_string(max_code) + ")");
      }
    }
    OGR_L_ResetReading(layer);
  }
  // gdal_rasterize does not reproject: the polygons go to the grid's CRS first (in memory).
  const std::string projected = private_vsimem_name("rasterize", ".gpkg");
  {
    char** targv = string_list({"-f", "GPKG", "-t_srs", grid.crs_wkt, layer_name});
    GDALVectorTranslateOptions* topts = GDALVectorTranslateOptionsNew(targv, nullptr);
    CSLDestroy(targv);
    int usage = 0;
    GDALDatasetH moved = GDALVectorTranslate(projected.c_str(), nullptr, 1, &in, topts, &usage);
    GDALVectorTranslateOptionsFree(topts);
    GDALClose(in);
    if (!moved) throw IoError(src + ": cannot be reprojected onto the grid's CRS: " + last_gdal_error());
    in = moved;
  }
  std::vector<std::string> args = class_grid_arguments(grid, "-a_srs", "-a_nodata", nodata);
  for (const std::string& a : {std::string("-a"), field, std::string("-l"), layer_name, std::string("-init"), std::to_string(nodata)})
    args.push_back(a);
  char** argv = string_list(args);
  GDALRasterizeOptions* options = GDALRasterizeOptionsNew(argv, nullptr);
  CSLDestroy(argv);
  auto release = [&] {
    GDALRasterizeOptionsFree(options);
    GDALClose(in);
    VSIUnlink(projected.c_str());
  };
  try {
    write_through_partial(src, dst, "rasterized", [&](const char* partial) {
      int usage_error = 0;
      return GDALRasterize(partial, nullptr, in, options, &usage_error);
    });
  } catch (...) {
    release();
    throw;
  }
  release();
}

template <typename T>
void write_geotiff(const std::string& path, const Grid& grid, const Block<T>& data, std::optional<double> nodata,
                   const std::string& description) {
  const std::string partial = unique_partial_path(path, true);
  char** opts = nullptr;
  opts = CSLSetNameValue(opts, "COMPRESS", "DEFLATE");
  opts = CSLSetNameValue(opts, "TILED", "YES");
  CPLErrorReset();
  GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), partial.c_str(), grid.cols, grid.rows, 1, gdal_type_of<T>(), opts);
  CSLDestroy(opts);
  if (!ds) throw WriteError(path + ": cannot create: " + last_gdal_error());
  const auto& t = grid.transform;
  double gt[6] = {t.origin_x, t.pixel_width, 0, t.origin_y, 0, t.pixel_height};
  GDALSetGeoTransform(ds, gt);
  if (!grid.crs_wkt.empty()) GDALSetProjection(ds, grid.crs_wkt.c_str());
  GDALRasterBandH b = GDALGetRasterBand(ds, 1);
  if (nodata) GDALSetRasterNoDataValue(b, *nodata);
  if (!description.empty()) GDALSetDescription(b, description.c_str());
  const Window& w = data.window();
  const CPLErr err =
      GDALRasterIO(b, GF_Write, w.col0, w.row0, w.cols, w.rows, const_cast<T*>(data.data()), w.cols, w.rows, gdal_type_of<T>(), 0, 0);
  GDALClose(ds);
  if (err != CE_None) {
    std::remove(partial.c_str());
    throw WriteError(path + ": cannot write: " + last_gdal_error());
  }
  atomic_replace(partial, path);
}

template void write_geotiff(const std::string&, const Grid&, const Block<std::uint8_t>&, std::optional<double>, const std::string&);
template void write_geotiff(const std::string&, const Grid&, const Block<std::int16_t>&, std::optional<double>, const std::string&);
template void write_geotiff(const std::string&, const Grid&, const Block<std::uint16_t>&, std::optional<double>, const std::string&);
template void write_geotiff(const std::string&, const Grid&, const Block<float>&, std::optional<double>, const std::string&);
template void write_geotiff(const std::string&, const Grid&, const Block<double>&, std::optional<double>, const std::string&);

}  // namespace geo::io
