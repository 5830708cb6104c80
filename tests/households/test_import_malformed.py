"""Malformed files are refused with a message naming what is wrong: the row and the column of a bad
cell, however far into the file it is, and nothing is written."""

import tempfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from households.import_models import ImportJob
from households.imports.jobs import import_file
from households.imports.limits import ImportRefused
from households.imports.reading import MAX_CELL_CHARS
from households.models import Person
from tests.base import CastTestCase

from .worker_helpers import COL, csv_file, household_rows


@override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="nzc-import-media-"))
class MalformedCsvTest(CastTestCase):
    def refused(self, data):
        with self.assertRaises(ImportRefused) as caught:
            import_file(actor=self.dave, name="data.csv", data=data, mode="all_or_nothing", dry_run=False)
        self.assertEqual(Person.objects.count(), 0)
        return str(caught.exception)

    def test_a_nul_byte_after_the_first_four_kilobytes_names_its_row_and_column(self):
        rows = household_rows(60)
        rows[49][COL["住址"]] = "北闸镇\x00塘房村"
        data = csv_file(rows)
        self.assertNotIn(b"\x00", data[:4096])
        self.assertIn("第 51 行“住址”列含有空字符", self.refused(data))

    def test_a_cell_over_the_csv_modules_field_limit_names_its_row_and_column(self):
        for size in (150 * 1024, 1024 * 1024):
            rows = household_rows(8)
            rows[3][COL["职业"]] = "务" * size
            message = self.refused(csv_file(rows))
            self.assertIn("第 5 行“职业”列的内容过长", message)
            self.assertIn(f"最多 {MAX_CELL_CHARS} 个", message)

    def test_the_upload_page_shows_the_message_instead_of_an_error(self):
        rows = household_rows(60)
        rows[59][COL["姓名"]] = "张\x00三"
        self.client.force_login(self.dave)
        response = self.client.post(reverse("imports:start"), {
            "file": SimpleUploadedFile("data.csv", csv_file(rows), content_type="text/csv"),
            "mode": "all_or_nothing"}, follow=True)
        self.assertEqual(response.status_code, 200)
        job = ImportJob.objects.get()
        self.assertEqual(job.state, ImportJob.State.FAILED)
        self.assertIn("第 61 行“姓名”列含有空字符", job.message)
        self.assertContains(response, "第 61 行")


def forged_bomb(declared=1000):
    """An .xlsx-looking zip whose sheet inflates to 200 MB while its headers declare ``declared`` bytes."""
    import io
    import struct
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as f:
            chunk = b"0" * (1024 * 1024)
            for _ in range(200):
                f.write(chunk)
    data = bytearray(out.getvalue())
    name = b"xl/worksheets/sheet1.xml"
    local = data.index(b"PK\x03\x04" + data[4:4], data.index(name) - 30)
    struct.pack_into("<I", data, local + 22, declared)  # local header: uncompressed size
    central = data.index(b"PK\x01\x02", data.rindex(name) - 46)
    struct.pack_into("<I", data, central + 24, declared)  # central directory: uncompressed size
    return bytes(data)


class ArchiveMeasuredTest(CastTestCase):
    def test_a_bomb_with_forged_sizes_is_refused_by_what_it_unpacks_to(self):
        import zipfile

        data = forged_bomb()
        declared = sum(i.file_size for i in zipfile.ZipFile(__import__("io").BytesIO(data)).infolist())
        self.assertLess(declared, 2000)  # the headers' word alone would let it through
        with self.assertRaises(ImportRefused) as caught:
            import_file(actor=self.dave, name="bomb.xlsx", data=data, mode="all_or_nothing", dry_run=True)
        self.assertIn("文件可能已损坏", str(caught.exception))

    @override_settings(NZC_IMPORT_MAX_UNCOMPRESSED_BYTES=50 * 1024 * 1024, NZC_IMPORT_MAX_ZIP_RATIO=10_000)
    def test_the_unpacked_total_is_measured_against_the_limit(self):
        from .worker_helpers import zip_bomb

        with self.assertRaises(ImportRefused) as caught:
            import_file(actor=self.dave, name="bomb.xlsx", data=zip_bomb(), mode="all_or_nothing", dry_run=True)
        self.assertIn("超过上限 50 MB", str(caught.exception))
