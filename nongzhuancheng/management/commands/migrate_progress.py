"""``migrate`` with a progress bar (``make run`` on a fresh clone applies a few hundred migrations).

    manage.py migrate_progress [--noinput]

Applies every migration, as ``manage.py migrate`` does, and shows the migrations applied as a bar on
a terminal or a line per tenth in a log (``nongzhuancheng.progress``)."""

from django.core.management.commands import migrate
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

from nongzhuancheng import progress


class Command(migrate.Command):
    help = "Apply all migrations, showing their progress."

    def handle(self, *args, **options):
        database = options.get("database") or "default"
        executor = MigrationExecutor(connections[database])
        todo = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if not todo:
            self.stdout.write("Migrations: nothing to apply.")
            return
        with progress.bar(self.stdout, total=len(todo), desc="migrations", unit="migrations") as shown:
            self._shown = shown
            super().handle(*args, **{**options, "verbosity": 0})

    def migration_progress_callback(self, action, migration=None, fake=False):
        if action in ("apply_success", "unapply_success"):
            self._shown.update(1)
