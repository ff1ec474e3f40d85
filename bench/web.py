"""Pages under load at 10k and 100k listings (issue #15): `python -m bench.web` or `make bench-web`.

For each engine (SQLite, PostgreSQL on a throwaway cluster) and each size: a database migrated with
`flask db upgrade`, filled by bench's generator (bench/speed.insert_listings, all published), indexed by the
documented command `flask reindex --no-proposals` (timed: its wall time is in the results), proposals for a
sample of demands (the pairings page, the workbench); then the app served the production way (gunicorn,
2 sync workers, MARKETPLACE_CONFIG=production, a free 127.0.0.1 port) and each endpoint of the issue's table
driven by `wrk -t2 -c16 -d<seconds>` in turn, `repeats` times. Logged-in pages carry the session cookie of a
broker who logged in through /login; API pages a bearer token from POST /api/v1/tokens.

Prints per engine: req/s, p50, p99 (medians over the repeats), the ratio to /healthz's req/s in the same
repeat, its target, and the 10k → 100k slowdown: req/s at the small size / req/s at the large one, and the
same of the ratios to /healthz (the two sizes run minutes apart, and the machine's load may differ between them;
the verdict uses the normalised one).
Writes bench/results/web.json and bench/results/web.txt.

The full run (two engines, 10k and 100k, 15 endpoints, -d10s, 3 repeats) takes about an hour on two
cores (30 minutes of wrk, the rest building and indexing the 100k databases). A quick run:
    python -m bench.web --engines sqlite --duration 5 --repeats 2
`--workdir DIR` keeps the SQLite databases and indexes there and reuses them on the next run.
"""
import argparse
import html
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

from .common import ROOT, write_json
from .dos import free_port, wait_until_up
from .speed import DEFAULT_DATA

PASSWORD = "bench-password-1"  # bench.speed.insert_listings's users
SAMPLE_DEMANDS = 40
# kind of row → (minimum ratio to /healthz, p99 ms limit)
TARGETS = {"page": (0.25, 250), "broad search": (0.10, 500), "broker": (0.20, 300), "ref": (None, None)}
MAX_SLOWDOWN = 1.5


# ---------------------------------------------------------------- building a database (child process)

def build(size, data_dir, out_path):
    """In a child process with the production env: insert the listings; write the ids the bench needs."""
    from marketplace import create_app
    from marketplace.extensions import db
    from marketplace.models import Achievement, Demand

    from .speed import insert_listings

    app = create_app({"TASK_QUEUE_IMMEDIATE": True})
    with app.app_context():
        insert_listings(size, data_dir)
        field = db.session.scalar(db.select(Achievement.field).where(Achievement.field.is_not(None)).limit(1))
        ids = {kind: db.session.scalars(db.select(model.id).order_by(model.id)).all()
               for kind, model in (("achievement", Achievement), ("demand", Demand))}
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            # What autovacuum does soon after a bulk load in production (PostgreSQL 13+ also vacuums after
            # inserts): statistics for the planner and the visibility map that lets index-only scans skip the heap.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")
    picks = {"field": field, "achievement": ids["achievement"][len(ids["achievement"]) // 2],
             "demand": ids["demand"][len(ids["demand"]) // 2], "achievements": len(ids["achievement"]),
             "sample_demands": ids["demand"][:: max(1, len(ids["demand"]) // SAMPLE_DEMANDS)][:SAMPLE_DEMANDS]}
    with open(out_path, "w", encoding="utf-8") as handle:
        json.dump(picks, handle, ensure_ascii=False)


def propose(picks_path):
    """In a child process: stored proposals for the sample demands (after the index is built)."""
    from marketplace import create_app
    from marketplace.extensions import db
    from marketplace.matching.services import propose_for
    from marketplace.models import Demand, Match

    with open(picks_path, encoding="utf-8") as handle:
        picks = json.load(handle)
    app = create_app({"TASK_QUEUE_IMMEDIATE": True})
    with app.app_context():
        for demand_id in picks["sample_demands"]:
            propose_for(db.session.get(Demand, demand_id))
            db.session.commit()
        counts = dict(db.session.execute(db.select(Match.demand_id, db.func.count()).group_by(Match.demand_id)).all())
        db.session.remove()
    picks["matched_demand"] = max(counts, key=counts.get) if counts else picks["demand"]
    picks["matches"] = sum(counts.values())
    with open(picks_path, "w", encoding="utf-8") as handle:
        json.dump(picks, handle, ensure_ascii=False)


def flask(args, env, capture=True):
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env, check=True,
                          capture_output=capture)


def prepare(size, env, workdir, data_dir, reuse):
    """Migrate, fill, reindex through the CLI, propose; returns the picks (with reindex_cli_s)."""
    picks_path = os.path.join(workdir, f"picks-{size}.json")
    flask(["db", "upgrade"], env)  # a kept database gets the migrations of the code under test
    if reuse and os.path.exists(picks_path):
        with open(picks_path, encoding="utf-8") as handle:
            return dict(json.load(handle), kept=True)  # its reindex figure is that of the run that built it
    print(f"  {size:,}: generating and inserting…", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, "-m", "bench.web", "--child-build", str(size), "--child-out", picks_path,
                    "--data", data_dir], cwd=ROOT, env=env, check=True)
    print(f"  {size:,}: flask reindex --no-proposals…", file=sys.stderr, flush=True)
    started = time.perf_counter()
    flask(["reindex", "--no-proposals"], env)
    reindex_s = time.perf_counter() - started
    print(f"  {size:,}: reindex took {reindex_s:.1f} s; proposals for the sample demands…", file=sys.stderr,
          flush=True)
    subprocess.run([sys.executable, "-m", "bench.web", "--child-propose", picks_path], cwd=ROOT, env=env, check=True)
    with open(picks_path, encoding="utf-8") as handle:
        picks = json.load(handle)
    picks["reindex_cli_s"] = round(reindex_s, 1)
    with open(picks_path, "w", encoding="utf-8") as handle:
        json.dump(picks, handle, ensure_ascii=False)
    return picks


# ---------------------------------------------------------------- engines

class SqliteEngine:
    name = "sqlite"

    def __init__(self, workdir):
        self.workdir = workdir

    def uri(self, size, fresh=True):
        return "sqlite:///" + os.path.join(self.workdir, f"web-{size}.db")

    def stop(self):
        pass


class PostgresEngine:
    """A cluster on a free loopback port (as .ci/postgres-tests.sh starts it): in a temp dir, thrown away; or,
    with --workdir, in WORKDIR/postgresql/cluster, kept with its databases for the next run."""
    name = "postgresql"

    def __init__(self, keep_in=None):
        bins = sorted(d for d in (os.path.join("/usr/lib/postgresql", v, "bin")
                                  for v in os.listdir("/usr/lib/postgresql")) if os.path.isdir(d))
        if not bins:
            raise SystemExit("PostgreSQL server binaries missing: `make postgresql`")
        self.bin = bins[-1]
        self.kept = keep_in is not None
        self.dir = os.path.join(keep_in, "cluster") if self.kept else tempfile.mkdtemp(prefix="yizhi-web-pg-")
        os.makedirs(self.dir, exist_ok=True)
        self.port = free_port()
        if os.getuid() == 0:
            shutil.chown(self.dir, "postgres")
        if not os.path.exists(f"{self.dir}/data/PG_VERSION"):
            self._run("initdb", "-D", f"{self.dir}/data", "-U", "postgres", "--auth=trust", "-E", "UTF8",
                      "--locale=C.UTF-8")
        self._run("pg_ctl", "-D", f"{self.dir}/data", "-l", f"{self.dir}/server.log", "-w", "-t", "60", "start",
                  "-o", f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.dir} "
                        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")

    def _run(self, program, *args):
        command = [os.path.join(self.bin, program), *args]
        if os.getuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True)

    def uri(self, size, fresh=True):
        import sqlalchemy as sa

        if fresh:
            admin = sa.create_engine(f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres",
                                     isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "web_{size}"')
                connection.exec_driver_sql(f'CREATE DATABASE "web_{size}"')
            admin.dispose()
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/web_{size}"

    def stop(self):
        try:
            self._run("pg_ctl", "-D", f"{self.dir}/data", "-m", "fast" if self.kept else "immediate", "-w", "stop")
        finally:
            if not self.kept:
                shutil.rmtree(self.dir, ignore_errors=True)


def production_env(uri, index_dir):
    env = dict(os.environ)
    env.update(MARKETPLACE_CONFIG="production", MARKETPLACE_SECRET_KEY=secrets.token_hex(32),
               MARKETPLACE_SESSION_COOKIE_SECURE="0", MARKETPLACE_TRUSTED_HOSTS="127.0.0.1,localhost",
               MARKETPLACE_SQLALCHEMY_DATABASE_URI=uri, MARKETPLACE_INDEX_DIR=index_dir,
               MARKETPLACE_HUEY_FILE=index_dir + "-huey.db")
    return env


# ---------------------------------------------------------------- credentials

def login_cookie(port, email):
    """The Cookie header of a session logged in through the login form."""
    cookies = {}

    def send(method, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, "/login", body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            cookies[name.strip()] = rest.split(";", 1)[0]
        conn.close()
        return response.status, text

    _, page = send("GET")
    token = html.unescape(re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1))
    status, _ = send("POST", urllib.parse.urlencode({"csrf_token": token, "email": email, "password": PASSWORD}))
    if status != 302:
        raise SystemExit(f"the bench login answered {status}, not a redirect")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def bearer_token(port, email):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("POST", "/api/v1/tokens", body=json.dumps({"email": email, "password": PASSWORD}).encode(),
                 headers={"Content-Type": "application/json"})
    token = json.loads(conn.getresponse().read())["token"]
    conn.close()
    return token


# ---------------------------------------------------------------- endpoints and wrk

def endpoints(picks, cookie, token):
    """(row label, kind of target, path, headers). Labels are the same at every size (the 10k → 100k column)."""
    deep = max(1, (picks["achievements"] // 12) * 2 // 5)  # 40 % into the list: page 2,000 at 100k
    field = urllib.parse.quote(picks["field"])
    session = {"Cookie": cookie}
    bearer = {"Authorization": f"Bearer {token}"}
    return [
        ("/healthz", "ref", "/healthz", {}),
        ("/achievements page 1", "page", "/achievements", {}),
        ("/achievements?page=<40 % deep>", "page", f"/achievements?page={deep}", {}),
        ("/achievements?field=…", "page", f"/achievements?field={field}", {}),
        ("/achievements?sort=price&page=<deep>", "page", f"/achievements?sort=price&page={deep}", {}),
        ("/demands page 1", "page", "/demands", {}),
        ("/search?q= (newest)", "page", "/search?q=", {}),
        ("/search?q=石墨烯 导热", "broad search", "/search?q=" + urllib.parse.quote("石墨烯 导热"), {}),
        ("/search?q=中药 提取工艺", "broad search", "/search?q=" + urllib.parse.quote("中药 提取工艺"), {}),
        ("/api/v1/achievements?page=50", "page", "/api/v1/achievements?page=50", bearer),
        ("/achievements/<id>", "page", f"/achievements/{picks['achievement']}", {}),
        ("/demands/<id>", "page", f"/demands/{picks['demand']}", {}),
        ("/demands/<id>/matches (broker)", "broker", f"/demands/{picks['matched_demand']}/matches", session),
        ("/api/v1/demands/<id>/matches", "broker", f"/api/v1/demands/{picks['matched_demand']}/matches", bearer),
        ("/matching/workbench", "broker", "/matching/workbench", session),
        ("/deals/ board", "broker", "/deals/", session),
    ]


def check_ok(port, path, headers):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 200:
        raise SystemExit(f"GET {path} answered {response.status}, not 200")


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def wrk(port, path, headers, duration, threads, connections):
    """{"rps", "p50_ms", "p99_ms", "errors"} of one wrk run."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(command + [f"http://127.0.0.1:{port}{path}"], check=True, capture_output=True,
                         text=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
    if "99" not in latency:
        raise SystemExit(f"wrk on {path} measured nothing:\n{out}")
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    errors += int((re.search(r"Non-2xx or 3xx responses: (\d+)", out) or [0, 0])[1])
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "p50_ms": _ms(latency["50"]),
            "p99_ms": _ms(latency["99"]), "errors": errors}


def drive(port, rows, repeats, duration, threads, connections, size):
    """Medians per row over `repeats` passes; each pass runs every row once, /healthz first."""
    passes = []
    for repeat in range(repeats):
        one = {}
        for label, _, path, headers in rows:
            one[label] = wrk(port, path, headers, duration, threads, connections)
            one[label]["ratio"] = one[label]["rps"] / one["/healthz"]["rps"]
        passes.append(one)
        print(f"  {size:,}: pass {repeat + 1}/{repeats} done (load {os.getloadavg()[0]:.1f})", file=sys.stderr,
              flush=True)
    result = {}
    for label, kind, path, _ in rows:
        values = [p[label] for p in passes]
        result[label] = {"kind": kind, "path": path, "runs": values, "errors": sum(v["errors"] for v in values),
                         **{key: round(statistics.median(v[key] for v in values), 3)
                            for key in ("rps", "p50_ms", "p99_ms", "ratio")}}
    return result


def serve_and_measure(engine, size, args, workdir):
    index_dir = os.path.join(workdir, f"index-{engine.name}-{size}")
    picks_dir = workdir if engine.name == "sqlite" else os.path.join(workdir, engine.name)
    reuse = args.workdir is not None and os.path.exists(os.path.join(picks_dir, f"picks-{size}.json"))
    env = production_env(engine.uri(size, fresh=not reuse), index_dir)
    load_before = os.getloadavg()
    picks = prepare(size, env, picks_dir, args.data, reuse)
    port = free_port()
    log = open(os.path.join(workdir, f"gunicorn-{engine.name}-{size}.log"), "wb")
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
                             "--timeout", "60", "wsgi:app"], cwd=ROOT, env=env, stdout=log, stderr=log,
                            start_new_session=True)
    try:
        wait_until_up(port, proc)
        rows = endpoints(picks, login_cookie(port, "broker@bench.local"), bearer_token(port, "broker@bench.local"))
        for _, _, path, headers in rows:
            check_ok(port, path, headers)  # and warm both workers' caches a little
            check_ok(port, path, headers)
        measured = drive(port, rows, args.repeats, args.duration, args.threads, args.connections, size)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()
    return {"size": size, "reindex_cli_s": picks.get("reindex_cli_s"), "kept": picks.get("kept", False),
            "matches": picks.get("matches"),
            "load_before": [round(x, 2) for x in load_before], "load_after": [round(x, 2) for x in os.getloadavg()],
            "rows": measured}


# ---------------------------------------------------------------- report

def verdict(row, slowdown):
    minimum, p99_limit = TARGETS[row["kind"]]
    if minimum is None:
        return "ref"
    ok = row["ratio"] >= minimum and row["p99_ms"] <= p99_limit and row["errors"] == 0
    ok = ok and (slowdown is None or slowdown <= MAX_SLOWDOWN)
    return "ok" if ok else "MISS"


def short(size):
    return f"{size // 1000}k" if size % 1000 == 0 else f"{size:,}"


def table(results, args):
    lines = [f"bench.web: gunicorn -w 2 (production config), wrk -t{args.threads} -c{args.connections} "
             f"-d{args.duration}s, medians of {args.repeats} passes; {os.cpu_count()} CPUs"]
    for engine, sizes in results.items():
        small, large = sizes[0], sizes[-1]
        for run in sizes:
            built = " (database kept from an earlier run: that run's figure)" if run.get("kept") else ""
            lines.append(f"{engine} {run['size']:,}: flask reindex --no-proposals {run['reindex_cli_s']} s{built}; "
                         f"load before {run['load_before']}, after {run['load_after']}")
        head = f"{'endpoint':<36}{'target':>14}"
        for run in sizes:
            head += f"{short(run['size']) + ' req/s':>13}{'p50':>8}{'p99':>8}{'ratio':>7}"
        lines.append("")
        lines.append(f"[{engine}]")
        lines.append(head + f"{'slowdown':>10}{'/healthz':>10}  verdict")
        for label, row in large["rows"].items():
            minimum, p99_limit = TARGETS[row["kind"]]
            target = "" if minimum is None else f"≥{minimum:.2f} ≤{p99_limit}ms"
            line = f"{label:<36}{target:>14}"
            for run in sizes:
                r = run["rows"][label]
                line += f"{r['rps']:>13.1f}{r['p50_ms']:>8.1f}{r['p99_ms']:>8.1f}{r['ratio']:>7.3f}"
            raw = slowdown = None
            if small is not large and row["kind"] != "ref":
                # req/s at 10k over req/s at 100k; and the same of the ratios to /healthz, which cancels a change
                # of the machine's load between the two runs (the verdict uses this one)
                raw = round(small["rows"][label]["rps"] / max(row["rps"], 1e-9), 2)
                slowdown = round(small["rows"][label]["ratio"] / max(row["ratio"], 1e-9), 2)
            line += f"{('' if raw is None else f'{raw}×'):>10}{('' if slowdown is None else f'{slowdown}×'):>10}"
            line += f"  {verdict(row, slowdown)}"
            if row["errors"]:
                line += f" ({row['errors']} errors)"
            lines.append(line)
        lines.append("")
    return "\n".join(lines)


def report(results, args):
    text = table(results, args)
    print(text, flush=True)
    settings = {key: getattr(args, key) for key in ("duration", "repeats", "threads", "connections")}
    path = write_json("web.json", {"settings": settings, "cpu_count": os.cpu_count(), "targets": TARGETS,
                                   "max_slowdown": MAX_SLOWDOWN, "results": results})
    with open(os.path.join(os.path.dirname(path), "web.txt"), "w", encoding="utf-8") as handle:
        handle.write(text + "\n")
    print(f"written to {os.path.relpath(path, ROOT)} and web.txt", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="sqlite,postgresql", help="sqlite, postgresql or both")
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated listing counts, smallest first")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--repeats", type=int, default=3, help="passes over every endpoint (medians)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workdir", help="keep (and reuse) the databases, the PostgreSQL cluster and the indexes here")
    parser.add_argument("--data", default=DEFAULT_DATA, help="shared data directory (vocabulary source)")
    parser.add_argument("--child-build", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--child-out", help=argparse.SUPPRESS)
    parser.add_argument("--child-propose", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_build:
        return build(args.child_build, args.data, args.child_out)
    if args.child_propose:
        return propose(args.child_propose)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: `make bench-web` installs Debian's package")
    sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    workdir = os.path.abspath(args.workdir) if args.workdir else tempfile.mkdtemp(prefix="yizhi-web-")
    os.makedirs(workdir, exist_ok=True)
    results = {}
    try:
        for name in (e.strip() for e in args.engines.split(",") if e.strip()):
            if name != "sqlite":
                os.makedirs(os.path.join(workdir, name), exist_ok=True)
            engine = SqliteEngine(workdir) if name == "sqlite" else PostgresEngine(
                os.path.join(workdir, name) if args.workdir else None)
            try:
                results[name] = []
                for size in sizes:
                    print(f"{name} {size:,} listings…", file=sys.stderr, flush=True)
                    results[name].append(serve_and_measure(engine, size, args, workdir))
            finally:
                engine.stop()
            report(results, args)  # after each engine: a long run leaves what it measured so far
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    return results


if __name__ == "__main__":
    main()
