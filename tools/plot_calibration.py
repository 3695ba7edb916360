#!/usr/bin/python3
"""Plots of a history-matching calibration (caresim calibrate): what docs/calibration.md shows.

    /usr/bin/python3 tools/plot_calibration.py FOLDER/calibration.h5 OUT_PREFIX

writes OUT_PREFIX_space.png (every wave's design, coloured by its implausibility, with the final
non-implausible sample, for each pair of parameters) and OUT_PREFIX_targets.png (each target's
band against the outputs of every wave and of the final runs). Debian's python3-h5py,
python3-numpy and python3-matplotlib; no display needed.
"""
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def strings(dataset):
    return [v.decode() if isinstance(v, bytes) else str(v) for v in dataset[()]]


def main(path, prefix):
    f = h5py.File(path, "r")
    names = strings(f["parameter_name"])
    targets = strings(f["target_name"])
    lower, upper = f["band_lower"][()], f["band_upper"][()]
    observed = f["observed"][()]
    waves = sorted((k for k in f if k.startswith("wave_")), key=lambda k: int(k[5:]))
    post = f["posterior"]
    final = post["final_value"][()]
    final_match = post["final_match"][()].astype(bool)
    d = len(names)

    # Parameter space: pairs of parameters.
    fig, axes = plt.subplots(d, d, figsize=(2.6 * d, 2.6 * d), squeeze=False)
    colours = plt.cm.viridis(np.linspace(0, 0.85, len(waves)))
    for i in range(d):
        for j in range(d):
            ax = axes[i][j]
            if i == j:
                for w, c in zip(waves, colours):
                    ax.hist(f[w]["design_value"][:, i], bins=12, color=c, alpha=0.5,
                            label=w.replace("_", " "))
                if final.size:
                    ax.hist(final[final_match, i], bins=12, histtype="step", color="crimson",
                            linewidth=1.5, label="final, all targets met")
                if i == 0:
                    ax.legend(fontsize=6)
            else:
                for w, c in zip(waves, colours):
                    x = f[w]["design_value"]
                    ax.scatter(x[:, j], x[:, i], s=6, color=c, alpha=0.6)
                if final.size:
                    ax.scatter(final[final_match, j], final[final_match, i], s=10,
                               color="crimson", marker="x")
            if i == d - 1:
                ax.set_xlabel(names[j], fontsize=7)
            if j == 0:
                ax.set_ylabel(names[i], fontsize=7)
            ax.tick_params(labelsize=6)
    fig.suptitle("History matching: each wave's design (darker = earlier) and the final "
                 "runs that meet every target (red)", fontsize=9)
    fig.tight_layout()
    fig.savefig(prefix + "_space.png", dpi=110)
    plt.close(fig)

    # Targets: outputs per wave against the bands.
    k = len(targets)
    cols = 3
    rows = (k + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(3.4 * cols, 2.4 * rows), squeeze=False)
    for t in range(k):
        ax = axes[t // cols][t % cols]
        groups = [f[w]["output"][:, t] for w in waves]
        labels = [w.replace("wave_", "wave ") for w in waves]
        if final.size:
            groups.append(post["final_output"][:, t])
            labels.append("final")
        for g, values in enumerate(groups):
            values = values[np.isfinite(values)]
            ax.scatter(np.full(values.size, g) + np.linspace(-0.2, 0.2, values.size), values,
                       s=5, color="tab:blue" if g < len(waves) else "crimson")
        if np.isfinite(lower[t]) and np.isfinite(upper[t]):
            ax.axhspan(lower[t], upper[t], color="tab:green", alpha=0.15, label="band")
        else:
            ax.axhline(observed[t], color="tab:green")
        ax.set_xticks(range(len(labels)))
        ax.set_xticklabels(labels, fontsize=6)
        ax.set_title(targets[t], fontsize=8)
        ax.tick_params(labelsize=6)
    for t in range(k, rows * cols):
        axes[t // cols][t % cols].axis("off")
    fig.suptitle("Targets (green bands) against the runs of each wave and the final runs",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(prefix + "_targets.png", dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
