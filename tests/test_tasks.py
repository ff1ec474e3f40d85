"""The task queue's configuration and its periodic duties (run here through Huey's immediate mode)."""
import importlib.util
from datetime import datetime, timedelta

import pytest
from huey.exceptions import ConfigurationError
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

from marketplace import create_app, tasks
from marketplace.extensions import db
from marketplace.matching import index
from marketplace.models import Demand, IndexOutbox
from marketplace.timeutil import utcnow

from .matching_support import index_keys


def test_tests_run_tasks_at_once_and_the_default_is_sqlite_under_instance(app, tmp_path):
    assert tasks.huey.immediate and isinstance(tasks.huey.storage, MemoryStorage)
    other = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "INDEX_DIR": str(tmp_path / "ix")})
    assert not tasks.huey.immediate and isinstance(tasks.huey.storage, SqliteStorage)
    assert tasks.huey.storage.filename == f"{other.instance_path}/huey.db"
    custom = str(tmp_path / "queue.db")
    create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "INDEX_DIR": str(tmp_path / "ix"), "HUEY_FILE": custom})
    assert tasks.huey.storage.filename == custom


def test_a_redis_url_selects_redis_storage(tmp_path):
    config = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "INDEX_DIR": str(tmp_path / "ix"),
              "TASK_QUEUE_URL": "redis://127.0.0.1:6399/3"}
    if importlib.util.find_spec("redis") is None:  # the client is optional: a clear error at start-up
        with pytest.raises(ConfigurationError, match="pip install redis"):
            create_app(config)
    else:
        create_app(config)
        assert isinstance(tasks.huey.storage, RedisStorage)
    with pytest.raises(RuntimeError, match="redis://"):
        create_app({**config, "TASK_QUEUE_URL": "amqp://elsewhere"})


def test_periodic_expiry_closes_challenges_past_their_deadline(app, make):
    due = make.demand(challenge=True, deadline=utcnow() - timedelta(minutes=5))
    running = make.demand(challenge=True)
    assert tasks.expire_challenges.call_local() == 1
    db.session.expire_all()
    assert (db.session.get(Demand, due.id).status, db.session.get(Demand, running.id).status) == \
        ("reviewing", "published")



def test_the_periodic_schedule():
    def due(hour, minute):
        return sorted(task.name for task in tasks.huey.read_periodic(datetime(2026, 1, 1, hour, minute)))

    assert due(3, 0) == ["apply_index_outbox", "expire_challenges"]
    assert due(3, 5) == ["apply_index_outbox", "expire_vouchers"] and due(3, 7) == []
    assert due(3, 3) == ["send_digests"]  # hourly; it mails those due at DIGEST_HOUR (notifications/mailing.py)


def test_periodic_apply_indexes_leftover_outbox_rows(app, make):
    with index.deferred(apply=False):  # a crash before the apply: the row stays queued
        listing = make.achievement()
    assert db.session.query(IndexOutbox).count() == 1 and listing.index_key not in index_keys()
    applied, settled = tasks.apply_index_outbox.call_local()
    assert (applied, settled) == (1, 0)
    assert db.session.query(IndexOutbox).count() == 0 and listing.index_key in index_keys()
