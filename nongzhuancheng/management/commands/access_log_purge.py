"""Remove access-log events older than NZC_ACCESS_LOG_RETENTION_DAYS (the only way rows leave it)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from nongzhuancheng import audit


class Command(BaseCommand):
    help = "Remove access-log events older than NZC_ACCESS_LOG_RETENTION_DAYS."

    def handle(self, *args: Any, **options: Any) -> None:
        removed = audit.purge()
        self.stdout.write(f"removed {removed} access events older than "
                          f"{settings.NZC_ACCESS_LOG_RETENTION_DAYS} days")
