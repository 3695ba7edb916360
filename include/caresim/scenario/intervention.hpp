#pragma once
// Scheduled interventions as the scenario holds them: what every kind shares (kind, day, name,
// cohort, targets) and each kind's own parameters, type-erased. The kinds themselves (their
// parameters, keys, schedule and effect) live one file each in the care model
// (sim/care/interventions/); the scenario module reaches them only through InterventionKinds,
// which the care model's registry provides (see intervention_kinds() and docs/architecture.md,
// "Adding an intervention kind").

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>
#include <vector>

#include "caresim/scenario/keys.hpp"
#include "caresim/scenario/kinds.hpp"

namespace caresim {

struct Scenario;
struct InterventionSpec;

/// One kind's parameters, of a type only the kind's own file knows. A value: copies are deep and
/// `==` compares the parameters.
class KindParams {
 public:
  KindParams() = default;
  KindParams(const KindParams& other) : held_(other.held_ ? other.held_->clone() : nullptr) {}
  KindParams& operator=(const KindParams& other) {
    if (this != &other) held_ = other.held_ ? other.held_->clone() : nullptr;
    return *this;
  }
  KindParams(KindParams&&) noexcept = default;
  KindParams& operator=(KindParams&&) noexcept = default;
  ~KindParams() = default;

  /// Parameters of type T; T needs `==` and a schema `visit(V&, T&)` found by argument-dependent
  /// lookup (declared beside T, before this is called).
  template <class T>
  static KindParams of(T value = {}) {
    KindParams params;
    params.held_ = std::make_unique<Held<T>>(std::move(value));
    return params;
  }

  bool empty() const { return held_ == nullptr; }

  /// The parameters as a T; throws std::logic_error if they are of another type.
  template <class T>
  const T& as() const {
    const auto* held = dynamic_cast<const Held<T>*>(held_.get());
    if (held == nullptr)
      throw std::logic_error("intervention parameters asked for as another type");
    return held->value;
  }
  template <class T>
  T& as() {
    return const_cast<T&>(std::as_const(*this).as<T>());
  }

  /// Visits the parameters' keys (none if empty).
  void visit_keys(detail::KeyVisitor& v) {
    if (held_) held_->visit_keys(v);
  }

  /// Sets one key, checked against its range or names like a value read from a file; throws
  /// std::invalid_argument naming the key if it is not one of these parameters' or the value does
  /// not fit. For tests and tools that build interventions in code (sim/scenario/intervention.cpp).
  void set(std::string_view key, double value);
  void set(std::string_view key, std::string_view text);  // a string, or an enum's name
  void set(std::string_view key, const std::vector<std::string>& names);  // a sequence
  /// The value of a number key (integer or real); throws std::invalid_argument if there is none.
  double number(std::string_view key) const;

  bool operator==(const KindParams& other) const {
    if (!held_ || !other.held_) return !held_ && !other.held_;
    return held_->equals(*other.held_);
  }

 private:
  struct Base {
    virtual ~Base() = default;
    virtual std::unique_ptr<Base> clone() const = 0;
    virtual bool equals(const Base& other) const = 0;
    virtual void visit_keys(detail::KeyVisitor& v) = 0;
  };
  template <class T>
  struct Held final : Base {
    explicit Held(T v) : value(std::move(v)) {}
    std::unique_ptr<Base> clone() const override { return std::make_unique<Held>(value); }
    bool equals(const Base& other) const override {
      const auto* same = dynamic_cast<const Held*>(&other);
      return same != nullptr && same->value == value;
    }
    void visit_keys(detail::KeyVisitor& v) override { visit(v, value); }
    T value;
  };
  std::unique_ptr<Base> held_;
};

/// A rule across keys reports a problem: fail(path, related_path, expected, got), paths from the
/// top of the scenario ("interventions[2].restructure.into").
using InterventionFail = detail::Fail;

/// What the scenario loader needs to know about one kind of intervention. Each kind defines one in
/// its own file (sim/care/interventions/<kind>.cpp).
struct InterventionKindInfo {
  const char* name = "";                  ///< `kind:` in YAML
  const char* section = "";               ///< the key of its parameters within the intervention
  std::string_view doc = "";              ///< what it does, for the key reference
  KindParams (*make_params)() = nullptr;  ///< its parameters, at their defaults
  /// Whether a later intervention may name it in `cohort_of` (null: never).
  bool (*forms_cohort)(const InterventionSpec&) = nullptr;
  bool needs_cohort = false;  ///< it must name a cohort in `cohort_of`
  /// Rules beyond the ranges of its own keys (e.g. an organisation it names has the right kind);
  /// `at` is the intervention's path, "interventions[2]". Null: none.
  void (*check)(const Scenario& scenario, const InterventionSpec& spec, const std::string& at,
                const InterventionFail& fail) = nullptr;
  std::string_view check_doc = "";  ///< that rule in words, for the key reference
};

/// The kinds the loader accepts, in the order the key reference lists them.
class InterventionKinds {
 public:
  /// Adds a kind; throws std::logic_error if its name or section key is taken, or a key every
  /// intervention has.
  void add(const InterventionKindInfo& info);
  /// Removes the kind called `name`, if there is one.
  void remove(std::string_view name);
  /// The kind called `name`, or null.
  const InterventionKindInfo* find(std::string_view name) const;
  /// Its position in names(), or size() if there is none.
  std::size_t index_of(std::string_view name) const;
  std::size_t size() const { return kinds_.size(); }
  const InterventionKindInfo& operator[](std::size_t i) const { return *kinds_[i]; }
  detail::Names names() const { return names_; }

 private:
  std::vector<const InterventionKindInfo*> kinds_;
  std::vector<const char*> names_;
};

/// The registered kinds. Declared here, defined by the care model's registry
/// (sim/care/interventions/registry.cpp): the loader calls it, so the linker always keeps the
/// registry and every kind it lists (no object only a static initialiser would reach, which a
/// static library drops), and it is built on first use (no static-initialisation order).
const InterventionKinds& intervention_kinds();

/// A scheduled intervention.
struct InterventionSpec {
  std::string kind;       ///< a registered kind's name; `params` are that kind's
  int day = 0;            ///< day of the run it starts
  std::string name;       ///< optional label, unique; names a cohort for `cohort_of`
  std::string cohort_of;  ///< an earlier cohort-forming intervention whose cohort takes part
  /// Whom it targets, for the kinds that target organisations: these organisations (scenario
  /// names, numbered "GP practice 12" for `count` entries) and every organisation of these kinds.
  std::vector<std::string> organisations;
  std::vector<OrgKind> org_kinds;
  KindParams params;

  /// An intervention of the registered kind `kind`, with its default parameters; throws
  /// std::invalid_argument for an unknown kind.
  static InterventionSpec of(std::string_view kind, int day = 0);
  /// Makes this an intervention of kind `kind`, with its default parameters.
  void set_kind(std::string_view kind);

  bool operator==(const InterventionSpec&) const = default;
};

/// Whether an intervention forms a cohort that later ones can name with `cohort_of` (a day-one
/// workshop, an Open Space that invites its own group).
bool forms_cohort(const InterventionSpec& spec);

}  // namespace caresim
