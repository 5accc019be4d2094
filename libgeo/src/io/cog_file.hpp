#pragma once
// A Cloud-Optimized GeoTIFF written directly from rows that stream past in order: each 512-row band of
// a level is cut into tiles and compressed as soon as it is complete, the tiles spooled compressed to a
// temporary file; at the end the file is laid out as GDAL's COG driver lays it out (GDAL's "COG"
// driver documentation, "File format details"): the header, GDAL's structural metadata (IFDs before
// the data, blocks in row-major order, each block led by its size and trailed by its last 4 bytes
// repeated), every IFD, then the tiles, smallest overview first and full resolution last.
//
// The full-resolution tiles, three quarters of the bytes, are spooled already framed (leader and
// trailer) in a file of their own; at the end the header and the overviews are put in front of them by
// inserting that many bytes at the file's start (Linux fallocate FALLOC_FL_INSERT_RANGE, ext4 and
// XFS), so they are written once and never copied. The header is padded (zeros after the IFDs) for the
// prefix to fill whole 4 KiB blocks, as the insertion needs. Where the file system cannot insert, the
// file is copied as before: the same bytes either way.
//
// Why not GDAL's COG driver: it reads a finished raster back, so every cell went through an
// uncompressed temporary file, GDAL's block cache and back (about a fifth of a run's time), and
// compressed at the end rather than while the run's other core decoded the next rows.
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "libgeo/io/raster.hpp"
#include "tiff_ifd.hpp"

namespace geo::io::cog {

/// Whether the direct writer encodes `codec` (ZSTD, DEFLATE, NONE); others go through GDAL.
bool codec_supported(const std::string& codec);

/// Whether the full-resolution tiles may be kept in place by inserting the header before them (true
/// unless a test turns it off to check that copying them gives the same bytes).
void set_insert_in_place(bool allowed);

/// The bytes the writer holds uncompressed for `spec` (one band of block rows per level).
std::int64_t band_bytes(const RasterSpec& spec, const CogOptions& options, int levels);

/// How CogFile::write placed the full resolution's tiles: left where they were spooled, the header
/// and overviews inserted before them (ext4, XFS); inserted so, then the whole file copied because
/// `path` is on another file system than the spool; or copied after a header written anew.
enum class CogPlacement { in_place, inserted_then_copied, copied };

class CogFile {
 public:
  /// `levels` overview levels (halving, as OverviewPyramid makes them); `copied_fields` the GeoTIFF
  /// and GDAL fields of the full-resolution IFD (overviews take photometric, colour map and nodata
  /// from them; none for a writer of a part, which has no IFD); tiles are spooled to `spool_path`.
  CogFile(const RasterSpec& spec, const CogOptions& options, int levels, std::vector<TiffField> copied_fields, std::string spool_path);
  ~CogFile();
  CogFile(const CogFile&) = delete;
  CogFile& operator=(const CogFile&) = delete;

  /// The next `count` rows of `level` (0: full resolution), full width, in the raster's type.
  void add_rows(int level, const void* rows, int count);

  /// Parts: a task that makes rows [row0, ...) of the raster (row0 a multiple of 2^levels, its overview
  /// rows made by its own pyramid) writes them as a part file, the bands of block rows that lie wholly
  /// in it compressed, the rows of bands it shares with its neighbours as they are; the writer of the
  /// whole raster appends the parts in order and compresses only the shared bands. The same bytes as
  /// one writer given every row: a tile's compression depends on its cells alone.
  void start_part(int row0);
  void write_part(const std::string& path, const std::string& target);
  /// Appends a part file written by write_part for the rows that come next; returns its
  /// full-resolution rows. Throws WriteError naming `part` if it does not fit.
  int add_part(const std::string& part);
  /// Writes the COG to `path` (a new file); every level must have had all its rows. Classic TIFF
  /// while every offset fits in 32 bits, else (or when `big_tiff`) BigTIFF. Throws WriteError naming
  /// `target` on failure, with `path` removed. Says how the full resolution's tiles got there.
  CogPlacement write(const std::string& path, const std::string& target, bool big_tiff = false);

 private:
  struct Level {
    int cols = 0, rows = 0, tiles_across = 0, tiles_down = 0;
    int rows_in = 0;                   // rows received (in a part: the next row's index in the raster)
    int first_row = 0;                 // in a part: its first row of this level
    std::vector<unsigned char> lead;   // in a part: its rows of a band begun before it
    int lead_rows = 0;
    ScratchBytes band;                 // the current band's rows, uncompressed
    std::vector<std::uint64_t> offsets;  // each tile's place in the spool, row-major
    std::vector<std::uint32_t> sizes;
  };
  // The next `count` rows of `level`: fill(to, first, rows) writes rows [first, first + rows) of them
  // at `to`, in the band; each band compressed when complete (or kept as a part's lead).
  void fill_rows(Level& level, int count, const std::function<void(unsigned char* to, int first, int rows)>& fill);
  void flush_band(Level& level);
  void encode_tile();
  void append_tile(Level& level, const char* bytes, std::size_t size);
  // The full resolution's tiles appended since the last call handed to the disk's writeback once
  // they reach `at_least` bytes (8 MiB as they arrive; 1 for whatever is left when finishing).
  void start_writeback(std::uint64_t at_least = std::uint64_t(8) << 20);
  int fd_of(const Level& level) const;  // the spool holding the level's tiles
  // Writes `path` anew: `write_prefix` (when given) from its start, then the full resolution's spool
  // from its start, at `at`, up to `total` bytes. Failures to write say `what`.
  void copy_to_new_file(const std::string& path, const std::string& target, const std::string& what, std::uint64_t at,
                        std::uint64_t total, const std::function<void(int fd)>& write_prefix);

  RasterSpec spec_;
  CogOptions options_;
  std::vector<TiffField> copied_;
  std::string spool_path_;
  int spool_fd_ = -1;  // the overviews' tiles, one after the other
  std::uint64_t spool_size_ = 0;
  std::string full_path_;  // the full resolution's tiles, each led by its size and trailed by its last 4 bytes
  int full_fd_ = -1;
  std::uint64_t full_size_ = 0;
  std::uint64_t writeback_from_ = 0;  // the full resolution's bytes before this are being written to disk
  int cell_bytes_ = 1, predictor_ = 1, compression_ = 1;
  std::string nodata_row_;  // a tile row of the nodata value, for cells past the raster's edge
  std::vector<Level> levels_;
  ScratchBytes tile_, encoded_;  // scratch
  std::string framed_;                         // scratch: a full-resolution tile as the COG holds it
  struct Codecs;
  std::unique_ptr<Codecs> codecs_;
};

}  // namespace geo::io::cog
