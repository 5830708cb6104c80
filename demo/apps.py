from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data and the factories tests and benchmarks share.

    Nothing in the product imports this app; it imports every other one. Its management commands
    (``setup_demo`` and the ``seed_demo_*`` commands) fill a new site with the demo city of 2012."""

    name = "demo"
    default_auto_field = "django.db.models.BigAutoField"
