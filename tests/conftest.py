import pytest

# Tests hash passwords with MD5: the production hasher (PBKDF2, hundreds of thousands of rounds) is
# made to be slow, and every test class creates its cast of users. Set for the test run only;
# tests/core/test_test_run.py checks both sides.
TEST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_configure(config):
    from django.conf import settings
    from django.contrib.auth import hashers

    settings.PASSWORD_HASHERS = TEST_PASSWORD_HASHERS
    hashers.get_hashers.cache_clear()
    hashers.get_hashers_by_algorithm.cache_clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The reference data once for the whole run: the TestCase classes (run first) roll back to it;
    a transactional test that empties the database is followed by classes that load it again."""
    from tests.base import load_reference

    with django_db_blocker.unblock():
        load_reference()


@pytest.fixture(autouse=True)
def _english_free_locale(settings):
    """Tests read the default (Simplified Chinese) UI unless they switch."""
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: throttle, rate-limit and lockout counters and cached
    public pages of one test must not answer for the next."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield
