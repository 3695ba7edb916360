#include "caresim/engine/output.hpp"

namespace caresim {

std::size_t RunLayout::row_width() const {
  std::size_t width = 0;
  for (const SeriesSpec& spec : series) {
    width += spec.dimension < 0
                 ? 1
                 : dimensions.at(static_cast<std::size_t>(spec.dimension)).labels.size();
  }
  return width;
}

}  // namespace caresim
