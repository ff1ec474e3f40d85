"""DoS check (issue #8): is the site still answering while hostile requests keep coming?

`python -m bench.dos` (or `make bench-dos`) starts the app the production way — gunicorn, 2 sync workers,
a free 127.0.0.1 port, a temp SQLite database migrated with `flask db upgrade`, MARKETPLACE_CONFIG=production
with a throwaway secret key and MARKETPLACE_SESSION_COOKIE_SECURE=0 (plain HTTP) — then measures /healthz
latency quietly, and again while attacker threads send the requests of the issue (huge and deep JSON,
40,000 keywords, a 1 MB description, ids beyond 64 bits, a lone surrogate). Every attack is bounded in count
and the whole run in time. It prints a table: attack → status codes seen, and /healthz p50/p99 quiet vs
under attack. `--app-dir DIR` runs the same check against another checkout (e.g. the code before the fix).
"""
import argparse
import collections
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EMAIL, BROKER, PASSWORD = "dos-researcher@example.com", "dos-broker@example.com", "Dos-bench-pass-123"
HUGE = "99999999999999999999"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(workdir):
    env = dict(os.environ)
    env.update(MARKETPLACE_CONFIG="production", MARKETPLACE_SECRET_KEY=secrets.token_hex(32),
               MARKETPLACE_SESSION_COOKIE_SECURE="0", MARKETPLACE_TRUSTED_HOSTS="127.0.0.1,localhost",
               MARKETPLACE_SQLALCHEMY_DATABASE_URI="sqlite:///" + os.path.join(workdir, "dos.db"),
               MARKETPLACE_INDEX_DIR=os.path.join(workdir, "index"))
    return env


def prepare(app_dir, env):
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for args in (["db", "upgrade"],
                 ["users", "create", EMAIL, "--role", "researcher", "--password", PASSWORD, "--org", "压测大学",
                  "--org-kind", "university"],
                 ["users", "create", BROKER, "--role", "broker", "--password", PASSWORD, "--org", "压测经纪",
                  "--org-kind", "broker_agency"]):
        subprocess.run(flask + args, cwd=app_dir, env=env, check=True, capture_output=True)


def start_gunicorn(app_dir, env, port, workdir):
    log = open(os.path.join(workdir, "gunicorn.log"), "wb")
    return subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
                             "--timeout", "30", "wsgi:app"], cwd=app_dir, env=env, stdout=log, stderr=log,
                            start_new_session=True)


def request(port, method, path, body=None, headers=None, timeout=60):
    """(status or an error name, seconds)."""
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        try:
            conn.request(method, path, body=body, headers=headers or {})
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered (413) and closed before reading the whole body: read that answer
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - start
    except (OSError, http.client.HTTPException) as err:
        return type(err).__name__, time.perf_counter() - start
    finally:
        conn.close()


def wait_until_up(port, proc, deadline=60):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited; see its log")
        if request(port, "GET", "/healthz", timeout=5)[0] == 200:
            return
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /healthz in time")


def probe_healthz(port, count, threads=2):
    """Latencies (s) of `count` /healthz requests from `threads` threads; failures count as the timeout."""
    latencies, failures = [], collections.Counter()
    lock = threading.Lock()

    def run(n):
        for _ in range(n):
            status, seconds = request(port, "GET", "/healthz", timeout=30)
            with lock:
                latencies.append(seconds)
                if status != 200:
                    failures[status] += 1

    workers = [threading.Thread(target=run, args=(count // threads,)) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return latencies, failures


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def issue_token(port, email):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", "/api/v1/tokens", body=json.dumps({"email": email, "password": PASSWORD}).encode(),
                 headers={"Content-Type": "application/json"})
    token = json.loads(conn.getresponse().read()).get("token")
    conn.close()
    return token


def attacks(researcher_token, broker_token):
    """name → (method, path, body bytes, headers). Built once: the bodies are large."""
    auth = {"Authorization": f"Bearer {researcher_token}"}
    broker = {"Authorization": f"Bearer {broker_token}"}
    js = {"Content-Type": "application/json"}
    big = ("[" + ",".join(["[[0]]"] * 2_500_000) + "]").encode()  # 15 MB
    deep = ("[" * 100_000 + "]" * 100_000).encode()
    keywords = json.dumps({"title": "t", "summary": "s", "keywords": " ".join(f"词{i}" for i in range(40_000))},
                          ensure_ascii=False).encode()
    description = json.dumps({"title": "t", "summary": "s", "description": "<b>x</b>" * 131_072}).encode()
    return {
        "15 MB JSON to /api/v1/tokens": ("POST", "/api/v1/tokens", big, js),
        "JSON 100,000 deep to /api/v1/tokens": ("POST", "/api/v1/tokens", deep, js),
        "JSON 100,000 deep as body of GET /": ("GET", "/", deep, js),
        "40,000 keywords (263 KB), token": ("POST", "/api/v1/achievements", keywords, {**js, **auth}),
        "1 MB <b>x</b> description, token": ("POST", "/api/v1/achievements", description, {**js, **auth}),
        "lone surrogate \\ud800 in JSON": ("POST", "/api/v1/tokens",
                                           b'{"email": "\\ud800", "password": "x"}', js),
        "GET /achievements/<2^66>": ("GET", f"/achievements/{HUGE}", None, {}),
        "GET /challenges?page=<2^66>": ("GET", f"/challenges?page={HUGE}", None, {}),
        "POST /api/v1/deals achievement_id 1e30": ("POST", "/api/v1/deals", b'{"achievement_id": 1e30}',
                                                    {**js, **broker}),
        "POST /api/v1/deals achievement_id 1.7": ("POST", "/api/v1/deals", b'{"achievement_id": 1.7}',
                                                   {**js, **broker}),
    }


def attack(port, catalogue, stop, per_attack, seen, lock):
    """Cycle through the attacks until `stop` is set or each has been sent `per_attack` times."""
    sent = collections.Counter()
    while not stop.is_set():
        pending = [name for name in catalogue if sent[name] < per_attack]
        if not pending:
            return
        for name in pending:
            if stop.is_set():
                return
            method, path, body, headers = catalogue[name]
            status, _ = request(port, method, path, body, headers, timeout=60)
            sent[name] += 1
            with lock:
                seen[name][status] += 1


def run(app_dir, quiet_count, attack_count, attackers, per_attack, time_limit):
    workdir = tempfile.mkdtemp(prefix="yizhi-dos-")
    env = production_env(workdir)
    port = free_port()
    proc = None
    try:
        prepare(app_dir, env)
        proc = start_gunicorn(app_dir, env, port, workdir)
        wait_until_up(port, proc)
        catalogue = attacks(issue_token(port, EMAIL), issue_token(port, BROKER))

        quiet, quiet_failures = probe_healthz(port, quiet_count)

        seen = collections.defaultdict(collections.Counter)
        lock, stop = threading.Lock(), threading.Event()
        threads = [threading.Thread(target=attack, args=(port, catalogue, stop, per_attack, seen, lock))
                   for _ in range(attackers)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(1)  # let the attack get going before measuring
        loud, loud_failures = probe_healthz(port, attack_count)
        stop.set()
        for thread in threads:
            thread.join(timeout=time_limit)
        elapsed = time.monotonic() - started
        report(catalogue, seen, quiet, quiet_failures, loud, loud_failures, attackers, elapsed, app_dir)
        return 0 if not quiet_failures and not loud_failures and not any(
            code == 500 or not isinstance(code, int) for counter in seen.values() for code in counter
        ) else 1
    finally:
        if proc is not None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


def report(catalogue, seen, quiet, quiet_failures, loud, loud_failures, attackers, elapsed, app_dir):
    print(f"app: {app_dir}  (gunicorn -w 2, production config, SQLite)")
    print(f"attack phase: {attackers} attacker threads, {elapsed:.1f} s\n")
    width = max(len(name) for name in catalogue)
    print(f"{'attack'.ljust(width)}  sent  status codes seen")
    for name in catalogue:
        counter = seen.get(name, collections.Counter())
        codes = ", ".join(f"{code}×{n}" for code, n in sorted(counter.items(), key=lambda kv: str(kv[0])))
        print(f"{name.ljust(width)}  {sum(counter.values()):>4}  {codes}")
    print()
    print(f"{'/healthz':<16}{'requests':>9}{'p50 ms':>9}{'p99 ms':>9}  failures")
    for label, values, failures in (("quiet", quiet, quiet_failures), ("under attack", loud, loud_failures)):
        print(f"{label:<16}{len(values):>9}{percentile(values, .5) * 1000:>9.1f}{percentile(values, .99) * 1000:>9.1f}"
              f"  {dict(failures) or 'none'}")
    if quiet and loud:
        print(f"\nslowdown under attack: p50 ×{statistics.median(loud) / statistics.median(quiet):.1f}, "
              f"p99 ×{percentile(loud, .99) / percentile(quiet, .99):.1f}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app-dir", default=ROOT, help="checkout to serve (default: this one)")
    parser.add_argument("--quiet", type=int, default=300, help="/healthz requests without attack")
    parser.add_argument("--loud", type=int, default=300, help="/healthz requests under attack")
    parser.add_argument("--attackers", type=int, default=4)
    parser.add_argument("--per-attack", type=int, default=30, help="at most this many of each attack per thread")
    parser.add_argument("--time-limit", type=float, default=120, help="seconds to wait for attackers at the end")
    args = parser.parse_args(argv)
    return run(os.path.abspath(args.app_dir), args.quiet, args.loud, args.attackers, args.per_attack,
               args.time_limit)


if __name__ == "__main__":
    sys.exit(main())
