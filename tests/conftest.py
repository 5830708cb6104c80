import pytest


@pytest.fixture(autouse=True)
def _english_free_locale(settings):
    """Tests read the default (Simplified Chinese) UI unless they switch."""
    settings.LANGUAGE_CODE = "zh-hans"
