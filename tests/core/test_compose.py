"""docker-compose.yml, Dockerfile and .env.example checked without a Docker engine.

Each service's command must name something real (the WSGI application, the Celery app and its beat
schedule, a manage.py command), and the configuration files must agree with what settings.py reads.
"""

import importlib
import io
import re
import shlex
import warnings
from urllib.parse import urlsplit

import yaml
from celery import Celery
from celery.app.utils import find_app
from django.core.management import get_commands
from django.test import SimpleTestCase

from .envfiles import (
    COMPOSE,
    DOCKERFILE,
    ENV_EXAMPLE,
    ROOT,
    compose_interpolations,
    env_example_sections,
    settings_env_vars,
)

APP_SERVICES = {"migrate", "web", "worker", "beat"}


def load_compose():
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def argv(service):
    command = service.get("command")
    if command is None:
        return []
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def option(args, *names):
    """The value of a command-line option given as ``-A x``, ``--app x`` or ``--app=x``."""
    for i, arg in enumerate(args):
        for name in names:
            if arg == name and i + 1 < len(args):
                return args[i + 1]
            if arg.startswith(name + "="):
                return arg.split("=", 1)[1]
    return None


class ComposeServicesTest(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.compose = load_compose()
        cls.services = cls.compose["services"]

    def test_it_has_every_service_production_needs(self):
        self.assertLessEqual({"db", "redis", "web", "worker", "beat", "migrate"}, set(self.services))
        self.assertEqual(self.services["db"]["image"], "postgres:15")
        self.assertEqual(self.services["redis"]["image"], "redis:7")

    def test_the_app_services_are_built_from_our_dockerfile(self):
        for name in APP_SERVICES:
            with self.subTest(service=name):
                build = self.services[name].get("build")
                self.assertIn(build, (".", {"context": "."}), f"{name} must build from the Dockerfile")

    def test_every_command_names_something_that_exists(self):
        recognised = {"gunicorn": self.check_gunicorn, "celery": self.check_celery, "python": self.check_manage}
        problems = []
        for name, service in self.services.items():
            args = argv(service)
            if name in ("db", "redis"):
                continue
            if not args:
                problems.append(f"{name}: no command")
                continue
            # a shell script of steps joined by && is checked step by step
            steps = [shlex.split(step) for step in args[2].split("&&")] if args[:2] == ["sh", "-c"] else [args]
            for step in steps:
                check = recognised.get(step[0])
                if check is None:
                    problems.append(f"{name}: unknown program {step[0]!r}")
                    continue
                problems += [f"{name}: {p}" for p in check(step)]
        self.assertEqual(problems, [])

    def check_gunicorn(self, args):
        targets = [a for a in args[1:] if not a.startswith("-") and ":" in a]
        if not targets:
            return ["gunicorn without a module:attribute target"]
        module_name, attr = targets[0].split(":", 1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # WhiteNoise warns when collectstatic has not run yet
            module = importlib.import_module(module_name)
        application = getattr(module, attr, None)
        return [] if callable(application) else [f"{targets[0]} is not a WSGI callable"]

    def check_celery(self, args):
        app_name = option(args, "-A", "--app")
        if not app_name:
            return ["celery without -A"]
        app = find_app(app_name)
        if not isinstance(app, Celery):
            return [f"-A {app_name} is not a Celery app"]
        sub = [a for a in args[1:] if not a.startswith("-") and a != app_name]
        if not sub or sub[0] not in ("worker", "beat"):
            return [f"celery subcommand {sub[:1]} is neither worker nor beat"]
        if sub[0] == "beat":
            return self.check_beat(app)
        return []

    def check_beat(self, app):
        schedule = app.conf.beat_schedule
        if not schedule:
            return ["beat runs with an empty beat_schedule"]
        app.loader.import_default_modules()
        return [f"beat entry {key!r} names task {entry['task']!r}, which is not registered"
                for key, entry in schedule.items() if entry["task"] not in app.tasks]

    def check_manage(self, args):
        if args[1:2] != ["manage.py"] or len(args) < 3:
            return [f"python {' '.join(args[1:])} is not a manage.py command"]
        if not (ROOT / "manage.py").exists():
            return ["manage.py is missing"]
        return [] if args[2] in get_commands() else [f"manage.py has no command {args[2]!r}"]

    def test_the_beat_schedule_issues_bulletins_after_each_ten_day_period(self):
        app = find_app("nongzhuancheng")
        days = {getattr(entry["schedule"], "_orig_day_of_month", None) for entry in app.conf.beat_schedule.values()}
        self.assertIn("1,11,21", days)

    def test_web_worker_and_beat_wait_for_the_migration(self):
        script = argv(self.services["migrate"])
        self.assertEqual(script[:2], ["sh", "-c"])
        steps = [shlex.split(step) for step in script[2].split("&&")]
        self.assertEqual(steps, [["python", "manage.py", "migrate", "--noinput"], ["python", "manage.py", "load_reference"]])
        from django.core.management import get_commands

        self.assertIn("load_reference", get_commands())
        for name in ("web", "worker", "beat"):
            with self.subTest(service=name):
                depends = self.services[name]["depends_on"]
                self.assertEqual(depends["migrate"]["condition"], "service_completed_successfully")
        self.assertEqual(self.services["migrate"]["depends_on"]["db"]["condition"], "service_healthy")

    def test_long_running_services_have_healthchecks(self):
        for name in ("db", "redis", "web", "worker", "beat"):
            with self.subTest(service=name):
                self.assertIn("test", self.services[name].get("healthcheck", {}))

    def test_postgres_data_and_media_live_in_volumes(self):
        self.assertIn("pgdata:/var/lib/postgresql/data", self.services["db"]["volumes"])
        media_root = env_example_sections()["app"]["MEDIA_ROOT"]
        for name in ("web", "worker", "beat"):
            with self.subTest(service=name):
                self.assertIn(f"media:{media_root}", self.services[name]["volumes"])
                self.assertEqual(self.services[name]["environment"]["MEDIA_ROOT"], media_root)
        self.assertLessEqual({"pgdata", "media"}, set(self.compose["volumes"]))

    def test_the_private_files_live_in_a_volume_of_their_own_on_web_and_workers(self):
        private_root = env_example_sections()["app"]["NZC_PRIVATE_ROOT"]
        media_root = env_example_sections()["app"]["MEDIA_ROOT"]
        self.assertFalse(private_root.startswith(media_root.rstrip("/") + "/"))  # never under the media files
        for name in ("web", "worker", "worker-imports", "worker-exports", "worker-entitlements", "beat"):
            with self.subTest(service=name):
                self.assertIn(f"private:{private_root}", self.services[name]["volumes"])
                self.assertEqual(self.services[name]["environment"]["NZC_PRIVATE_ROOT"], private_root)
        self.assertIn("private", self.compose["volumes"])

    def test_the_web_processes_share_one_cache(self):
        cache = self.services["web"]["environment"]["CACHE_URL"]
        self.assertRegex(cache, r"redis://redis:6379/\d+")
        self.assertNotEqual(cache.rsplit("/", 1)[-1], env_example_sections()["app"]["REDIS_URL"].rsplit("/", 1)[-1])

    def test_the_health_endpoint_and_checks_are_the_containers_health_checks(self):
        from django.core.management import call_command
        from django.urls import resolve

        from nongzhuancheng.health import WEB, HealthParams, ReadyView

        web = " ".join(self.services["web"]["healthcheck"]["test"])
        self.assertIn("http://localhost:8000/health/?part=web", web)
        self.assertIs(resolve("/health/").func.view_class, ReadyView)
        self.assertTrue(HealthParams({"part": "web"}).is_valid())
        self.assertNotIn("worker", WEB)  # a stopped worker does not make the web container unhealthy
        worker = " ".join(self.services["worker"]["healthcheck"]["test"])
        self.assertIn("manage.py health database broker media private", worker)
        self.assertIn("health", get_commands())
        out = io.StringIO()
        call_command("health", "media", "private", stdout=out)  # the command runs (no database here)
        self.assertIn("media: ok", out.getvalue())

    def test_the_web_service_publishes_the_port_gunicorn_binds(self):
        args = argv(self.services["web"])
        self.assertEqual(option(args, "--bind", "-b"), "0.0.0.0:8000")
        self.assertTrue(any(p.endswith(":8000") for p in self.services["web"]["ports"]))


class ComposeEnvironmentTest(SimpleTestCase):
    def setUp(self):
        self.sections = env_example_sections()
        self.listed = set(self.sections["app"]) | set(self.sections["compose"])
        self.compose_text = COMPOSE.read_text(encoding="utf-8")
        self.services = load_compose()["services"]

    def test_every_variable_the_compose_file_interpolates_is_in_env_example(self):
        missing = compose_interpolations(self.compose_text) - self.listed - {"HOSTNAME"}
        self.assertEqual(missing, set(), "add these to .env.example")

    def test_every_variable_set_in_an_app_service_environment_is_read_by_settings(self):
        read = settings_env_vars()
        for name in APP_SERVICES:
            with self.subTest(service=name):
                extra = set(self.services[name].get("environment", {})) - read
                self.assertEqual(extra, set(), f"{name} sets variables settings.py never reads")
                self.assertEqual(self.services[name].get("env_file"), ".env")

    def test_every_application_variable_in_env_example_is_read_by_settings(self):
        unread = set(self.sections["app"]) - settings_env_vars()
        self.assertEqual(unread, set(), "settings.py does not read these .env.example variables")

    def test_every_variable_settings_reads_is_in_env_example(self):
        missing = settings_env_vars() - set(self.sections["app"])
        self.assertEqual(missing, set(), "document these in .env.example")

    def test_every_compose_only_variable_is_used_by_the_compose_file(self):
        unused = set(self.sections["compose"]) - compose_interpolations(self.compose_text)
        self.assertEqual(unused, set())

    def test_the_example_urls_point_at_the_compose_services(self):
        database = urlsplit(self.sections["app"]["DATABASE_URL"])
        self.assertEqual((database.scheme, database.hostname), ("postgres", "db"))
        self.assertEqual(database.password, self.sections["compose"]["POSTGRES_PASSWORD"])
        self.assertEqual(database.username, self.services["db"]["environment"]["POSTGRES_USER"])
        self.assertEqual(database.path.lstrip("/"), self.services["db"]["environment"]["POSTGRES_DB"])
        self.assertEqual(urlsplit(self.sections["app"]["REDIS_URL"]).hostname, "redis")

    def test_env_example_holds_no_real_secret(self):
        self.assertEqual(self.sections["app"]["SECRET_KEY"], "")
        self.assertIn(".env", ENV_EXAMPLE.parent.joinpath(".gitignore").read_text().split())


class DockerfileTest(SimpleTestCase):
    def setUp(self):
        self.text = DOCKERFILE.read_text(encoding="utf-8")
        self.packages = set()
        for line in self.text.replace("\\\n", " ").splitlines():
            if "apt-get install" in line:
                self.packages |= {w for w in line.split("apt-get install", 1)[1].split() if not w.startswith("-")}

    def test_it_starts_from_debian_bookworm(self):
        base = [line.split()[1] for line in self.text.splitlines() if line.startswith("FROM ")]
        self.assertTrue(base and "bookworm" in base[0], base)

    def test_it_installs_what_weasyprint_needs_for_chinese_pdfs(self):
        needed = {"fonts-noto-cjk", "libharfbuzz-subset0", "libpango-1.0-0", "libpangoft2-1.0-0", "gettext"}
        self.assertLessEqual(needed, self.packages)

    def test_it_installs_the_project_collects_static_files_and_compiles_messages(self):
        self.assertIn("pip install .", self.text)
        self.assertIn("manage.py collectstatic", self.text)
        self.assertIn("manage.py compilemessages", self.text)

    def test_static_and_media_roots_agree_with_the_compose_file(self):
        services = load_compose()["services"]
        env = dict(re.findall(r"(STATIC_ROOT|MEDIA_ROOT)=(\S+)", self.text))
        for name in ("web", "worker", "beat"):
            with self.subTest(service=name):
                for key in ("STATIC_ROOT", "MEDIA_ROOT"):
                    self.assertEqual(services[name]["environment"][key], env[key])
        workdir = [line.split()[1] for line in self.text.splitlines() if line.startswith("WORKDIR ")][-1]
        self.assertTrue(env["STATIC_ROOT"].startswith(workdir + "/"))

    def test_it_runs_as_a_non_root_user(self):
        users = [line.split()[1] for line in self.text.splitlines() if line.startswith("USER ")]
        self.assertTrue(users and users[-1] not in ("root", "0"), users)

    def test_the_build_context_leaves_out_secrets_and_local_state(self):
        ignored = (ROOT / ".dockerignore").read_text().split()
        self.assertLessEqual({".env", ".venv", ".git", "db.sqlite3"}, set(ignored))
