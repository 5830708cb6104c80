import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nongzhuancheng.settings")
application = get_wsgi_application()


def _freeze_start_up() -> None:
    """Import every view now (the URL configuration), then move what start-up made out of the
    garbage collector's way (``gc.freeze``): a request's young objects then trigger collections that
    no longer walk the ~150,000 objects of Django and the apps. A list request builds thousands of
    dicts, and those full collections took tens of milliseconds of it."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (loads the URL modules and their views)
    gc.collect()
    gc.freeze()


_freeze_start_up()
