#pragma once
// ecomon's version and the commit it was built from, for the outputs that record their provenance
// (STAC's processing:software, report.html's method section).
#include <string>

namespace ecomon {

/// "0.9.0 (commit 1a2b3c4d5e6f)"; the commit ends in "-dirty" for a build of uncommitted changes.
std::string ecomon_version();

}  // namespace ecomon
