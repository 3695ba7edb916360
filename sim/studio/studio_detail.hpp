#pragma once
// Private to the studio (sim/studio/): helpers the live runs, the what-if view and the class
// session share.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "caresim/engine/simulator.hpp"

namespace caresim::studio::detail {

/// The whole file as text ("" if it cannot be read).
std::string read_text(const std::filesystem::path& file);

/// A request body as a JSON object, or StudioError 400 saying what was expected.
nlohmann::json parse_object(const std::string& body, const std::string& expected);

/// A model's picture as the page reads it: {"kind", "scalars": {}, "layers": {}, "labels"}.
nlohmann::json picture_json(const Picture& picture);

}  // namespace caresim::studio::detail
