"""The assessment result notice (考核结果通报) of one group, in the style of the ten-day bulletin.

The HTML is rendered from the ranking (``selectors.assessment_ranking``) and made into a PDF by
WeasyPrint, imported only where the PDF is made (it costs about a second to import).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import AssessmentScheme, Grade
from .selectors import Ranking, assessment_ranking

TEMPLATE = "oversight/assessment_report.html"


def assessment_report_html(*, ranking: Ranking, issued_on: datetime.date | None = None) -> str:
    """The notice's HTML (the PDF reads the same)."""
    by_grade = {g: [r.holder_name for r in ranking.rows if r.grade == g.value] for g in Grade}
    with translation.override("zh-hans"):
        return render_to_string(TEMPLATE, {
            "ranking": ranking, "scheme": ranking.scheme, "by_grade": [(g.label, names) for g, names in by_grade.items()],
            "issuer": settings.NZC_BULLETIN_ISSUER, "issued_on": issued_on or timezone.localdate(),
        })


def assessment_report_pdf(*, scheme: AssessmentScheme, user: Any = None,
                          issued_on: datetime.date | None = None) -> bytes:
    """The notice of the published results of ``scheme`` as PDF bytes (rows in the user's scope)."""
    import weasyprint  # costs about a second to import: only where PDFs are made

    ranking = assessment_ranking(scheme=scheme, user=user, published_only=True)
    html = assessment_report_html(ranking=ranking, issued_on=issued_on)
    return weasyprint.HTML(string=html, base_url=".").write_pdf()
