"""Matcher quality on the real records of ../shared/data: recall@10 and MRR against plain BM25.

    python -m bench.evaluate [--data DIR] [--k 10]

A fresh temp app imports achievements.csv then demands.csv with --publish through the import
service (so publication queues index changes exactly as in production), applies the outbox,
and reads each demand's *stored* proposals (Match rows, best first). The reference, computed in
the same run: SQLite FTS5 over rjieba tokens of the achievements (title, summary, keywords),
queried with an OR of the demand's distinct terms (title and description), ranked by bm25().
Both sets run: the main split (demands.csv) and the enterprise-language set (paraphrase/),
each in its own app, with the strength floor off (MATCH_MIN_STRENGTH=0) so the ranking itself
is measured; then the ablation table of bench.tune. Writes bench/results/eval.json.
"""
import argparse
import csv
import os
import shutil
import tempfile
import time

from .common import ROOT, Fts5Baseline, temp_app, write_json

DEFAULT_DATA = os.path.normpath(os.path.join(ROOT, "..", "shared", "data"))
DEPTH = 100  # ranks beyond this count as not found (reciprocal rank 0)
SETS = (("main", "demands.csv", "pairs.csv"),
        ("paraphrase", os.path.join("paraphrase", "demands.csv"), os.path.join("paraphrase", "pairs.csv")))


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def scores(ranks, k):
    """recall@k and MRR from 1-based ranks (None = not found)."""
    n = len(ranks)
    recall = sum(1 for r in ranks if r is not None and r <= k) / n
    mrr = sum(1.0 / r for r in ranks if r is not None) / n
    return {"recall_at_k": round(recall, 4), "mrr": round(mrr, 4), "found": sum(r is not None for r in ranks),
            "demands": n}


def import_and_publish(data_dir):
    """Import both files as an admin with publish; returns the seconds each phase took."""
    from marketplace.extensions import db
    from marketplace.imports.cli import system_admin
    from marketplace.imports.services import ListingImport
    from marketplace.matching import index

    admin = system_admin()
    db.session.commit()
    timings = {}
    for kind in ("achievements", "demands"):
        name = f"{kind}.csv"
        with open(os.path.join(data_dir, name), "rb") as handle:
            data = handle.read()
        started = time.perf_counter()
        job = ListingImport(kind, admin, name, data, publish=True)
        if not job.validate():
            raise SystemExit("import failed:\n" + "\n".join(str(e) for e in job.report.errors))
        job.insert()
        db.session.commit()  # the after-commit hook indexes and computes proposals
        index.apply_outbox()  # anything still queued
        timings[f"import_{kind}_s"] = round(time.perf_counter() - started, 2)
    return timings


def matcher_ranks(pairs):
    """Rank of each demand's true achievement among its stored proposals (Match rows by score)."""
    from marketplace.extensions import db
    from marketplace.models import Achievement, Demand, Match

    demand_ids = dict(db.session.execute(db.select(Demand.title, Demand.id)).all())
    achievement_ids = dict(db.session.execute(db.select(Achievement.title, Achievement.id)).all())
    ranks = []
    for demand_title, achievement_title in pairs:
        proposed = db.session.scalars(db.select(Match.achievement_id)
                                      .where(Match.demand_id == demand_ids[demand_title])
                                      .order_by(Match.score.desc(), Match.id)).all()
        target = achievement_ids[achievement_title]
        ranks.append(proposed.index(target) + 1 if target in proposed else None)
    return ranks


def baseline_ranks(achievements, demands, pairs):
    by_title = {row["title"]: number for number, row in enumerate(achievements, start=1)}
    fts = Fts5Baseline()
    fts.add_many((number, " ".join((row["title"], row["summary"], row.get("keywords") or "")))
                 for number, row in enumerate(achievements, start=1))
    text_of = {row["title"]: row["title"] + " " + row["description"] for row in demands}
    ranks = []
    for demand_title, achievement_title in pairs:
        found = fts.search(text_of[demand_title], limit=DEPTH)
        target = by_title[achievement_title]
        ranks.append(found.index(target) + 1 if target in found else None)
    fts.close()
    return ranks


def evaluate_set(data_dir, demands_file, pairs_file, k):
    """Matcher (stored proposals, no strength floor: the ranking itself) and BM25 on one set."""
    achievements = read_csv(os.path.join(data_dir, "achievements.csv"))
    demands = read_csv(os.path.join(data_dir, demands_file))
    pairs = [(p["demand_title"], p["achievement_title"]) for p in read_csv(os.path.join(data_dir, pairs_file))]
    with tempfile.TemporaryDirectory(prefix="yizhi-eval-set-") as staged:  # the import reads fixed names
        for name, source in (("achievements.csv", "achievements.csv"), ("demands.csv", demands_file)):
            shutil.copy(os.path.join(data_dir, source), os.path.join(staged, name))
        with temp_app(prefix="yizhi-eval-", MATCH_MIN_STRENGTH=0) as app:
            timings = import_and_publish(staged)
            ours = scores(matcher_ranks(pairs), k)
            top_k = app.config["MATCH_TOP_K"]
    baseline = scores(baseline_ranks(achievements, demands, pairs), k)
    return {"matcher": {**ours, "stored_top_k": top_k}, "bm25_fts5": {**baseline, "depth": DEPTH}, "timings": timings}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=DEFAULT_DATA, help="directory with achievements.csv, demands.csv, pairs.csv")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--no-ablation", action="store_true", help="skip the ablation table (bench.tune)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    result = {"k": args.k, "data": os.path.abspath(args.data)}
    for name, demands_file, pairs_file in SETS:
        result[name] = evaluate_set(args.data, demands_file, pairs_file, args.k)
    if not args.no_ablation:
        from .tune import Bench, ablation, print_rows
        rows = ablation(Bench(args.data))
        result["ablation"] = [{"variant": label, **scores_} for label, scores_ in rows]
    result["total_s"] = round(time.perf_counter() - started, 2)
    path = write_json("eval.json", result)
    print(f"{'set':<12}{'system':<26}{'recall@' + str(args.k):>12}{'MRR':>10}{'found':>8}")
    for name, _, _ in SETS:
        for label, key in (("matcher (stored Match)", "matcher"), ("BM25 (FTS5 + rjieba)", "bm25_fts5")):
            row = result[name][key]
            print(f"{name:<12}{label:<26}{row['recall_at_k']:>12.3f}{row['mrr']:>10.3f}{row['found']:>8}")
    if not args.no_ablation:
        print("\nablation (bench.tune: the matcher's code over a bare index, each technique switched off)")
        print_rows(rows)
    print(f"written to {os.path.relpath(path, ROOT)}")
    return result


if __name__ == "__main__":
    main()
