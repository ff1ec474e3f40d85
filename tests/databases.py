"""Where a test's database lives.

By default a temp SQLite file. With MARKETPLACE_TEST_DATABASE_URI set (a PostgreSQL server URI, e.g.
postgresql+psycopg://postgres@127.0.0.1:5433/postgres, as .ci/postgres-tests.sh sets it) each call to
fresh_uri() creates a new database on that server, cloned from a template that holds the empty schema.
"""
import os
import shutil
import uuid

import sqlalchemy as sa
from sqlalchemy.engine import make_url

SERVER_URI = os.environ.get("MARKETPLACE_TEST_DATABASE_URI")
ON_POSTGRES = bool(SERVER_URI)
# One template per pytest-xdist worker ("gw0", "gw1"; "main" without xdist): a worker drops and rebuilds its
# own at start, and PostgreSQL refuses to clone a template that another session is connected to.
SCHEMA_TEMPLATE = "yizhi_test_schema_" + os.environ.get("PYTEST_XDIST_WORKER", "main")

_admin = None
_schema_ready = False


def admin():
    """An autocommit engine on the server's maintenance database, for CREATE/DROP DATABASE."""
    global _admin
    if _admin is None:
        _admin = sa.create_engine(SERVER_URI, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    return _admin


def _uri_for(name):
    return make_url(SERVER_URI).set(database=name).render_as_string(hide_password=False)


def create_database(name, template="template0"):
    with admin().connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return _uri_for(name)


def drop_database(name):
    with admin().connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _ensure_schema_template():
    """Once per run: a database holding the models' empty schema, the template of every test database."""
    global _schema_ready
    if _schema_ready:
        return
    from marketplace.extensions import db

    drop_database(SCHEMA_TEMPLATE)
    engine = sa.create_engine(create_database(SCHEMA_TEMPLATE), poolclass=sa.pool.NullPool)
    db.metadata.create_all(engine)
    engine.dispose()
    _schema_ready = True


def fresh_uri(tmp_path, name="test", schema=True):
    """A URI of an unused database: the models' tables in it when `schema`, else empty."""
    if not ON_POSTGRES:
        return f"sqlite:///{tmp_path / name}.db"
    if schema:
        _ensure_schema_template()
    return create_database(f"t_{uuid.uuid4().hex[:16]}", SCHEMA_TEMPLATE if schema else "template0")


def discard(uri):
    """Drop a database fresh_uri() made, and its saved copy (a SQLite file goes with its temp dir)."""
    if ON_POSTGRES:
        drop_database(make_url(uri).database)
        drop_database(make_url(uri).database + "_saved")


def save(uri):
    """Keep a copy of the database's current state for restore(uri). No connection may be open on it."""
    name = make_url(uri).database
    if ON_POSTGRES:
        create_database(name + "_saved", template=name)
    else:
        shutil.copyfile(name, name + ".saved")


def restore(uri):
    """Put the state save(uri) kept back, under the same URI. No connection may be open on it."""
    name = make_url(uri).database
    if ON_POSTGRES:
        drop_database(name)
        create_database(name, template=name + "_saved")
    else:
        shutil.copyfile(name + ".saved", name)
