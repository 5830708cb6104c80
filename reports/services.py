"""Writes of the ten-day bulletins: request, render (template → WeasyPrint → stored file), notify.

A bulletin's state changes only by a move of ``Bulletin.WORKFLOW``, made by ``bulletin_move`` on
top of ``nongzhuancheng.workflow.transition``: the row is locked and the table checked, so two
workers rendering the same bulletin never both issue it. Each move is its own short transaction;
the PDF is written to storage only after it was made in memory, and removed again if the issue
move is refused or fails, so a failed bulletin never leaves a file behind.

Rendering is handed to a worker by task name (``nongzhuancheng.queue.enqueue``): the tasks call
these services, these services never import the tasks.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from nongzhuancheng import queue
from nongzhuancheng.heartbeats import beating
from nongzhuancheng.models import County
from nongzhuancheng.periods import Period, last_ended_period
from nongzhuancheng.roles import CITY_READER, COUNTY_OFFICER
from nongzhuancheng.scoping import BULLETIN_REQUEST, POLICY
from nongzhuancheng.workflow import Move, TransitionNotAllowed, transition

from . import selectors
from .models import CITY_SCOPE, Bulletin

if TYPE_CHECKING:
    from django.contrib.auth.models import User as AuthUser

    from nongzhuancheng.scoping import User

logger = logging.getLogger(__name__)

TEMPLATE = "reports/bulletin.html"
RENDER_TASK = "reports.tasks.bulletin_render_task"

WORKFLOW = Bulletin.WORKFLOW
State = Bulletin.State


class BulletinRenderError(Exception):
    """A bulletin could not be made; the message is shown on its page."""


# The one writer of Bulletin.state ---------------------------------------------------------------

def bulletin_move(*, bulletin: Bulletin | int, to: str, **fields: Any) -> Bulletin:
    """Move a bulletin to the state ``to`` by the move the table has from its current state, setting
    ``fields`` too; every move to rendering counts an attempt and clears the last error.

    The system's moves (no actor). The row is locked before the move is chosen, so of two workers
    only the first makes a move; TransitionNotAllowed when the table has no move from the state the
    second one then finds (an issued bulletin moves no more)."""
    pk = bulletin.pk if isinstance(bulletin, Bulletin) else bulletin
    with transaction.atomic():
        state = Bulletin.objects.select_for_update().filter(pk=pk).values_list("state", flat=True).get()
        move = WORKFLOW.between(state, to)
        if move is None:
            raise TransitionNotAllowed(
                _("不能从“%(a)s”变为“%(b)s”。") % {"a": WORKFLOW.state_label(state), "b": WORKFLOW.state_label(to)},
                code="transition",
            )

        def apply(row: Bulletin, m: Move) -> Iterable[str]:
            changed = dict(fields)
            if m.target == State.RENDERING:
                changed.update(attempts=row.attempts + 1, error="")
            for name, value in changed.items():
                setattr(row, name, value)
            return changed

        return transition(workflow=WORKFLOW, move=move, obj=pk, queryset=Bulletin.objects.all(), apply=apply)


# Requests ----------------------------------------------------------------------------------------

def _create(*, period: Period, county: County | None, actor: User | None, today: datetime.date) -> Bulletin:
    """A new revision for (period, scope); raises IntegrityError if another writer took the number."""
    scope = county.code if county is not None else CITY_SCOPE
    last = Bulletin.objects.for_period(period).filter(scope=scope).aggregate(m=Max("revision"))["m"] or 0
    preview = period.end >= today
    return Bulletin.objects.create(
        year=period.year, month=period.month, part=period.part, issue_number=period.index,
        scope=scope, county=county, revision=last + 1, preview=preview,
        as_of=min(period.end, today) if preview else period.end,
        doc_number=selectors.doc_number_for(year=period.year, issue_number=period.index, county=county),
        requested_by=cast("AuthUser | None", actor),  # an actor here is a signed-in user
    )


def bulletin_request(*, period: Period, county: County | None = None, actor: User | None = None,
                     reissue: bool = False, today: datetime.date | None = None,
                     enqueue: bool = True) -> tuple[Bulletin, bool]:
    """Ask for a bulletin; the PDF is made by a task after the transaction commits.

    Returns (bulletin, created). Without ``reissue`` an existing bulletin of the period and scope
    (not a preview, not failed) is returned as it is, so asking twice gives one bulletin. With
    ``reissue`` a new revision is made (created queued). A period not yet ended gives a preview
    with the figures up to today. ``actor=None`` is the schedule; an actor must be allowed the scope
    (``selectors.bulletin_scope_requestable``). ``enqueue=False`` leaves the rendering to
    the caller (the demo command renders in-process).
    """
    if actor is not None and not selectors.bulletin_scope_requestable(user=actor, county=county):
        raise PermissionDenied(POLICY[BULLETIN_REQUEST].refusal)
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
                        .exclude(state=State.FAILED).order_by("-revision").first()
                    )
                    if existing is not None and period.end < today:
                        return existing, False
                bulletin = _create(period=period, county=county, actor=actor, today=today)
                if enqueue:
                    queue.enqueue(RENDER_TASK, bulletin.pk, robust=True)
                return bulletin, True
        except IntegrityError:
            # another request took this revision number at the same moment: look again
            continue
    raise BulletinRenderError("could not allocate a revision number")


def bulletin_issue_for_period(*, period: Period, today: datetime.date | None = None) -> list[Bulletin]:
    """The scheduled bulletins of a period: the city's and one per county. Safe to run twice."""
    made = []
    for county in [None, *County.objects.all()]:
        bulletin, _created = bulletin_request(period=period, county=county, actor=None, today=today)
        made.append(bulletin)
    return made


def bulletin_request_for_today(*, today: datetime.date | None = None) -> list[Bulletin]:
    """The bulletins of the period that ended just before ``today`` (what beat runs)."""
    today = today or timezone.localdate()
    return bulletin_issue_for_period(period=last_ended_period(today), today=today)


# Rendering ---------------------------------------------------------------------------------------

def bulletin_html(*, figures: dict[str, Any], for_pdf: bool = True) -> str:
    """The bulletin's HTML from its frozen figures (the PDF and the browser page read the same)."""
    with translation.override("zh-hans"):
        return render_to_string(TEMPLATE, {"f": figures, "for_pdf": for_pdf})


def _issue_date(bulletin: Bulletin) -> datetime.date:
    """The date printed on the bulletin: its period's issue date, the day after the period (when beat
    makes it), also for a re-issue or a bulletin made years later (the day it was made is kept apart,
    ``made_on``); a preview is dated the day it is made."""
    today = timezone.localdate()
    if bulletin.preview:
        return today
    return min(today, bulletin.period.end + datetime.timedelta(days=1))


_FONT_CONFIG: list[Any] = []  # one FontConfiguration a process: the warm worker reuses fontconfig's set-up


def _pdf_bytes(html: str) -> bytes:
    # imported here, not at the top: WeasyPrint costs about a second to import, and only the
    # worker (and the demo command) make PDFs
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    if not _FONT_CONFIG:
        _FONT_CONFIG.append(FontConfiguration())
    return weasyprint.HTML(string=html, base_url=".").write_pdf(font_config=_FONT_CONFIG[0])


def bulletin_render(*, bulletin: Bulletin) -> Bulletin:
    """Freeze the figures, render the template, make the PDF, store it and issue the bulletin.

    Returns the bulletin (the instance given is refreshed too). An issued bulletin is returned
    unchanged (the task may run twice). On an error the bulletin moves to failed with the reason and
    the error is raised again (the task retries).
    """
    try:
        return _render(bulletin)
    finally:
        bulletin.refresh_from_db()


def _render(bulletin: Bulletin) -> Bulletin:
    try:
        bulletin = bulletin_move(bulletin=bulletin, to=State.RENDERING, heartbeat_at=timezone.now())
    except TransitionNotAllowed:
        return Bulletin.objects.get(pk=bulletin.pk)  # issued already: the task ran twice
    with beating(Bulletin.objects.filter(pk=bulletin.pk)):  # the reaper fails it if this worker dies
        return _render_rendering(bulletin)


def _render_rendering(bulletin: Bulletin) -> Bulletin:
    started = time.perf_counter()
    stored_name = None
    try:
        with translation.override("zh-hans"):  # an official document: always in Chinese
            data = selectors.bulletin_data(period=bulletin.period, county=bulletin.county, as_of=bulletin.as_of)
        frozen = selectors.as_frozen(data)
        frozen["revision"] = bulletin.revision
        frozen["preview"] = bulletin.preview
        frozen["issued_on"] = _issue_date(bulletin).isoformat()
        frozen["made_on"] = timezone.localdate().isoformat()
        html = bulletin_html(figures=frozen)
        pdf = _pdf_bytes(html)
        digest = hashlib.sha256(pdf).hexdigest()
        name = f"{bulletin.year}-{bulletin.issue_number:02d}-{bulletin.scope}-r{bulletin.revision}.pdf"
        stored_name = bulletin.pdf.storage.save(f"bulletins/{bulletin.year}/{name}", ContentFile(pdf))
        try:
            issued = bulletin_move(
                bulletin=bulletin, to=State.ISSUED, figures=frozen, pdf=stored_name, pdf_size=len(pdf),
                sha256=digest, issued_at=timezone.now(), render_seconds=time.perf_counter() - started,
            )
        except TransitionNotAllowed:
            current = Bulletin.objects.get(pk=bulletin.pk)
            if not current.is_issued:
                # another run failed it meanwhile: raise, so that this task retries it
                raise BulletinRenderError("another run failed this bulletin meanwhile") from None
            # another run issued it meanwhile: that one stands and this file goes
            bulletin.pdf.storage.delete(stored_name)
            return current
        transaction.on_commit(lambda: bulletin_notify(bulletin=issued))
        return issued
    except Exception as exc:
        if stored_name:
            bulletin.pdf.storage.delete(stored_name)
        reason = f"{type(exc).__name__}: {exc}"[:2000]
        logger.warning("bulletin %s failed: %s", bulletin.pk, reason)
        try:
            bulletin_move(bulletin=bulletin, to=State.FAILED, error=reason, pdf="", pdf_size=0, sha256="",
                          figures={})
        except TransitionNotAllowed:
            pass  # another run issued (or failed) it meanwhile: that outcome stands
        raise


def bulletins_reap(*, now: datetime.datetime | None = None) -> list[int]:
    """Fail the bulletins whose rendering worker died (no heartbeat for NZC_JOB_STALE_SECONDS), with
    the reason shown on the bulletins page, where it can be asked for again. Returns the ids failed."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=settings.NZC_JOB_STALE_SECONDS)
    reaped = []
    for pk in Bulletin.objects.filter(state=State.RENDERING, heartbeat_at__lt=stale).values_list("pk", flat=True):
        with translation.override(settings.LANGUAGE_CODE):
            reason = _("生成旬报的后台进程意外中止，没有生成文件。请重新申请。")
        try:
            bulletin_move(bulletin=pk, to=State.FAILED, error=reason, pdf="", pdf_size=0, sha256="", figures={})
        except TransitionNotAllowed:
            continue  # issued meanwhile
        reaped.append(pk)
        logger.warning("bulletin %s: no heartbeat, failed", pk)
    return reaped


# Notices -----------------------------------------------------------------------------------------

def bulletin_readers(*, bulletin: Bulletin) -> QuerySet:
    """Who gets the notice: city readers for the city bulletin, the county's officers for a county one."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    if bulletin.county_id is None:
        return users.filter(assignment__role=CITY_READER)
    return users.filter(Q(assignment__role=COUNTY_OFFICER) & Q(assignment__county_id=bulletin.county_id))


def bulletin_notify(*, bulletin: Bulletin) -> int:
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
