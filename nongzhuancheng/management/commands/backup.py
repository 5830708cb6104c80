"""A backup of the site: the PostgreSQL database (pg_dump, custom format) and the media files
(uploads, imports, bulletin PDFs) as a tar.gz, side by side in one directory, named by the time.

    python manage.py backup --dir /backups        # what the schedule in the README runs
Restore: ``pg_restore --no-owner -d <fresh database> db-<time>.dump`` and unpack
``media-<time>.tar.gz`` into MEDIA_ROOT."""

from __future__ import annotations

import os
import subprocess
import tarfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone


def database_dump(*, path: Path, settings_dict: dict[str, Any]) -> None:
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    command = ["pg_dump", "--format=custom", "--no-owner", f"--file={path}",
               f"--host={settings_dict.get('HOST') or '127.0.0.1'}", f"--port={settings_dict.get('PORT') or 5432}",
               f"--username={settings_dict.get('USER') or 'postgres'}", settings_dict["NAME"]]
    subprocess.run(command, check=True, env=env)


def media_archive(*, path: Path, media_root: Path) -> int:
    """The media files as a tar.gz; returns how many files it holds."""
    count = 0
    with tarfile.open(path, "w:gz") as tar:
        if media_root.exists():
            for file in sorted(p for p in media_root.rglob("*") if p.is_file()):
                tar.add(file, arcname=str(file.relative_to(media_root)))
                count += 1
    return count


class Command(BaseCommand):
    help = "Back up the database (pg_dump) and the media files into one directory."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dir", default=os.environ.get("BACKUP_DIR", "backups"))

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("backup needs PostgreSQL (DATABASE_URL); copy db.sqlite3 for the embedded site")
        out = Path(options["dir"])
        out.mkdir(parents=True, exist_ok=True)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        dump, media = out / f"db-{stamp}.dump", out / f"media-{stamp}.tar.gz"
        database_dump(path=dump, settings_dict=connection.settings_dict)
        files = media_archive(path=media, media_root=Path(settings.MEDIA_ROOT))
        self.stdout.write(f"{dump} ({dump.stat().st_size} bytes), {media} ({files} files)")
