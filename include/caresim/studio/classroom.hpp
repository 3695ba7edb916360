#pragma once
// A class plays the system (the studio's participatory session, like NetLogo's HubNet): a teacher
// starts a care city, students join with a short code, each leads one organisation and, each
// round (a simulated month), sets its levers in plain words and units; the city runs the month
// deterministically (the same choices and seed give the same run), every page watches the
// system map and the headline series stream, and the debrief shows each round's choices beside
// what happened and, by a paired counterfactual month, what each organisation's change did.
// The levers are the care model's leader choices (State::leader_choices, docs/model.md 3.14.12).
// Sessions live in memory, are limited in number and expire when idle.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "caresim/care/simulation.hpp"
#include "caresim/studio/studio.hpp"

namespace caresim::studio {

struct ClassLimits {
  std::size_t sessions = 4;    ///< classes at once (429 beyond)
  std::size_t players = 40;    ///< students in one class (409 beyond)
  std::size_t streams = 64;    ///< event streams over all classes (503 beyond)
  int round_days = 30;         ///< days a round simulates
  std::chrono::seconds idle{4 * 3600};  ///< a class nobody has touched this long is ended
};

/// One lever as a student sees it: plain name, units, range and what it does in the model.
struct LeverSpec {
  std::string key;      ///< e.g. "system_time"
  std::string name;     ///< "Staff time protected for system work"
  std::string unit;     ///< "%", "people"
  double lo = 0, hi = 0, step = 1, neutral = 0;
  std::string meaning;  ///< what it does, in the model's terms
};

/// The levers offered to the leader of `org` in `sim`'s city (those its kind has).
std::vector<LeverSpec> levers_for(const Simulation& sim, std::uint32_t org);

/// Values of the levers a student has chosen, by key, in the units of LeverSpec.
using LeverValues = std::map<std::string, double>;

/// The model's choice for one organisation from lever values (units converted; a workshop is
/// held on `first_day`, the round's first day).
LeaderChoice to_choice(const LeverValues& values, int first_day);

/// One class: its city, players, rounds and history. Its own thread runs the rounds.
/// Thread-safe.
class ClassSession {
 public:
  struct Options {
    std::string scenario = "class/care_city.yaml";
    std::optional<std::uint64_t> seed;
    bool advance_when_all_submitted = false;  ///< a round starts when every player has chosen
    /// > 0: a round also starts this long after the last one ended (the first: after the first
    /// player joined, or after pace() set the timer). Players who did not choose keep their levers.
    int round_seconds = 0;
    bool counterfactual = true;  ///< run each changed organisation's month without its change
  };
  ClassSession(std::string code, std::string teacher, const std::filesystem::path& scenarios,
               Options options, ClassLimits limits);
  ~ClassSession();
  ClassSession(const ClassSession&) = delete;
  ClassSession& operator=(const ClassSession&) = delete;

  const std::string& code() const { return code_; }
  /// {"code", "name", "days", "round_days", "rounds", "series": [{name, units, description}],
  ///  "organisations": [{id, name, kind}], "players", "round", "advance_when_all_submitted",
  ///  "round_seconds", "seconds_left" (until the timer runs the open round; null without), ...}
  std::string description_json() const;
  /// Joins as a player: {"player" (token), "id", "name", "org", "org_name", "kind", "levers"}.
  /// StudioError 400 (bad name), 409 (class full).
  std::string join(const std::string& body);
  /// {"player", "round", "levers": {key: value}}: this player's choices for round `round` (the
  /// open round). StudioError 403 (unknown player), 409 (stale round or a round running), 400
  /// (bad lever or value).
  std::string choose(const std::string& body);
  /// {"teacher"}: runs the open round. StudioError 403 (not the teacher), 409 (running, or the
  /// city has run all its days).
  std::string advance(const std::string& body);
  /// {"player"} (the token join gave): the same seat again, after a reload: the join answer with
  /// the player's current levers and "submitted" (whether they have chosen for the open round).
  /// StudioError 403 (a token that is no seat of this class), 404 (ended).
  std::string rejoin(const std::string& body);
  /// {"teacher", "advance_when_all_submitted": bool, "round_seconds": 0..3600} (either optional):
  /// how rounds advance from now on. A new timer counts from now; switching to "when all have
  /// submitted" when every player already has runs the round. Returns the pace
  /// {"advance_when_all_submitted", "round_seconds"}. StudioError 403, 400, 404 (ended).
  std::string pace(const std::string& body);
  /// Checks the teacher's token (StudioError 403).
  void check_teacher(const std::string& body) const;
  /// Each round: the choices per organisation, the series' means over the round and each
  /// changed organisation's effect (actual minus counterfactual means; null until computed).
  std::string debrief_json() const;
  /// What a stream sends next (cursor: version, rows and round seen), "" on a heartbeat,
  /// nullopt once ended.
  struct Cursor {
    std::uint64_t version = 0;
    std::size_t rows = 0;
    int round = -1;
  };
  std::optional<std::string> next_event(Cursor& cursor, std::chrono::milliseconds wait);
  void end();
  bool ended() const;
  /// Rounds completed, and whether every counterfactual of them is done (for tests).
  int rounds_done() const;
  bool settled() const;
  std::chrono::steady_clock::time_point last_touched() const;

 private:
  struct Player {
    std::string token, name;
    std::uint32_t org;
    LeverValues values;      ///< current choices (the neutral values until they choose)
    int submitted_round = 0;  ///< the last round (1-based) they submitted for
  };
  struct Round {
    int number = 0;  ///< 1-based
    int first_day = 0, last_day = 0;
    std::vector<LeaderChoice> choices;                 ///< per organisation
    std::vector<LeverValues> values;                   ///< per organisation (mean of players)
    std::vector<std::vector<std::string>> players;     ///< per organisation: who chose
    std::vector<double> means;                         ///< per series, over the round's days
    std::vector<std::uint32_t> changed;                ///< organisations whose choice changed
    std::vector<std::vector<double>> effects;          ///< per changed org: per series; empty
                                                       ///< until computed
  };

  void drive();
  void touch() const;
  std::vector<LeverValues> org_values_locked() const;
  std::vector<double> round_means(Simulation& sim, int days, std::vector<std::string>* rows);
  std::string state_json_locked() const;
  std::string seat_json_locked(std::size_t player) const;
  /// The seat whose token is `token`; a 403 StudioError saying `refusal` if none.
  std::size_t seat_of_locked(const std::string& token, const std::string& refusal) const;
  bool all_submitted_locked() const;
  std::string series_json() const;

  std::string code_, teacher_;
  Options options_;
  ClassLimits limits_;
  std::string name_;
  std::unique_ptr<Simulation> sim_;  // touched only by the driver once started
  std::vector<std::string> series_names_;
  std::vector<SeriesSpec> series_specs_;
  std::vector<std::size_t> series_columns_;
  std::vector<std::string> org_names_, org_kinds_;
  std::vector<std::vector<LeverSpec>> org_levers_;
  std::vector<std::uint32_t> assignment_;  // organisation of player i
  int days_ = 0;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Player> players_;
  std::vector<Round> rounds_;
  std::vector<std::string> row_json_;  // one JSON array (series values) per day done
  std::string picture_json_;
  std::uint64_t version_ = 1;
  bool running_ = false, advance_requested_ = false, computing_effects_ = false;
  bool ended_ = false;
  std::chrono::steady_clock::time_point round_started_;
  mutable std::chrono::steady_clock::time_point touched_;
  std::thread driver_;
};

/// The classes of one studio server, under its limits. Thread-safe.
class Classes {
 public:
  Classes(std::filesystem::path scenarios, ClassLimits limits);
  /// Starts a class from {"scenario", "seed", "advance_when_all_submitted", "round_seconds",
  /// "counterfactual"} (all optional); returns its description with "teacher" (the token that
  /// advances and ends it). StudioError 400, 404 (no scenario), 429 (limits.sessions).
  std::string create(const std::string& body);
  /// The class with this join code (case-insensitive), or StudioError 404.
  std::shared_ptr<ClassSession> find(const std::string& code);
  /// Ends a class (teacher's token in the body).
  void end(const std::string& code, const std::string& body);
  bool open_stream();
  void close_stream();
  std::size_t count();
  void shutdown();

 private:
  void expire_locked();
  std::filesystem::path scenarios_;
  ClassLimits limits_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<ClassSession>> sessions_;
  std::size_t streams_ = 0;
};

}  // namespace caresim::studio
