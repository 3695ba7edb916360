#!/usr/bin/env bash
# Hostile-input battery (issue 14): every case goes through the real CLI and must end with
#   - no crash: exit code below 128 and no "terminate"/"Aborted"/"core dumped" on stderr;
#   - no hang: done within the timeout (a hang shows as exit 124);
#   - the expected exit code, and a message matching the expected text where one is given;
#   - no lost output: a complete "old.h5" beside it is never changed, and a refused input
#     leaves no new .h5 or .part behind.
# Usage: bad_inputs.sh CARESIM_BINARY SOURCE_DIR
set -uo pipefail
bin=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
cp "$src/scenarios/leeds_small.yaml" good.yaml
printf 'an earlier, complete output' > old.h5
old_sum=$(sha256sum old.h5)
failures=0
cases=0

# case NAME EXPECTED_EXIT MESSAGE_REGEX -- ARGS...   (runs `caresim ARGS...`, output o.h5)
case_() {
  local name=$1 want=$2 pattern=$3
  shift 4
  cases=$((cases + 1))
  rm -f o.h5 o.h5.part
  timeout -s KILL 60 "$bin" "$@" >out.txt 2>err.txt
  local got=$?
  local why=""
  if [ "$got" -ge 128 ] && [ "$want" -lt 128 ]; then why="crashed or hung (exit $got)"; fi
  if grep -qiE 'terminate|Aborted|core dumped|Segmentation' err.txt; then why="$why; terminate/abort on stderr"; fi
  if [ "$got" != "$want" ]; then why="$why; exit $got, expected $want"; fi
  if [ -n "$pattern" ] && ! grep -qE -- "$pattern" err.txt; then why="$why; stderr lacks /$pattern/"; fi
  if [ "$(sha256sum old.h5)" != "$old_sum" ]; then why="$why; old.h5 changed"; fi
  if [ "$want" = 2 ] && { [ -e o.h5 ] || [ -e o.h5.part ]; }; then why="$why; refused input left output"; fi
  if [ -n "$why" ]; then
    failures=$((failures + 1))
    echo "FAIL $name:$why"
    sed 's/^/    /' err.txt | head -5
  else
    echo "ok   $name"
  fi
}

scenario() {  # scenario FILE TEXT: a small valid base with TEXT appended (later keys win)
  printf '%s\n' "base: good.yaml" "$2" > "$1"
}
run_bad() {  # run_bad NAME REGEX YAML  -- the YAML as the whole scenario file
  printf '%s' "$3" > bad.yaml
  case_ "$1" 2 "$2" -- run bad.yaml -o o.h5 --steps 2 -q
}

printf ',' > comma.yaml
case_ "comma file" 2 "comma.yaml.*expected a map" -- run comma.yaml -o o.h5 -q
printf 'base: comma.yaml\n' > base_comma.yaml
case_ "base: comma file" 2 "comma.yaml" -- run base_comma.yaml -o o.h5 -q
printf 'base: /dev/zero\n' > zero.yaml
case_ "base: /dev/zero" 2 "regular" -- run zero.yaml -o o.h5 -q
case_ "scenario /dev/zero" 2 "regular" -- run /dev/zero -o o.h5 -q
head -c 5000000 /dev/zero | tr '\0' '#' > huge.yaml
case_ "5 MB file" 2 "at most" -- run huge.yaml -o o.h5 -q
case_ "directory" 2 "directory" -- run . -o o.h5 -q
case_ "missing file" 2 "cannot open" -- run nope.yaml -o o.h5 -q
run_bad "org count int max" "count" "$(sed 's/staff: 450, count: 93/staff: 450, count: 2147483647/' good.yaml)"
printf 'base: good.yaml\n[a, b]: 1\n' > key_seq.yaml
case_ "base + sequence key" 2 "expected a key name" -- run key_seq.yaml -o o.h5 -q
printf 'base: good.yaml\nties: {[a]: 1}\n' > key_seq2.yaml
case_ "base + nested sequence key" 2 "expected a key name" -- run key_seq2.yaml -o o.h5 -q
scenario grad.yaml $'health:\n  deprivation_gradient: 1e308'
case_ "deprivation_gradient 1e308" 2 "deprivation_gradient" -- run grad.yaml -o o.h5 -q
scenario gp.yaml $'health:\n  gp_requests_per_year: {well: 1e20}'
case_ "gp rate 1e20" 2 "gp_requests_per_year" -- run gp.yaml -o o.h5 -q
run_bad "staff 1e9" "staff" "$(sed 's/staff: 1800}/staff: 1000000000}/' good.yaml)"
run_bad "staff int max" "staff" "$(sed 's/staff: 1800}/staff: 2147483647}/' good.yaml)"
sed 's/staff: 1800}/staff: 2000000}/; s/staff: 300}/staff: 2000000}/g; s/staff: 500}/staff: 2000000}/; s/staff: 1200, count: 100}/staff: 2000000, count: 100}/; s/staff: 450, count: 93}/staff: 2000000, count: 93}/; s/citizens: 81200 /citizens: 100000000 /' good.yaml > bigcity.yaml
case_ "city too big for memory" 2 "GiB of memory" -- run bigcity.yaml -o o.h5 -q
printf 'name: "a\\0b"\n' > nul_name.yaml; scenario nul2.yaml "$(cat nul_name.yaml)"
case_ "NUL in name" 2 "name" -- run nul2.yaml -o o.h5 -q
printf 'base: good.yaml\nname: "\xff\xfe"\n' > utf_name.yaml
case_ "invalid UTF-8 name" 2 "name" -- run utf_name.yaml -o o.h5 -q
python3 -c "print('a: ' + '['*5000 + ']'*5000)" > deep.yaml
case_ "deep nesting" 2 "levels of nested" -- run deep.yaml -o o.h5 -q
case_ "--seed -1" 2 "--seed" -- run good.yaml -o o.h5 -q --seed -1
case_ "--seed 2^64" 2 "--seed" -- run good.yaml -o o.h5 -q --seed 18446744073709551616
case_ "--seed text" 2 "--seed" -- run good.yaml -o o.h5 -q --seed abc
case_ "--steps 0" 2 "--steps: expected a whole number from 1" -- run good.yaml -o o.h5 -q --steps 0
case_ "--steps -5" 2 "--steps" -- run good.yaml -o o.h5 -q --steps -5
case_ "--steps 1e9" 2 "--steps" -- run good.yaml -o o.h5 -q --steps 1000000000
case_ "--threads -1" 2 "--threads: expected a whole number from 0" -- run good.yaml -o o.h5 -q --threads -1
case_ "--threads 2.5" 2 "--threads" -- run good.yaml -o o.h5 -q --threads 2.5
case_ "--set no equals" 2 "--set" -- run good.yaml -o o.h5 -q --set ties
case_ "--set unknown key" 2 "--set" -- run good.yaml -o o.h5 -q --set ties.nope=1
case_ "--set bad yaml" 2 "--set" -- run good.yaml -o o.h5 -q --set 'ties.team_size=[1,'
case_ "--set index past end" 2 "past the end" -- run good.yaml -o o.h5 -q --set 'organisations[99].staff=1'
case_ "--set huge rate" 2 "onset_per_year" -- run good.yaml -o o.h5 -q --set health.onset_per_year=1e300
case_ "--set nan" 2 "ties.reinforcement" -- run good.yaml -o o.h5 -q --set ties.reinforcement=.nan
case_ "--set inf" 2 "tie" -- run good.yaml -o o.h5 -q --set ties.within_org_ties_per_staff=.inf
case_ "--set ties per staff 1e6" 2 "cross_org_ties_per_staff" -- run good.yaml -o o.h5 -q --set ties.cross_org_ties_per_staff=1000000
case_ "--set team size huge" 2 "team_size" -- run good.yaml -o o.h5 -q --set ties.team_size=100000000
case_ "--set days 0" 2 "run.days" -- run good.yaml -o o.h5 -q --set run.days=0
case_ "--set seed -1" 2 "seed" -- run good.yaml -o o.h5 -q --set run.seed=-1
case_ "--set bad date" 2 "start_date" -- run good.yaml -o o.h5 -q --set run.start_date=2017-02-30
run_bad "empty file" "empty" ""
run_bad "two documents" "single YAML document" $'name: a\n---\nname: b\n'
run_bad "tab indentation" "malformed YAML" $'run:\n\tdays: 3\n'
run_bad "unclosed flow map" "malformed YAML" $'run: {days: 3\n'
run_bad "top-level list" "expected a map" $'- a\n- b\n'
run_bad "duplicate key" "duplicate|twice|more than once" "$(cat good.yaml; printf '\nname: again\n')"
printf 'base: cycle.yaml\n' > cycle.yaml
case_ "base cycle" 2 "at most 8" -- run cycle.yaml -o o.h5 -q
printf 'base: [a]\n' > base_list.yaml
case_ "base is a list" 2 "base" -- run base_list.yaml -o o.h5 -q
printf 'base: nope.yaml\n' > base_missing.yaml
case_ "base missing" 2 "nope.yaml" -- run base_missing.yaml -o o.h5 -q
mkdir -p sub; printf 'base: good.yaml\nname: ../escaped\nrun: {days: 2}\n' > sub_escape.yaml
rm -f ../escaped.h5
case_ "name ../escaped, no -o" 0 "" -- run sub_escape.yaml -q
if [ -e ../escaped.h5 ] || [ -e ../escaped.h5.part ] || [ ! -e _._escaped.h5 ]; then
  failures=$((failures + 1)); echo "FAIL name ../escaped wrote outside the working directory"
  rm -f ../escaped.h5 ../escaped.h5.part
fi
case_ "output is a directory" 2 "directory" -- run good.yaml -o sub -q --steps 2
case_ "output dir missing" 2 "does not exist" -- run good.yaml -o nodir/o.h5 -q --steps 2
case_ "unknown option" 2 "" -- run good.yaml --bogus
case_ "no subcommand" 2 "" --
case_ "sweep spec missing" 2 "" -- sweep nope.yaml
printf ',' > sweep_comma.yaml
case_ "sweep spec comma" 2 "" -- sweep sweep_comma.yaml
printf 'scenario: /dev/zero\nparameters: []\n' > sweep_zero.yaml
case_ "sweep spec scenario /dev/zero" 2 "" -- sweep sweep_zero.yaml

# Signals: a stop during the city's build ends at once with nothing written; the old output is
# kept. The build of a 3-million-person city takes seconds, so the watchdog must end it.
sed 's/citizens: 81200 /citizens: 3000000 /' good.yaml > slow_build.yaml
cases=$((cases + 1))
rm -f o.h5 o.h5.part
"$bin" run slow_build.yaml -o o.h5 -q > /dev/null 2> err.txt & pid=$!
sleep 1; start=$(date +%s.%N); kill -TERM $pid; wait $pid; got=$?; end=$(date +%s.%N)
took=$(python3 -c "print(round($end - $start, 2))")
if [ "$got" != 143 ] || python3 -c "import sys; sys.exit(0 if $took < 3 else 1)"; [ $? -ne 0 ] || [ -e o.h5 ] || [ "$(sha256sum old.h5)" != "$old_sum" ]; then
  failures=$((failures + 1)); echo "FAIL SIGTERM during build: exit $got after $took s"; cat err.txt
else
  echo "ok   SIGTERM during build: exit 143 after $took s"
fi

# Signals to every long command (issue 14 item 2): each stops within a second or two with
# 128 + signal, and a second signal ends the process at once.
# `timed_stop NAME EXPECT CMD...`: starts CMD, sends SIGTERM after 1 s, requires exit EXPECT
# within 2.5 s of the signal.
timed_stop() {
  local name=$1 expect=$2; shift 2
  cases=$((cases + 1))
  "$@" > /dev/null 2> err.txt & local pid=$!
  sleep 1
  local start end got took
  start=$(date +%s.%N); kill -TERM $pid; wait $pid; got=$?; end=$(date +%s.%N)
  took=$(python3 -c "print(round($end - $start, 2))")
  if [ "$got" != "$expect" ] || ! python3 -c "import sys; sys.exit(0 if $took < 2.5 else 1)"; then
    failures=$((failures + 1)); echo "FAIL SIGTERM to $name: exit $got after $took s"; head -3 err.txt
  else
    echo "ok   SIGTERM to $name: exit $got after $took s"
  fi
}
sed -e 's/runs_per_wave: 40/runs_per_wave: 4000/' -e 's/final_runs: 20/final_runs: 2000/' \
  "$src/tests/ensemble/data/ishigami_calibrate.yaml" > slow_calibrate.yaml
cp "$src/tests/ensemble/data/ishigami_targets.yaml" ishigami_targets.yaml
printf 'model: ishigami\nrun: {days: 20000}\n' > slow_ishigami.yaml
sed -i 's/^scenario: ishigami.yaml/scenario: slow_ishigami.yaml/' slow_calibrate.yaml
timed_stop "calibrate" 143 "$bin" calibrate slow_calibrate.yaml --output cal --quiet
port=$(python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
if [ -f "$(dirname "$bin")/studio/index.html" ]; then
  timed_stop "studio" 143 "$bin" studio --port "$port"
else
  echo "ok   SIGTERM to studio: skipped (the studio page is not built)"
fi
timed_stop "a long run" 143 "$bin" run good.yaml -o sig.h5 -q --steps 36500

# A second signal during the city's build ends the process at once (not after the grace).
cases=$((cases + 1))
"$bin" run slow_build.yaml -o o2.h5 -q > /dev/null 2> err.txt & pid=$!
sleep 0.5; kill -TERM $pid; sleep 0.1
start=$(date +%s.%N); kill -TERM $pid; wait $pid; got=$?; end=$(date +%s.%N)
took=$(python3 -c "print(round($end - $start, 2))")
if [ "$got" != 143 ] || ! python3 -c "import sys; sys.exit(0 if $took < 0.5 else 1)" || [ -e o2.h5 ]; then
  failures=$((failures + 1)); echo "FAIL second SIGTERM: exit $got after $took s"
else
  echo "ok   second SIGTERM: exit 143 after $took s"
fi

# A sweep whose finished run file was overwritten with garbage redoes that run (it used to
# count it: "8 runs (0 failed)").
cp "$src/tests/ensemble/data/ishigami.yaml" ishigami.yaml
printf '%s\n' "scenario: ishigami.yaml" "seed: 3" "replicates: 1" "design: {kind: grid}" \
  "parameters:" "  - {key: ishigami.x1, values: [0, 1, 2, 3]}" \
  "metrics:" "  - {name: y, series: y, reduction: last}" > sweep.yaml
cases=$((cases + 1))
"$bin" sweep sweep.yaml -o sw -q > /dev/null 2> err.txt
first=$?
printf 'garbage' > sw/runs/run_000002.h5
"$bin" sweep sweep.yaml -o sw > out.txt 2> err.txt
second=$?
if [ "$first" != 0 ] || [ "$second" != 0 ] || ! head -c 8 sw/runs/run_000002.h5 | grep -q 'HDF'; then
  failures=$((failures + 1)); echo "FAIL sweep with a garbage run file: exits $first/$second, run 2 not redone"
  cat out.txt err.txt | head -5
else
  echo "ok   sweep with a garbage run file: run redone"
fi

# compare resumes like sweep: the runs an earlier attempt at the same comparison finished (its
# runs folder, kept here with --keep-runs as a stopped comparison keeps it) are reused, and the
# result holds the same datasets.
sed 's/days: 1095 /days: 20 /' good.yaml > arm_a.yaml
sed 's/days: 1095 /days: 20 /; s/seed: 2017/seed: 2017/' good.yaml | sed 's/^name: leeds_small/name: arm_b/' > arm_b.yaml
cases=$((cases + 1))
"$bin" compare arm_a.yaml arm_b.yaml --replicates 2 -o cmp1.h5 --keep-runs -q > /dev/null 2> err.txt
first=$?
cp cmp1.h5 cmp2.h5
"$bin" compare arm_a.yaml arm_b.yaml --replicates 2 -o cmp1.h5 --keep-runs > /dev/null 2> err2.txt
second=$?
if [ "$first" != 0 ] || [ "$second" != 0 ] || ! grep -q "resumed: 4 of 4 runs reused" err2.txt \
    || ! /usr/bin/python3 "$src/tests/python/h5check.py" same cmp1.h5 cmp2.h5 > /dev/null; then
  failures=$((failures + 1)); echo "FAIL compare resume: exits $first/$second"; cat err.txt err2.txt | tail -5
else
  echo "ok   compare resume: 4 of 4 runs reused, same datasets"
fi

# Disk full (root only: a 64 KiB tmpfs): no crash, and no unreadable file left behind.
cases=$((cases + 1))
mkdir -p full
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=64k tmpfs full 2> /dev/null; then
  timeout -s KILL 300 "$bin" run good.yaml --steps 20 -q -o full/o.h5 > /dev/null 2> err.txt
  got=$?
  readable=yes
  if [ -e full/o.h5.part ] && ! /usr/bin/python3 -c "import h5py,sys; h5py.File(sys.argv[1],'r').attrs['status']" full/o.h5.part 2> /dev/null; then
    readable=no
  fi
  if [ "$got" != 1 ] || [ "$readable" = no ] || [ -e full/o.h5 ] || ! grep -q "No space left" err.txt; then
    failures=$((failures + 1)); echo "FAIL disk full: exit $got, part readable: $readable"; head -3 err.txt
  else
    echo "ok   disk full: exit 1, $( [ -e full/o.h5.part ] && echo 'readable .part kept' || echo '.part removed')"
  fi
  umount full
else
  echo "ok   disk full: skipped (needs root to mount a tmpfs)"
fi

echo "battery: $cases cases, $failures failed"
[ "$cases" -ge 40 ] || { echo "battery: fewer than 40 cases"; exit 1; }
[ "$failures" -eq 0 ]
