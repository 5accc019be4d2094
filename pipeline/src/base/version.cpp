#include "base/version.hpp"

#include "ecomon_version.hpp"  // generated at build time by pipeline/version.cmake

namespace ecomon {

std::string ecomon_version() { return std::string(kVersion) + " (commit " + kCommit + ")"; }

}  // namespace ecomon
