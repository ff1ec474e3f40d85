"""A real task-queue consumer for tests: `flask --app wsgi worker` in a subprocess, on the test app's database,
index and SqliteHuey file."""
import contextlib
import os
import subprocess
import sys

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
