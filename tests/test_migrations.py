"""The Alembic migrations build exactly the schema the models describe, and tear it down again (on SQLite,
and on PostgreSQL when the suite runs there: tests/databases.py)."""
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from marketplace import create_app
from marketplace.extensions import db

from .databases import discard, fresh_uri


def _migrated_app(tmp_path):
    uri = fresh_uri(tmp_path, "migrated", schema=False)  # an empty database: no create_all
    return create_app({"SQLALCHEMY_DATABASE_URI": uri, "INDEX_DIR": str(tmp_path / "index"), "TESTING": True})


def _schema_diff():
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def _tables():
    return set(sa.inspect(db.engine).get_table_names())


# compare_metadata cannot reflect expression indexes on SQLite: the upgrade test checks them by name
pytestmark = pytest.mark.filterwarnings("ignore:.*expression-based index:UserWarning",
                                        "ignore:.*expression-based index:sqlalchemy.exc.SAWarning")


def _index_names():
    if db.engine.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'index'"
    else:
        query = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
    with db.engine.connect() as connection:
        return {row[0] for row in connection.exec_driver_sql(query)}


def test_migrations_upgrade_to_the_models_schema(tmp_path):
    app = _migrated_app(tmp_path)
    try:
        with app.app_context():
            upgrade()
            diff, names = _schema_diff(), _index_names()
            expressions = {index.name for table in db.metadata.tables.values() for index in table.indexes
                           if any(not isinstance(expression, sa.Column) for expression in index.expressions)}
            db.engine.dispose()
    finally:
        discard(app.config["SQLALCHEMY_DATABASE_URI"])
    assert diff == []
    # the expression indexes, which compare_metadata skips on SQLite
    assert {"ix_achievement_status_price", "ix_demand_budget"} <= expressions <= names, (expressions, names)


def test_migrations_downgrade_to_an_empty_database_and_up_again(tmp_path):
    app = _migrated_app(tmp_path)
    try:
        with app.app_context():
            upgrade()
            downgrade(revision="base")
            left = _tables()
            upgrade()
            diff, tables = _schema_diff(), _tables()
            db.engine.dispose()
    finally:
        discard(app.config["SQLALCHEMY_DATABASE_URI"])
    assert left == {"alembic_version"}
    assert tables == set(db.metadata.tables) | {"alembic_version"}
    assert diff == []
