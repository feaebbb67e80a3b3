"""The embedded default: SQLite, in-process background work, console mail."""

from config import env
from config.settings.base import *  # noqa: F403

DEBUG = env.get_bool("DEBUG", True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
