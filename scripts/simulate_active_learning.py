"""Simulate the labelling loop on a labelled set: does `tagger suggest` pick better articles than chance?

A fixed third of the labelled articles is held out for scoring. Starting from the default model (the
shipped data), each round picks 25 more articles from the rest, either with `tagger suggest` (active) or
at random, takes their labels from the file (the oracle), retrains on the shipped data plus everything
picked so far, and scores on the held-out third. Both strategies are run with several seeds: a seed is
the random_state of every retrained model (the folds that choose the thresholds, the only randomness in
training) and, for random picking, also chooses the picks. Curves are reported as the mean of the seeds.

    python scripts/simulate_active_learning.py ../shared/data/dev.jsonl --out sim/
"""
from __future__ import annotations

import argparse
import json
import tempfile
import warnings
from pathlib import Path

import numpy as np

from tagger import Tagger
from tagger.data import read_labelled
from tagger.evaluate import summary
from tagger.suggest import suggest
from tagger.taxonomy import load_taxonomy


def score(tagger: Tagger, holdout: object) -> dict[str, float]:
    s = summary(tagger.evaluate(holdout))
    return {**s, "mean": float(np.mean(list(s.values())))}


def run(strategy: str, seed: int, pool: object, holdout: object, base: Tagger, rounds: int,
        per_round: int, tmp: Path) -> list[dict]:
    rng = np.random.default_rng(seed)
    picked: list[str] = []
    tagger = base
    curve = [{"labelled": 0, **score(base, holdout)}]
    for r in range(rounds):
        rest = pool[~pool["id"].isin(picked)]
        if strategy == "active":
            table = tmp / f"pool-{seed}-{r}.jsonl"
            rest[["id", "text"]].to_json(table, orient="records", lines=True, force_ascii=False)
            done = pool[pool["id"].isin(picked)]["text"].tolist()
            new = [row["id"] for row in suggest(tagger, [str(table)], n=per_round, exclude=done)]
        else:
            new = rng.choice(rest["id"].to_numpy(), size=per_round, replace=False).tolist()
        picked += new
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            tagger = Tagger.train(pool[pool["id"].isin(picked)], cv=0, random_state=seed)
        curve.append({"labelled": len(picked), **score(tagger, holdout)})
        print(f"{strategy:6s} seed {seed} round {r + 1}: {json.dumps(curve[-1])}", flush=True)
    return curve


def plot(results: dict[str, list[list[dict]]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 4, figsize=(16, 3.6))
    for ax, key in zip(axes, ("mean", "relief_f1", "type_macro_f1", "actor_macro_f1")):
        for strategy, runs in results.items():
            x = [p["labelled"] for p in runs[0]]
            y = np.array([[p[key] for p in run] for run in runs])
            ax.plot(x, y.mean(0), marker="o",
                    label=f"{strategy} (mean of {len(runs)} seeds, band min-max)")
            if len(runs) > 1:
                ax.fill_between(x, y.min(0), y.max(0), alpha=0.2)
        ax.set(title=key, xlabel="articles labelled")
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("labelled", type=Path, help="labelled JSONL (the oracle)")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--per-round", type=int, default=25)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("sim"))
    args = parser.parse_args()
    taxonomy = load_taxonomy()
    data = read_labelled([args.labelled], taxonomy)
    order = np.random.default_rng(0).permutation(len(data))
    holdout = data.iloc[order[: len(data) // 3]].reset_index(drop=True)
    pool = data.iloc[order[len(data) // 3:]].reset_index(drop=True)
    print(f"{len(pool)} articles to pick from, {len(holdout)} held out for scoring")
    base = Tagger.train(cv=0)
    args.out.mkdir(parents=True, exist_ok=True)
    results: dict[str, list[list[dict]]] = {"active": [], "random": []}
    with tempfile.TemporaryDirectory() as tmp:
        for strategy, runs in results.items():
            for seed in range(args.seeds):
                runs.append(run(strategy, seed, pool, holdout, base, args.rounds, args.per_round,
                                Path(tmp)))
    (args.out / "simulation.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    plot(results, args.out / "simulation.png")
    keys = ("mean", "relief_f1", "type_macro_f1", "actor_macro_f1")
    print(f"\nmean of {args.seeds} seeds; each cell active / random")
    print("labelled  " + "  ".join(f"{k:>15s}" for k in keys))
    for i, point in enumerate(results["active"][0]):
        cells = [" / ".join(f"{np.mean([r[i][k] for r in results[s]]):.3f}" for s in results)
                 for k in keys]
        print(f"{point['labelled']:8d}  " + "  ".join(f"{c:>15s}" for c in cells))
    print(f"written: {args.out / 'simulation.json'}, {args.out / 'simulation.png'}")


if __name__ == "__main__":
    main()
