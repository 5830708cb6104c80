"""The restore drill: back up the test database and its media files, restore them into a fresh
database and a fresh media directory, and find the same counts and the same files."""

import io
import subprocess
import tarfile
import tempfile
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import TransactionTestCase, override_settings

from households import services
from households.imports import jobs
from households.reference import REQUIRED_DOCUMENTS
from nongzhuancheng import roles
from nongzhuancheng.models import PoliceStation
from tests.base import household_data, load_reference, make_user, person_data
from tests.households.worker_helpers import csv_file, household_rows

MEDIA = tempfile.mkdtemp(prefix="nzc-backup-media-")


@override_settings(MEDIA_ROOT=MEDIA)
class RestoreDrillTest(TransactionTestCase):
    def setUp(self):
        if connection.vendor != "postgresql":
            pytest.skip("pg_dump and pg_restore: PostgreSQL only")
        load_reference()
        self.clerk = make_user("alice", roles.CLERK, station=PoliceStation.objects.get(code="53060201"))
        self.dave = make_user("dave", roles.COUNTY_OFFICER, county=self.clerk.assignment.station.county)

    def counts(self, cursor):
        found = {}
        for model in apps.get_models():
            cursor.execute(f'SELECT count(*) FROM "{model._meta.db_table}"')
            found[model._meta.label] = cursor.fetchone()[0]
        return found

    def test_a_backup_restores_into_a_fresh_database_with_the_same_counts_and_media(self):
        for _ in range(3):
            services.application_create(actor=self.clerk, household=household_data(), members=[person_data()],
                                        documents=REQUIRED_DOCUMENTS)
        job = jobs.import_job_create(actor=self.dave, upload=SimpleUploadedFile("a.csv", csv_file(household_rows(8))),
                                     mode="all_or_nothing")
        jobs.import_job_start(job=jobs.import_job_start(job=job, actor=self.dave, run=False), actor=self.dave, run=True)
        with connection.cursor() as cursor:
            before = self.counts(cursor)
        self.assertGreater(before["households.Person"], 10)

        out = Path(tempfile.mkdtemp(prefix="nzc-backup-"))
        call_command("backup", dir=str(out), stdout=io.StringIO())
        dump = next(out.glob("db-*.dump"))
        media = next(out.glob("media-*.tar.gz"))

        fresh = f"nzc_restore_drill_{uuid.uuid4().hex[:8]}"
        db = connection.settings_dict
        dsn = [f"--host={db['HOST'] or '127.0.0.1'}", f"--port={db['PORT'] or 5432}", f"--username={db['USER']}"]
        subprocess.run(["createdb", *dsn, fresh], check=True)
        try:
            subprocess.run(["pg_restore", "--no-owner", *dsn, f"--dbname={fresh}", str(dump)], check=True)
            restored_db = connection.copy()
            restored_db.settings_dict = {**db, "NAME": fresh}
            try:
                with restored_db.cursor() as cursor:
                    cursor.execute("SELECT current_database()")
                    self.assertEqual(cursor.fetchone()[0], fresh)
                    after = self.counts(cursor)
            finally:
                restored_db.close()
        finally:
            subprocess.run(["dropdb", *dsn, "--if-exists", fresh], check=True)
        self.assertEqual(after, before)

        restored_media = Path(tempfile.mkdtemp(prefix="nzc-restored-media-"))
        with tarfile.open(media) as tar:
            tar.extractall(restored_media, filter="data")
        original = {p.relative_to(MEDIA): p.read_bytes() for p in Path(MEDIA).rglob("*") if p.is_file()}
        restored = {p.relative_to(restored_media): p.read_bytes() for p in restored_media.rglob("*") if p.is_file()}
        self.assertTrue(original)  # the import's upload at least
        self.assertEqual(restored, original)
