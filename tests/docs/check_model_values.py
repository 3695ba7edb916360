#!/usr/bin/python3
"""Fails when docs/model.md quotes a parameter value that the model does not use.

docs/model.md quotes parameters as a key in backticks followed by its value: "`hospital.max_within_4h`
0.97", "`utilisation_half` 1.28" (a bare key takes the section of the last full key quoted in the
same paragraph) or "`services.social_care_package_share` (0.4)", or a list "(0.12, 0.22, 0.40)" for
a table key. The value the docs must quote is the one the reference city runs with: the value in
scenarios/leeds.yaml (or leeds_small.yaml, for keys calibrated separately at tenth scale) where
the scenario sets the key, the schema's default (`caresim keys`) where it does not.

Usage: check_model_values.py CARESIM_BINARY [ROOT]
"""
import math
import pathlib
import re
import subprocess
import sys

import yaml

QUOTE = re.compile(r"`([a-z_][a-z_0-9.]*)`\s*\(?\s*(-?\d[\d.eE+-]*(?:\s*,\s*-?\d[\d.eE+-]*)*)")
ROW = re.compile(r"^\| `([a-z_0-9.\[\]]+)` \| [a-z ]+ \| `([^`]*)` \|")


def schema_defaults(binary):
    text = subprocess.run([binary, "keys"], check=True, capture_output=True, text=True).stdout
    out = {}
    for line in text.splitlines():
        m = ROW.match(line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def flatten(node, prefix=""):
    out = {}
    if isinstance(node, dict):
        for k, v in node.items():
            out.update(flatten(v, f"{prefix}{k}."))
    else:
        out[prefix[:-1]] = node
    return out


def scenario_values(root, name):
    data = yaml.safe_load((root / "scenarios" / name).read_text())
    return flatten({k: v for k, v in data.items() if isinstance(v, dict)})


def numbers(text):
    try:
        return [float(x) for x in re.split(r"\s*,\s*", text.strip().rstrip(".,"))]
    except ValueError:
        return None


def expected_values(key, defaults, scenarios):
    """Candidate value lists the docs may quote for `key` (scalar or table)."""
    table = [k for k in defaults if k.startswith(key + ".")]  # schema order
    cands = []
    for sc in scenarios:
        if key in sc and isinstance(sc[key], (int, float)):
            cands.append([float(sc[key])])
        elif table and all(k in sc for k in table):
            cands.append([float(sc[k]) for k in table])
    if not cands:
        if key in defaults:
            try:
                cands.append([float(defaults[key])])
            except ValueError:
                return None
        elif table:
            try:
                cands.append([float(defaults[k]) for k in table])
            except ValueError:
                return None
    return cands or None


def main():
    binary = sys.argv[1]
    root = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else pathlib.Path(__file__).resolve().parents[2])
    defaults = schema_defaults(binary)
    scenarios = [scenario_values(root, "leeds.yaml"), scenario_values(root, "leeds_small.yaml")]
    doc = (root / "docs" / "model.md").read_text()
    problems, checked = [], 0
    for paragraph in re.split(r"\n\s*\n", doc):
        section = None
        for m in QUOTE.finditer(paragraph):
            key, quoted = m.group(1), numbers(m.group(2))
            if quoted is None:
                continue
            if "." in key:
                full = key
                section = key.split(".")[0]
            elif section:
                full = f"{section}.{key}"
            else:
                continue
            if full not in defaults and not any(k.startswith(full + ".") for k in defaults):
                continue  # not a scenario key (a series, a variable in an equation)
            cands = expected_values(full, defaults, scenarios)
            if cands is None:
                continue
            checked += 1
            if full in defaults:
                quoted = quoted[:1]  # a scalar: what follows is other text ("0.35, sd 0.1")
            ok = any(len(c) >= len(quoted) and all(math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
                                                   for a, b in zip(quoted, c)) for c in cands)
            if not ok:
                line = doc[:doc.find(paragraph)].count("\n") + 1 + paragraph[:m.start()].count("\n")
                problems.append(f"docs/model.md:{line}: `{key}` quoted as {m.group(2).strip()}, "
                                f"but the Leeds scenarios run with {cands[0] if len(cands[0]) > 1 else cands[0][0]:g}"
                                if len(cands[0]) == 1 else
                                f"docs/model.md:{line}: `{key}` quoted as {m.group(2).strip()}, "
                                f"but the Leeds scenarios run with {cands[0]}")
    for p in problems:
        print(p)
    if checked < 10:
        print(f"only {checked} quoted values found: the pattern no longer matches docs/model.md")
        return 1
    if problems:
        print(f"{len(problems)} of {checked} quoted values drifted from the scenarios and schema")
        return 1
    print(f"{checked} quoted parameter values match the schema and the Leeds scenarios")
    return 0


if __name__ == "__main__":
    sys.exit(main())
