"""Command line: ``python -m models train`` and ``python -m models evaluate FILE.csv``."""

from __future__ import annotations

import argparse
import json
import sys

import models


def _train(args: argparse.Namespace) -> int:
    goals = models.Goals(
        deployment_prior=args.deployment_prior,
        max_toxic_among_published=args.max_toxic_published,
        max_acceptable_among_rejected=args.max_acceptable_rejected,
        operating_metric=args.operating_metric,
    )
    clf = models.train(args.data_dir, seeds_only=args.seeds_only, out=args.out, goals=goals,
                       site_labels=args.site_labels)
    cv = clf.metadata["cv"]["register_oof"]["at_operating"]
    decisions = clf.metadata["cv"]["register_oof"]["decisions_at_deployment_prior"]
    print(f"saved {args.out} version {clf.version}")
    print(f"rows {clf.metadata['rows']} from {len(clf.metadata['training_files'])} files")
    print(f"cv on {clf.metadata['cv']['register']}: roc_auc {cv['roc_auc']:.3f} accuracy {cv['accuracy']:.3f} f1 {cv['f1']:.3f}")
    print("thresholds " + " ".join(f"{k} {v:.3f}" for k, v in clf.thresholds.items()))
    print(f"at {goals.deployment_prior:.0%} toxic: " + " ".join(f"{k} {_format(v)}" for k, v in decisions.items() if k != "deployment_prior"))
    return 0


def _format(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _evaluate(args: argparse.Namespace) -> int:
    clf = models.load(args.model)
    for path in args.files:
        result = models.evaluate(clf, path)
        if args.json:
            print(json.dumps({k: result[k] for k in ("file", "rows", "roc_auc", "accuracy", "f1", "threshold")}))
            continue
        print(
            f"{result['file']}: rows {result['rows']} roc_auc {_format(result['roc_auc'])} "
            f"accuracy {result['accuracy']:.3f} f1 {result['f1']:.3f} (threshold {result['threshold']:.3f})"
        )
        print(f"  {models.group_summary(result['group_mentions'])}")
        for name, accuracy in result.get("per_functionality", {}).items():
            print(f"  {name:<22} accuracy {accuracy:.3f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m models", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="train and save an artifact")
    train.add_argument("--data-dir", help="folder holding train/ (default: $MODERATION_DATA_DIR or ../shared/data)")
    train.add_argument("--seeds-only", action="store_true", help="train on seeds/training_fr.csv alone")
    train.add_argument("--out", default=str(models.DEFAULT_ARTIFACT), help="artifact path (.skops)")
    train.add_argument("--site-labels", action="append", default=[], metavar="CSV",
                       help="the site's own labels (flask --app moderation labels export); repeatable")
    defaults = models.Goals()
    train.add_argument("--deployment-prior", type=float, default=defaults.deployment_prior,
                       help="assumed share of toxic comments on the site (default %(default)s)")
    train.add_argument("--max-toxic-published", type=float, default=defaults.max_toxic_among_published,
                       help="highest toxic share allowed among auto-published comments (default %(default)s)")
    train.add_argument("--max-acceptable-rejected", type=float, default=defaults.max_acceptable_among_rejected,
                       help="highest acceptable share allowed among auto-rejected comments (default %(default)s)")
    train.add_argument("--operating-metric", choices=("accuracy", "f1"), default=defaults.operating_metric,
                       help="what the operating threshold maximises on the forum CV (default %(default)s)")
    train.set_defaults(run=_train)

    evaluate = commands.add_parser("evaluate", help="score labelled CSV files")
    evaluate.add_argument("files", nargs="+", help="CSV files with text,label columns")
    evaluate.add_argument("--model", help="artifact path (default: $MODERATION_MODEL_PATH or the committed one)")
    evaluate.add_argument("--json", action="store_true", help="one JSON object per file")
    evaluate.set_defaults(run=_evaluate)

    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
