"""Checks a run file written by tests/io/run_file_test.cpp as Python users will read it.

Usage: check_run_file.py PATH STEPS

Opens the file with xarray (engine "h5netcdf") and with h5py, with every warning turned into an
error once the libraries are imported, and asserts dimensions, coordinates, decoded dates,
attributes and values. Exits 0 when all holds. The layout and the value formula below must
match run_file_test.cpp.
"""

import sys
import warnings

import h5py
import numpy as np
import xarray as xr

START_DATE = "2024-02-27"
ORGANISATIONS = ["Hôpital Nord", "St Mary's", "Zürich Care"]
WARDS = ["ward " + str(i) for i in range(300)]
# name, dimension (None for a plain time series), width, units, description
SERIES = [
    ("admissions", None, 1, "day-1", "emergency admissions per day"),
    ("beds_occupied", "organisation", 3, "1", "occupied beds at midnight"),
    ("ward_load", "ward", 300, "1", "patients per nurse on the ward"),
    ("discharges", None, 1, "day-1", "discharges per day"),
]
PROVENANCE_TEXT_LENGTH = 200_000


def day_of(step):
    return 2 * step


def value(day, column):
    return day * 1000.0 + column * 0.25


def expected_block(days, first_column, width):
    columns = np.arange(first_column, first_column + width, dtype=np.float64)
    return days[:, None].astype(np.float64) * 1000.0 + columns[None, :] * 0.25


def check_xarray(path, steps, days):
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        assert dict(ds.sizes) == {"time": steps, "organisation": 3, "ward": 300}, dict(ds.sizes)
        assert not any(name.startswith("phony_dim") for name in ds.dims), list(ds.dims)
        assert list(ds.data_vars) == [s[0] for s in SERIES], list(ds.data_vars)

        assert np.issubdtype(ds.time.dtype, np.datetime64), ds.time.dtype
        expected_dates = np.datetime64(START_DATE) + days.astype("timedelta64[D]")
        assert np.array_equal(ds.time.values, expected_dates.astype("datetime64[ns]"))
        assert str(ds.time.values[1])[:10] == "2024-02-29", ds.time.values[1]
        assert ds.time.encoding["units"] == "days since " + START_DATE, ds.time.encoding
        assert ds.time.encoding["calendar"] == "proleptic_gregorian", ds.time.encoding
        assert ds.time.attrs["axis"] == "T", ds.time.attrs

        assert ds.organisation.dtype == np.int64
        assert ds.organisation.values.tolist() == [0, 1, 2]
        assert ds.ward.values.tolist() == list(range(300))
        assert "organisation_name" in ds.coords and "ward_name" in ds.coords
        assert ds.organisation_name.values.tolist() == ORGANISATIONS
        assert ds.ward_name.values.tolist() == WARDS
        assert ds.organisation.attrs["description"] == "care organisations"

        column = 0
        for name, dimension, width, units, description in SERIES:
            variable = ds[name]
            assert variable.dtype == np.float64, (name, variable.dtype)
            assert variable.dims == (("time",) if dimension is None else ("time", dimension))
            assert variable.attrs["units"] == units, (name, variable.attrs)
            assert variable.attrs["description"] == description, (name, variable.attrs)
            assert variable.attrs["long_name"] == description, (name, variable.attrs)
            expected = expected_block(days, column, width)
            actual = variable.values.reshape(steps, width)
            assert np.array_equal(actual, expected), name
            column += width

        beds = ds.beds_occupied.sel(time="2024-02-29", organisation=2)
        assert float(beds) == value(2, 1 + 2), float(beds)
        assert str(beds.organisation_name.values) == "Zürich Care"

        assert ds.attrs["status"] == "finished", ds.attrs
        assert ds.attrs["finished"] == 1
        assert ds.attrs["steps_completed"] == steps
        assert isinstance(ds.attrs["scenario"], str)
        assert len(ds.attrs["scenario"]) == PROVENANCE_TEXT_LENGTH
        assert ds.attrs["seed"] == 42
        assert ds.attrs["scale"] == 0.5


def check_h5py(path, steps, days):
    with h5py.File(path, "r") as f:
        time = f["time"]
        assert time.dtype == np.int64 and time.maxshape == (None,), (time.dtype, time.maxshape)
        assert np.array_equal(time[:], days)
        assert h5py.h5ds.is_scale(time.id) and h5py.h5ds.is_scale(f["organisation"].id)
        assert f.attrs["status"] == "finished", f.attrs["status"]
        assert f["organisation_name"].asstr()[:].tolist() == ORGANISATIONS
        column = 0
        for name, dimension, width, _, _ in SERIES:
            dataset = f[name]
            assert dataset.compression == "gzip" and dataset.compression_opts == 4, name
            assert dataset.shuffle, name
            assert dataset.chunks[0] >= 16, (name, dataset.chunks)
            assert dataset.dims[0][0].name == "/time", name
            if dimension is not None:
                assert dataset.dims[1][0].name == "/" + dimension, name
            actual = dataset[:].reshape(steps, width)
            assert np.array_equal(actual, expected_block(days, column, width)), name
            column += width


def main():
    # Set after the imports: a library's own import-time deprecation is not about this file.
    warnings.simplefilter("error")
    path, steps = sys.argv[1], int(sys.argv[2])
    days = np.array([day_of(step) for step in range(steps)], dtype=np.int32)
    check_xarray(path, steps, days)
    check_h5py(path, steps, days)
    print("check_run_file: ok")


if __name__ == "__main__":
    main()
