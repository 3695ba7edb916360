#!/usr/bin/env bash
# The Slurm backend for real (issue 6, docs/sweeps.md): start a one-node Slurm cluster on this
# machine (a private munged, slurmctld and slurmd, all in a temporary folder, on free ports),
# emit a sweep's array script with `caresim sweep --emit-slurm`, submit it with sbatch, wait for
# it, `--collect`, and require the summary to be byte-identical to the local backend's.
#
# Usage: tests/slurm/slurm_test.sh CARESIM_BINARY
# Exit: 0 passed, 1 failed, 77 skipped (Slurm cannot start here: not root, packages missing,
# a daemon refused to start); ctest maps 77 to "Skipped" (SKIP_RETURN_CODE), never a pass.
# Set CARESIM_SLURM_KEEP=1 to keep the temporary folder (configuration, logs, sweep folders),
# CARESIM_SLURM_WAIT=S to wait S seconds for the array instead of 120.
set -uo pipefail

readonly SKIP=77
caresim=${1:?usage: slurm_test.sh CARESIM_BINARY}
here=$(cd "$(dirname "$0")" && pwd)
ishigami=$here/../ensemble/data/ishigami.yaml
started=$SECONDS

say() { echo "slurm_test: $*"; }
skip() { say "SKIPPED: $*"; exit "$SKIP"; }
fail() { say "FAILED: $*"; exit 1; }

# --- can Slurm start here? -----------------------------------------------------------------------
[ "$(id -u)" -eq 0 ] || skip "not root: slurmctld, slurmd and munged are started as root here"
for tool in munged munge unmunge slurmctld slurmd sbatch squeue scontrol sinfo scancel; do
  command -v "$tool" >/dev/null ||
    skip "'$tool' not found; install slurm-wlm and munge (tools/setup.sh)"
done
[ -x "$caresim" ] || fail "$caresim is not an executable"
[ -f "$ishigami" ] || fail "$ishigami is missing"

# The folder must be searchable by all: munged refuses a socket in a folder others cannot enter.
work=$(mktemp -d /tmp/caresim-slurm.XXXXXX) || skip "cannot create a temporary folder"
chmod 755 "$work"
mkdir -p "$work"/{key,run,state,spool,log,sweep}
chmod 700 "$work/key"
export SLURM_CONF=$work/slurm.conf

pids=()     # daemons this script started, stopped in reverse order on exit
job_id=""
status_on_exit() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$job_id" ] && [ -n "$(squeue -h -j "$job_id" 2>/dev/null)" ]; then
    # Cancel before stopping slurmd, so no task's caresim outlives the cluster.
    scancel "$job_id" 2>/dev/null
    for _ in $(seq 20); do [ -z "$(squeue -h -j "$job_id" 2>/dev/null)" ] && break; sleep 0.5; done
  fi
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  if [ "$rc" -ne 0 ] && [ "$rc" -ne "$SKIP" ]; then
    for f in "$work"/log/*.log "$work"/sweep/slurm/*.out; do
      [ -f "$f" ] && { echo "--- $f (last lines)"; tail -n 15 "$f"; }
    done
  fi
  if [ "${CARESIM_SLURM_KEEP:-0}" = 1 ]; then say "kept $work"; else rm -rf "$work"; fi
  say "$((SECONDS - started)) s in all"
  exit "$rc"
}
trap status_on_exit EXIT
trap 'exit 1' INT TERM

# Waits up to $1 seconds for the command in the remaining arguments to succeed.
wait_for() {
  local limit=$1; shift
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

# Two free TCP ports, so a Slurm already running on this machine is left alone.
read -r ctld_port slurmd_port < <(/usr/bin/python3 - <<'EOF' 2>/dev/null || echo "16817 16818"
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))
EOF
)

# --- munge: a private key and daemon, so the machine's own munge (if any) is untouched ----------
dd if=/dev/urandom of="$work/key/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$work/key/munge.key"
socket=$work/run/munge.socket
munged --foreground --socket="$socket" --key-file="$work/key/munge.key" \
  --pid-file="$work/run/munged.pid" --seed-file="$work/run/munged.seed" \
  --log-file="$work/log/munged.log" >>"$work/log/munged.stderr" 2>&1 &
pids+=($!)
check_munge() { munge -n --socket="$socket" | unmunge --socket="$socket"; }
wait_for 15 check_munge ||
  skip "munged did not start: $(tail -n 3 "$work/log/munged.log" | tr '\n' ' ')"

# --- slurm.conf: one node, this host, its cores -------------------------------------------------
host=$(hostname -s)
cpus=$(nproc)
# A little under the memory the machine has, so slurmd never finds less than it was promised.
memory_mb=$(awk '/^MemTotal:/ {print int($2 / 1024 * 0.9)}' /proc/meminfo)
cat >"$SLURM_CONF" <<EOF
# A one-node cluster for caresim's Slurm test, written by tests/slurm/slurm_test.sh.
ClusterName=caresimtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
ReturnToService=2
MinJobAge=600
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/run/slurmctld.pid
SlurmdPidFile=$work/run/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory_mb State=UNKNOWN
PartitionName=caresim Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF

slurmctld -D -i >>"$work/log/slurmctld.stderr" 2>&1 &
pids+=($!)
wait_for 20 scontrol ping ||
  skip "slurmctld did not start: $(tail -n 3 "$work/log/slurmctld.log" "$work/log/slurmctld.stderr" 2>/dev/null | tr '\n' ' ')"
slurmd -D >>"$work/log/slurmd.stderr" 2>&1 &
pids+=($!)
node_idle() { sinfo -h -n "$host" -o %t | grep -qx idle; }
wait_for 30 node_idle ||
  skip "slurmd did not bring $host up: $(sinfo -h -N -o '%N %t %E' 2>&1; tail -n 3 "$work/log/slurmd.log" 2>/dev/null | tr '\n' ' ')"
say "one-node cluster up in $((SECONDS - started)) s: $(sinfo -h -o '%P %D %c %t %N')"

# --- the sweep: Ishigami with days of steps, so each run does some work -------------------------
cp "$ishigami" "$work/sweep/ishigami.yaml"
spec=$work/sweep/spec.yaml
cat >"$spec" <<'EOF'
name: slurm_check
scenario: ishigami.yaml
seed: 20240611
replicates: 2
set: [run.days=200, run.flush_every_days=1000]
design: {kind: latin_hypercube, samples: 24}
parameters:
  - {key: ishigami.x1, range: [-3.141592653589793, 3.141592653589793]}
  - {key: ishigami.x2, values: [-1, 0, 1.5]}
  - {key: ishigami.x3, range: [0.5, 2], distribution: log_uniform}
metrics:
  - {name: y, series: y, reduction: last}
  - {name: y_mean, series: y, reduction: mean}
  - {name: y_area, series: y, reduction: area}
EOF

"$caresim" sweep "$spec" --quiet --threads 2 -o "$work/sweep/local" ||
  fail "the local sweep failed"

tasks=4
"$caresim" sweep "$spec" -o "$work/sweep/slurm" --emit-slurm --array-size "$tasks" \
  --cpus-per-task 1 --time 00:05:00 --mem 100M --partition caresim ||
  fail "--emit-slurm failed"
script=$work/sweep/slurm/sweep.sbatch
bash -n "$script" || fail "$script is not valid bash"
echo "--- $script"
cat "$script"

job_id=$(cd "$work/sweep" && sbatch --parsable "$script") || fail "sbatch refused $script"
job_id=${job_id%%;*}
say "submitted array job $job_id ($tasks tasks)"

array_done() { [ -z "$(squeue -h -j "$job_id" 2>/dev/null)" ]; }
wait_limit=${CARESIM_SLURM_WAIT:-120}
if ! wait_for "$wait_limit" array_done; then
  squeue -j "$job_id"
  fail "the array job $job_id did not finish within $wait_limit s"
fi
# Each array task's final state and exit code (kept by slurmctld for MinJobAge seconds).
states=$(scontrol -o show job "$job_id" | grep -o 'ArrayTaskId=[0-9]* .*JobState=[A-Z_]*' |
  sed -E 's/ArrayTaskId=([0-9]+) .*JobState=([A-Z_]+)/\1 \2/')
echo "$states" | sed 's/^/  task /'
completed=$(echo "$states" | grep -c ' COMPLETED$')
[ "$completed" -eq "$tasks" ] || fail "$completed of $tasks array tasks COMPLETED"
for ((k = 0; k < tasks; k++)); do
  say "task $k recorded $(grep -vc '^#' "$work/sweep/slurm/manifest-task-$k.tsv" 2>/dev/null) runs"
done

"$caresim" sweep "$spec" -o "$work/sweep/slurm" --collect || fail "--collect failed"
manifests=$(find "$work/sweep/slurm" -maxdepth 1 -name 'manifest-task-*.tsv' | wc -l)
[ "$manifests" -eq "$tasks" ] || fail "$manifests task manifests, expected $tasks"

cmp "$work/sweep/local/summary.h5" "$work/sweep/slurm/summary.h5" ||
  fail "the Slurm summary differs from the local backend's"
say "PASSED: $tasks array tasks under Slurm, summary.h5 identical to the local backend's ($(stat -c %s "$work/sweep/slurm/summary.h5") bytes)"

# --- calibrate on the array: each wave's batch submitted, collected, the next emitted ------------
# History matching of Ishigami in two small waves and a few final runs (three batches): each batch
# is one array job; --collect reads it back, continues the calibration and emits the next; the
# calibration file must be byte-identical to the local backend's.
mkdir -p "$work/calibrate"
cp "$ishigami" "$work/calibrate/ishigami.yaml"
cat >"$work/calibrate/targets.yaml" <<'EOF'
targets:
  - {name: y, series: y, reduction: last, band: [3.9, 4.1], source: "test"}
EOF
cat >"$work/calibrate/spec.yaml" <<'EOF'
name: slurm_calibration
method: history_matching
scenario: ishigami.yaml
targets: targets.yaml
seed: 11
parameters:
  - {key: ishigami.x1, prior: uniform, range: [-3.141592653589793, 3.141592653589793]}
  - {key: ishigami.x2, prior: uniform, range: [-3.141592653589793, 3.141592653589793]}
history_matching: {waves: 2, runs_per_wave: 16, final_runs: 6, candidates: 5000}
EOF
cal=$work/calibrate/spec.yaml
"$caresim" calibrate "$cal" --quiet --threads 2 --output "$work/calibrate/local" ||
  fail "the local calibration failed"
out=$("$caresim" calibrate "$cal" --output "$work/calibrate/slurm" --emit-slurm --array-size 2 \
  --cpus-per-task 1 --time 00:05:00 --mem 100M --partition caresim) ||
  fail "calibrate --emit-slurm failed"
echo "$out"
batches=0
while :; do
  script=$(echo "$out" | sed -n 's/^submit: *sbatch //p')
  [ -n "$script" ] || fail "calibrate printed no batch to submit"
  job_id=$(cd "$work/calibrate" && sbatch --parsable "$script") || fail "sbatch refused $script"
  job_id=${job_id%%;*}
  batches=$((batches + 1))
  say "calibration batch $batches: array job $job_id"
  if ! wait_for "$wait_limit" array_done; then
    squeue -j "$job_id"
    fail "the calibration batch $job_id did not finish within $wait_limit s"
  fi
  out=$("$caresim" calibrate "$cal" --output "$work/calibrate/slurm" --collect --array-size 2 \
    --cpus-per-task 1 --time 00:05:00 --mem 100M --partition caresim) ||
    fail "calibrate --collect failed: $out"
  echo "$out"
  echo "$out" | grep -q '^written to' && break
  [ "$batches" -lt 6 ] || fail "the calibration did not end after $batches batches"
done
[ "$batches" -ge 2 ] || fail "$batches batches, expected at least 2 (waves and the final runs)"
cmp "$work/calibrate/local/calibration.h5" "$work/calibrate/slurm/calibration.h5" ||
  fail "the Slurm calibration differs from the local backend's"
say "PASSED: calibration in $batches Slurm batches, calibration.h5 identical to the local backend's"

# --- a run's checkpoint before the time limit, then requeue (README, "On Slurm") ------------------
# `--signal=B:TERM@120` makes Slurm send SIGTERM to the batch script before the limit; here the same
# signal is sent at once with `scancel --batch --signal=TERM` (what B: delivers), so the test does
# not wait for a time limit. The script passes it to caresim, which saves OUT.h5.ckpt and exits
# 143; the script requeues the job, whose second start resumes; the finished file must hold the
# datasets of a run never stopped.
scenario=$here/../../scenarios/leeds_small.yaml
mkdir -p "$work/ckpt"
"$caresim" run "$scenario" --steps 1000 --threads 1 -q -o "$work/ckpt/whole.h5" ||
  fail "the uninterrupted run failed"
job_script=$work/ckpt/run.sbatch
cat >"$job_script" <<EOF
#!/bin/bash
#SBATCH --job-name=caresim-ckpt --cpus-per-task=1 --mem=500M --time=00:10:00 --partition=caresim
#SBATCH --requeue --open-mode=append --output=$work/ckpt/job.out
#SBATCH --signal=B:TERM@120
out=$work/ckpt/run.h5
if [ -f "\$out.ckpt" ]; then
  echo "start \${SLURM_RESTART_COUNT:-0}: resuming"
  "$caresim" run --resume "\$out" --threads 1 -q &
else
  echo "start \${SLURM_RESTART_COUNT:-0}: from day 0"
  "$caresim" run "$scenario" --steps 1000 --checkpoint-every 200 --threads 1 -q -o "\$out" &
fi
pid=\$!
trap 'kill -TERM \$pid' TERM
wait \$pid; status=\$?
if [ \$status -gt 128 ]; then wait \$pid; status=\$?; fi
echo "caresim exited \$status"
if [ \$status -eq 143 ]; then scontrol requeue "\$SLURM_JOB_ID"; fi
exit \$status
EOF
job_id=$(sbatch --parsable "$job_script") || fail "sbatch refused $job_script"
job_id=${job_id%%;*}
say "submitted checkpoint job $job_id"
part_written() { [ -f "$work/ckpt/run.h5.part" ]; }
wait_for 60 part_written || fail "the checkpoint job did not start its run"
sleep 1
scancel --batch --signal=TERM "$job_id" || fail "scancel --signal=TERM failed"
# Slurm makes a requeued job wait about two minutes (its BeginTime); the test lets it start sooner,
# but only once slurmd has finished the killed batch and a few seconds have passed: slurmd refuses
# a credential created in the same second as the job's revocation ("Job credential revoked"), which
# is what the two-minute wait protects against.
requeued() { squeue -h -j "$job_id" -o %r 2>/dev/null | grep -q BeginTime; }
old_batch_done() { grep -q "\[$job_id.batch\] done with job" "$work/log/slurmd.log"; }
if wait_for 60 requeued; then
  wait_for 60 old_batch_done || true
  sleep 3
  scontrol update JobId="$job_id" StartTime=now
fi
run_finished() { [ -f "$work/ckpt/run.h5" ] && [ -z "$(squeue -h -j "$job_id" 2>/dev/null)" ]; }
if ! wait_for "${CARESIM_SLURM_WAIT:-240}" run_finished; then
  squeue -j "$job_id"; cat "$work/ckpt/job.out"
  fail "the requeued job did not finish its run"
fi
cat "$work/ckpt/job.out"
grep -q "caresim exited 143" "$work/ckpt/job.out" || fail "caresim was not stopped by the signal"
grep -q "resuming" "$work/ckpt/job.out" || fail "the requeued job did not resume"
/usr/bin/python3 - "$work/ckpt/whole.h5" "$work/ckpt/run.h5" <<'EOF' ||
import sys
import h5py
def datasets(path):
    out = {}
    def visit(name, obj):
        if isinstance(obj, h5py.Dataset) and obj.dtype.kind != "O":
            out[name] = obj[()].tobytes()
    with h5py.File(path) as f:
        f.visititems(visit)
    return out
a, b = datasets(sys.argv[1]), datasets(sys.argv[2])
differ = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
print(f"slurm_test: {len(a)} datasets compared, differ: {differ}")
sys.exit(1 if differ or not a else 0)
EOF
  fail "the resumed run's datasets differ from the uninterrupted run's"
say "PASSED: SIGTERM before the limit, checkpoint, requeue and resume give the uninterrupted run's datasets"
