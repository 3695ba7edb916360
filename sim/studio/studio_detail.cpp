#include "studio_detail.hpp"

#include <fstream>
#include <sstream>

#include "caresim/studio/studio.hpp"

namespace caresim::studio::detail {

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

nlohmann::json parse_object(const std::string& body, const std::string& expected) {
  nlohmann::json request;
  try {
    request = nlohmann::json::parse(body.empty() ? std::string("{}") : body);
  } catch (const nlohmann::json::exception&) {
    throw StudioError(400, "the request body is not JSON; expected " + expected);
  }
  if (!request.is_object()) throw StudioError(400, "expected " + expected);
  return request;
}

nlohmann::json picture_json(const Picture& p) {
  nlohmann::json j = {{"kind", p.kind}};
  nlohmann::json scalars = nlohmann::json::object();
  for (const auto& [name, value] : p.scalars)
    scalars[name] = value;
  j["scalars"] = scalars;
  nlohmann::json layers = nlohmann::json::object();
  for (const auto& layer : p.layers)
    layers[layer.name] = layer.values;
  j["layers"] = layers;
  if (!p.labels.empty()) j["labels"] = p.labels;
  return j;
}

}  // namespace caresim::studio::detail
