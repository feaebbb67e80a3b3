"""The embedded default: SQLite, in-process background work, console mail."""

import os

from config import env
from config.settings.base import *  # noqa: F403

# Production is chosen explicitly (DJANGO_SETTINGS_MODULE=config.settings.production
# in kenanga.env). If that line was not read, e.g. because sourcing the file
# stopped at a broken line, Kenanga must not quietly start with development
# settings and a development key: a production secret or KENANGA_ENV=production
# in the environment stops start-up here.
_PRODUCTION_SIGNS = [
    name for name in ("SECRET_KEY", "KENANGA_DATA_KEY") if os.environ.get(name)
] + (["KENANGA_ENV"] if os.environ.get("KENANGA_ENV") == "production" else [])
if _PRODUCTION_SIGNS and os.environ.get("KENANGA_ENV") != "development":
    raise env.EnvError(
        f"Environment variable {_PRODUCTION_SIGNS[0]}: set, so this looks like a production "
        "environment, but the development settings were selected. Set "
        "DJANGO_SETTINGS_MODULE=config.settings.production (check that the whole "
        "kenanga.env was read), or KENANGA_ENV=development to develop with these values."
    )

DEBUG = env.get_bool("DEBUG", True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
