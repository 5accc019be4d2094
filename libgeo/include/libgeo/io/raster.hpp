#pragma once
// GDAL raster access: windowed reads into Blocks, and Cloud-Optimized GeoTIFF output written
// atomically (stream into a temporary tiled GeoTIFF, translate to COG beside the target, rename).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "libgeo/block.hpp"
#include "libgeo/grid.hpp"
#include "libgeo/pyramid.hpp"
#include "libgeo/io/vsi.hpp"

namespace geo::io {

/// Any GDAL/IO failure; the message names the file and the problem.
struct IoError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A file that could not be written (created, written, flushed or renamed into place): the disk or
/// the folder failed, not the data being written (a full disk, an I/O error, a read-only file system).
struct WriteError : IoError {
  using IoError::IoError;
};

/// Sets GDAL's block cache (MB) and registers drivers; call once at start-up.
void initialise_gdal(int cache_mb);

/// Raises GDAL's block cache to at least `bytes` (never lowers it): for a reader that relies on the
/// cache to hold a block row while it reads it strip by strip.
void ensure_block_cache(std::int64_t bytes);

/// Where GDAL's own messages go (instead of its raw "ERROR 1: ..." lines on stderr): `error` true for
/// failures, false for warnings. A program with a logger routes them through it, so that every line
/// of its log has its format (one JSON object per line, say). Set once, before any GDAL call; the
/// message of a failure is also kept for the exception that follows it.
void set_gdal_message_sink(std::function<void(bool error, const std::string& message)> sink);

class RasterReader {
 public:
  explicit RasterReader(const std::string& path);
  /// `decode_threads` > 1: one read() that spans several tiles or strips of the file has them decoded
  /// on that many threads (GDAL's NUM_THREADS open option; GTiff from GDAL 3.6). The values read are
  /// the same whatever the count; only the wall time changes.
  RasterReader(const std::string& path, int decode_threads);
  ~RasterReader();
  RasterReader(RasterReader&&) noexcept;
  RasterReader& operator=(RasterReader&&) noexcept;

  const std::string& path() const { return path_; }
  /// The file GDAL opened (FileStamp): a reader of its bytes beside GDAL checks it reads the same file.
  const FileStamp& opened() const { return opened_; }
  const Grid& grid() const { return grid_; }
  int band_count() const { return bands_; }
  std::optional<double> nodata(int band = 1) const;
  /// GDAL's name of the band's data type as stored ("Byte", "UInt16", "Int16", "Float32", ...), so
  /// that a caller can hold a file to its product specification before converting its values.
  std::string data_type_name(int band = 1) const;
  /// The band's scale and offset (physical = raw * scale + offset) as the file declares them: GDAL's
  /// own, else the netCDF-style `scale_factor` / `add_offset` items of the band or the file (as
  /// NASA's products carry them); 1 and 0 when it declares none.
  std::pair<double, double> scale_offset(int band = 1) const;
  /// A metadata item of the file (default domain), if it has one.
  std::optional<std::string> metadata_item(const std::string& key) const;
  /// Reads `window` of `band` (1-based), converting to T. Throws IoError naming the file on failure
  /// (e.g. a truncated or corrupt tile).
  template <typename T>
  Block<T> read(const Window& window, int band = 1) const;
  /// As read(), into `out` (its storage reused, Block::reuse): for a loop over strips.
  template <typename T>
  void read_into(const Window& window, Block<T>& out, int band = 1) const;
  /// Rows of one block of `band` as the file stores it (tile or strip height): a read that covers
  /// whole block rows decodes each of them once.
  int block_rows(int band = 1) const;
  /// Bytes of one block row of `band` once decoded (every block across the width): what GDAL's block
  /// cache must hold for a reader of thinner strips to decode each block once.
  std::int64_t block_row_bytes(int band = 1) const;
  /// Drops the band's blocks from GDAL's block cache: for a reader that keeps what it read itself.
  void drop_cached_blocks(int band = 1) const;

 private:
  void read_raw(const Window& window, int band, void* dst, int gdal_type) const;
  std::string path_;
  FileStamp opened_;  // stamped just before GDAL opened it
  Grid grid_;
  int bands_ = 0;
  void* dataset_ = nullptr;  // GDALDatasetH, kept opaque so GDAL headers stay inside io/
};

class DirectTiles;

/// Reads one band in a stream of windows whose first rows never move back (the strips of a pipeline
/// grown by their halos, the source windows of a resampled stream), decoding each block of the file
/// once whatever GDAL's block cache holds: it reads whole block rows, full width, and keeps those a
/// later window may still need, at most the block rows the current window touches. (Left to GDAL's
/// cache, a strip's halo decodes the blocks of its neighbours again as soon as the blocks of the
/// outputs written meanwhile have pushed them out.) A window above the rows kept starts the stream
/// over; a window outside the grid is read directly. Not thread-safe, like the reader. A plain GeoTIFF's
/// tiles are decoded without GDAL (io/direct_tiles.hpp), to the same cells.
template <typename T>
class ForwardReader {
 public:
  explicit ForwardReader(RasterReader reader, int band = 1);
  const RasterReader& reader() const { return reader_; }
  Block<T> read(const Window& window);
  /// Frees the rows it holds, for a stream that has moved past this raster's last row: a pass over
  /// many rasters then holds those under its current window only, not the last rows of every raster
  /// it has passed. A later read starts over.
  void release() { held_ = {}; }
  /// Bytes of the rows it holds.
  std::int64_t held_bytes() const;

 private:
  Block<T> read_chunk(int row0, int rows);
  RasterReader reader_;
  int band_ = 1, chunk_rows_ = 0;  // 0: blocks too tall to hold; read directly
  std::vector<Block<T>> held_;     // consecutive full-width chunks of whole block rows, top first
  std::shared_ptr<DirectTiles> direct_;  // the file's tiles decoded without GDAL, when its layout allows
};

enum class PixelType { u8, i16, u16, f32 };

struct ColourEntry {
  int value;
  std::uint8_t r, g, b, a;
  std::string label;  // category name, written to the raster attribute table names
};

/// What a product raster is: its grid, type and how to read its numbers.
struct RasterSpec {
  Grid grid;
  PixelType type = PixelType::f32;
  double nodata = 0;
  std::string description;       // band description, e.g. "NDVI (Rouse et al. 1974)"
  double scale = 1, offset = 0;  // physical = raw * scale + offset
  /// Class rasters: each value's colour and name, written as the colour table, the category names and
  /// a raster attribute table (Value, Class, Red, Green, Blue, Alpha) in `<file>.aux.xml` (GeoTIFF holds
  /// no names), and as a QGIS style `<stem>.qml` beside the file, so that QGIS shows a named legend.
  std::vector<ColourEntry> colours;
  bool categorical = false;  // nearest-neighbour overviews instead of averaging
  std::vector<std::pair<std::string, std::string>> metadata;
  std::string unit;              // of the physical value (UDUNITS: "1", "%", "g C m-2 yr-1"); "" for classes
};

struct CogOptions {
  std::string codec = "ZSTD";   // ZSTD, DEFLATE, LZW, NONE
  int level = 1;                // codec level; ZSTD 1 encodes ~9x faster than DEFLATE 6 at about the same size
  int block_size = 512;         // internal tile size
  bool predictor = true;        // horizontal differencing, helps integer products
  int threads = 1;              // GDAL NUM_THREADS for encoding
  bool cloud_optimized = true;  // false: a plain tiled GeoTIFF, compressed as it streams, no overviews
                                // (a work file the run reads back, where the COG layout buys nothing)
  /// With part_rows > 0: the writer makes the rows [part_row0, part_row0 + part_rows) of the COG as a
  /// part file another writer of the whole raster appends (CogWriter::append_part); its strips' rows
  /// count from part_row0. Only where CogWriter::part_possible says so.
  int part_row0 = 0, part_rows = 0;
};

namespace cog {
class CogFile;
}

/// Streams strips into a Cloud-Optimized GeoTIFF written at finish() next to the target and renamed
/// into place, so a crash leaves the old file or the new one, never half of one. The overview levels
/// are built while the strips stream past (libgeo/pyramid.hpp). With ZSTD, DEFLATE or no codec, the
/// strips must arrive full width and in row order (as the pipelines write them): each band of block
/// rows is compressed as soon as it is complete and the file laid out at finish() (io/cog_file.hpp),
/// unless one band of every level would exceed kDirectBandBytes. Otherwise the strips go into a
/// temporary uncompressed GeoTIFF that GDAL's COG driver translates at finish() (computing the
/// overviews itself when the strips came in any other order). With `cloud_optimized` false, a plain
/// tiled GeoTIFF compressed as it streams: written directly too (the COG's layout without overviews)
/// under the same conditions, else through GDAL's GTiff driver, in any order.
class CogWriter {
 public:
  /// The uncompressed bands a directly written COG may hold: about 2 x 512 rows x the width x the
  /// cell's bytes (a 16,000-column Int16 product holds 32 MiB). Past it, GDAL's bounded block cache
  /// keeps the memory in check for any width instead.
  static constexpr std::int64_t kDirectBandBytes = 32ll << 20;
  CogWriter(std::string path, RasterSpec spec, CogOptions options, std::string temp_dir);
  ~CogWriter();
  CogWriter(const CogWriter&) = delete;
  CogWriter& operator=(const CogWriter&) = delete;

  const RasterSpec& spec() const { return spec_; }
  /// The file the COG becomes when finished.
  const std::string& path() const { return path_; }
  template <typename T>
  void write(const Block<T>& block);
  void finish();

  /// Whether rows [row0, row0 + rows) of the COG `spec` and `options` describe can be made as a part
  /// file: a directly written COG, the rows starting at a multiple of 2^overview levels and ending at
  /// one or at the raster's end (so that the part's own overview rows are the whole raster's).
  static bool part_possible(const RasterSpec& spec, const CogOptions& options, int row0, int rows);
  /// Appends a part file (the next rows, in order) instead of writing its strips: its compressed
  /// blocks are copied, not decoded and encoded again. Throws WriteError naming the part when it
  /// was made for another raster or other rows.
  void append_part(const std::string& part);

 private:
  void write_raw(const Window& window, const void* data, int gdal_type);
  void write_overview_row(int level, int row, const std::vector<double>& values);
  void publish_with_sidecars(const std::string& written);
  std::string path_, temp_path_;
  RasterSpec spec_;
  CogOptions options_;
  void* dataset_ = nullptr;
  bool finished_ = false;
  template <typename T>
  void write_decimated_overviews(const Block<T>& block);
  std::unique_ptr<OverviewPyramid> pyramid_;  // null: GDAL computes the overviews at finish()
  // A categorical product written directly: its overview levels (this many) are taken from each strip
  // in its own type, not through the pyramid's rows of doubles (write_decimated_overviews).
  int decimated_levels_ = 0;
  int next_row_ = 0;                          // the row a streamed strip must start at
  std::unique_ptr<cog::CogFile> direct_;      // null: written through GDAL
};

/// The side files a CogWriter may write beside `raster` (its .aux.xml with class names, its QGIS
/// .qml style): whoever removes a raster removes these with it.
std::vector<std::string> raster_sidecar_paths(const std::string& raster);
/// Removes `raster` and its side files; true when the raster itself was there to remove.
bool remove_raster(const std::string& raster);

/// QGIS's style of a class raster (a paletted renderer: each value's colour and name; `nodata` left
/// out), as the text of a `.qml` file.
std::string qgis_class_style(const std::vector<ColourEntry>& colours, double nodata);

/// Writes a whole small raster in one call (simulator truth, tests).
template <typename T>
void write_geotiff(const std::string& path, const Grid& grid, const Block<T>& data, std::optional<double> nodata = std::nullopt,
                   const std::string& description = "");

/// Copies a raster (e.g. a JPEG 2000 band) into a tiled ZSTD-1 GeoTIFF, decoding it once with all
/// cores; written atomically.
void translate_to_tiled_geotiff(const std::string& src, const std::string& dst);

enum class Resampling { nearest, mode };

/// Warps band 1 of any GDAL raster (any CRS) onto `grid` as a tiled UInt16 GeoTIFF at `dst`, with
/// nearest-neighbour or majority (mode) resampling; cells with no source data become `nodata`. For
/// class layers. Streams through GDAL's warper (bounded working memory). Throws IoError naming `src`,
/// also when band 1 holds values outside 0..nodata-1 (negative or too large codes would be clipped to
/// another code silently).
void warp_classes_to_grid(const std::string& src, const std::string& dst, const Grid& grid, Resampling resampling, std::uint16_t nodata);
/// Warps band 1 of any GDAL raster (any CRS and resolution) onto `grid` as a tiled Float32 GeoTIFF at
/// `dst` by bilinear interpolation (continuous fields: temperature, precipitation, radiation); cells
/// with no source data are NaN. Throws IoError naming `src`.
void warp_values_to_grid(const std::string& src, const std::string& dst, const Grid& grid);
/// Burns an integer field of polygons (any OGR source and CRS, reprojected onto the grid) into a
/// tiled UInt16 GeoTIFF on `grid`: each cell takes the polygon under its centre, `nodata` where none.
/// Throws IoError naming `src` (unreadable, no such field), and naming the feature when its field is
/// not an integer between `min_code` and `max_code` (text, negative, too large, unset), which the
/// burn would otherwise turn into another code without a word.
void rasterize_field_to_grid(const std::string& src, const std::string& field, const std::string& dst, const Grid& grid,
                             std::uint16_t nodata, long min_code, long max_code);
/// Whether GDAL opens `path` as a raster (false: try it as vectors).
bool is_raster_file(const std::string& path);

/// Copies a raster into another format (GDAL driver name, creation options), atomically.
void translate_raster(const std::string& src, const std::string& dst, const std::string& driver,
                      const std::vector<std::string>& creation_options);

/// Renames `from` to `to` atomically (same file system), flushing `from` to disk first and the folder after (or when a
/// FolderSyncBatch of the folder finishes), so that a crash leaves the old file or the whole new one; throws IoError on failure.
void atomic_replace(const std::string& from, const std::string& to);

/// Folders whose flush after each rename atomic_replace() leaves to this object while it lives: a caller
/// that publishes many files into few folders before it goes on (a scene's or a year's products with
/// their sidecars, a run's reports) pays one flush per folder, when it calls finish(), instead of one
/// per file (each a round trip to the disk). Each file is still flushed before its rename, so a crash
/// leaves the old file or the whole new one; until finish(), a power cut may undo a rename. From any
/// thread, for files whose folder is one of `folders` (compared as lexically normal paths); batches
/// may overlap. Ending without finish() (an exception on its way) flushes what is pending, quietly.
class FolderSyncBatch {
 public:
  explicit FolderSyncBatch(const std::vector<std::string>& folders);
  ~FolderSyncBatch();
  FolderSyncBatch(const FolderSyncBatch&) = delete;
  FolderSyncBatch& operator=(const FolderSyncBatch&) = delete;
  /// Flushes each of the folders a rename went into since the batch began; throws IoError on failure.
  void finish();

 private:
  std::vector<std::string> folders_;
  bool finished_ = false;
};

/// Called by atomic_replace() just before and just after each rename ("before-rename", "after-rename",
/// with the target path); none by default. For an application's crash tests and progress.
void set_publish_observer(std::function<void(const char* stage, const std::string& path)> observer);

/// A temporary name beside `target` that no other process or writer uses: "<target>.<pid>-<n>.partial",
/// or with `keep_extension` "<stem>.<pid>-<n>.partial<.ext>" (some GDAL drivers choose the codec by it).
/// Two runs on one output folder therefore never write to each other's temporary files.
std::string unique_partial_path(const std::string& target, bool keep_extension = false);

/// Writes `bytes` to `path` atomically: a unique partial file, flushed and closed with every error
/// checked (a full disk, a file-size limit), then renamed into place. On failure the partial file is
/// removed and IoError names the file and the reason; the final name is never left empty or short.
void write_file_atomically(const std::string& path, const std::string& bytes);

/// Writes new files into `folder` (each a path relative to it, and its bytes) and flushes them, the
/// folders that hold them and `folder` itself to disk with one flush of its file system: for a folder
/// that one rename then puts in place whole (a STAC catalog of hundreds of small files), where each
/// file's own atomic rename would cost two flushes more per file. Folders are created as needed; a
/// name leading out of `folder` is refused. Throws IoError naming the file and the reason (a full disk).
void write_files_durably(const std::string& folder, const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace geo::io
