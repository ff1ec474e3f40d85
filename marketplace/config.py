"""Configuration classes. Values may be overridden by MARKETPLACE_* environment variables."""
import os
from datetime import timedelta

DEFAULT_SECRET_KEY = "dev-insecure-change-me"


class Config:
    SECRET_KEY = DEFAULT_SECRET_KEY
    SQLALCHEMY_DATABASE_URI = None  # filled in by create_app: a file under instance/
    SQLALCHEMY_ENGINE_OPTIONS = {}
    INDEX_DIR = None  # filled in by create_app: instance/index
    WTF_CSRF_TIME_LIMIT = None
    PER_PAGE = 12
    VIEW_FLUSH_SECONDS = 0  # detail-page views written at once (production adds them up, see below)
    LIST_COUNT_SECONDS = 20  # list totals (per filter) and the workbench's conversion counts are kept this long
    MATCH_TOP_K = 20
    # Pairing strength (0-100 %, matching/calibration.py): proposals below MATCH_MIN_STRENGTH are not
    # recommendations (not stored, shown or queued); MATCH_STRONG_STRENGTH and above are pushed to the
    # other side's owner and listed on the broker workbench.
    MATCH_MIN_STRENGTH = 20
    MATCH_STRONG_STRENGTH = 50
    # Request bodies (marketplace/limits.py), checked before anything parses them; a longer one is a 413.
    # The largest valid listing is ~42,000 characters: ~260 KB as JSON with every CJK character escaped
    # (\uXXXX), ~380 KB as a URL-encoded form. Uploads get their own limit by endpoint.
    MAX_JSON_BODY = 512 * 1024
    MAX_FORM_BODY = 512 * 1024
    MAX_FORM_MEMORY_SIZE = 512 * 1024
    BODY_LIMITS = {"imports.upload": 10 * 1024 * 1024}
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024  # a backstop; limits.py sets each request's own limit
    # Attachments (marketplace/attachments/): files under UPLOAD_DIR (default instance/uploads), each at most
    # ATTACHMENT_MAX_BYTES, at most ATTACHMENT_MAX_COUNT per object. create_app gives the upload endpoint a
    # body limit of ATTACHMENT_MAX_BYTES plus room for the form around the file.
    UPLOAD_DIR = None
    ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
    ATTACHMENT_MAX_COUNT = 20
    PRODUCTION = False
    TIMEZONE = "Asia/Shanghai"
    # Cookies: not sent on cross-site subrequests or POSTs (Lax), never readable by scripts.
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_HTTPONLY = True
    # Host names the app answers to (marketplace/headers.py); any other Host header gets 400. In production
    # MARKETPLACE_TRUSTED_HOSTS must name the public host(s), comma-separated (README "Production").
    TRUSTED_HOSTS = "localhost,127.0.0.1"
    # ProxyFix: how many proxies in front of the app set X-Forwarded-For / -Proto (0: none, trust no header).
    PROXY_FIX_X_FOR = 0
    PROXY_FIX_X_PROTO = 0

    # Sessions and tokens (accounts/throttle.py, accounts/tokens.py, security.py).
    PASSWORD_HASH_METHOD = "scrypt"  # werkzeug's generate_password_hash method
    REMEMBER_COOKIE_NAME = "remember_token"
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    API_TOKEN_DAYS = 30  # a new API token's lifetime
    API_TOKEN_TOUCH_MINUTES = 5  # last_used_at is written at most this often per token
    # Failed logins (page, POST /api/v1/tokens, password change): after ACCOUNT_LIMIT failures for one account,
    # or ADDRESS_LIMIT from one client address, within WINDOW minutes, further attempts wait.
    THROTTLE_WINDOW_MINUTES = 15
    THROTTLE_ACCOUNT_LIMIT = 5
    THROTTLE_ADDRESS_LIMIT = 20
    THROTTLE_REGISTER_LIMIT = 10  # registrations attempted per address per window
    PASSWORD_RESET_MINUTES = 60  # how long a 忘记密码 link works (it also stops once used)

    # Outgoing mail (marketplace/mail.py). No MAIL_SERVER: messages are written to MAIL_DIR (default
    # instance/mail/) and listed on the admin's 邮件发件箱 page. Sent by the task queue (tasks.send_mail,
    # 3 retries a minute apart).
    MAIL_SERVER = None
    MAIL_PORT = 25
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_USE_TLS = False  # STARTTLS after connecting (port 587)
    MAIL_USE_SSL = False  # implicit TLS (port 465)
    MAIL_SENDER = "noreply@yizhi.example.cn"
    MAIL_DIR = None
    MAIL_TIMEOUT = 30  # seconds per SMTP connection
    # The public address for links in mails (https://yizhi.example.cn); unset: the request's host.
    PUBLIC_BASE_URL = None
    DIGEST_HOUR = 8  # local time (TIMEZONE) of the daily notification digest

    # The operator shown in every page's footer (templates/_footer.html); an empty value is not shown.
    # Set by MARKETPLACE_OPERATOR_NAME, _PHONE, _EMAIL and MARKETPLACE_ICP_NUMBER (ICP 备案号).
    OPERATOR_NAME = ""
    OPERATOR_PHONE = ""
    OPERATOR_EMAIL = ""
    ICP_NUMBER = ""
    HOME_FIGURES_CACHE_SECONDS = 60  # the home page's live figures (main/figures.py); 0: count on every visit
    # The bilingual glossary (matching/glossary.py): each process checks whether admins changed their concepts
    # (/admin/glossary) at most this often, then expands searches and pairings with them; 0: on every use.
    # Unset: 30, or 0 when TESTING (tests add concepts and search with them at once).
    GLOSSARY_CHECK_SECONDS = None

    # 创新券: the public notice (公示) of a service institution before it can be admitted, in days (0: ends at once).
    VOUCHER_NOTICE_DAYS = 7  # MARKETPLACE_VOUCHER_NOTICE_DAYS


class TestingConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = False
    SECRET_KEY = "testing"
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    LIST_COUNT_SECONDS = 0  # totals counted on every request (tests add listings and read totals at once)


class ProductionConfig(Config):
    PRODUCTION = True
    VIEW_FLUSH_SECONDS = 10  # detail-page views are added up per process and written this often
    TRUSTED_HOSTS = None  # must come from MARKETPLACE_TRUSTED_HOSTS
    # The session cookie only travels over HTTPS: serve behind a TLS-terminating proxy (README "Production");
    # MARKETPLACE_SESSION_COOKIE_SECURE=0 only for a plain-HTTP trial on a closed network.
    SESSION_COOKIE_SECURE = os.environ.get("MARKETPLACE_SESSION_COOKIE_SECURE", "1") == "1"
    REMEMBER_COOKIE_SECURE = os.environ.get("MARKETPLACE_REMEMBER_COOKIE_SECURE", "1") == "1"
