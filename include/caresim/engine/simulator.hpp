#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "caresim/core/archive.hpp"
#include "caresim/engine/output.hpp"
#include "caresim/engine/picture.hpp"

namespace caresim {

/// Anything a run can drive (a model kind of the catalogue, catalogue/catalogue.hpp). One step is
/// one tick (a day in the care model). run_scenario, ensembles and twin runs use only this
/// interface.
class Simulator {
 public:
  virtual ~Simulator() = default;

  /// Steps done so far (the index of the next step).
  virtual int day() const = 0;
  /// Steps the scenario asks for.
  virtual int days() const = 0;
  /// Advances one step.
  virtual void step() = 0;

  /// Output layout: dimensions and series, in row order.
  virtual const RunLayout& layout() const = 0;
  /// Fills `row` (layout().row_width() values) with the outputs of the step just done.
  virtual void observe(std::span<double> row) const = 0;
  /// Indices into layout().series of the series the end-of-run summary shows.
  virtual std::vector<std::size_t> headline_series() const = 0;

  /// Seconds spent in each named phase so far.
  virtual std::vector<std::pair<std::string, double>> phase_seconds() const = 0;
  /// Tables to write now: called before the first step and after each step (at_end false), and
  /// once when the run ends (at_end true). Default: none.
  virtual std::vector<Table> tables(bool at_end) const {
    (void)at_end;
    return {};
  }
  /// The agents at the current step, for drawing (engine/picture.hpp). Optional: the default is
  /// an empty picture. Must not change the state, so a run with pictures taken gives the same
  /// outputs as one without.
  virtual Picture picture() const { return {}; }
  /// Extra root attributes describing the built model (population sizes and the like).
  virtual std::vector<Attribute> describe() const = 0;

  /// Scenario keys (e.g. "teaching.sandpile.grains_per_step") this model can change between
  /// steps without being rebuilt: set_live() takes effect from the next step. Default: none.
  virtual std::vector<std::string> live_keys() const { return {}; }
  /// Sets one of live_keys() to `value` from the next step on. Throws std::invalid_argument for
  /// another key or a value the model cannot take.
  virtual void set_live(const std::string& key, double value);

  /// Saves (archive.loading() false) or restores (true) the complete mutable state: everything
  /// a step reads or writes and the step counter, so that a simulator built from the same
  /// scenario and restored from a save continues exactly as the saved one would have (the same
  /// outputs, bit for bit: checkpoint/restart, io/checkpoint_file.hpp). One function visits
  /// every member for both directions. Restoring throws std::invalid_argument if the saved
  /// state does not fit this simulator (another city, model or version). Default: throws
  /// std::logic_error ("... not supported").
  virtual void visit_state(StateArchive& archive);

  // Twin runs (damage spreading, analysis/damage.hpp). Optional: a model that does not support
  // them keeps these defaults, which throw std::logic_error("... not supported").

  /// An independent copy in the current state. Random numbers are keyed by (seed, purpose,
  /// step, agent, draw), so the copy and the original draw the same numbers from here on.
  virtual std::unique_ptr<Simulator> clone() const;
  /// How many sites (agents) perturb() accepts: sites are 0..perturbation_sites()-1.
  virtual std::uint64_t perturbation_sites() const;
  /// Perturbs one site of the current state (flips a node, drops a grain, nudges a value).
  virtual void perturb(std::uint64_t site);
  /// Distance between this state and `other`'s, which must be the same model built from the same
  /// scenario (mean |x_A - x_B| over agents; std::invalid_argument otherwise).
  virtual double distance(const Simulator& other) const;
};

}  // namespace caresim
