#include "config/strict_yaml.hpp"

#include <algorithm>
#include <map>

#include "config/settings.hpp"  // ConfigError
#include "libgeo/utf8.hpp"

namespace ecomon {

namespace {

// Every mapping of the tree, at any depth: a key seen twice names both lines (1-based).
void refuse_repeated_keys(const YAML::Node& node, const std::string& path, const std::string& where) {
  if (node.IsMap()) {
    std::map<std::string, int> line_of;
    for (const auto& kv : node) {
      const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : YAML::Dump(kv.first);
      const int line = kv.first.Mark().line + 1;
      const auto [first, inserted] = line_of.emplace(key, line);
      const std::string full = where.empty() ? key : where + "." + key;
      if (!inserted)
        throw ConfigError(path + ": line " + std::to_string(line) + ": key '" + full + "' is given twice (first on line " +
                          std::to_string(first->second) + "); remove one");
      refuse_repeated_keys(kv.second, path, full);
    }
  } else if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) refuse_repeated_keys(node[i], path, where + "[" + std::to_string(i) + "]");
  }
}

}  // namespace

YAML::Node load_strict_yaml(const std::string& text, const std::string& path) {
  if (const std::size_t bad = geo::first_invalid_utf8(text); bad != std::string::npos) {
    const long line = long(std::count(text.begin(), text.begin() + long(bad), '\n')) + 1;
    throw ConfigError(path + ": line " + std::to_string(line) +
                      ": text that is not UTF-8 (save the file as UTF-8; a GBK file must be converted, e.g. iconv -f GBK -t UTF-8)");
  }
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(path + ": not valid YAML: " + e.what());
  }
  refuse_repeated_keys(root, path, "");
  return root;
}

}  // namespace ecomon
