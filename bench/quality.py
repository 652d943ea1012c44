"""Quality of the committed classifier on the held-out ToxiFrench benchmark.

This is the only code that reads ``heldout/``; nothing it prints may feed back
into training choices.  Our row is printed beside the published systems' table,
parsed from the data README.

    python bench/quality.py [--model PATH] [--data-dir D] [--heldout FILE.csv]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import models
from models.data import default_data_dir

HELDOUT = Path("heldout") / "toxifrench_bench_fr.csv"
_TABLE_ROW = re.compile(r"^\|\s*(?P<system>[^|]+?)\s*\|\s*(?P<kind>[^|]+?)\s*\|\s*(?P<acc>[\d.]+)\s*\|\s*(?P<f1>[\d.]+)\s*\|\s*(?P<auc>[\d.]+|—)\s*\|$")


def published_rows(readme: Path) -> list[tuple[str, str, float, float, float | None]]:
    """The rows of the README table of systems scored on the same comments."""
    rows = []
    for line in readme.read_text(encoding="utf-8").splitlines():
        match = _TABLE_ROW.match(line.strip())
        if match:
            auc = None if match["auc"] == "—" else float(match["auc"])
            rows.append((match["system"], match["kind"], float(match["acc"]), float(match["f1"]), auc))
    return rows


def _cell(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=None, help="artifact (default: the committed one)")
    parser.add_argument("--data-dir", type=Path, default=None, help="data folder (default: $MODERATION_DATA_DIR or ../shared/data)")
    parser.add_argument("--heldout", type=Path, default=None, help="held-out CSV (default: <data-dir>/heldout/toxifrench_bench_fr.csv)")
    args = parser.parse_args(argv)

    data_dir = args.data_dir or default_data_dir()
    heldout = args.heldout or data_dir / HELDOUT
    if not heldout.is_file():
        print(f"no held-out file at {heldout}", file=sys.stderr)
        return 2
    clf = models.load(args.model)
    result = models.evaluate(clf, heldout)
    ours = (f"this classifier ({clf.version}, threshold {result['threshold']:.3f})", "scikit-learn, CPU",
            result["accuracy"], result["f1"], result["roc_auc"])

    readme = data_dir / "README.md"
    rows = published_rows(readme) if readme.is_file() else []
    print(f"{heldout} ({result['rows']} rows)")
    print(f"| {'system':<66} | {'kind':<24} | accuracy | F1 (toxic) | ROC-AUC |")
    print(f"|{'-' * 68}|{'-' * 26}|----------|------------|---------|")
    for system, kind, acc, f1, auc in sorted([*rows, ours], key=lambda r: -r[2]):
        mark = "**" if system == ours[0] else ""
        print(f"| {mark + system + mark:<66} | {kind:<24} | {acc:>8.3f} | {f1:>10.3f} | {_cell(auc):>7} |")
    print(f"\non the held-out file, comments {models.group_summary(result['group_mentions'])}")
    cv = clf.metadata["cv"]
    print(f"\ncross-validated on {cv['register']} (training data), one fold split: ROC-AUC "
          f"{_cell(cv['register_oof']['at_operating']['roc_auc'])} accuracy {cv['register_oof']['at_operating']['accuracy']:.3f}")
    repeats = cv.get("register_repeats")
    if repeats:
        # One split's figures move by about ±0.01 with the split; the mean over splits is the fairer guide.
        auc, acc = repeats["roc_auc"], repeats["accuracy_at_median_cut"]
        print(f"over {len(repeats['operating_per_split'])} fold splits, mean ± sd: ROC-AUC {auc['mean']:.3f} ± {auc['sd']:.3f}, "
              f"accuracy at the operating cut {acc['mean']:.3f} ± {acc['sd']:.3f}")
    print(f"bar (ROC-AUC >= 0.80 and accuracy >= 0.75): {'met' if result['roc_auc'] >= 0.80 and result['accuracy'] >= 0.75 else 'not met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
