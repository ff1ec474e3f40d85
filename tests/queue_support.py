"""A real task-queue consumer for tests: `flask --app wsgi worker` in a subprocess, on the test app's database,
index and SqliteHuey file."""
import contextlib
import os
import subprocess
import sys
import time

from marketplace import tasks

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED_KEYS = ("SQLALCHEMY_DATABASE_URI", "INDEX_DIR", "HUEY_FILE")


def use_real_queue(app, huey_file):
    """Switch the app's queue from immediate mode to SqliteHuey storage in `huey_file`."""
    app.config.update(TASK_QUEUE_IMMEDIATE=False, HUEY_FILE=str(huey_file))
    tasks.init_app(app)


@contextlib.contextmanager
def running_worker(app, log_path):
    """Run `flask worker` (2 threads) for `app`'s settings until the block ends; yields the process."""
    env = dict(os.environ, MARKETPLACE_TASK_QUEUE_IMMEDIATE="false",
               **{f"MARKETPLACE_{key}": str(app.config[key]) for key in SHARED_KEYS})
    env.pop("MARKETPLACE_CONFIG", None)
    with open(log_path, "wb") as log:
        worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--workers", "2"],
                                  cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield worker
        finally:
            worker.terminate()
            worker.wait(timeout=60)


def wait_until(done, worker, log_path, deadline=120):
    """Poll `done()` until it is true while the worker process lives; fail with the worker's log otherwise.

    The worker is another process, so there is no event to wait on: the state is read again every 0.1 s
    and the wait ends the moment it holds. The deadline only bounds a broken run on a loaded machine."""
    end = time.monotonic() + deadline
    while not done():
        assert worker.poll() is None, "the worker exited:\n" + log_path.read_text(errors="replace")
        assert time.monotonic() < end, f"not done after {deadline}s:\n" + log_path.read_text(errors="replace")
        time.sleep(0.1)
