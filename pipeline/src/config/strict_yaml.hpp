#pragma once
// YAML read strictly, for the config and the targets file: text that is not UTF-8 (YAML 1.2 requires
// a Unicode encoding; GBK text would reach the reports as broken bytes) and a key given twice in one
// mapping (yaml-cpp keeps both and a lookup takes one of them, so one value would win silently) are
// errors naming the file and the lines.
#include <yaml-cpp/yaml.h>

#include <string>

namespace ecomon {

/// Parses `text` (from `path`, for messages). Throws ConfigError naming `path` and the line.
YAML::Node load_strict_yaml(const std::string& text, const std::string& path);

}  // namespace ecomon
