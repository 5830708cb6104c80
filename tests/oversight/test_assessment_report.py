"""The assessment notice in the bulletin's style: the PDF read back with pypdf."""

import io

from pypdf import PdfReader

from oversight import documents

from .scenario import D
from .test_assessment_workflow import RevisionTestCase


def pdf_text(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


class AssessmentReportTest(RevisionTestCase):
    def test_the_pdf_ranks_the_published_results_with_ties_and_grades(self):
        yanjin = self.zhaoyang.__class__.objects.get(code="530623")
        self.publish(self.start(self.zhaoyang, 45, 40))
        self.publish(self.start(self.ludian, 40, 45))
        self.publish(self.start(yanjin, 30, 25))
        self.start(self.zhaoyang.__class__.objects.get(code="530624"), 50, 50)  # a draft: not in the notice
        data = documents.assessment_report_pdf(scheme=self.scheme, issued_on=D(2012, 11, 5))
        self.assertTrue(data.startswith(b"%PDF"))
        text = pdf_text(data)
        self.assertIn("2012年度县区组目标责任考核结果通报", text.replace(" ", ""))
        compact = text.replace(" ", "")
        self.assertIn("昭通市城乡统筹协调领导组办公室", compact)
        self.assertIn("2012年11月5日", compact)
        for line in ("1昭阳区45.0040.0085.00合格", "1鲁甸县40.0045.0085.00合格", "3盐津县30.0025.0055.00问责"):
            self.assertIn(line, compact.replace("\n", ""))
        self.assertNotIn("大关县", compact)
        self.assertIn("问责：盐津县", compact)
