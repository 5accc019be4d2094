// The STAC checksums: SHA-256 as a multihash, against FIPS 180-2's own examples, and the files of a
// list digested in parallel in the list's order, the first failing file named.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "base/errors.hpp"
#include "base/file_checksum.hpp"

namespace fs = std::filesystem;

namespace {

std::string file_holding(const std::string& name, const std::string& bytes) {
  const std::string path = (fs::temp_directory_path() / ("ecomon_checksum_" + name + "_" + std::to_string(getpid()))).string();
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

}  // namespace

TEST(FileChecksum, SHA256OfTheStandardsExamplesAsAMultihash) {
  const std::string abc = file_holding("abc", "abc"), empty = file_holding("empty", "");
  // FIPS 180-2, appendix B.1 ("abc"), and the digest of no bytes.
  EXPECT_EQ(ecomon::sha256_multihash_of_file(abc), "1220ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(ecomon::sha256_multihash_of_file(empty), "1220e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  fs::remove(abc), fs::remove(empty);
}

TEST(FileChecksum, ManyFilesDigestedInTheListsOrderTheFirstFailureNamed) {
  std::vector<std::string> files;
  for (int i = 0; i < 40; ++i) files.push_back(file_holding("many" + std::to_string(i), std::string(std::size_t(i) * 1000, char('a' + i % 26))));
  const std::vector<std::string> digests = ecomon::digests_of_files(files, ecomon::sha256_multihash_of_file);
  ASSERT_EQ(digests.size(), files.size());
  for (std::size_t i = 0; i < files.size(); ++i) EXPECT_EQ(digests[i], ecomon::sha256_multihash_of_file(files[i])) << files[i];
  EXPECT_TRUE(ecomon::digests_of_files({}, ecomon::sha256_multihash_of_file).empty());
  // Two missing files: the error is the first one's, whichever thread failed first.
  std::vector<std::string> with_gaps = files;
  with_gaps[7] = files[7] + ".gone";
  with_gaps[30] = files[30] + ".gone";
  try {
    ecomon::digests_of_files(with_gaps, ecomon::sha256_multihash_of_file);
    FAIL() << "a missing file must fail";
  } catch (const ecomon::OutputError& e) {
    EXPECT_NE(std::string(e.what()).find(files[7] + ".gone"), std::string::npos) << e.what();
  }
  for (const std::string& f : files) fs::remove(f);
}
