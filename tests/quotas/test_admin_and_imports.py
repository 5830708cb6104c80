"""Admin editing rights, survey pools and targets from spreadsheets, responsibility document scans."""

import datetime

import tablib
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from nongzhuancheng.scoping import TARGET_EDIT, allows
from quotas.models import SurveyPool, Target
from quotas.resources import SurveyPoolResource, TargetRevisionResource
from quotas.services import responsibility_document_record, target_set
from tests.base import CastTestCase

D = datetime.date


class EditRightsTest(CastTestCase):
    def test_only_admins_and_staff_city_readers_edit_targets(self):
        self.assertTrue(allows(self.root, TARGET_EDIT))
        self.assertFalse(allows(self.frank, TARGET_EDIT))
        for user in (self.alice, self.dave, self.grace):
            user.is_staff = True
            self.assertFalse(allows(user, TARGET_EDIT))
        self.frank.is_staff = True
        self.assertTrue(allows(self.frank, TARGET_EDIT))

    def test_a_county_officer_cannot_set_a_target(self):
        with self.assertRaises(PermissionDenied):
            target_set(actor=self.dave, year=2012, level="county", county=self.zhaoyang, amount=1,
                       effective_on=D(2012, 1, 1))

    def test_the_admin_lets_the_city_office_edit_and_a_county_officer_only_read(self):
        target_set(actor=self.root, year=2012, level="county", county=self.zhaoyang, amount=257_214,
                   effective_on=D(2012, 6, 3))
        target_set(actor=self.root, year=2012, level="county", county=self.ludian, amount=112_404,
                   effective_on=D(2012, 6, 3))
        self.login(self.root)
        self.assertEqual(self.client.get("/admin/quotas/target/add/").status_code, 200)
        self.dave.is_staff = True
        self.dave.save()
        self.login(self.dave)
        self.assertEqual(self.client.get("/admin/quotas/target/add/").status_code, 403)
        listing = self.client.get("/admin/quotas/target/")
        self.assertEqual(listing.status_code, 200)
        self.assertContains(listing, 'field-county nowrap">昭阳区')
        self.assertNotContains(listing, 'field-county nowrap">鲁甸县')
        other = Target.objects.get(county=self.ludian)
        self.assertIn(self.client.get(f"/admin/quotas/target/{other.pk}/change/").status_code, (302, 404))


class ImportTest(CastTestCase):
    def test_survey_pools_import_from_a_sheet_by_county_code(self):
        data = tablib.Dataset(headers=["survey_year", "county_code", "category", "eligible", "note"])
        data.append([2012, "530602", "urban_village", 120_000, "示例"])
        data.append([2012, "530621", "migrant_worker", 9_000, ""])
        result = SurveyPoolResource().import_data(data, dry_run=False, raise_errors=True)
        self.assertFalse(result.has_errors())
        self.assertEqual(SurveyPool.objects.get(county=self.zhaoyang).eligible, 120_000)
        data2 = tablib.Dataset(headers=["survey_year", "county_code", "category", "eligible", "note"])
        data2.append([2012, "530602", "urban_village", 121_000, "更正"])
        SurveyPoolResource().import_data(data2, dry_run=False, raise_errors=True)
        self.assertEqual(SurveyPool.objects.get(county=self.zhaoyang).eligible, 121_000)

    def test_a_row_with_an_unknown_category_is_an_error(self):
        data = tablib.Dataset(headers=["survey_year", "county_code", "category", "eligible", "note"])
        data.append([2012, "530602", "farmers", 1, ""])
        result = SurveyPoolResource().import_data(data, dry_run=True)
        self.assertTrue(result.has_errors() or result.has_validation_errors())
        self.assertFalse(SurveyPool.objects.exists())

    def test_target_revisions_import_and_export(self):
        headers = ["year", "level", "county_code", "member_unit_code", "amount", "effective_on",
                   "document_number", "note"]
        data = tablib.Dataset(headers=headers)
        data.append([2012, "city", "", "", 350_000, "2012-02-20", "昭政办发〔2012〕18号", ""])
        data.append([2012, "city", "", "", 500_000, "2012-06-03", "", "6月3日提高"])
        data.append([2012, "county", "530602", "", 257_214, "2012-06-03", "", ""])
        result = TargetRevisionResource().import_data(data, dry_run=False, raise_errors=True)
        self.assertFalse(result.has_errors())
        city = Target.objects.get(year=2012, level="city")
        self.assertEqual(city.amount_on(D(2012, 6, 2)), 350_000)
        self.assertEqual(city.amount_on(D(2012, 6, 3)), 500_000)
        exported = TargetRevisionResource().export()
        self.assertIn("530602", exported.csv)


@override_settings(MEDIA_ROOT="/tmp/nzc-quotas-test-media")
class ResponsibilityDocumentTest(CastTestCase):
    def test_it_records_a_signed_document_with_its_scan(self):
        scan = SimpleUploadedFile("zerenshu.pdf", b"%PDF-1.4 demo", content_type="application/pdf")
        doc = responsibility_document_record(actor=self.root, year=2012, county=self.zhaoyang,
                                             signed_on=D(2012, 2, 28), scan=scan)
        self.assertTrue(doc.scan.name.startswith("responsibility/2012/530602-20120228"))

    def test_it_refuses_a_scan_that_is_not_a_pdf_or_image(self):
        scan = SimpleUploadedFile("zerenshu.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
        with self.assertRaises(ValidationError):
            responsibility_document_record(actor=self.root, year=2012, county=self.zhaoyang,
                                           signed_on=D(2012, 2, 28), scan=scan)
        exe = SimpleUploadedFile("zerenshu.exe", b"%PDF-1.4", content_type="application/octet-stream")
        with self.assertRaises(ValidationError):
            responsibility_document_record(actor=self.root, year=2012, county=self.zhaoyang,
                                           signed_on=D(2012, 2, 28), scan=exe)

    def test_it_refuses_a_scan_over_10_mb(self):
        scan = SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024), content_type="application/pdf")
        with self.assertRaises(ValidationError):
            responsibility_document_record(actor=self.root, year=2012, member_unit=self.housing,
                                           signed_on=D(2012, 2, 28), scan=scan)

    def test_a_document_belongs_to_a_county_or_a_member_unit(self):
        with self.assertRaises(ValidationError):
            responsibility_document_record(actor=self.root, year=2012, signed_on=D(2012, 2, 28))
