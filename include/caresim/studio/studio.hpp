#pragma once
// The logic of `caresim studio` (tools/commands/studio_command.cpp wires it to HTTP): the gallery
// of teaching presets, the sliders each model offers, live runs (sessions) stepped by their own
// thread and watched by any number of streams, and the one place that decides which files may be
// served. Everything a browser receives is JSON text made here; the engine and the models know
// nothing of it.

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "caresim/engine/simulator.hpp"
#include "caresim/scenario/load.hpp"
#include "caresim/scenario/scenario.hpp"

namespace caresim::studio {

/// A request the studio refuses: `status` is the HTTP status (4xx), what() the message a user
/// reads, sent as {"error": what()}.
class StudioError : public std::runtime_error {
 public:
  StudioError(int status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

/// One preset of the gallery: a file of scenarios/teaching/.
struct GalleryEntry {
  std::string file;         ///< relative to the scenarios folder, e.g. "teaching/sandpile.yaml"
  std::string name;         ///< the scenario's name
  std::string model;        ///< the model kind, e.g. "sandpile"
  std::string description;  ///< the scenario's one-line description
  std::string notice;       ///< "what to notice": the file's header comment, as prose
};

/// The header comment of a scenario file (the `#` lines before the first key), joined into
/// paragraphs: the preset's "what to notice" text, which tests check against runs.
std::string header_text(const std::string& yaml_text);

/// Every preset in `<scenarios>/teaching/`, by file name. Throws ScenarioError on a bad file.
std::vector<GalleryEntry> gallery(const std::filesystem::path& scenarios);

/// A slider: a scenario key with the range it offers. The range is the schema's (scenario_keys())
/// narrowed to what a class can use where the schema allows far more (a lattice of side 10,000
/// draws nothing useful in a browser); never wider than the schema's.
struct Slider {
  ScenarioKey key;
  double lo = 0.0;
  double hi = 0.0;
  double step = 1.0;
};

/// The sliders offered for `scenario`'s model, with its current values.
std::vector<Slider> sliders(const Scenario& scenario);

/// `relative` resolved inside `root`, if it names a regular file there: no "..", no absolute
/// path, no backslash or NUL, and the resolved file (symbolic links followed) still under root.
std::optional<std::filesystem::path> file_under(const std::filesystem::path& root,
                                                const std::string& relative);

/// How many runs a studio holds at once, and how many streams may watch them.
struct Limits {
  std::size_t runs = 8;
  std::size_t streams = 40;
};

/// One live run. Its own thread steps the model while playing, at `speed` steps per second, and
/// keeps every output row and the latest picture; streams read them. Thread-safe.
class Session {
 public:
  /// Builds the model (throws StudioError 400 for a bad scenario or override). With `twin`, a
  /// copy perturbed at one site runs alongside and each frame reports the distance between them.
  Session(std::string id, const std::filesystem::path& scenarios, const std::string& file,
          std::vector<std::string> overrides, bool twin);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  const std::string& id() const { return id_; }
  /// {"id", "file", "model", "name", "days", "series": [{name, units, description, columns}],
  ///  "sliders": [...], "notice", "twin"}: what a page needs before the first frame.
  std::string description_json() const;

  /// Controls: play at `steps_per_second` (1..1000), pause, one step, back to step 0, cancel
  /// (ends the thread and every stream).
  void play(double steps_per_second);
  void pause();
  void step_once();
  void reset();
  void cancel();
  bool cancelled() const;
  /// {"set": {key: value}}: keys the model can change mid-run (Simulator::live_keys) take their
  /// new values from the next step, with no restart (and keep them after a reset). StudioError
  /// 400 for a key that is not live for this model, or a value outside its slider's range.
  void set_live(const std::string& body);

  /// What a stream sends next: the rows after `*seen` (and the latest picture), or nothing if
  /// none came within `wait`. `*seen` is the number of rows the stream has sent, set back to 0
  /// (and "reset": true sent) after a reset. Returns std::nullopt once cancelled.
  std::optional<std::string> next_frame(std::size_t* seen, std::uint64_t* generation,
                                        std::chrono::milliseconds wait);

  /// Rows done so far (for tests).
  std::size_t rows() const;

  /// The Derrida map of the run's random Boolean network (teaching::derrida_map) beside the
  /// annealed approximation: {"k", "p", "nodes", "slope_annealed", "points": [{"d", "next",
  /// "standard_error", "annealed"}]}. StudioError 400 for any other model.
  std::string derrida_json() const;

 private:
  void drive();
  void build();
  void advance_locked();

  std::string id_;
  std::string file_;
  Scenario scenario_;
  std::string notice_;
  bool twin_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::unique_ptr<Simulator> sim_;
  std::unique_ptr<Simulator> twin_sim_;
  std::vector<std::string> row_json_;  // one JSON array per step done
  std::string picture_json_;
  std::map<std::string, double> live_;  // values set live, applied again after a reset
  std::uint64_t generation_ = 0;  // bumped by reset()
  bool playing_ = false;
  int pending_steps_ = 0;
  double speed_ = 10.0;
  bool cancelled_ = false;
  std::thread driver_;
};

/// The sessions of one studio server, under its limits. Thread-safe.
class Studio {
 public:
  Studio(std::filesystem::path scenarios, Limits limits);

  const std::filesystem::path& scenarios() const { return scenarios_; }
  /// JSON of gallery().
  std::string gallery_json() const;
  /// Starts a run from a request body {"scenario": "teaching/x.yaml", "set": {"key": value},
  /// "twin": bool}; returns its description_json(). StudioError 400 (bad body or scenario),
  /// 404 (no such file), 429 (limits.runs reached).
  std::string create(const std::string& body);
  /// The session, or StudioError 404.
  std::shared_ptr<Session> find(const std::string& id) const;
  /// Cancels and forgets a session (StudioError 404 if unknown).
  void remove(const std::string& id);
  /// Applies {"action": "play"|"pause"|"step"|"reset", "speed": n}; StudioError 400 otherwise.
  void control(const std::string& id, const std::string& body);
  /// Session::set_live on run `id`.
  void set_live(const std::string& id, const std::string& body);
  /// Stream admission: false once limits.streams are open. Pair with close_stream().
  bool open_stream();
  void close_stream();
  std::size_t open_streams() const;
  std::size_t run_count() const;
  /// Cancels every session (server shutdown).
  void shutdown();

 private:
  std::filesystem::path scenarios_;
  Limits limits_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Session>> sessions_;
  std::uint64_t next_id_ = 1;
  std::size_t streams_ = 0;
};

/// {"error": message} as JSON text.
std::string error_json(const std::string& message);

}  // namespace caresim::studio
