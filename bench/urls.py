"""URLs of the benchmark server: Kenanga's own, plus a bare view as the yardstick."""

from django.http import HttpResponse
from django.urls import path

from config.urls import handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as kenanga_urls


def bare(request):
    """Return a fixed answer: the fastest page this Django stack can serve."""
    return HttpResponse("ok", content_type="text/plain")


bare.kenanga_access = None  # not a Kenanga page; exists only on the benchmark server
urlpatterns = [path("bench/bare/", bare), *kenanga_urls]
