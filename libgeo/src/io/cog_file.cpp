#include "cog_file.hpp"

#include <fcntl.h>
#include <libdeflate.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace geo::io::cog {

static_assert(std::endian::native == std::endian::little, "the TIFF writer writes the host's little-endian bytes as they are");

namespace {

// TIFF 6.0 field types the writer writes; 16 (LONG8) is BigTIFF's.
constexpr std::uint16_t kShort = 3, kLong = 4, kLong8 = 16;

template <typename T>
void append(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof(T));
}

template <typename T>
TiffField field(std::uint16_t tag, std::uint16_t type, const std::vector<T>& values) {
  TiffField f{tag, type, values.size(), {}};
  for (T v : values) append(f.bytes, v);
  return f;
}

// Image and tile dimensions as libtiff writes them: SHORT while they fit.
TiffField dimension(std::uint16_t tag, int value) {
  if (value < 65536) return field<std::uint16_t>(tag, kShort, {std::uint16_t(value)});
  return field<std::uint32_t>(tag, kLong, {std::uint32_t(value)});
}

int cell_bytes_of(PixelType type) {
  switch (type) {
    case PixelType::u8: return 1;
    case PixelType::i16:
    case PixelType::u16: return 2;
    case PixelType::f32: return 4;
  }
  return 1;
}

// GDAL's structural metadata of a COG (its COG driver's "File format details"); the block leader and
// trailer it declares are written around every tile.
std::string structural_metadata() {
  const std::string body =
      "LAYOUT=IFDS_BEFORE_DATA\nBLOCK_ORDER=ROW_MAJOR\nBLOCK_LEADER=SIZE_AS_UINT4\nBLOCK_TRAILER=LAST_4_BYTES_REPEATED\n"
      "KNOWN_INCOMPATIBLE_EDITION=NO\n ";
  char head[64];
  std::snprintf(head, sizeof head, "GDAL_STRUCTURAL_METADATA_SIZE=%06d bytes\n", int(body.size()));
  return head + body;
}

void write_all(int fd, const char* data, std::size_t size, std::uint64_t at, const std::string& what) {
  while (size > 0) {
    const ssize_t n = ::pwrite(fd, data, size, off_t(at));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw WriteError(what + ": " + std::strerror(n < 0 ? errno : ENOSPC));
    data += n;
    size -= std::size_t(n);
    at += std::uint64_t(n);
  }
}

void read_all(int fd, char* data, std::size_t size, std::uint64_t at, const std::string& what) {
  while (size > 0) {
    const ssize_t n = ::pread(fd, data, size, off_t(at));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw WriteError(what + ": " + (n < 0 ? std::strerror(errno) : "the file is shorter than written"));
    data += n;
    size -= std::size_t(n);
    at += std::uint64_t(n);
  }
}

// The block the header and overviews are padded to, so that they can be inserted before the
// full-resolution tiles in whole file-system blocks (4 KiB, or a divisor of it, on ext4 and XFS).
constexpr std::uint64_t kInsertBlock = 4096;

std::atomic<bool> insert_in_place{true};

}  // namespace

void set_insert_in_place(bool allowed) { insert_in_place = allowed; }

bool codec_supported(const std::string& codec) { return codec == "ZSTD" || codec == "DEFLATE" || codec == "NONE"; }

std::int64_t band_bytes(const RasterSpec& spec, const CogOptions& options, int levels) {
  std::int64_t bytes = 0;
  for (int l = 0, cols = spec.grid.cols; l <= levels; ++l, cols = (cols + 1) / 2)
    bytes += std::int64_t(options.block_size) * (std::int64_t(cols) + options.block_size) * cell_bytes_of(spec.type);
  return bytes;
}

struct CogFile::Codecs {
  ZSTD_CCtx* zstd = nullptr;
  libdeflate_compressor* deflate = nullptr;
  ~Codecs() {
    if (zstd) ZSTD_freeCCtx(zstd);
    if (deflate) libdeflate_free_compressor(deflate);
  }
};

CogFile::CogFile(const RasterSpec& spec, const CogOptions& options, int levels, std::vector<TiffField> copied_fields, std::string spool_path)
    : spec_(spec), options_(options), copied_(std::move(copied_fields)), spool_path_(std::move(spool_path)), codecs_(std::make_unique<Codecs>()) {
  if (!codec_supported(options_.codec)) throw std::logic_error("CogFile: codec " + options_.codec + " is written through GDAL");
  cell_bytes_ = cell_bytes_of(spec_.type);
  // Cells past the raster's edge hold nodata, as GDAL fills a partial tile.
  std::string nodata_cell(std::size_t(cell_bytes_), '\0');
  switch (spec_.type) {
    case PixelType::u8: { const auto v = std::uint8_t(spec_.nodata); std::memcpy(nodata_cell.data(), &v, 1); break; }
    case PixelType::i16: { const auto v = std::int16_t(spec_.nodata); std::memcpy(nodata_cell.data(), &v, 2); break; }
    case PixelType::u16: { const auto v = std::uint16_t(spec_.nodata); std::memcpy(nodata_cell.data(), &v, 2); break; }
    case PixelType::f32: { const auto v = float(spec_.nodata); std::memcpy(nodata_cell.data(), &v, 4); break; }
  }
  nodata_row_.reserve(std::size_t(options_.block_size) * nodata_cell.size());
  for (int c = 0; c < options_.block_size; ++c) nodata_row_ += nodata_cell;
  // The same choices as the GDAL path: no differencing of classes, floating-point differencing of
  // floats (TIFF Technical Note 3), horizontal differencing of integers (TIFF 6.0, section 14).
  if (options_.codec == "ZSTD") {
    compression_ = 50000;  // libtiff's COMPRESSION_ZSTD
    codecs_->zstd = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(codecs_->zstd, ZSTD_c_compressionLevel, options_.level);
  } else if (options_.codec == "DEFLATE") {
    compression_ = 8;  // Adobe deflate, zlib-wrapped
    codecs_->deflate = libdeflate_alloc_compressor(std::clamp(options_.level, 1, 12));
  }
  if (compression_ != 1 && options_.predictor && !spec_.categorical) predictor_ = spec_.type == PixelType::f32 ? 3 : 2;
  for (int l = 0, cols = spec_.grid.cols, rows = spec_.grid.rows; l <= levels; ++l, cols = (cols + 1) / 2, rows = (rows + 1) / 2) {
    Level level;
    level.cols = cols;
    level.rows = rows;
    level.tiles_across = (cols + options_.block_size - 1) / options_.block_size;
    level.tiles_down = (rows + options_.block_size - 1) / options_.block_size;
    levels_.push_back(std::move(level));
  }
  spool_fd_ = ::open(spool_path_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (spool_fd_ < 0) throw WriteError(spool_path_ + ": cannot create the tiles' temporary file: " + std::strerror(errno));
  ::unlink(spool_path_.c_str());  // gone with the process, whatever happens
  // Named, and with a published file's permissions: it may become the COG itself. Left by a process
  // that died, it is a partial file of a dead run's scratch folder, removed by the next run.
  full_path_ = spool_path_ + ".full";
  full_fd_ = ::open(full_path_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (full_fd_ < 0) throw WriteError(full_path_ + ": cannot create the tiles' temporary file: " + std::strerror(errno));
}

CogFile::~CogFile() {
  if (spool_fd_ >= 0) ::close(spool_fd_);
  if (full_fd_ >= 0) ::close(full_fd_);
  if (!full_path_.empty()) ::unlink(full_path_.c_str());
}

void CogFile::add_rows(int level_index, const void* rows, int count) {
  Level& level = levels_.at(std::size_t(level_index));
  const std::size_t row_bytes = std::size_t(level.cols) * std::size_t(cell_bytes_);
  const auto* src = static_cast<const unsigned char*>(rows);
  fill_rows(level, count, [&](unsigned char* to, int first, int n) { std::memcpy(to, src + std::size_t(first) * row_bytes, std::size_t(n) * row_bytes); });
}

void CogFile::fill_rows(Level& level, int count, const std::function<void(unsigned char* to, int first, int rows)>& fill) {
  const int block = options_.block_size;
  const std::size_t row_bytes = std::size_t(level.cols) * std::size_t(cell_bytes_);
  if (count > level.rows - level.rows_in)
    throw std::logic_error("CogFile: more rows than level " + std::to_string(&level - levels_.data()) + " has");
  if (level.band.empty() && count > 0) level.band.resize(row_bytes * std::size_t(block));
  for (int done = 0; done < count;) {
    // As many rows as are left of the band: written straight into it.
    const int in_band = level.rows_in % block;
    const int n = std::min(count - done, block - in_band);
    fill(level.band.data() + std::size_t(in_band) * row_bytes, done, n);
    done += n;
    level.rows_in += n;
    if (level.rows_in % block != 0 && level.rows_in != level.rows) continue;
    const int band_start = (level.rows_in - 1) / block * block;
    if (band_start >= level.first_row) {
      flush_band(level);
      continue;
    }
    // A part's first rows, of a band begun in the part before: kept as they are for the whole
    // raster's writer to complete.
    level.lead_rows = level.rows_in - level.first_row;
    level.lead.assign(level.band.begin() + std::ptrdiff_t(std::size_t(level.first_row - band_start) * row_bytes),
                      level.band.begin() + std::ptrdiff_t(std::size_t(level.rows_in - band_start) * row_bytes));
  }
}

namespace {

constexpr char kPartMagic[] = "ECOMON-COG-PART 1\n";

void put_u32(std::string& out, std::uint64_t v) {
  if (v > 0xFFFFFFFFull) throw std::logic_error("CogFile: a part's field past 32 bits");
  append(out, std::uint32_t(v));
}

}  // namespace

void CogFile::start_part(int row0) {
  const int factor = 1 << (int(levels_.size()) - 1);
  if (row0 % factor != 0) throw std::logic_error("CogFile: a part must start at a multiple of 2^levels");
  for (std::size_t l = 0; l < levels_.size(); ++l) {
    Level& level = levels_[l];
    if (level.rows_in != level.first_row) throw std::logic_error("CogFile: a part started after rows were added");
    level.first_row = level.rows_in = row0 >> l;
  }
}

void CogFile::write_part(const std::string& path, const std::string& target) {
  std::string head(kPartMagic);
  for (const std::uint64_t v : {std::uint64_t(cell_bytes_), std::uint64_t(compression_), std::uint64_t(predictor_), std::uint64_t(options_.block_size),
                                std::uint64_t(levels_[0].cols), std::uint64_t(levels_[0].rows), std::uint64_t(levels_.size()),
                                std::uint64_t(levels_[0].first_row), std::uint64_t(levels_[0].rows_in - levels_[0].first_row)})
    put_u32(head, v);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw WriteError(target + ": cannot create " + path + ": " + std::strerror(errno));
  try {
    const std::string what = target + ": cannot write the part";
    std::uint64_t at = 0;
    const auto put = [&](const std::string& bytes) {
      write_all(fd, bytes.data(), bytes.size(), at, what);
      at += bytes.size();
    };
    put(head);
    for (Level& level : levels_) {
      const std::size_t row_bytes = std::size_t(level.cols) * std::size_t(cell_bytes_);
      // Rows after the last band boundary, short of the raster's end: the next part's band.
      std::string trail;
      int trail_rows = 0;
      if (level.rows_in % options_.block_size != 0 && level.rows_in != level.rows) {
        const int band_start = level.rows_in / options_.block_size * options_.block_size;
        const int from = std::max(band_start, level.first_row);
        const auto* rows = reinterpret_cast<const char*>(level.band.data()) + std::size_t(from - band_start) * row_bytes;
        if (band_start < level.first_row) {  // the part lies inside one band: all of it leads
          level.lead_rows = level.rows_in - from;
          level.lead.assign(rows, rows + std::size_t(level.lead_rows) * row_bytes);
        } else {
          trail_rows = level.rows_in - from;
          trail.assign(rows, std::size_t(trail_rows) * row_bytes);
        }
      }
      std::string section;
      put_u32(section, std::uint64_t(level.lead_rows));
      section.append(reinterpret_cast<const char*>(level.lead.data()), level.lead.size());
      put_u32(section, level.sizes.size());
      for (const std::uint32_t size : level.sizes) put_u32(section, size);
      put(section);
      std::string tile;
      for (std::size_t t = 0; t < level.sizes.size(); ++t) {
        tile.resize(level.sizes[t]);
        read_all(fd_of(level), tile.data(), tile.size(), level.offsets[t], spool_path_ + ": cannot read compressed tiles back");
        put(tile);
      }
      section.clear();
      put_u32(section, std::uint64_t(trail_rows));
      section += trail;
      put(section);
    }
    if (::close(fd) != 0) throw WriteError(what + ": " + std::strerror(errno));
  } catch (...) {
    ::close(fd);
    ::unlink(path.c_str());
    throw;
  }
}

int CogFile::add_part(const std::string& part) {
  std::FILE* in = std::fopen(part.c_str(), "rb");
  if (!in) throw WriteError(part + ": cannot open the part: " + std::strerror(errno));
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> closer(in, std::fclose);
  const auto read = [&](void* to, std::size_t size) {
    if (size > 0 && std::fread(to, 1, size, in) != size) throw WriteError(part + ": truncated part file");
  };
  const auto get_u32 = [&] {
    std::uint32_t v = 0;
    read(&v, 4);
    return v;
  };
  std::string magic(sizeof kPartMagic - 1, '\0');
  read(magic.data(), magic.size());
  if (magic != kPartMagic) throw WriteError(part + ": not a part file of a Cloud-Optimized GeoTIFF");
  std::uint32_t header[9];
  for (std::uint32_t& v : header) v = get_u32();
  const std::uint32_t expected[7] = {std::uint32_t(cell_bytes_), std::uint32_t(compression_), std::uint32_t(predictor_), std::uint32_t(options_.block_size),
                                     std::uint32_t(levels_[0].cols), std::uint32_t(levels_[0].rows), std::uint32_t(levels_.size())};
  if (!std::equal(expected, expected + 7, header))
    throw WriteError(part + ": made for another raster (its type, codec, block size, size or overview levels differ)");
  if (int(header[7]) != levels_[0].rows_in)
    throw WriteError(part + ": holds rows from " + std::to_string(header[7]) + " where row " + std::to_string(levels_[0].rows_in) + " comes next");
  std::string tile;
  for (std::size_t l = 0; l < levels_.size(); ++l) {
    Level& level = levels_[l];
    const std::size_t row_bytes = std::size_t(level.cols) * std::size_t(cell_bytes_);
    // Rows as they are (of bands shared with the neighbouring parts): read into the band itself.
    const auto add_raw = [&] {
      const std::uint32_t count = get_u32();
      if (count > std::uint32_t(level.rows - level.rows_in)) throw WriteError(part + ": more rows than the raster has");
      fill_rows(level, int(count), [&](unsigned char* to, int, int n) { read(to, std::size_t(n) * row_bytes); });
    };
    add_raw();
    const std::uint32_t tiles = get_u32();
    if (tiles % std::uint32_t(level.tiles_across) != 0) throw WriteError(part + ": a band with a part of its tiles");
    std::vector<std::uint32_t> sizes(tiles);
    for (std::uint32_t& size : sizes) size = get_u32();
    for (std::uint32_t t = 0; t < tiles; ++t) {
      if (t % std::uint32_t(level.tiles_across) == 0) {
        if (level.rows_in % options_.block_size != 0 || level.rows_in >= level.rows) throw WriteError(part + ": its bands do not fall on the raster's");
        level.rows_in = std::min(level.rows, level.rows_in + options_.block_size);
      }
      tile.resize(sizes[t]);
      read(tile.data(), tile.size());
      append_tile(level, tile.data(), tile.size());
    }
    add_raw();
    if (level.rows_in == level.rows) ScratchBytes().swap(level.band);
  }
  return int(header[8]);
}

void CogFile::flush_band(Level& level) {
  const int block = options_.block_size;
  const int band_rows = (level.rows_in - 1) % block + 1;
  const std::size_t row_bytes = std::size_t(level.cols) * std::size_t(cell_bytes_);
  const std::size_t tile_row_bytes = std::size_t(block) * std::size_t(cell_bytes_);
  tile_.resize(tile_row_bytes * std::size_t(block));
  for (int t = 0; t < level.tiles_across; ++t) {
    const int col0 = t * block, cols = std::min(block, level.cols - col0);
    // Each tile row: its cells, then nodata past the raster's right edge; rows past its foot, nodata.
    // (Filled row by row from a row of nodata: cell by cell, a partial tile's fill cost as much as
    // compressing it.)
    for (int r = 0; r < block; ++r) {
      unsigned char* row = tile_.data() + std::size_t(r) * tile_row_bytes;
      const std::size_t data_bytes = r < band_rows ? std::size_t(cols) * std::size_t(cell_bytes_) : 0;
      if (data_bytes > 0)
        std::memcpy(row, level.band.data() + std::size_t(r) * row_bytes + std::size_t(col0) * std::size_t(cell_bytes_), data_bytes);
      if (data_bytes < tile_row_bytes) std::memcpy(row + data_bytes, nodata_row_.data(), tile_row_bytes - data_bytes);
    }
    encode_tile();
    if (encoded_.size() < 4) throw std::logic_error("CogFile: a tile encoded to fewer than the 4 bytes its trailer repeats");
    append_tile(level, reinterpret_cast<const char*>(encoded_.data()), encoded_.size());
  }
  if (level.rows_in == level.rows) ScratchBytes().swap(level.band);
}

void CogFile::append_tile(Level& level, const char* bytes, std::size_t size) {
  if (size < 4) throw WriteError(spool_path_ + ": a tile of fewer than the 4 bytes its trailer repeats");
  if (&level != &levels_[0]) {
    write_all(spool_fd_, bytes, size, spool_size_, spool_path_ + ": cannot write compressed tiles");
    level.offsets.push_back(spool_size_);
    spool_size_ += size;
  } else {  // as the COG holds it: led by its size, trailed by its last 4 bytes
    framed_.clear();
    append(framed_, std::uint32_t(size));
    framed_.append(bytes, size);
    framed_.append(bytes + size - 4, 4);
    write_all(full_fd_, framed_.data(), framed_.size(), full_size_, full_path_ + ": cannot write compressed tiles");
    level.offsets.push_back(full_size_ + 4);
    full_size_ += framed_.size();
    start_writeback();
  }
  level.sizes.push_back(std::uint32_t(size));
}

namespace {

// Asks the kernel to start writing `bytes` of `fd` from `from` to disk, without waiting for it
// (sync_file_range(2), SYNC_FILE_RANGE_WRITE; 0 bytes would mean "to the file's end", so nothing is
// asked then). A hint only: an error leaves the data to the fsync that publishes the file.
void hint_writeback(int fd, std::uint64_t from, std::uint64_t bytes) {
  if (bytes > 0) ::sync_file_range(fd, off_t(from), off_t(bytes), SYNC_FILE_RANGE_WRITE);
}

}  // namespace

// The kernel is asked to start writing the full resolution's tiles to disk as they arrive, some MiB
// at a time, without waiting for it (hint_writeback). Otherwise they
// stay dirty in memory until the file is finished, and then the header's insertion (which writes the
// file's dirty pages first) and the publishing fsync wait for all of them at the end of the pass,
// with the cores idle (a Landsat scene's 420 MiB of products: 1.0-1.1 s to finish without the hint,
// 0.4-0.85 s with it, on a disk writing 260 MB/s). A hint only: an error leaves the data to the
// fsync, which checks it.
void CogFile::start_writeback(std::uint64_t at_least) {
  if (full_size_ - writeback_from_ < std::max<std::uint64_t>(at_least, 1)) return;
  hint_writeback(full_fd_, writeback_from_, full_size_ - writeback_from_);
  writeback_from_ = full_size_;
}

int CogFile::fd_of(const Level& level) const { return &level == &levels_[0] ? full_fd_ : spool_fd_; }

// Differences tile_ in place (it is not needed again) and compresses it into encoded_.
void CogFile::encode_tile() {
  const int block = options_.block_size;
  const std::size_t row_bytes = std::size_t(block) * std::size_t(cell_bytes_), size = row_bytes * std::size_t(block);
  const unsigned char* input = tile_.data();
  ScratchBytes& work = tile_;
  ScratchBytes& out = encoded_;
  if (predictor_ == 2) {
    for (int r = 0; r < block; ++r) {
      unsigned char* row = work.data() + std::size_t(r) * row_bytes;
      if (cell_bytes_ == 1) {
        for (int c = block - 1; c > 0; --c) row[c] = std::uint8_t(row[c] - row[c - 1]);
      } else {  // 16-bit samples, differenced modulo 2^16
        for (int c = block - 1; c > 0; --c) {
          std::uint16_t a, b;
          std::memcpy(&a, row + 2 * c, 2);
          std::memcpy(&b, row + 2 * (c - 1), 2);
          a = std::uint16_t(a - b);
          std::memcpy(row + 2 * c, &a, 2);
        }
      }
    }
  } else if (predictor_ == 3) {
    // TIFF Technical Note 3 (Adobe, 2005), as libtiff's fpDiff: each row's bytes regrouped most
    // significant byte first across the row, then differenced byte by byte.
    std::vector<unsigned char> row_copy(row_bytes);
    const std::size_t bps = std::size_t(cell_bytes_), wc = std::size_t(block);
    for (int r = 0; r < block; ++r) {
      unsigned char* row = work.data() + std::size_t(r) * row_bytes;
      std::memcpy(row_copy.data(), row, row_bytes);
      for (std::size_t c = 0; c < wc; ++c)
        for (std::size_t b = 0; b < bps; ++b) row[(bps - b - 1) * wc + c] = row_copy[bps * c + b];
      for (std::size_t i = row_bytes - 1; i > 0; --i) row[i] = std::uint8_t(row[i] - row[i - 1]);
    }
  }
  if (compression_ == 50000) {
    out.resize(ZSTD_compressBound(size));
    const std::size_t n = ZSTD_compress2(codecs_->zstd, out.data(), out.size(), input, size);
    if (ZSTD_isError(n)) throw WriteError(spool_path_ + ": ZSTD failed: " + ZSTD_getErrorName(n));
    out.resize(n);
  } else if (compression_ == 8) {
    out.resize(libdeflate_zlib_compress_bound(codecs_->deflate, size));
    const std::size_t n = libdeflate_zlib_compress(codecs_->deflate, input, size, out.data(), out.size());
    if (n == 0) throw WriteError(spool_path_ + ": DEFLATE failed");
    out.resize(n);
  } else {
    out.assign(input, input + size);
  }
}

CogPlacement CogFile::write(const std::string& path, const std::string& target, bool big_tiff) {
  for (std::size_t l = 0; l < levels_.size(); ++l)
    if (levels_[l].rows_in != levels_[l].rows)
      throw WriteError(target + ": cannot write Cloud-Optimized GeoTIFF: " + (l == 0 ? std::string("full resolution") : "overview level " + std::to_string(l)) +
                       " has " + std::to_string(levels_[l].rows_in) + " of its " + std::to_string(levels_[l].rows) + " rows");
  // The full resolution's last tiles on their way to the disk while the header is laid out and the
  // overviews copied.
  start_writeback(1);
  const std::uint16_t sample_format = spec_.type == PixelType::f32 ? 3 : spec_.type == PixelType::i16 ? 2 : 1;
  const auto copied = [&](std::uint16_t tag) -> const TiffField* {
    for (const auto& f : copied_)
      if (f.tag == tag) return &f;
    return nullptr;
  };
  // Each IFD's fields, placeholders for the tiles' offsets and sizes (filled once laid out).
  std::vector<std::vector<TiffField>> ifds(levels_.size());
  for (std::size_t l = 0; l < levels_.size(); ++l) {
    const Level& level = levels_[l];
    std::vector<TiffField>& f = ifds[l];
    if (l > 0) f.push_back(field<std::uint32_t>(254, kLong, {1}));  // NewSubfileType: a reduced image
    f.push_back(dimension(256, level.cols));
    f.push_back(dimension(257, level.rows));
    f.push_back(field<std::uint16_t>(258, kShort, {std::uint16_t(8 * cell_bytes_)}));
    f.push_back(field<std::uint16_t>(259, kShort, {std::uint16_t(compression_)}));
    f.push_back(copied(262) ? *copied(262) : field<std::uint16_t>(262, kShort, {1}));
    f.push_back(field<std::uint16_t>(277, kShort, {1}));
    f.push_back(field<std::uint16_t>(284, kShort, {1}));
    if (compression_ != 1) f.push_back(field<std::uint16_t>(317, kShort, {std::uint16_t(predictor_)}));
    f.push_back(dimension(322, options_.block_size));
    f.push_back(dimension(323, options_.block_size));
    TiffField offsets{324, kLong, level.offsets.size(), {}}, sizes{325, kLong, level.sizes.size(), {}};
    f.push_back(offsets);
    f.push_back(sizes);
    f.push_back(field<std::uint16_t>(339, kShort, {sample_format}));
    for (const TiffField& c : copied_)
      if (c.tag != 262 && (l == 0 || c.tag == 320 || c.tag == 42113)) f.push_back(c);
    std::sort(f.begin(), f.end(), [](const TiffField& a, const TiffField& b) { return a.tag < b.tag; });
  }
  const std::string ghost = structural_metadata();

  // Lays the file out: classic TIFF while every offset fits in 32 bits, else BigTIFF.
  struct Layout {
    bool big = false;
    std::vector<std::uint64_t> ifd_at;
    std::vector<std::vector<std::uint64_t>> value_at;  // per IFD, per field: where a value too long to sit in its entry goes
    std::vector<std::vector<std::uint64_t>> tile_at;   // per level, the offset of each tile's data
    std::uint64_t head_size = 0, total = 0;
  };
  const auto lay_out = [&](bool big) {
    Layout layout;
    layout.big = big;
    const std::uint64_t inline_bytes = big ? 8 : 4;
    std::uint64_t pos = (big ? 16 : 8) + ghost.size();
    pos += pos & 1;
    for (std::size_t i = 0; i < ifds.size(); ++i) {
      for (TiffField& f : ifds[i])
        if (f.tag == 324 || f.tag == 325) {
          f.type = big ? kLong8 : kLong;
          f.bytes.assign(f.count * tiff_type_size(f.type), '\0');
        }
      layout.ifd_at.push_back(pos);
      pos += big ? 8 + 20 * ifds[i].size() + 8 : 2 + 12 * ifds[i].size() + 4;
      std::vector<std::uint64_t> at;
      for (const TiffField& f : ifds[i]) {
        if (f.bytes.size() <= inline_bytes) {
          at.push_back(0);
          continue;
        }
        at.push_back(pos);
        pos += f.bytes.size();
        pos += pos & 1;  // TIFF 6.0: values begin on a word boundary
      }
      layout.value_at.push_back(std::move(at));
    }
    // Zeros after the IFDs, for the header and the overviews to fill whole blocks (kInsertBlock).
    std::uint64_t overview_bytes = 0;
    for (std::size_t l = 1; l < levels_.size(); ++l)
      for (std::uint32_t size : levels_[l].sizes) overview_bytes += 8 + size;
    pos += (kInsertBlock - (pos + overview_bytes) % kInsertBlock) % kInsertBlock;
    layout.head_size = pos;
    layout.tile_at.resize(levels_.size());
    for (std::size_t l = levels_.size(); l-- > 0;)  // smallest overview first, full resolution last
      for (std::uint32_t size : levels_[l].sizes) {
        pos += 4;  // leader: the block's size
        layout.tile_at[l].push_back(pos);
        pos += size + 4;  // trailer: its last 4 bytes again
      }
    layout.total = pos;
    return layout;
  };
  Layout layout = lay_out(big_tiff);
  if (layout.total > 0xFFFFFFFFull) layout = lay_out(true);

  for (std::size_t l = 0; l < levels_.size(); ++l)
    for (TiffField& f : ifds[l]) {
      if (f.tag != 324 && f.tag != 325) continue;
      f.bytes.clear();
      for (std::size_t t = 0; t < levels_[l].sizes.size(); ++t) {
        const std::uint64_t v = f.tag == 324 ? layout.tile_at[l][t] : levels_[l].sizes[t];
        if (layout.big)
          append(f.bytes, v);
        else
          append(f.bytes, std::uint32_t(v));
      }
    }
  std::string head;
  head.reserve(layout.head_size);
  if (layout.big) {
    head.append("II+\0", 4);
    append<std::uint16_t>(head, 8);
    append<std::uint16_t>(head, 0);
    append<std::uint64_t>(head, layout.ifd_at[0]);
  } else {
    head.append("II*\0", 4);
    append<std::uint32_t>(head, std::uint32_t(layout.ifd_at[0]));
  }
  head += ghost;
  const auto pad_to = [&](std::uint64_t at) { head.resize(at, '\0'); };
  for (std::size_t i = 0; i < ifds.size(); ++i) {
    pad_to(layout.ifd_at[i]);
    const std::uint64_t next = i + 1 < ifds.size() ? layout.ifd_at[i + 1] : 0;
    if (layout.big)
      append<std::uint64_t>(head, ifds[i].size());
    else
      append<std::uint16_t>(head, std::uint16_t(ifds[i].size()));
    for (std::size_t k = 0; k < ifds[i].size(); ++k) {
      const TiffField& f = ifds[i][k];
      append(head, f.tag);
      append(head, f.type);
      std::string value = layout.value_at[i][k] ? std::string() : f.bytes;
      if (layout.big) {
        append<std::uint64_t>(head, f.count);
        if (layout.value_at[i][k]) append<std::uint64_t>(head, layout.value_at[i][k]);
        value.resize(value.empty() && layout.value_at[i][k] ? 0 : 8, '\0');
      } else {
        append<std::uint32_t>(head, std::uint32_t(f.count));
        if (layout.value_at[i][k]) append<std::uint32_t>(head, std::uint32_t(layout.value_at[i][k]));
        value.resize(value.empty() && layout.value_at[i][k] ? 0 : 4, '\0');
      }
      head += value;
    }
    if (layout.big)
      append<std::uint64_t>(head, next);
    else
      append<std::uint32_t>(head, std::uint32_t(next));
    for (std::size_t k = 0; k < ifds[i].size(); ++k)
      if (layout.value_at[i][k]) {
        pad_to(layout.value_at[i][k]);
        head += ifds[i][k].bytes;
      }
  }
  pad_to(layout.head_size);

  // The header and the overviews' tiles, smallest first, each led by its size and trailed by its last 4 bytes.
  const std::uint64_t prefix_size = layout.total - full_size_;
  if (prefix_size % kInsertBlock != 0) throw std::logic_error("CogFile: the header and overviews do not fill whole blocks");
  const std::string what = target + ": cannot write Cloud-Optimized GeoTIFF";
  const auto write_prefix = [&](int fd) {
    write_all(fd, head.data(), head.size(), 0, what);
    std::uint64_t at = head.size();
    std::string buffer;
    constexpr std::size_t kChunk = 8u << 20;
    for (std::size_t l = levels_.size(); l-- > 1;)
      for (std::size_t t = 0; t < levels_[l].sizes.size(); ++t) {
        const std::uint32_t size = levels_[l].sizes[t];
        append(buffer, size);
        const std::size_t from = buffer.size();
        buffer.resize(from + size);
        read_all(spool_fd_, buffer.data() + from, size, levels_[l].offsets[t], spool_path_ + ": cannot read compressed tiles back");
        char last[4];
        std::memcpy(last, buffer.data() + buffer.size() - 4, 4);
        buffer.append(last, 4);
        if (buffer.size() >= kChunk) {
          write_all(fd, buffer.data(), buffer.size(), at, what);
          hint_writeback(fd, at, buffer.size());  // on its way to the disk while the rest is copied
          at += buffer.size();
          buffer.clear();
        }
      }
    write_all(fd, buffer.data(), buffer.size(), at, what);
    hint_writeback(fd, at, buffer.size());
    at += buffer.size();
    if (at != prefix_size) throw std::logic_error("CogFile: wrote " + std::to_string(at) + " bytes of a prefix of " + std::to_string(prefix_size));
  };
  // The full resolution's tiles stay where they were spooled, with the prefix inserted before them.
  if (insert_in_place && ::fallocate(full_fd_, FALLOC_FL_INSERT_RANGE, 0, off_t(prefix_size)) == 0) {
    try {
      write_prefix(full_fd_);
    } catch (...) {
      ::close(full_fd_);
      full_fd_ = -1;
      throw;
    }
    const int fd = full_fd_;
    full_fd_ = -1;
    if (::close(fd) != 0) throw WriteError(what + ": " + std::strerror(errno));
    if (::rename(full_path_.c_str(), path.c_str()) == 0) {
      full_path_.clear();  // it is the COG
      return CogPlacement::in_place;
    }
    // Another file system than the scratch folder's: the file, whole, is copied there.
    const int from = ::open(full_path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (from < 0) throw WriteError(full_path_ + ": cannot reopen the written tiles: " + std::strerror(errno));
    full_fd_ = from;
    copy_to_new_file(path, target, what, 0, layout.total, nullptr);
    return CogPlacement::inserted_then_copied;
  }
  // No insertion on this file system: the prefix, then the full resolution's tiles copied after it.
  copy_to_new_file(path, target, what, prefix_size, layout.total, write_prefix);
  return CogPlacement::copied;
}

void CogFile::copy_to_new_file(const std::string& path, const std::string& target, const std::string& what, std::uint64_t at,
                               std::uint64_t total, const std::function<void(int)>& write_prefix) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw WriteError(target + ": cannot create " + path + ": " + std::strerror(errno));
  try {
    if (write_prefix) write_prefix(fd);
    std::string buffer(std::size_t(8u << 20), '\0');
    for (std::uint64_t from = 0; at < total;) {
      const std::size_t n = std::size_t(std::min<std::uint64_t>(buffer.size(), total - at));
      read_all(full_fd_, buffer.data(), n, from, full_path_ + ": cannot read compressed tiles back");
      write_all(fd, buffer.data(), n, at, what);
      from += n, at += n;
    }
    if (::close(fd) != 0) throw WriteError(what + ": " + std::strerror(errno));
  } catch (...) {
    ::close(fd);
    ::unlink(path.c_str());
    throw;
  }
}

}  // namespace geo::io::cog
