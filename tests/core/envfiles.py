"""Readers for the configuration files the core tests compare: settings.py, .env.example, compose."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "nongzhuancheng" / "settings.py"
ENV_EXAMPLE = ROOT / ".env.example"
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"

APP_SECTION = "=== Read by the application"
COMPOSE_SECTION = "=== Read by docker compose only"
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")


def settings_env_vars(path=SETTINGS):
    """Every environment variable settings.py reads, found in its syntax tree.

    Recognises ``os.environ.get("X")``, ``os.getenv("X")``, ``os.environ["X"]``, helpers whose name
    starts with ``env`` (``envbool("X")``, ``envint``, ``envlist``, …) and ``dj_database_url.config()``
    (which reads DATABASE_URL unless told another name).
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            fname = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0] if node.args else None
            literal = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
            if fname in ("get", "getenv", "pop") and literal and _ENV_NAME.match(literal):
                owner = ast.unparse(func.value) if isinstance(func, ast.Attribute) else ""
                if owner in ("os.environ", "os", "environ"):
                    names.add(literal)
            elif fname.startswith("env") and literal and _ENV_NAME.match(literal):
                names.add(literal)
            elif fname in ("config", "parse") and ast.unparse(func).startswith("dj_database_url.config"):
                env_kw = [k.value for k in node.keywords if k.arg == "env"]
                names.add(env_kw[0].value if env_kw and isinstance(env_kw[0], ast.Constant) else "DATABASE_URL")
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) in ("os.environ", "environ"):
            key = node.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                names.add(key.value)
    return names


def env_example_sections(path=ENV_EXAMPLE):
    """{"app": {name: value}, "compose": {name: value}} from .env.example's two sections."""
    sections = {"app": {}, "compose": {}}
    current = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#"):
            if APP_SECTION in line:
                current = "app"
            elif COMPOSE_SECTION in line:
                current = "compose"
            continue
        if not line or "=" not in line:
            continue
        name, value = line.split("=", 1)
        if current is None:
            raise AssertionError(f".env.example: {name} appears before any section header")
        sections[current][name.strip()] = value.strip()
    return sections


def compose_interpolations(text):
    """Names used as ${NAME}, ${NAME:-default} or ${NAME:?message} in a compose file ($$ escapes)."""
    text = text.replace("$$", "")
    return set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", text)) | set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", text))
