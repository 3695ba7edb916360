#!/usr/bin/python3
"""Checks on caresim output files, called by the C++ tests with Debian's python3.

  h5check.py attrs FILE            print root attributes as name=value lines
  h5check.py same FILE FILE...     exit 0 if every dataset is bitwise identical across the files
  h5check.py open FILE             open with xarray (h5netcdf) and h5py; check time matches
                                   steps_completed and that every variable has units
"""
import sys

import h5py
import numpy as np


def attrs(path):
    with h5py.File(path, "r") as f:
        for k, v in f.attrs.items():
            if isinstance(v, bytes):
                v = v.decode()
            if k == "scenario":
                v = "<%d chars>" % len(v)
            print(f"{k}={v}")


def datasets(f):
    out = {}
    f.visititems(lambda name, obj: out.__setitem__(name, obj[()]) if isinstance(obj, h5py.Dataset) else None)
    return out


def same(paths):
    with h5py.File(paths[0], "r") as f:
        ref = datasets(f)
    for p in paths[1:]:
        with h5py.File(p, "r") as f:
            other = datasets(f)
        if sorted(other) != sorted(ref):
            print(f"{p}: datasets differ: {sorted(set(ref) ^ set(other))}")
            return 1
        for name, value in ref.items():
            a, b = np.asarray(value), np.asarray(other[name])
            if a.dtype.kind == "f":
                equal = a.shape == b.shape and a.tobytes() == b.tobytes()
            else:
                equal = a.shape == b.shape and np.array_equal(a, b)
            if not equal:
                print(f"{p}: dataset {name} differs from {paths[0]}")
                return 1
    print(f"{len(paths)} files, {len(ref)} datasets, bitwise identical")
    return 0


def open_all(path):
    import xarray as xr

    with h5py.File(path, "r") as f:
        steps = int(f.attrs["steps_completed"])
    ds = xr.open_dataset(path, engine="h5netcdf")
    assert ds.sizes["time"] == steps, (ds.sizes["time"], steps)
    assert np.issubdtype(ds["time"].dtype, np.datetime64), ds["time"].dtype
    for name, var in ds.data_vars.items():
        if name.endswith("_name"):
            continue
        assert "units" in var.attrs, name
        assert "description" in var.attrs, name
        assert var.dims[0] == "time", (name, var.dims)
        assert np.all(np.isfinite(var.values)), name
    print(f"xarray: {dict(ds.sizes)}, {len(ds.data_vars)} variables, "
          f"{str(ds.time.values[0])[:10]}..{str(ds.time.values[-1])[:10]}")
    ds.close()
    # Tables in groups (network snapshots, adoptions) open as datasets of their own.
    groups = []
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: groups.append(name)
                     if isinstance(obj, h5py.Group) and any(isinstance(v, h5py.Dataset) for v in obj.values())
                     else None)
    for group in groups:
        table = xr.open_dataset(path, group=group, engine="h5netcdf")
        for name, var in table.data_vars.items():
            assert "units" in var.attrs and "description" in var.attrs, (group, name)
        print(f"group {group}: {dict(table.sizes)}, columns {list(table.data_vars)}")
        table.close()
    return 0


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "attrs":
        attrs(args[0])
        sys.exit(0)
    sys.exit({"same": lambda: same(args), "open": lambda: open_all(args[0])}[cmd]())
