#!/usr/bin/python3
"""Before/after check for refactors: runs every scenario (and one compare, chaos and sweep) with a
build of caresim and fingerprints the *values* of every dataset in every file it writes.

    /usr/bin/python3 tools/check_identical.py --caresim build/caresim --save ref.json
    ... move code, rebuild ...
    /usr/bin/python3 tools/check_identical.py --caresim build/caresim --check ref.json

Only data is fingerprinted (dataset values, by path), not attributes or file layout, so a change of
file format (dimension ids, units attributes) does not count as a change of results, while any
change of a number does. Provenance that legitimately differs (time stamps, commit) is ignored.
Exits 1 and lists the datasets that differ when --check finds a difference.
"""
import argparse
import hashlib
import json
import os
import pathlib
import subprocess
import sys
import tempfile

import h5py
import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent

# (label, arguments after the caresim binary). Short runs: enough days for every phase, every
# intervention kind that starts early enough, and the tables written at day 0 and at the end.
RUNS = [
    ("leeds_small", ["run", "scenarios/leeds_small.yaml", "--steps", "120"]),
    ("leeds", ["run", "scenarios/leeds.yaml", "--steps", "8"]),
    ("combined", ["run", "scenarios/what-if/combined.yaml", "--steps", "420"]),
    ("leeds_programme", ["run", "scenarios/what-if/leeds_programme.yaml", "--steps", "420"]),
    ("restructure", ["run", "scenarios/what-if/restructure.yaml", "--steps", "420"]),
    ("flu_campaign", ["run", "scenarios/what-if/flu_campaign.yaml", "--steps", "420"]),
    ("priority_shift", ["run", "scenarios/what-if/priority_shift.yaml", "--steps", "420"]),
    ("target_pressure_up", ["run", "scenarios/what-if/target_pressure_up.yaml", "--steps", "60"]),
]
TEACHING = sorted((ROOT / "scenarios" / "teaching").glob("*.yaml"))
ENSEMBLES = [
    ("compare", ["compare", "scenarios/what-if/baseline.yaml",
                 "scenarios/what-if/target_pressure_up.yaml", "--replicates", "2", "--days", "40"]),
    ("chaos", ["chaos", "scenarios/teaching/care_critical.yaml", "--vary",
               "effort.peer_weight=2:8:2", "--replicates", "2", "--set", "run.days=40",
               "--horizon", "10", "--sites", "2"]),
    ("chaos_rbn", ["chaos", "scenarios/teaching/rbn_critical.yaml", "--vary",
                   "teaching.boolean_network.inputs=1:3:3", "--replicates", "2"]),
]


def fingerprint(path):
    """{dataset path: sha256 of its values} for every dataset in an HDF5 file."""
    out = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            data = obj[()]
            if isinstance(data, np.ndarray) and data.dtype.kind == "O":
                data = np.array([x.decode() if isinstance(x, bytes) else str(x) for x in data.ravel()])
            h = hashlib.sha256()
            arr = np.asarray(data)
            if arr.dtype.kind in "SUO":
                h.update("\x1f".join(map(str, arr.ravel().tolist())).encode())
            elif arr.dtype.names:
                h.update(arr.tobytes())
            else:
                # Values, not storage type: an index stored as int32, int64 or float64 is the same
                # data (every count caresim writes is exact in float64).
                h.update(str(arr.shape).encode())
                h.update(arr.astype(np.float64).tobytes())
            out[name] = h.hexdigest()

    with h5py.File(path, "r") as f:
        f.visititems(visit)
    return out


def run_all(caresim, work):
    results = {}
    jobs = list(RUNS) + [("teaching/" + p.stem, ["run", str(p.relative_to(ROOT))]) for p in TEACHING]
    for label, args in jobs:
        out = work / (label.replace("/", "_") + ".h5")
        subprocess.run([caresim, *args, "-o", str(out), "--quiet"], cwd=ROOT, check=True)
        results[label] = fingerprint(out)
        print(f"  {label}: {len(results[label])} datasets", flush=True)
    for label, args in ENSEMBLES:
        out = work / (label + ".h5")
        subprocess.run([caresim, *args, "-o", str(out), "--quiet"], cwd=ROOT, check=True)
        results[label] = fingerprint(out)
        print(f"  {label}: {len(results[label])} datasets", flush=True)
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--caresim", default=str(ROOT / "build" / "caresim"))
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--save", help="write the fingerprints to this JSON file")
    g.add_argument("--check", help="compare with the fingerprints in this JSON file")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results = run_all(os.path.abspath(a.caresim), pathlib.Path(tmp))
    if a.save:
        pathlib.Path(a.save).write_text(json.dumps(results, indent=1, sort_keys=True))
        print(f"saved {sum(len(v) for v in results.values())} fingerprints to {a.save}")
        return 0
    ref = json.loads(pathlib.Path(a.check).read_text())
    differ = []
    for label in sorted(set(ref) | set(results)):
        r, n = ref.get(label, {}), results.get(label, {})
        for ds in sorted(set(r) | set(n)):
            if r.get(ds) != n.get(ds):
                what = "missing now" if ds not in n else ("new" if ds not in r else "values differ")
                differ.append(f"{label}:{ds} ({what})")
    if differ:
        print(f"{len(differ)} dataset(s) differ:")
        for d in differ:
            print("  " + d)
        return 1
    print(f"identical: {sum(len(v) for v in ref.values())} datasets in {len(ref)} outputs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
