"""Speed of the index, search, pairing and the pairings page at a given number of listings.

    python -m bench.speed [--sizes 20000,100000] [--repeats 3] [--data DIR]

Each size runs in its own child process (so its peak memory is its own): generate listings
(bench/corpus.py), bulk-insert them as published into a temp SQLite DB, then measure, as the
median over `repeats` runs: full reindex (matching.index.rebuild), search latency
(matching.services.search, fixed realistic queries), pairing (matching.services.propose_for on
sample demands), the pairings page (test client GET /demands/<id>/matches as a broker), the
time until an edited listing is found by search, and peak RSS. The same queries run on SQLite
FTS5 over the same rjieba-segmented text in the same process as the reference.
Writes bench/results/speed.json and prints a table.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

from .common import ROOT, Fts5Baseline, percentile, temp_app, write_json

DEFAULT_DATA = os.path.normpath(os.path.join(ROOT, "..", "shared", "data"))
TARGETS = {"reindex_s": 90, "search_p95_ms": 60, "pairing_p95_ms": 200, "page_p95_ms": 30, "update_visible_s": 1}
QUERIES = (
    "石墨烯 导热", "锂电池 回收", "机器视觉 缺陷检测", "污水处理", "新能源汽车 电池管理", "中药 提取工艺",
    "深度学习 图像识别", "光伏 逆变器", "土壤修复", "无人机 巡检", "高分子材料 改性", "智能制造 工业机器人",
    "水稻 育种", "5G 天线", "燃料电池 催化剂", "数据挖掘", "纳米材料 制备方法", "传感器 信号处理",
    "抗肿瘤 药物", "储能 系统", "废气 脱硫", "区块链", "精准农业 物联网", "复合材料 力学性能",
    "神经网络 预测模型", "生物发酵", "激光 焊接", "疫苗", "半导体 芯片 封装", "风力发电 控制",
)
SAMPLE_DEMANDS = 30


def timed(fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return (time.perf_counter() - started) * 1000.0, result


def p50_p95(values):
    return {"p50": round(percentile(values, 0.5), 2), "p95": round(percentile(values, 0.95), 2)}


# ---------------------------------------------------------------- setup

def populate(size, data_dir, fts_path):
    """Insert `size` published listings (60% achievements) and the FTS5 reference over the same text."""
    users, generated = insert_listings(size, data_dir)
    fts = Fts5Baseline(fts_path)
    fts_s = build_fts(fts)
    return users, fts, {**generated, "fts5_build_s": round(fts_s, 1)}


def insert_listings(size, data_dir):
    """`size` published listings (60% achievements) by three bench users (researcher, enterprise, broker,
    password bench-password-1): returns ({role: user}, {"generate_insert_s", "distinct_vocabulary"})."""
    from sqlalchemy import insert

    from marketplace.extensions import db
    from marketplace.models import Achievement, Demand, Organization, User

    from .corpus import ListingGenerator

    generator = ListingGenerator(data_dir)
    users = {}
    for role, kind in (("researcher", "university"), ("enterprise", "enterprise"), ("broker", "broker_agency")):
        org = Organization(name=f"基准测试{kind}", kind=kind, verified=True)
        db.session.add(org)
        db.session.flush()
        user = User(email=f"{role}@bench.local", name=role, role=role, organization_id=org.id)
        user.set_password("bench-password-1")
        db.session.add(user)
        db.session.flush()
        users[role] = user
    db.session.commit()
    started = time.perf_counter()
    n_achievements = int(size * 0.6)
    for model, count, role in ((Achievement, n_achievements, "researcher"), (Demand, size - n_achievements, "enterprise")):
        make = generator.achievement if model is Achievement else generator.demand
        owner = users[role]
        for start in range(0, count, 5000):
            rows = [make(owner.id, owner.organization_id) for _ in range(min(5000, count - start))]
            db.session.execute(insert(model), rows)
            db.session.commit()
    generate_s = time.perf_counter() - started
    return users, {"generate_insert_s": round(generate_s, 1), "distinct_vocabulary": generator.distinct_terms}


def build_fts(fts):
    """The FTS5 reference indexes the same text the matcher indexes: title, body, keywords."""
    from marketplace.extensions import db
    from marketplace.models import Achievement, Demand
    from marketplace.text import html_to_text

    started = time.perf_counter()
    for model, offset in ((Achievement, 0), (Demand, 10_000_000)):
        body = model.summary if model is Achievement else model.description
        query = db.select(model.id, model.title, body, model.keywords).execution_options(yield_per=5000)
        batch = []
        for row in db.session.execute(query):
            batch.append((offset + row[0], " ".join((row[1], html_to_text(row[2]), row[3] or ""))))
            if len(batch) == 5000:
                fts.add_many(batch)
                batch = []
        fts.add_many(batch)
    return time.perf_counter() - started


# ---------------------------------------------------------------- measurements (one repeat each)

def measure_reindex():
    from marketplace.matching import index

    started = time.perf_counter()
    written = index.rebuild()
    return time.perf_counter() - started, written


def measure_search(fts):
    from marketplace.matching.services import search

    ours, reference = [], []
    search(QUERIES[0], {}, 1, 12)  # open the searcher once after a rebuild (not a user-visible cost per query)
    for query in QUERIES:
        ours.append(timed(search, query, {}, 1, 12)[0])
        reference.append(timed(fts.search, query, 12)[0])
    return p50_p95(ours), p50_p95(reference)


def measure_pairing(demand_ids):
    from marketplace.extensions import db
    from marketplace.matching.services import propose_for
    from marketplace.models import Demand

    latencies, found = [], 0
    for demand_id in demand_ids:
        demand = db.session.get(Demand, demand_id)
        ms, proposals = timed(propose_for, demand)
        latencies.append(ms)
        found += bool(proposals)
    db.session.commit()  # the stored proposals feed the pairings page
    return p50_p95(latencies), found


def measure_page(client, demand_ids):
    latencies = []
    for demand_id in demand_ids:
        ms, response = timed(client.get, f"/demands/{demand_id}/matches")
        if response.status_code != 200:
            raise SystemExit(f"/demands/{demand_id}/matches answered {response.status_code}")
        latencies.append(ms)
    return p50_p95(latencies)


def measure_update_visible(achievement_id, token):
    """Edit a listing (as a service would: change + enqueue in one transaction), commit, and
    poll search until the new word finds it. The after-commit hook applies the outbox."""
    from marketplace.extensions import db
    from marketplace.matching import index
    from marketplace.matching.services import search
    from marketplace.models import Achievement

    listing = db.session.get(Achievement, achievement_id)
    listing.title = f"{listing.title[:150]} {token}"
    index.enqueue(listing)
    started = time.perf_counter()
    db.session.commit()
    while time.perf_counter() - started < 30:
        if any(hit.id == achievement_id for hit in search(token, {"kind": "achievement"}, 1, 12).items):
            return time.perf_counter() - started
        time.sleep(0.005)
    raise SystemExit("an edited listing was not searchable within 30 s")


# ---------------------------------------------------------------- one size (child process)

def run_size(size, repeats, data_dir):
    import random

    from marketplace.extensions import db
    from marketplace.models import Achievement, Demand

    workdir = tempfile.mkdtemp(prefix="yizhi-speed-fts-")
    with temp_app(prefix="yizhi-speed-") as app:
        users, fts, setup = populate(size, data_dir, os.path.join(workdir, "fts.db"))
        rng = random.Random(7)
        demand_ids = rng.sample(db.session.scalars(db.select(Demand.id)).all(), SAMPLE_DEMANDS)
        achievement_ids = rng.sample(db.session.scalars(db.select(Achievement.id)).all(), repeats)
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = users["broker"].get_id(), True
        runs = []
        for repeat in range(repeats):
            reindex_s, written = measure_reindex()
            search_ms, fts_ms = measure_search(fts)
            pairing_ms, with_proposals = measure_pairing(demand_ids)
            runs.append({"reindex_s": reindex_s, "documents": written, "search_ms": search_ms, "fts5_search_ms": fts_ms,
                         "pairing_ms": pairing_ms, "demands_with_proposals": with_proposals,
                         "page_ms": measure_page(client, demand_ids),
                         "update_visible_s": measure_update_visible(achievement_ids[repeat], f"qzvx{repeat}bench")})
            print(f"  size {size} repeat {repeat + 1}/{repeats}: reindex {reindex_s:.1f}s, "
                  f"search p95 {search_ms['p95']:.1f}ms", file=sys.stderr, flush=True)
        fts.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return summarize(size, repeats, runs, setup, peak_mb)


def summarize(size, repeats, runs, setup, peak_mb):
    def median(path):
        values = [run for run in runs]
        for key in path:
            values = [v[key] for v in values]
        return round(statistics.median(values), 3)

    result = {
        "size": size, "repeats": repeats, "documents": runs[0]["documents"], **setup,
        "reindex_s": median(["reindex_s"]),
        "search_p50_ms": median(["search_ms", "p50"]), "search_p95_ms": median(["search_ms", "p95"]),
        "fts5_search_p50_ms": median(["fts5_search_ms", "p50"]), "fts5_search_p95_ms": median(["fts5_search_ms", "p95"]),
        "pairing_p50_ms": median(["pairing_ms", "p50"]), "pairing_p95_ms": median(["pairing_ms", "p95"]),
        "page_p50_ms": median(["page_ms", "p50"]), "page_p95_ms": median(["page_ms", "p95"]),
        "update_visible_s": median(["update_visible_s"]),
        "demands_with_proposals": f"{runs[-1]['demands_with_proposals']}/{SAMPLE_DEMANDS}",
        "peak_rss_mb": round(peak_mb, 1), "runs": runs,
    }
    result["search_p95_vs_fts5"] = round(result["search_p95_ms"] / max(result["fts5_search_p95_ms"], 1e-6), 2)
    result["reindex_vs_fts5_build"] = round(result["reindex_s"] / max(setup["fts5_build_s"], 1e-6), 2)
    result["targets_met"] = {name: result[name] <= limit for name, limit in TARGETS.items()}
    return result


# ---------------------------------------------------------------- driver

def print_table(results):
    rows = (("reindex (s)", "reindex_s", "≤ 90"), ("search p50 (ms)", "search_p50_ms", ""),
            ("search p95 (ms)", "search_p95_ms", "≤ 60"), ("FTS5 search p50 (ms)", "fts5_search_p50_ms", "ref"),
            ("FTS5 search p95 (ms)", "fts5_search_p95_ms", "ref"), ("search p95 / FTS5", "search_p95_vs_fts5", ""),
            ("pairing p50 (ms)", "pairing_p50_ms", ""), ("pairing p95 (ms)", "pairing_p95_ms", "≤ 200"),
            ("pairings page p50 (ms)", "page_p50_ms", ""), ("pairings page p95 (ms)", "page_p95_ms", "≤ 30"),
            ("update visible (s)", "update_visible_s", "≤ 1"), ("peak RSS (MB)", "peak_rss_mb", ""),
            ("FTS5 build (s)", "fts5_build_s", "ref"), ("generate+insert (s)", "generate_insert_s", ""))
    header = f"{'listings':<24}" + "".join(f"{r['size']:>12,}" for r in results) + f"{'target':>10}"
    print(header)
    for label, key, target in rows:
        print(f"{label:<24}" + "".join(f"{r[key]:>12}" for r in results) + f"{target:>10}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,100000", help="comma-separated listing counts")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--data", default=DEFAULT_DATA, help="shared data directory (vocabulary source)")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--worker-out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        with open(args.worker_out, "w", encoding="utf-8") as handle:
            json.dump(run_size(args.worker, args.repeats, args.data), handle, ensure_ascii=False)
        return None
    results = []
    for size in (int(s) for s in args.sizes.split(",") if s.strip()):
        print(f"size {size:,}: generating, inserting, measuring ({args.repeats} repeats)…", file=sys.stderr, flush=True)
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
            out_path = out.name
        command = [sys.executable, "-m", "bench.speed", "--worker", str(size), "--worker-out", out_path,
                   "--repeats", str(args.repeats), "--data", args.data]
        subprocess.run(command, cwd=ROOT, check=True)
        with open(out_path, encoding="utf-8") as handle:
            results.append(json.load(handle))
        os.unlink(out_path)
    path = write_json("speed.json", {"targets": TARGETS, "cpu_count": os.cpu_count(), "results": results})
    print_table(results)
    print(f"written to {os.path.relpath(path, ROOT)}")
    return results


if __name__ == "__main__":
    main()
