#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "caresim/care/phases.hpp"
#include "caresim/care/world.hpp"
#include "caresim/engine/simulator.hpp"
#include "caresim/engine/output.hpp"

namespace caresim {

/// Tie-network totals computed once per observation (one deterministic pass over the edges).
struct TieStats {
  double strength = 0.0;        ///< sum of all tie strengths
  double cross_strength = 0.0;  ///< sum over cross-organisation ties
  double ties = 0.0;
  double cross_ties = 0.0;
  std::vector<double> org_strength;        ///< per organisation: strength of its staff's ties
  std::vector<double> org_cross_strength;  ///< per organisation: of which cross-organisation
  std::vector<double> org_ties;            ///< per organisation: tie ends held by its staff
};
TieStats tie_stats(const Model& model, const State& state);

/// Staff totals per organisation (one deterministic pass over staff).
struct StaffStats {
  std::vector<double> system_share, mindset, energy, trust, bias, vision, staff;  ///< sums
};
StaffStats staff_stats(const Model& model, const State& state);

/// Citizens in each health state per neighbourhood (one deterministic pass over citizens).
struct CitizenStats {
  std::vector<std::array<double, kHealthStateCount>> by_neighbourhood;
  std::array<double, kHealthStateCount> total{};
};
CitizenStats citizen_stats(const Model& model, const State& state);

/// Everything an observable may read after a step.
struct Observation {
  const Model& model;
  const State& state;
  TieStats ties;
  StaffStats staff;
  CitizenStats citizens;
};

/// One output series: what it is, and how to fill its values from an observation.
struct Observable {
  SeriesSpec spec;
  bool headline = false;  ///< shown in the end-of-run summary
  std::function<void(const Observation&, std::span<double>)> fill;
};

/// What Simulation::perturb does to its site (one staff slot) in a twin run.
enum class CarePerturbation : std::uint8_t {
  mindset,       ///< flips the person's system-leadership mindset (0 <-> 1)
  tie,           ///< removes the person's strongest tie (lowest slot on equal strength); none if
                 ///< they have no tie
  system_share,  ///< adds 0.01 to the person's share of system work (subtracts above 0.99)
};

/// The care model in progress: the immutable Model, the mutable State, the ordered phases and
/// the observables. One step simulates one day. Not thread-safe itself; its phases use TBB inside.
class Simulation final : public Simulator {
 public:
  explicit Simulation(const Scenario& scenario);
  /// `scenario` started from the warmed-up city of `warm_up_from` (run.warm_up_days; the same
  /// city, and the same number of warm-up days): the arms of a comparison that change a
  /// parameter start from their baseline's state and differ from day 0 on (docs/model.md 3.4.1).
  Simulation(const Scenario& scenario, const Scenario& warm_up_from);
  /// `scenario` with no warm-up run: its state is the city as built, for a caller that reads
  /// only the layout or loads a saved state (visit_state) next.
  struct NoWarmUp {};
  Simulation(const Scenario& scenario, NoWarmUp);

  /// Warmed-up cities kept in this process (run.warm_up_days): how many, and their bytes.
  static std::pair<std::size_t, std::size_t> warm_up_cache_size();

  // Twin runs (analysis/damage.hpp). The runs' days are fixed by the scenario (the demand
  // calendar holds run.days days), so a twin run must branch at least `horizon` days before the
  // end.

  /// A deep copy of Model and State (and fresh phases and observables bound to the copy).
  std::unique_ptr<Simulator> clone() const override;
  /// One site per staff slot.
  std::uint64_t perturbation_sites() const override;
  /// Perturbs staff slot `site` as set_perturbation says (default: flips the mindset).
  void perturb(std::uint64_t site) override;
  /// Mean over staff slots i of |m_A - m_B| + |s_A - s_B| + |w_A - w_B|, with m the mindset
  /// (0/1), s the share of system work (0..1) and w the summed strength of i's ties. Throws
  /// std::invalid_argument if `other` is not a Simulation with the same number of staff.
  double distance(const Simulator& other) const override;
  void set_perturbation(CarePerturbation kind) { perturbation_ = kind; }
  CarePerturbation perturbation() const { return perturbation_; }

  const Model& model() const { return world_.model; }
  const State& state() const { return world_.state; }
  /// For tests and interventions that edit state between steps.
  State& mutable_state() { return world_.state; }
  const PhaseList& phases() const { return phases_; }

  /// The next day to simulate (days since start); equals the steps done so far.
  int day() const override { return world_.state.day - world_.model.warm_up_days; }
  /// Days the scenario asks for.
  int days() const override {
    return world_.model.scenario.run.days - world_.model.warm_up_days;
  }

  /// Simulates one day: resets the day's tallies, runs every phase in order, advances the day.
  void step() override;

  /// The output layout (dimensions and series, in row order).
  const RunLayout& layout() const override { return layout_; }
  const std::vector<Observable>& observables() const { return observables_; }
  /// Fills `row` (layout().row_width() values) with the metrics of the day just simulated.
  void observe(std::span<double> row) const override;
  std::vector<std::size_t> headline_series() const override;

  /// Seconds spent in each phase so far, in phase order.
  std::vector<std::pair<std::string, double>> phase_seconds() const override;
  std::vector<Attribute> describe() const override;
  /// Snapshots of the tie network every outputs.network_snapshot_every_days (group
  /// network/day_NNNN), and the who-influenced-whom record of mindset adoptions at the end
  /// (group adoptions).
  std::vector<Table> tables(bool at_end) const override;
  /// The system map and a staff sample, kind "care" (sim/care/picture.cpp).
  Picture picture() const override;
  /// The whole State (sim/care/checkpoint.cpp lists every member; the Model is rebuilt from the
  /// scenario). Restoring checks that the saved city has this city's staff, citizens,
  /// organisations and neighbourhoods.
  void visit_state(StateArchive& archive) override;

 private:
  /// Starts from the warmed-up city of `scenario` (run.warm_up_days; docs/model.md 3.4): found
  /// in this process's cache or simulated once and kept.
  void warm_up(const Scenario& scenario);
  /// Steps the warm-up's days in place and restarts the running totals.
  void warm_up_in_place();

  World world_;
  PhaseList phases_;
  std::vector<Observable> observables_;
  RunLayout layout_;
  std::vector<double> phase_seconds_;
  CarePerturbation perturbation_ = CarePerturbation::mindset;

  Simulation(const Simulation& other);
};

}  // namespace caresim
