"""System checks of Kenanga's own configuration (run by `manage.py check`)."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def production_settings_selected(app_configs, **kwargs):
    """Make `check --deploy` fail unless it runs with the production settings.

    Otherwise a check run after a failed `. kenanga.env` would examine the
    development settings and could pass, which says nothing about production.
    """
    if getattr(settings, "KENANGA_ENV", None) == "production":
        return []
    return [
        Error(
            f"check --deploy is running with the {settings.KENANGA_ENV} settings, not production.",
            hint="Set DJANGO_SETTINGS_MODULE=config.settings.production (in kenanga.env) "
            "and make sure the whole file was read.",
            id="kenanga.E001",
        )
    ]
