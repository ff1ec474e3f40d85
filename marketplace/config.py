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
    PUSH_MIN_SCORE = 0.3  # unused since matching v2: see MATCH_STRONG_STRENGTH
    # Pairing strength (0-100 %, matching/calibration.py): proposals below MATCH_MIN_STRENGTH are not
    # recommendations (not stored, shown or queued); MATCH_STRONG_STRENGTH and above are pushed to the
    # other side's owner and listed on the broker workbench.
    MATCH_MIN_STRENGTH = 20
    MATCH_STRONG_STRENGTH = 50
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    PRODUCTION = False
    TIMEZONE = "Asia/Shanghai"


class TestingConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = False
    SECRET_KEY = "testing"


class ProductionConfig(Config):
    PRODUCTION = True
    SESSION_COOKIE_SECURE = os.environ.get("MARKETPLACE_SESSION_COOKIE_SECURE", "1") == "1"
