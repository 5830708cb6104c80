"""Writes of the ten-day bulletins: request, render (template → WeasyPrint → stored file), notify.

``bulletin_render`` is the only writer of a bulletin's state after it is queued. Each state change is
saved in its own short transaction; the PDF is written to storage only after it was made in memory,
and removed again if recording the issue fails, so a failed bulletin never leaves a file behind.
"""

import datetime
import hashlib
import logging
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from nongzhuancheng.models import County
from nongzhuancheng.periods import Period
from nongzhuancheng.scoping import ADMIN, CITY_READER, COUNTY_OFFICER, assignment_of, role_of

from . import selectors
from .models import CITY_SCOPE, Bulletin

logger = logging.getLogger(__name__)

TEMPLATE = "reports/bulletin.html"


class BulletinRenderError(Exception):
    """A bulletin could not be made; the message is shown on its page."""


def bulletin_can_request(*, user, county=None):
    """City readers and admins may ask for any bulletin; county officers for their own county's."""
    role = role_of(user)
    if role in (ADMIN, CITY_READER):
        return True
    if role == COUNTY_OFFICER and county is not None:
        return assignment_of(user).county_id == county.pk
    return False


def _enqueue(bulletin):
    from .tasks import bulletin_render_task

    transaction.on_commit(lambda: bulletin_render_task.delay(bulletin.pk), robust=True)


def _create(*, period, county, actor, today):
    """A new revision for (period, scope); raises IntegrityError if another writer took the number."""
    scope = county.code if county is not None else CITY_SCOPE
    last = Bulletin.objects.for_period(period).filter(scope=scope).aggregate(m=Max("revision"))["m"] or 0
    preview = period.end >= today
    return Bulletin.objects.create(
        year=period.year, month=period.month, part=period.part, issue_number=period.index,
        scope=scope, county=county, revision=last + 1, preview=preview,
        as_of=min(period.end, today) if preview else period.end,
        doc_number=selectors.doc_number_for(year=period.year, issue_number=period.index, county=county),
        requested_by=actor,
    )


def bulletin_request(*, period, county=None, actor=None, reissue=False, today=None, enqueue=True):
    """Ask for a bulletin; the PDF is made by a task after the transaction commits.

    Without ``reissue`` an existing bulletin of the period and scope (not a preview, not failed) is
    returned as it is, so asking twice gives one bulletin. With ``reissue`` a new revision is made.
    A period not yet ended gives a preview with the figures up to today. ``enqueue=False`` leaves
    the rendering to the caller (the demo command renders in-process).
    """
    if actor is not None and not bulletin_can_request(user=actor, county=county):
        raise PermissionDenied("not allowed to request this bulletin")
    today = today or timezone.localdate()
    if period.start > today:
        raise ValueError("this period has not started yet")
    scope = county.code if county is not None else CITY_SCOPE
    for _attempt in range(3):
        try:
            with transaction.atomic():
                if not reissue:
                    existing = (
                        Bulletin.objects.for_period(period).filter(scope=scope, preview=False)
                        .exclude(state=Bulletin.State.FAILED).order_by("-revision").first()
                    )
                    if existing is not None and period.end < today:
                        return existing, False
                bulletin = _create(period=period, county=county, actor=actor, today=today)
                if enqueue:
                    _enqueue(bulletin)
                return bulletin, True
        except IntegrityError:
            # another request took this revision number at the same moment: look again
            continue
    raise BulletinRenderError("could not allocate a revision number")


def bulletin_issue_for_period(*, period, today=None):
    """The scheduled bulletins of a period: the city's and one per county. Safe to run twice."""
    made = []
    for county in [None, *County.objects.all()]:
        bulletin, _created = bulletin_request(period=period, county=county, actor=None, today=today)
        made.append(bulletin)
    return made


def _mark(bulletin, **fields):
    Bulletin.objects.filter(pk=bulletin.pk).update(**fields)
    for name, value in fields.items():
        setattr(bulletin, name, value)


def bulletin_html(*, figures, for_pdf=True):
    """The bulletin's HTML from its frozen figures (the PDF and the browser page read the same)."""
    with translation.override("zh-hans"):
        return render_to_string(TEMPLATE, {"f": figures, "for_pdf": for_pdf})


def _issue_date(bulletin):
    """The date printed on the bulletin: the day after its period for a first issue (when beat makes
    it), the actual day for a preview or a re-issue."""
    today = timezone.localdate()
    if bulletin.preview or bulletin.revision > 1:
        return today
    return min(today, bulletin.period.end + datetime.timedelta(days=1))


def _pdf_bytes(html):
    import weasyprint  # costs about a second to import: only where PDFs are made

    return weasyprint.HTML(string=html, base_url=".").write_pdf()


def bulletin_render(*, bulletin):
    """Freeze the figures, render the template, make the PDF, store it and mark the bulletin issued.

    Returns the bulletin (the instance given is refreshed too). An issued bulletin is returned
    unchanged (the task may run twice). On an error the bulletin is marked failed with the reason and
    the error is raised again (the task retries).
    """
    try:
        return _render(bulletin)
    finally:
        bulletin.refresh_from_db()


def _render(bulletin):
    with transaction.atomic():
        locked = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        if locked.state == Bulletin.State.ISSUED:
            return locked
        _mark(locked, state=Bulletin.State.RENDERING, error="", attempts=locked.attempts + 1)
    bulletin = locked
    started = time.perf_counter()
    stored_name = None
    try:
        with translation.override("zh-hans"):  # an official document: always in Chinese
            data = selectors.bulletin_data(period=bulletin.period, county=bulletin.county, as_of=bulletin.as_of)
        frozen = selectors.as_frozen(data)
        frozen["revision"] = bulletin.revision
        frozen["preview"] = bulletin.preview
        frozen["issued_on"] = _issue_date(bulletin).isoformat()
        html = bulletin_html(figures=frozen)
        pdf = _pdf_bytes(html)
        digest = hashlib.sha256(pdf).hexdigest()
        name = f"{bulletin.year}-{bulletin.issue_number:02d}-{bulletin.scope}-r{bulletin.revision}.pdf"
        stored_name = bulletin.pdf.storage.save(f"bulletins/{bulletin.year}/{name}", ContentFile(pdf))
        fields = dict(
            state=Bulletin.State.ISSUED, figures=frozen, pdf=stored_name, pdf_size=len(pdf), sha256=digest,
            issued_at=timezone.now(), render_seconds=time.perf_counter() - started,
        )
        with transaction.atomic():
            # conditional: if another run issued it meanwhile, that one stands and this file goes
            if not Bulletin.objects.filter(pk=bulletin.pk).exclude(state=Bulletin.State.ISSUED).update(**fields):
                bulletin.pdf.storage.delete(stored_name)
                bulletin.refresh_from_db()
                return bulletin
            for name, value in fields.items():
                setattr(bulletin, name, value)
            transaction.on_commit(lambda: bulletin_notify(bulletin=bulletin))
    except Exception as exc:
        if stored_name:
            bulletin.pdf.storage.delete(stored_name)
        reason = f"{type(exc).__name__}: {exc}"[:2000]
        logger.warning("bulletin %s failed: %s", bulletin.pk, reason)
        Bulletin.objects.filter(pk=bulletin.pk).exclude(state=Bulletin.State.ISSUED).update(
            state=Bulletin.State.FAILED, error=reason, pdf="", pdf_size=0, sha256="", figures={},
        )
        bulletin.refresh_from_db()
        raise
    return bulletin


def bulletin_readers(*, bulletin):
    """Who gets the notice: city readers for the city bulletin, the county's officers for a county one."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    if bulletin.county_id is None:
        return users.filter(assignment__role=CITY_READER)
    return users.filter(Q(assignment__role=COUNTY_OFFICER) & Q(assignment__county_id=bulletin.county_id))


def bulletin_notify(*, bulletin):
    """E-mail notice of an issued bulletin (Django mail settings; console backend by default)."""
    recipients = list(bulletin_readers(bulletin=bulletin).values_list("email", flat=True))
    if not recipients:
        return 0
    figures = bulletin.figures
    subject = _("【旬报】昭通市农转城工作旬报 %(title)s（%(scope)s，%(period)s）已印发") % {
        "title": bulletin.title, "scope": bulletin.scope_label, "period": bulletin.period.label}
    body = "\n\n".join([
        f"{bulletin.doc_number}",
        figures.get("opening", ""),
        figures.get("notice", ""),
        _("查看：%(url)s") % {"url": settings.NZC_SITE_URL.rstrip("/") + reverse("reports:bulletin_detail", args=[bulletin.pk])},
    ])
    return send_mail(subject, body, None, recipients, fail_silently=True)


def bulletin_request_for_today(*, today=None):
    """The bulletins of the period that ended just before ``today`` (what beat runs)."""
    from nongzhuancheng.periods import last_ended_period

    today = today or timezone.localdate()
    return bulletin_issue_for_period(period=last_ended_period(today), today=today)


__all__ = [
    "Period", "bulletin_request", "bulletin_render", "bulletin_issue_for_period", "bulletin_notify",
    "bulletin_request_for_today", "bulletin_can_request", "BulletinRenderError",
]
