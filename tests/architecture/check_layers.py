#!/usr/bin/python3
"""Fails when an include points the wrong way between caresim's modules (docs/architecture.md).

Each module (a folder under include/caresim/ and sim/) may include only itself and the modules
listed for it below; the core knows no model, no scenario and no file format; the teaching
models do not see the care model; nothing but the catalogue and what sits above it knows every
model. Run: /usr/bin/python3 tests/architecture/check_layers.py [ROOT]
"""
import pathlib
import re
import sys

# module -> modules it may include (besides itself). Lower layers first.
ALLOWED = {
    "core": set(),
    "engine": {"core"},
    "io": {"core", "engine"},
    "analysis": {"core", "engine"},
    "scenario": {"core"},
    "care": {"core", "engine", "analysis", "scenario"},
    "teaching": {"core", "engine", "scenario"},
    "analytic": {"core", "engine", "scenario"},
    "catalogue": {"core", "engine", "io", "analysis", "scenario", "care", "teaching", "analytic"},
    "ensemble": {"core", "engine", "io", "analysis", "scenario", "care", "teaching", "analytic",
                 "catalogue"},
    "studio": {"core", "engine", "io", "analysis", "scenario", "care", "teaching", "analytic",
               "catalogue", "ensemble"},
}
# Headers every module may include: generated at build time, no dependencies.
ANYWHERE = {"caresim/version.hpp"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"(caresim/([a-z_]+)/[^"]+)"', re.M)


def check(root):
    problems = []
    seen = set()
    for top in ("include/caresim", "sim"):
        base = root / top
        for path in sorted(base.rglob("*")):
            if path.suffix not in (".hpp", ".cpp", ".h"):
                continue
            module = path.relative_to(base).parts[0]
            if module not in ALLOWED:
                problems.append(f"{path.relative_to(root)}: module '{module}' is not in the "
                                "layer table (tests/architecture/check_layers.py, "
                                "docs/architecture.md)")
                continue
            seen.add(module)
            for m in INCLUDE.finditer(path.read_text(errors="replace")):
                header, target = m.group(1), m.group(2)
                if header in ANYWHERE or target == module:
                    continue
                if target not in ALLOWED[module]:
                    problems.append(f"{path.relative_to(root)}: includes {header}, but module "
                                    f"'{module}' may include only "
                                    f"{', '.join(sorted(ALLOWED[module])) or 'nothing else'}")
    return problems, seen


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else
                        pathlib.Path(__file__).resolve().parents[2])
    problems, seen = check(root)
    for p in problems:
        print(p)
    if not {"core", "engine", "care", "teaching"} <= seen:
        print(f"expected modules not found under {root} (saw {sorted(seen)})")
        return 1
    if problems:
        print(f"{len(problems)} include(s) point the wrong way")
        return 1
    print(f"layers respected: {len(seen)} modules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
