"""Fixtures: a fresh app, database and index directory per test; a client; login helpers.

The database is a temp SQLite file, or a fresh PostgreSQL database when MARKETPLACE_TEST_DATABASE_URI
names a server (tests/databases.py; `make test-postgres` starts one).
"""
import pytest
from flask import g, request_started

from marketplace import create_app
from marketplace.extensions import db as _db

from . import factories
from .databases import discard, fresh_uri


@pytest.fixture
def app(tmp_path):
    uri = fresh_uri(tmp_path)
    app = create_app({
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": "testing",
        "SQLALCHEMY_DATABASE_URI": uri,
        "INDEX_DIR": str(tmp_path / "index"),
        "MAIL_DIR": str(tmp_path / "mail"),  # no MAIL_SERVER: mails become .eml files here, never in instance/
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # scrypt per factory user would slow the suite
    })
    request_started.connect(_forget_cached_user, app)
    with app.app_context():
        _db.create_all()
        yield app
        _db.session.remove()
        _db.engine.dispose()
    discard(uri)


def _forget_cached_user(sender, **extra):
    """The test's app context outlives each request, so `g` is shared between requests: drop Flask-Login's
    cached user so that every request loads its user from its own cookies, as in production."""
    g.pop("_login_user", None)


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make(app):
    """Factories bound to the test's app: make.user(...), make.achievement(...), ..."""
    return factories


@pytest.fixture
def login(client):
    """Log the test client in as user (Flask-Login's session keys; the login form has its own tests)."""

    def do_login(user):
        # The test's app context outlives each request, so Flask-Login's cached user in `g` would leak.
        g.pop("_login_user", None)
        with client.session_transaction() as session:
            session.clear()
            if user is not None:
                session["_user_id"] = user.get_id()  # "<id>:<session_version>"
                session["_fresh"] = True
        return user

    return do_login
