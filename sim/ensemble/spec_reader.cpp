#include "spec_reader.hpp"

#include <cmath>
#include <locale>
#include <sstream>

namespace caresim::ensemble::detail {

std::string SpecReader::at(const YAML::Node& node) const {
  const YAML::Mark mark = node.Mark();
  if (mark.line < 0) return file_;
  return file_ + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

void SpecReader::fail(const YAML::Node& node, const std::string& key,
                      const std::string& expected) const {
  std::string got;
  if (node.IsScalar())
    got = ", got '" + node.Scalar() + "'";
  else if (node.IsSequence())
    got = ", got a list";
  else if (node.IsMap())
    got = ", got a map";
  throw SweepError(at(node) + ": " + key + ": expected " + expected + got);
}

void SpecReader::fail_plain(const YAML::Node& node, const std::string& message) const {
  throw SweepError(at(node) + ": " + message);
}

void SpecReader::check_keys(const YAML::Node& map, const std::string& path,
                            const std::set<std::string>& known) const {
  if (!map.IsMap()) fail(map, path.empty() ? "the top level" : path, "a map");
  for (const auto& entry : map) {
    const std::string key = entry.first.Scalar();
    if (!known.contains(key)) {
      std::string list;
      for (const auto& k : known)
        list += (list.empty() ? "" : ", ") + k;
      throw SweepError(at(entry.first) + ": " + (path.empty() ? "" : path + ".") + key +
                       ": unknown key; expected one of " + list);
    }
  }
}

double SpecReader::real(const YAML::Node& node, const std::string& key) const {
  if (!node.IsScalar()) fail(node, key, "a number");
  std::istringstream in(node.Scalar());
  in.imbue(std::locale::classic());
  double value = 0.0;
  in >> value;
  if (!in || !in.eof() || !std::isfinite(value)) fail(node, key, "a finite number");
  return value;
}

long long SpecReader::integer(const YAML::Node& node, const std::string& key, long long lo,
                              long long hi) const {
  if (!node.IsScalar()) fail(node, key, "an integer");
  const std::string& text = node.Scalar();
  std::size_t used = 0;
  long long value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (...) {
    used = 0;
  }
  if (used == 0 || used != text.size() || value < lo || value > hi) {
    fail(node, key, "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  return value;
}

std::uint64_t SpecReader::unsigned64(const YAML::Node& node, const std::string& key) const {
  if (!node.IsScalar()) fail(node, key, "an unsigned integer");
  const std::string& text = node.Scalar();
  std::size_t used = 0;
  std::uint64_t value = 0;
  try {
    if (!text.empty() && text[0] != '-') value = std::stoull(text, &used);
  } catch (...) {
    used = 0;
  }
  if (used == 0 || used != text.size()) fail(node, key, "an unsigned 64-bit integer");
  return value;
}

std::string SpecReader::text(const YAML::Node& node, const std::string& key) const {
  if (!node.IsScalar() || node.Scalar().empty()) fail(node, key, "non-empty text");
  return node.Scalar();
}

bool SpecReader::boolean(const YAML::Node& node, const std::string& key) const {
  if (node.IsScalar() && node.Scalar() == "true") return true;
  if (node.IsScalar() && node.Scalar() == "false") return false;
  fail(node, key, "true or false");
}

YAML::Node SpecReader::load(std::string_view text) const {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    throw SweepError(file_ + ":" + std::to_string(e.mark.line + 1) + ":" +
                     std::to_string(e.mark.column + 1) + ": malformed YAML: " + e.msg);
  }
}

}  // namespace caresim::ensemble::detail
