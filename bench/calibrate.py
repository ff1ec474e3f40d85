"""The strength table: what a pairing score means, measured on the main dev split.

    python -m bench.calibrate [--data DIR]

Pairs every demand of the main split (bench.tune, the matcher's own code) and labels each of
its top-20 proposals true or false. For each score s on a 0.005 grid, the strength is the share
of dev proposals scoring s or more that were the demand's true counterpart (made
non-decreasing in s), in whole percent. "Strength 60 %" thus reads: of the proposals this
strong in our evaluation, 60 % were the right one. Written to marketplace/data/strength.tsv
(min_score <TAB> strength), which calibration.py loads; prints how many true pairs each
strength floor keeps.
"""
import argparse
import os

from .common import ROOT
from .evaluate import DEFAULT_DATA
from .tune import Bench

TABLE = os.path.join(ROOT, "marketplace", "data", "strength.tsv")
STEP = 0.005


def table(labelled):
    rows, best = [], 0
    for i in range(int(round(1 / STEP)) + 1):
        s = round(i * STEP, 3)
        kept = [ok for score, ok in labelled if score >= s]
        share = round(100 * sum(kept) / len(kept)) if kept else best
        best = max(best, share)
        rows.append((s, best))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    result, labelled = Bench(args.data).evaluate()
    rows = table(labelled["main"])
    with open(TABLE, "w", encoding="utf-8") as handle:
        handle.write("# min_score\tstrength (%): share of main-split dev proposals scoring min_score or more that\n"
                     "# were the true counterpart (bench/calibrate.py; regenerate after changing the matcher)\n")
        for s, strength in rows:
            handle.write(f"{s:.3f}\t{strength}\n")
    from marketplace.matching import calibration
    calibration.reset()
    for name in ("main", "paraphrase"):
        trues = [score for score, ok in labelled[name] if ok]
        for floor in (10, 20, 30, 50):
            kept = sum(1 for score in trues if calibration.strength(score) >= floor)
            shown = sum(1 for score, _ in labelled[name] if calibration.strength(score) >= floor)
            print(f"{name:<11} floor {floor:>3}%: keeps {kept}/{result[name]['demands']} true pairs, "
                  f"{shown} proposals in all")
    print(f"written to {os.path.relpath(TABLE, ROOT)}")


if __name__ == "__main__":
    main()
