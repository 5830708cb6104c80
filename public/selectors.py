"""Reads for the public pages and for the offices' lists of notices and grievances."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from households.models import ApplicationEvent, TransferApplication
from households.reference import Document
from nongzhuancheng.models import County, PoliceStation
from nongzhuancheng.scoping import VIEW

from .models import Grievance, GuideEntry, Notice

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser as User

Status = TransferApplication.Status
ID_TAIL = re.compile(r"^[0-9]{5}[0-9X]$")


# The guide ------------------------------------------------------------------------------------

def guide_entries(*, section: str | None = None) -> list[GuideEntry]:
    qs = GuideEntry.objects.filter(published=True)
    if section:
        qs = qs.filter(section=section)
    return list(qs)


def guide_by_section() -> dict[str, list[GuideEntry]]:
    """{section: [published entries]}, every section present (possibly empty)."""
    out: dict[str, list[GuideEntry]] = {s: [] for s in GuideEntry.Section.values}
    for entry in guide_entries():
        out[entry.section].append(entry)
    return out


def guide_text(entry: GuideEntry) -> list[str]:
    """The entry's paragraphs with ``{days}`` filled in from the time-limit setting."""
    days = str(settings.NZC_TIME_LIMIT_WORKING_DAYS)
    return [p.replace("{days}", days) for p in entry.paragraphs]


@dataclass(frozen=True)
class StationRow:
    county: str
    county_code: str
    name: str
    address: str
    phone: str
    opening_hours: str


def station_list(*, county_code: str = "", query: str = "") -> list[StationRow]:
    """Every police station with a green channel (of one county, or matching ``query``)."""
    default_hours = GuideEntry.objects.filter(key="opening_hours").values_list("body", flat=True).first() or ""
    qs = PoliceStation.objects.select_related("county", "desk").order_by("county__ordering", "code")
    if county_code:
        qs = qs.filter(county__code=county_code)
    query = (query or "").strip()
    if query:
        qs = qs.filter(Q(name__contains=query) | Q(county__name__contains=query) | Q(desk__address__contains=query))
    rows = []
    for station in qs:
        desk = getattr(station, "desk", None)
        rows.append(StationRow(
            county=station.county.name, county_code=station.county.code, name=station.name,
            address=(desk.address if desk else "") or f"{station.county.name}{station.name}",
            phone=station.phone, opening_hours=(desk.opening_hours if desk else "") or default_hours.strip(),
        ))
    return rows


def county_choices() -> list[tuple[str, str]]:
    return list(County.objects.order_by("ordering", "code").values_list("code", "name"))


# The lookup -----------------------------------------------------------------------------------

def normalise_number(number: str) -> str:
    """What was typed as an application number, as logged and looked up: trimmed, upper case, without
    NUL or other control characters (PostgreSQL stores no NUL), at most 40 characters."""
    text = "".join(ch for ch in (number or "") if ch.isprintable())
    return text.strip().upper()[:40]


def normalise_id_tail(tail: str) -> str:
    return (tail or "").strip().upper().replace("x", "X")


@dataclass(frozen=True)
class AnswerRow:
    kind: str
    asked_on: datetime.date
    reference: str
    answered: bool
    answer: str


@dataclass(frozen=True)
class LookupAnswer:
    """What the lookup shows: the state and dates, what to bring, whom to call. Nothing personal."""

    number: str
    status: str
    status_label: str
    received_on: datetime.date
    due_on: datetime.date
    completed_on: datetime.date | None
    return_note: str
    missing_documents: list[str]
    station: str
    station_phone: str
    grievances: list[AnswerRow] = field(default_factory=list)

    @property
    def is_returned(self) -> bool:
        return self.status == Status.RETURNED


def application_find_by_pair(*, number: str, id_tail: str) -> TransferApplication | None:
    """The application with this number that has a member whose ID number ends with ``id_tail``.

    One query whether the number exists or not, so a wrong pair and an unknown number cost the same."""
    number, id_tail = normalise_number(number), normalise_id_tail(id_tail)
    if not number or not ID_TAIL.match(id_tail):
        return None
    return (
        TransferApplication.objects.filter(number=number, members__id_number__endswith=id_tail)
        .select_related("station__county").distinct().first()
    )


def application_lookup(*, number: str, id_tail: str) -> LookupAnswer | None:
    app = application_find_by_pair(number=number, id_tail=id_tail)
    if app is None:
        return None
    assert app.number is not None  # found by its number
    return_note = ""
    if app.status == Status.RETURNED:
        event = (ApplicationEvent.objects.filter(application=app, to_status=Status.RETURNED)
                 .exclude(from_status=Status.RETURNED)  # the return itself, not a correction recorded since
                 .order_by("-at", "-id").first())
        return_note = event.note if event else ""
    missing = [str(Document(d).label) for d in app.missing_documents] if app.is_open else []
    grievances = [
        AnswerRow(kind=g.get_kind_display(), asked_on=timezone.localdate(g.submitted_at), reference=g.reference,
                  answered=g.state == Grievance.State.ANSWERED, answer=g.answer)
        for g in Grievance.objects.filter(application=app).order_by("submitted_at", "id")
    ]
    return LookupAnswer(
        number=app.number, status=app.status, status_label=app.get_status_display(),
        received_on=app.received_on, due_on=app.due_on, completed_on=app.completed_on,
        return_note=return_note, missing_documents=missing, station=str(app.station),
        station_phone=app.station.phone, grievances=grievances,
    )


def client_address(request: HttpRequest) -> str:
    """The client's address: the proxy's header when one is configured, else REMOTE_ADDR."""
    header = settings.NZC_CLIENT_ADDRESS_HEADER
    value = request.META.get(header, "") if header else ""
    value = value.split(",")[0].strip() if value else ""
    return value or request.META.get("REMOTE_ADDR", "") or "unknown"


def address_hash(address: str) -> str:
    """A keyed hash of a client address: the same address gives the same value, which cannot be
    turned back into the address without the site's secret key."""
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:16]


# Offices' lists -------------------------------------------------------------------------------

def grievance_list(*, user: User, action: str = VIEW, state: str = "", overdue_only: bool = False,
                   today: datetime.date | None = None) -> QuerySet[Grievance]:
    """The questions and complaints the user may take ``action`` on (a county office: its own
    county's; a clerk: those about its station's applications; the city: all)."""
    today = today or timezone.localdate()
    qs = Grievance.objects.for_user(user, action).select_related("county", "application")
    if overdue_only:
        qs = qs.filter(state=Grievance.State.OPEN, due_on__lt=today)
    elif state:
        qs = qs.filter(state=state)
    return qs.order_by("state", "due_on", "id")


def grievance_get_by_reference(*, reference: str) -> Grievance | None:
    reference = (reference or "").strip().upper()
    if not reference:
        return None
    return Grievance.objects.filter(reference=reference).select_related("county").first()


def notice_list(*, user: User, application: TransferApplication) -> QuerySet[Notice]:
    return Notice.objects.for_user(user).filter(application=application).order_by("created_at", "id")
