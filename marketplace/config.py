"""Configuration classes. Values may be overridden by MARKETPLACE_* environment variables."""
import os

DEFAULT_SECRET_KEY = "dev-insecure-change-me"


class Config:
    SECRET_KEY = DEFAULT_SECRET_KEY
    SQLALCHEMY_DATABASE_URI = None  # filled in by create_app: a file under instance/
    SQLALCHEMY_ENGINE_OPTIONS = {}
    INDEX_DIR = None  # filled in by create_app: instance/index
    WTF_CSRF_TIME_LIMIT = None
    PER_PAGE = 12
    MATCH_TOP_K = 20
    # A pairing at least this strong (0..1, see matching/matcher.py) is pushed to the other side's owner.
    # On the CSL evaluation ~85% of true pairs score above 0.3, and 90% of wrong top-3 candidates below 0.18.
    PUSH_MIN_SCORE = 0.3
    # Request bodies (marketplace/limits.py), checked before anything parses them; a longer one is a 413.
    # The largest valid listing is ~42,000 characters: ~260 KB as JSON with every CJK character escaped
    # (\uXXXX), ~380 KB as a URL-encoded form. Uploads get their own limit by endpoint.
    MAX_JSON_BODY = 512 * 1024
    MAX_FORM_BODY = 512 * 1024
    MAX_FORM_MEMORY_SIZE = 512 * 1024
    BODY_LIMITS = {"imports.upload": 10 * 1024 * 1024}
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024  # a backstop; limits.py sets each request's own limit
    PRODUCTION = False
    TIMEZONE = "Asia/Shanghai"


class TestingConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = False
    SECRET_KEY = "testing"


class ProductionConfig(Config):
    PRODUCTION = True
    # Session cookies only over HTTPS; MARKETPLACE_SESSION_COOKIE_SECURE=0 serves plain HTTP (behind a proxy
    # that terminates TLS elsewhere, or a local check such as `make bench-dos`).
    SESSION_COOKIE_SECURE = os.environ.get("MARKETPLACE_SESSION_COOKIE_SECURE", "1") == "1"
