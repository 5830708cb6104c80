"""The guide pages are cached whole: in Django's cache under a version that every edit of the guide
or of a station bumps, and in browsers through Cache-Control."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

VERSION_KEY = "public:pages:version"


def page_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def pages_changed() -> None:
    """Forget every cached guide page (called after the guide or a station changes)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)


def cached_page(request: HttpRequest, name: str, render: Callable[[], str]) -> HttpResponse:
    """The page ``name`` for this query string and language, from the cache or ``render()``."""
    seconds = settings.NZC_PUBLIC_CACHE_SECONDS
    query = hashlib.sha256(request.GET.urlencode().encode()).hexdigest()[:32]  # any length, one key size
    key = f"public:page:{page_version()}:{get_language()}:{name}:{query}"
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, timeout=seconds)
    response = HttpResponse(html)
    patch_cache_control(response, public=True, max_age=seconds)
    patch_vary_headers(response, ["Accept-Language"])
    return response
