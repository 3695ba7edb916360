#!/usr/bin/python3
"""Opens every kind of file caresim writes with netCDF-C and with the HDF5 readers, and checks that
they agree with each other and with what caresim wrote.

Usage: netcdf_readers.py CARESIM_BINARY SOURCE_DIR

File kinds: a care-model run (leeds_small, 365 days), a run of every teaching model kind and of the
analytic (Ishigami) model, a compare file, a sweep summary (Ishigami grid and a small care sweep)
before and after `caresim analyse`, the analysis file, and chaos phase diagrams (care and Boolean
network). Readers: `ncdump -h` and `ncdump -v VAR` (netCDF-C, Debian's netcdf-bin), netCDF4
(python3-netcdf4, on netCDF-C), h5py, and xarray with the h5netcdf engine. For every group of
every file: the same dimensions with the same lengths in every reader, every variable on the same
dimensions with the same shape, and a few values as caresim wrote them. Exits 1 on the first
disagreement.
"""
import hashlib
import pathlib
import re
import subprocess
import sys
import tempfile
import textwrap

import h5py
import netCDF4
import numpy as np
import xarray as xr

CARESIM = str(pathlib.Path(sys.argv[1]).resolve())
ROOT = pathlib.Path(sys.argv[2]).resolve()
NETCDF_DIMENSION_WITHOUT_VARIABLE = "This is a netCDF dimension but not a netCDF variable."


def run(*args, cwd=ROOT):
    quiet = [] if args[0] == "analyse" else ["--quiet"]
    subprocess.run([CARESIM, *map(str, args), *quiet], cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL)


def ncdump(*args):
    r = subprocess.run(["ncdump", *map(str, args)], capture_output=True, text=True)
    assert r.returncode == 0, f"ncdump {args} failed: {r.stderr}"
    return r.stdout


def h5_groups(path):
    """{group path: {variable name: (shape, dimension names)}} as h5py and the H5DS layer see it."""
    out = {}
    with h5py.File(path, "r") as f:
        def visit(group, prefix):
            variables = {}
            for name, obj in group.items():
                link = group.get(name, getlink=True)
                assert isinstance(link, h5py.HardLink), f"{path}:{prefix}{name} is a {type(link)}"
                if isinstance(obj, h5py.Group):
                    visit(obj, prefix + name + "/")
                    continue
                if obj.attrs.get("CLASS") == b"DIMENSION_SCALE":
                    scale_name = obj.attrs["NAME"].decode()
                    assert "_Netcdf4Dimid" in obj.attrs, f"{path}:{obj.name} has no _Netcdf4Dimid"
                    if scale_name.startswith(NETCDF_DIMENSION_WITHOUT_VARIABLE):
                        continue
                    assert scale_name == name, (obj.name, scale_name)
                    dims = (name,)
                else:
                    dims = tuple(obj.dims[i][0].name.rsplit("/", 1)[-1] for i in range(obj.ndim))
                variables[name] = (obj.shape, dims)
            out["/" + prefix.rstrip("/")] = variables
        visit(f, "")
    return out


def dimension_ids_unique(path):
    ids = []
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: ids.append((int(obj.attrs["_Netcdf4Dimid"]), name))
                     if isinstance(obj, h5py.Dataset) and "_Netcdf4Dimid" in obj.attrs else None)
    numbers = [i for i, _ in ids]
    assert len(numbers) == len(set(numbers)), f"{path}: repeated _Netcdf4Dimid: {sorted(ids)}"


def nc_groups(path):
    """{group path: ({dimension: (length, unlimited)}, {variable: (shape, dims)})} via netCDF-C."""
    out = {}
    with netCDF4.Dataset(path) as ds:
        def visit(g):
            dims = {n: (len(d), d.isunlimited()) for n, d in g.dimensions.items()}
            variables = {n: (tuple(v.shape), tuple(v.dimensions)) for n, v in g.variables.items()}
            out[g.path] = (dims, variables)
            for child in g.groups.values():
                visit(child)
        visit(ds)
    return out


def ncdump_dimensions(path):
    """{group name (last path part, '' for the root): {dimension: (length, unlimited)}}."""
    text = ncdump("-h", path)
    out, group = {}, ""
    for line in text.splitlines():
        m = re.match(r"\s*group: (\S+) \{", line)
        if m:
            group = m.group(1)
            continue
        m = re.match(r"\s*(\S+) = UNLIMITED ; // \((\d+) currently\)", line)
        if m:
            out.setdefault(group, {})[m.group(1)] = (int(m.group(2)), True)
            continue
        m = re.match(r"\s*(\S+) = (\d+) ;$", line)
        if m and "variables:" not in line:
            out.setdefault(group, {})[m.group(1)] = (int(m.group(2)), False)
    return out


def ncdump_values(path, variable, group=None):
    """The values `ncdump -v` prints for a numeric variable, as floats."""
    full = f"{group}/{variable}" if group else variable
    text = ncdump("-v", full, path)
    data = text.split("data:", 1)[1]
    name = re.escape(variable)
    m = re.search(rf"\n\s*{name} =(.*?);", data, re.S)
    assert m, f"ncdump -v {full} printed no data for it"
    return np.array([float(x.replace("NaN", "nan")) for x in m.group(1).replace("\n", " ").split(",")
                     if x.strip()])


def check_file(path, expect_dims=None):
    """Every reader agrees on every group; returns netCDF-C's view."""
    dimension_ids_unique(path)
    h5 = h5_groups(path)
    nc = nc_groups(path)
    assert set(h5) == set(nc), (path, sorted(h5), sorted(nc))
    dumped = ncdump_dimensions(path)
    for group, (dims, variables) in nc.items():
        where = f"{path.name}:{group}"
        assert set(variables) == set(h5[group]), (where, sorted(variables), sorted(h5[group]))
        for name, (shape, vdims) in variables.items():
            assert (shape, vdims) == h5[group][name], (where, name, (shape, vdims), h5[group][name])
        for name, (length, unlimited) in dims.items():
            if name in h5[group]:
                assert h5[group][name][0] == (length,), (where, name, length, h5[group][name])
        key = group.rsplit("/", 1)[-1] if group != "/" else ""
        assert dumped.get(key, {}) == dims, (where, "ncdump -h", dumped.get(key), dims)
        if group == "/":
            opened = xr.open_dataset(path, engine="h5netcdf")
        else:
            opened = xr.open_dataset(path, engine="h5netcdf", group=group)
        with opened as x:
            assert not any(d.startswith("phony_dim") for d in x.dims), (where, list(x.dims))
            for name, (shape, vdims) in variables.items():
                assert x[name].dims == vdims and x[name].shape == shape, (where, name, x[name].dims)
    if expect_dims:
        for group, dims in expect_dims.items():
            got = nc[group][0]
            for name, value in dims.items():
                assert got[name] == value, (path.name, group, name, got[name], value)
    return nc


def file_digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(work):
    checked = []

    # A care-model run: 365 days on the unlimited time dimension, tables in their own groups.
    care = work / "care.h5"
    run("run", "scenarios/leeds_small.yaml", "--steps", "365", "-o", care)
    nc = check_file(care, {"/": {"time": (365, True)}})
    with netCDF4.Dataset(care) as ds, h5py.File(care) as f:
        assert ds["a_and_e_4h"].dimensions == ("time",)
        assert ds.groups["adoptions"]["adoption"].dimensions == ("adoption",)
        assert ds["time"][:].tolist() == f["time"][:].tolist() == list(range(365))
        two_d = [n for n, v in ds.variables.items() if v.ndim == 2][0]
        assert ds[two_d].dimensions[0] == "time" and ds[two_d].shape == f[two_d].shape
        expected = f["a_and_e_4h"][:]
    dumped = ncdump_values(care, "a_and_e_4h")
    assert len(dumped) == 365, len(dumped)
    np.testing.assert_allclose(dumped, expected, rtol=1e-14, equal_nan=True)
    assert "time = UNLIMITED ; // (365 currently)" in ncdump("-h", care)
    checked.append(care)

    # Every teaching model kind.
    kinds = {}
    for spec in sorted((ROOT / "scenarios" / "teaching").glob("*.yaml")):
        model = re.search(r"^model:\s*(\S+)", spec.read_text(), re.M).group(1)
        if model in kinds:
            continue
        out = work / f"teaching_{spec.stem}.h5"
        run("run", spec.relative_to(ROOT), "--steps", "40", "-o", out)
        nc = check_file(out, {"/": {"time": (40, True)}})
        first = next(n for n, v in nc["/"][1].items() if v[1] == ("time",) and n != "time")
        with h5py.File(out) as f:
            np.testing.assert_allclose(ncdump_values(out, first), f[first][:], rtol=1e-14,
                                       equal_nan=True)
        kinds[model] = out
        checked.append(out)
    assert {"boolean_network", "branching", "care", "fold", "granovetter", "sandpile",
            "threshold_cascade"} <= set(kinds), sorted(kinds)

    # compare: two arms, two replicates, 20 days.
    compare = work / "compare.h5"
    run("compare", "scenarios/what-if/baseline.yaml", "scenarios/what-if/target_pressure_up.yaml",
        "--replicates", "2", "--days", "20", "-o", compare)
    nc = check_file(compare, {"/comparison": {"arm": (2, False), "replicate": (2, False),
                                              "time": (20, False)}})
    with netCDF4.Dataset(compare) as ds, h5py.File(compare) as f:
        assert ds["comparison"]["daily_mean"].dimensions == ("arm", "metric", "time")
        arm = next(iter(ds["runs"].groups))
        assert ds["runs"][arm]["a_and_e_4h"].shape == (2, 20)
        np.testing.assert_allclose(ncdump_values(compare, "mean", "comparison"),
                                   f["comparison/mean"][:].ravel(), rtol=1e-14, equal_nan=True)
    checked.append(compare)

    # Sweeps: an Ishigami grid (analysed) and a small care sweep.
    sweep_dir = work / "sweeps"
    sweep_dir.mkdir()
    (sweep_dir / "ishigami.yaml").write_text(
        (ROOT / "tests" / "ensemble" / "data" / "ishigami.yaml").read_text())
    (sweep_dir / "grid.yaml").write_text(textwrap.dedent("""\
        name: grid
        scenario: ishigami.yaml
        seed: 7
        replicates: 2
        design: {kind: grid}
        parameters:
          - {key: ishigami.x1, range: [-3, 3], levels: 3}
          - {key: ishigami.x2, range: [-3, 3], levels: 3}
        metrics:
          - {name: y, series: y, reduction: last}
        """))
    (sweep_dir / "care.yaml").write_text(textwrap.dedent(f"""\
        name: care
        scenario: {ROOT / 'scenarios' / 'leeds_small.yaml'}
        seed: 3
        replicates: 1
        set: [run.days=10]
        design: {{kind: grid}}
        parameters:
          - {{key: ties.reinforcement, values: [0.04, 0.12]}}
        metrics:
          - {{name: four_hours, series: a_and_e_4h, reduction: mean}}
        """))
    run("sweep", "grid.yaml", "-o", "grid", cwd=sweep_dir)
    summary = sweep_dir / "grid" / "summary.h5"
    nc = check_file(summary, {"/": {"point": (9, False), "replicate": (2, False),
                                    "parameter": (2, False)}, "/runs": {"run": (18, False)}})
    with netCDF4.Dataset(summary) as ds, h5py.File(summary) as f:
        assert ds["y"].dimensions == ("point", "replicate")
        files = ds["runs"]["file"][:].tolist()
        assert files[0] == "runs/" + pathlib.Path(files[0]).name
        assert all((summary.parent / name).exists() for name in files)
        np.testing.assert_allclose(ncdump_values(summary, "y"), f["y"][:].ravel(), rtol=1e-14)
        check_file(summary.parent / files[0])  # an analytic-model run file
    assert "run_files" not in ncdump("-h", summary)
    before = file_digest(summary)
    run("analyse", summary, "--bootstrap", "50")
    assert file_digest(summary) == before, "analyse changed summary.h5"
    check_file(summary)  # with analysis output beside it
    analysis = summary.parent / "analysis.nc"
    nc = check_file(analysis, {"/y": {"parameter": (2, False)}})
    with netCDF4.Dataset(analysis) as ds, h5py.File(analysis) as f:
        assert ds["y"]["marginal_mean"].dimensions == ("level",)
        np.testing.assert_allclose(ncdump_values(analysis, "marginal_mean", "y"),
                                   f["y/marginal_mean"][:], rtol=1e-14, equal_nan=True)
    checked += [summary, analysis]

    run("sweep", "care.yaml", "-o", "care", cwd=sweep_dir)
    care_summary = sweep_dir / "care" / "summary.h5"
    check_file(care_summary, {"/": {"point": (2, False), "replicate": (1, False)}})
    assert len(ncdump_values(care_summary, "four_hours")) == 2
    checked.append(care_summary)

    # chaos phase diagrams: the care model and a Boolean network.
    chaos = work / "chaos.h5"
    run("chaos", "scenarios/teaching/care_critical.yaml", "--vary", "effort.peer_weight=2:8:2",
        "--replicates", "2", "--set", "run.days=20", "--horizon", "5", "--sites", "2", "-o", chaos)
    check_file(chaos, {"/": {"effort.peer_weight": (2, False), "replicate": (2, False),
                             "step_after_perturbation": (6, False)}})
    chaos_rbn = work / "chaos_rbn.h5"
    run("chaos", "scenarios/teaching/rbn_critical.yaml", "--vary",
        "teaching.boolean_network.inputs=1:3:3", "--replicates", "2", "-o", chaos_rbn)
    nc = check_file(chaos_rbn)
    with h5py.File(chaos_rbn) as f:
        assert nc["/"][1]["lambda"][1] == ("teaching.boolean_network.inputs",)
        np.testing.assert_allclose(ncdump_values(chaos_rbn, "lambda"), f["lambda"][:],
                                   rtol=1e-14, equal_nan=True)
    checked += [chaos, chaos_rbn]

    for path in checked:
        print(f"ok {path.relative_to(work)}")
    return 0


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="caresim-netcdf-") as tmp:
        sys.exit(main(pathlib.Path(tmp)))
