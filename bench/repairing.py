"""Full re-pairing through the commands a user runs: `flask reindex --no-proposals`, then
`flask recompute-proposals --workers N`, at each size.

    python -m bench.repairing [--sizes 20000,100000] [--workers 2] [--data DIR]

Each size: generate listings with bench/corpus.py into a temp SQLite file (bench.speed.populate), then time
both commands as subprocesses (wall clock, the CLI's own startup included) and count the proposals stored.
Writes bench/results/repairing.json and prints a table with the rate (listings per second).
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

from .common import ROOT, temp_app, write_json
from .speed import DEFAULT_DATA, populate


def run_size(size, workers, data_dir):
    from marketplace.extensions import db
    from marketplace.models import Match

    workdir = tempfile.mkdtemp(prefix="yizhi-repairing-")
    database = os.path.join(workdir, "repairing.db")
    index_dir = os.path.join(workdir, "index")
    with temp_app(prefix="yizhi-repairing-gen-", SQLALCHEMY_DATABASE_URI="sqlite:///" + database,
                  INDEX_DIR=index_dir):
        populate(size, data_dir, os.path.join(workdir, "fts.db"))
    env = dict(os.environ, MARKETPLACE_SQLALCHEMY_DATABASE_URI="sqlite:///" + database,
               MARKETPLACE_INDEX_DIR=index_dir, MARKETPLACE_HUEY_FILE=os.path.join(workdir, "huey.db"))
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    timings = {}
    for name, args in (("reindex_s", ["reindex", "--no-proposals"]),
                       ("recompute_s", ["recompute-proposals", "--workers", str(workers)])):
        started = time.perf_counter()
        subprocess.run(flask + args, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        timings[name] = round(time.perf_counter() - started, 1)
        print(f"  size {size:,}: {' '.join(args)} took {timings[name]} s", file=sys.stderr, flush=True)
    with temp_app(prefix="yizhi-repairing-count-", SQLALCHEMY_DATABASE_URI="sqlite:///" + database,
                  INDEX_DIR=index_dir):
        proposals = db.session.scalar(db.select(db.func.count(Match.id)))
    return {"size": size, "workers": workers, **timings, "proposals": proposals,
            "listings_per_s": round(size / timings["recompute_s"], 1),
            "projected_100k_min": round(100000 / (size / timings["recompute_s"]) / 60, 1),
            "load_before": round(os.getloadavg()[0], 2)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,100000")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--data", default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    results = []
    for size in (int(s) for s in args.sizes.split(",") if s.strip()):
        print(f"size {size:,}: generating, reindexing, re-pairing on {args.workers} processes…", file=sys.stderr,
              flush=True)
        results.append(run_size(size, args.workers, args.data))
    write_json("repairing.json", results)
    print(f"{'listings':<28}" + "".join(f"{r['size']:>12,}" for r in results))
    for label, key in (("flask reindex (s)", "reindex_s"), ("recompute-proposals (s)", "recompute_s"),
                       ("re-pairing rate (/s)", "listings_per_s"), ("proposals stored", "proposals"),
                       ("load avg before", "load_before")):
        print(f"{label:<28}" + "".join(f"{r[key]:>12}" for r in results))
    return results


if __name__ == "__main__":
    main()
