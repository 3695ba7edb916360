#pragma once
// A drawing of a model's agents at one step, as plain named arrays: what an interface (the
// studio, tools/studio/) needs to show the agents themselves rather than their totals. Knows no
// model and no format; each model fills it in its own words, and `kind` tells a viewer how to
// draw it.

#include <string>
#include <utility>
#include <vector>

namespace caresim {

/// One named array of a picture, e.g. the heights of a lattice, row-major.
struct PictureLayer {
  std::string name;
  std::vector<double> values;
};

/// The agents of a model at the current step. `kind` is one of:
///   "grid"     layers of rows x cols values (scalars "rows", "cols"), row-major
///   "raster"   one row of node states per step (layer "states"); a viewer stacks rows in time
///   "network"  a sample of nodes (layer "state", one per node) and the ties among them
///              (layer "edges": pairs of indices into the sample, flattened)
///   "bars"     a bar chart: layer "x" (left edge or label of each bar) and one layer per bar set
///   "curve"    a curve y(x) (layers "x", "y") and a marked point (scalars "point_x", "point_y")
///   "groups"   groups of agents (layers "size", "kind") and weighted links between them
///              (layer "links": triples from, to, weight, flattened)
///   "care"     the care model's system map: groups of organisations (labels; layers
///              "group_staff", "group_kind", "group_minded_share"), the cross-organisation tie
///              strength between them ("links": triples), and a staff sample ("staff_mindset",
///              "staff_group", "staff_edges": pairs of indices into the sample)
/// An empty kind means the model draws nothing. Scalars are extra numbers a viewer may show.
struct Picture {
  std::string kind;
  std::vector<std::pair<std::string, double>> scalars;
  std::vector<PictureLayer> layers;
  /// Names for the entries of a layer where they mean something (group names, bar labels).
  std::vector<std::string> labels;
};

}  // namespace caresim
