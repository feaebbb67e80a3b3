"""Production: every secret must come from the environment, HTTPS only.

Start with DJANGO_SETTINGS_MODULE=config.settings.production. Missing or
malformed values stop start-up with a message naming the variable.
"""

from config import env
from config.settings.base import *  # noqa: F403

KENANGA_ENV = "production"
DEBUG = False
SECRET_KEY = env.get_str("SECRET_KEY", required=True)
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("dev-only"):
    raise env.EnvError(
        "Environment variable SECRET_KEY: must be at least 50 random characters "
        "(make one with: python manage.py generate_secret_key)."
    )
KENANGA_DATA_KEY = env.get_fernet_key("KENANGA_DATA_KEY", None, required=True)
if KENANGA_DATA_KEY == DEV_DATA_KEY:  # noqa: F405
    raise env.EnvError(
        "Environment variable KENANGA_DATA_KEY: the development key may not be used in production."
    )
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise env.EnvError(
        "Environment variable ALLOWED_HOSTS: is required in production (e.g. kenanga.sragenkab.go.id)."
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.get_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.get_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
