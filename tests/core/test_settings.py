"""Settings read from the environment, each case loaded in a fresh interpreter with a controlled env."""

import json
import os
import subprocess
import sys

from django.test import SimpleTestCase

from .envfiles import ROOT, env_example_sections, settings_env_vars

PROBE = """
import json
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]), "conn_max_age": db["CONN_MAX_AGE"],
    "prepare_threshold": db.get("OPTIONS", {}).get("prepare_threshold"),
    "eager": settings.CELERY_TASK_ALWAYS_EAGER, "broker": settings.CELERY_BROKER_URL,
    "backend": settings.CELERY_RESULT_BACKEND, "debug": settings.DEBUG,
    "secret_key": settings.SECRET_KEY, "allowed_hosts": settings.ALLOWED_HOSTS,
    "csrf": settings.CSRF_TRUSTED_ORIGINS, "static_storage": settings.STORAGES["staticfiles"]["BACKEND"],
    "language": settings.LANGUAGE_CODE, "time_limit": settings.NZC_TIME_LIMIT_WORKING_DAYS,
}))
"""


def load_settings(**env):
    """Import the settings in a subprocess whose environment holds only ``env`` (plus PATH)."""
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DJANGO_SETTINGS_MODULE": "nongzhuancheng.settings"}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )


def loaded(**env):
    result = load_settings(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


class EmbeddedDefaultTest(SimpleTestCase):
    def test_with_nothing_set_it_runs_on_sqlite_with_eager_celery(self):
        s = loaded()
        self.assertEqual(s["engine"], "django_prometheus.db.backends.sqlite3")  # django-prometheus counts queries
        self.assertEqual(s["name"], str(ROOT / "db.sqlite3"))
        self.assertTrue(s["eager"])
        self.assertEqual(s["broker"], "memory://")
        self.assertIsNone(s["backend"])
        self.assertTrue(s["debug"])
        self.assertEqual(s["conn_max_age"], 0)

    def test_the_default_language_is_simplified_chinese_and_the_time_limit_five_working_days(self):
        s = loaded()
        self.assertEqual(s["language"], "zh-hans")
        self.assertEqual(s["time_limit"], 5)


class ProductionSettingsTest(SimpleTestCase):
    def test_redis_url_switches_celery_to_the_broker_and_queued_tasks(self):
        s = loaded(REDIS_URL="redis://127.0.0.1:6379/3")
        self.assertFalse(s["eager"])
        self.assertEqual(s["broker"], "redis://127.0.0.1:6379/3")
        self.assertEqual(s["backend"], "redis://127.0.0.1:6379/3")

    def test_eager_tasks_can_be_forced_even_with_a_broker(self):
        self.assertTrue(loaded(REDIS_URL="redis://127.0.0.1:6379/3", CELERY_TASK_ALWAYS_EAGER="1")["eager"])

    def test_database_url_selects_postgresql_with_persistent_connections(self):
        s = loaded(DATABASE_URL="postgres://nzc:pw@db.example:5432/nzc")
        self.assertEqual(s["engine"], "django_prometheus.db.backends.postgresql")
        self.assertEqual(s["name"], "nzc")
        self.assertEqual(s["conn_max_age"], 60)
        self.assertEqual(loaded(DATABASE_URL="postgres://nzc@db/nzc", CONN_MAX_AGE="0")["conn_max_age"], 0)

    def test_on_postgresql_only_the_statements_asked_for_are_prepared_unless_turned_off(self):
        self.assertEqual(loaded(DATABASE_URL="postgres://nzc@db/nzc")["prepare_threshold"], 2**31 - 1)
        self.assertIsNone(loaded(DATABASE_URL="postgres://nzc@db/nzc", DB_PREPARED_STATEMENTS="0")["prepare_threshold"])
        self.assertIsNone(loaded()["prepare_threshold"])  # SQLite

    def test_debug_off_without_a_secret_key_refuses_to_start(self):
        for value in ("0", "false", "off", "no"):
            with self.subTest(DEBUG=value):
                result = load_settings(DEBUG=value)
                self.assertNotEqual(result.returncode, 0)
                self.assertIn("SECRET_KEY must be set", result.stderr)

    def test_debug_off_with_a_secret_key_starts_and_compresses_static_files(self):
        s = loaded(DEBUG="0", SECRET_KEY="k" * 50, ALLOWED_HOSTS="nzc.example.gov.cn, localhost",
                   CSRF_TRUSTED_ORIGINS="https://nzc.example.gov.cn")
        self.assertFalse(s["debug"])
        self.assertEqual(s["secret_key"], "k" * 50)
        self.assertEqual(s["allowed_hosts"], ["nzc.example.gov.cn", "localhost"])
        self.assertEqual(s["csrf"], ["https://nzc.example.gov.cn"])
        self.assertEqual(s["static_storage"], "whitenoise.storage.CompressedStaticFilesStorage")

    def test_the_example_environment_file_loads(self):
        env = {k: v for k, v in env_example_sections()["app"].items() if v}
        s = loaded(SECRET_KEY="k" * 50, **env)
        self.assertEqual(s["engine"], "django_prometheus.db.backends.postgresql")
        self.assertFalse(s["eager"])
        self.assertFalse(s["debug"])

    def test_every_variable_settings_reads_is_documented_in_env_example(self):
        self.assertEqual(settings_env_vars() - set(env_example_sections()["app"]), set())

    def test_the_production_settings_pass_the_deploy_check_without_a_warning(self):
        env = {k: v for k, v in env_example_sections()["app"].items() if v}
        env.update(SECRET_KEY="k-" + "x1y2z3" * 10, DATABASE_URL="sqlite:///:memory:", REDIS_URL="")
        clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DJANGO_SETTINGS_MODULE": "nongzhuancheng.settings"}
        result = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120,
        )
        self.assertEqual(result.returncode, 0, result.stderr[-3000:])
