"""Yizhi (易智): a technology-achievement transfer marketplace."""
import os

from flask import Flask
from sqlalchemy import event

from .config import DEFAULT_SECRET_KEY, Config, ProductionConfig, TestingConfig
from .headers import trusted_hosts

UPLOAD_FORM_ROOM = 64 * 1024  # an upload's body: the file plus the multipart framing and the form's fields

CONFIGS = {"default": Config, "testing": TestingConfig, "production": ProductionConfig}


def create_app(config=None):
    """Build the app. `config` is a dict of overrides or the name of a config class."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = Flask(
        __name__,
        instance_path=os.path.join(root, "instance"),
        template_folder=os.path.join(root, "templates"),
        static_folder=os.path.join(root, "static"),
    )
    register_config(app, config)
    register_limits(app)
    register_extensions(app)
    register_blueprints(app)
    register_errors_and_templating(app)
    register_cli(app)
    return app


def register_config(app, config):
    name = config if isinstance(config, str) else os.environ.get("MARKETPLACE_CONFIG", "default")
    app.config.from_object(CONFIGS[name])
    app.config.from_prefixed_env("MARKETPLACE")
    if isinstance(config, dict):
        app.config.update(config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "marketplace.db")
    if not app.config.get("INDEX_DIR"):
        app.config["INDEX_DIR"] = os.path.join(app.instance_path, "index")
    if not app.config.get("UPLOAD_DIR"):
        app.config["UPLOAD_DIR"] = os.path.join(app.instance_path, "uploads")
    upload_limit = app.config["ATTACHMENT_MAX_BYTES"] + UPLOAD_FORM_ROOM
    app.config["BODY_LIMITS"] = {**app.config["BODY_LIMITS"], "attachments.upload": upload_limit,
                                 "api.attachment_upload": upload_limit}
    app.config["MAX_CONTENT_LENGTH"] = max(app.config["MAX_CONTENT_LENGTH"] or 0, upload_limit)
    if app.config["PRODUCTION"] and app.config["SECRET_KEY"] == DEFAULT_SECRET_KEY:
        raise RuntimeError("Refusing to start in production with the default secret key: set MARKETPLACE_SECRET_KEY")
    app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config.get("TRUSTED_HOSTS"))
    if app.config["PRODUCTION"] and not app.config["TRUSTED_HOSTS"]:
        raise RuntimeError("Refusing to start in production without MARKETPLACE_TRUSTED_HOSTS (the public host names)")


def register_limits(app):
    """Body size, JSON shape and integer ranges: first, so nothing reads a request before its checks."""
    from . import limits

    limits.init_app(app)


def register_extensions(app):
    from . import headers, security
    from .extensions import csrf, db, login_manager, migrate

    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            event.listen(db.engine, "connect", _sqlite_pragmas)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    security.init_app(app)
    headers.init_app(app)
    from .matching import index

    index.init_app(app)
    from . import tasks

    tasks.init_app(app)


def _sqlite_pragmas(dbapi_connection, _record):
    """WAL lets readers go on while one writer commits (several gunicorn workers); wait, don't fail, on a lock."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def register_blueprints(app):
    from .accounts.org_views import bp as org_bp
    from .accounts.views import bp as accounts_bp
    from .admin.views import bp as admin_bp
    from .attachments.views import bp as attachments_bp
    from .api import bp as api_bp
    from .challenges.views import bp as challenges_bp
    from .dashboard.views import bp as dashboard_bp
    from .imports.views import bp as imports_bp
    from .deals.views import bp as deals_bp
    from .enterprises.admin_views import bp as enterprise_admin_bp
    from .enterprises.views import bp as enterprises_bp
    from .listings.views import bp as listings_bp
    from .main.views import bp as main_bp
    from .matching.views import bp as matching_bp
    from .monitoring.admin_views import bp as monitoring_admin_bp
    from .monitoring.views import bp as monitoring_bp
    from .notifications.views import bp as notifications_bp
    from .trust.views import bp as trust_bp
    from .vouchers.views import bp as vouchers_bp

    for bp in (main_bp, accounts_bp, listings_bp, challenges_bp, matching_bp, deals_bp,
               notifications_bp, admin_bp, dashboard_bp, imports_bp, org_bp, attachments_bp,
               trust_bp, monitoring_bp, monitoring_admin_bp, enterprises_bp,
               enterprise_admin_bp, vouchers_bp):
        app.register_blueprint(bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")


def register_errors_and_templating(app):
    from . import errors, templating

    errors.init_app(app)
    templating.init_app(app)


def register_cli(app):
    from . import cli

    cli.init_app(app)
