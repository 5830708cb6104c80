"""Reads of households, people and applications."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nongzhuancheng.lookups import Rare, prefix_condition
from nongzhuancheng.models import PoliceStation
from nongzhuancheng.pagination import SortKey
from nongzhuancheng.prepared import prepared_cursor
from nongzhuancheng.roles import CLERK
from nongzhuancheng.scoping import assignment_of, place_filter, visible_fields

from .models import ApplicationEvent, Household, Person, TransferApplication

# The columns the lists may be sorted by, each served by an index on (column, id) (migration
# 0302_list_sort_indexes); the default order is the newest first (the id).
APPLICATION_SORTS = (
    SortKey("received_on", "received_on", _("受理日期")),
    SortKey("due_on", "due_on", _("办结时限")),
    SortKey("id", "id", _("登记先后"), kind="int"),
)
OVERDUE_SORTS = (
    SortKey("due_on", "due_on", _("办结时限")),
    SortKey("received_on", "received_on", _("受理日期")),
)


def sort_of(value: str | None, keys: tuple[SortKey, ...], default: str) -> tuple[SortKey, bool]:
    """(SortKey, descending) of a ``sort`` parameter (``-name`` descending), else ``default``."""
    value = value or default
    descending = value.startswith("-")
    name = value.lstrip("-")
    return next(k for k in keys if k.name == name), descending


def application_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[TransferApplication]:
    """Applications the user may see, newest first, with the filters of the list page and API.

    Filters (all optional, as GET parameters of the list page, the API and the exports): q (name,
    head of household or application number; never an ID number, which a URL would carry into the web
    server's log), id_number (a whole, normalised number: only from a POST body), status, county (id), station
    (id), category, completed_from / completed_to, received_from / received_to (ISO dates)."""
    filters = filters or {}
    qs = TransferApplication.objects.for_user(user).select_related("household", "station", "county")
    q = (filters.get("q") or "").strip()
    if q and visible_fields(user, "person") is not None:
        # a member unit: only the names of the people it sees (those with a case of its kind) and the
        # application number; a name of another member or of the head would tell it who else is there
        qs = qs.filter(Q(pk__in=Person.objects.for_user(user).filter(name__prefix=q).values("application_id"))
                       | Q(number=q.upper()))
    elif q:  # names and application numbers only: an ID number is searched whole, by POST (id_number)
        found = application_ids_matching(q, user=user)
        qs = qs.filter(pk__any_of=found) if isinstance(found, list) else qs.filter(pk__in=found)
    if filters.get("id_number"):
        qs = qs.filter(pk__in=application_ids_by_id_number(filters["id_number"]))
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("county"):
        qs = qs.filter(county_id=filters["county"])
    if filters.get("station"):
        qs = qs.filter(station_id=filters["station"])
    if filters.get("category"):
        qs = qs.filter(pk__in=Person.objects.filter(category=filters["category"]).values("application_id"))
    if filters.get("completed_from"):
        qs = qs.filter(completed_on__gte=filters["completed_from"])
    if filters.get("completed_to"):
        qs = qs.filter(completed_on__lte=filters["completed_to"])
    if filters.get("received_from"):
        qs = qs.filter(received_on__gte=filters["received_from"])
    if filters.get("received_to"):
        qs = qs.filter(received_on__lte=filters["received_to"])
    return qs.order_by("-id")


def person_completed_list(*, user: Any, filters: dict[str, Any]) -> QuerySet[Person]:
    """The transferred people the user may see, completed in the window of ``filters``
    (completed_from / completed_to, county, station, category): the people a progress figure counts
    (the completion summary tables count the same rows: Person.completed_on, county, station,
    category). Latest completion first; served by the (completed_on, county, category) and
    (station, completed_on) indexes."""
    qs = Person.objects.for_user(user).filter(completed_on__isnull=False)
    if filters.get("completed_from"):
        qs = qs.filter(completed_on__gte=filters["completed_from"])
    if filters.get("completed_to"):
        qs = qs.filter(completed_on__lte=filters["completed_to"])
    for name in ("county", "station"):
        if filters.get(name):
            qs = qs.filter(**{f"{name}_id": filters[name]})
    if filters.get("category"):
        qs = qs.filter(category=filters["category"])
    return qs.order_by("-completed_on", "-id")


def whole_id_number(text: str) -> str | None:
    """The 18-digit form of ``text`` when it is a whole resident ID number (15 or 18 characters),
    else None: such a query goes straight to the ID number index."""
    from .ids import clean, upgrade_15

    cleaned = clean(text)
    if len(cleaned) == 15 and cleaned.isdigit():  # a legacy number is stored as 18 digits
        return upgrade_15(cleaned)
    if len(cleaned) == 18 and cleaned[:17].isdigit():
        return cleaned
    return None


def application_ids_by_id_number(id_number: str) -> Any:
    """The application ids of the people with this whole (18-digit, cleaned) ID number: one probe of
    the ID number index. A subquery for ``pk__in``; callers scope the applications themselves."""
    return Person.objects.filter(id_number=id_number).values("application_id")


SEARCH_IDS_UP_TO = 2000  # matches handed on as a list of ids; beyond, a subquery


def application_ids_matching(q: str, *, user: Any = None) -> Any:
    """The application ids a search box text finds: a list of ids, or (for a very common prefix) a
    subquery, either for ``pk__in``.

    The text is a prefix of a member's name or of the head of household's name, or the whole
    application number — never an ID number: a prefix search would rebuild masked numbers, so ID
    numbers are searched whole, by POST (``application_ids_by_id_number``). Names are matched by prefix: the index
    ``0200_search_indexes`` serves ``LIKE '张伟%'`` in milliseconds (the README says why not pg_trgm).

    A name finds a few hundred applications among millions (张伟: 548 people, 300 heads of household):
    their ids are read first, by index probes each bounded (people by name, households by head's
    name, then those households' applications and the application number), and handed on as a
    list, so that the planner, knowing how few they are, looks them up by id and then applies the
    scope. As one subquery it misjudged them (prefix estimates of Chinese names are far off: 5,355
    heads expected for 300), walking a whole county's applications, or starting parallel workers
    for a millisecond's work. A prefix as common as a surname alone (more than ``SEARCH_IDS_UP_TO``
    rows in a branch) stays one subquery. Given the ``user``, the probes keep to the user's place
    (``scoping.place_filter``: a county's 张伟, not the city's), so the list and count that follow look up
    fewer ids; the caller still scopes what it shows with ``for_user``."""
    people, households, others = _search_probes(q, user)
    if len(people) > SEARCH_IDS_UP_TO or len(households) > SEARCH_IDS_UP_TO:
        # kept to the user's place too: a county's 张, not the city's
        # (three branches: an OR across the join to households would read every household)
        by_person = Person.objects.filter(name__prefix=q, **(place_filter(user, Person) or {}))
        apps = TransferApplication.objects.filter(**(place_filter(user, TransferApplication) or {}))
        return by_person.values_list("application_id", flat=True).union(
            apps.filter(household__head_name__prefix=q).values_list("id", flat=True),
            apps.filter(number=q.upper()).values_list("id", flat=True))
    return sorted(set(people).union(others))


def _search_probes(q: str, user: Any) -> tuple[list[int], list[int], list[int]]:
    """The three bounded probes of a search in one statement: the application ids of the people whose
    name starts with ``q``, the households whose head's name does, and the applications of those
    households or with ``q`` as their number (each branch at most ``SEARCH_IDS_UP_TO`` + 1 rows), in
    the user's place when it has one. Written in SQL: a search runs on every keystroke's request, and
    building three ORM queries cost more than the database's work (the condition of ``__prefix``,
    served by the prefix indexes)."""
    limit = SEARCH_IDS_UP_TO + 1

    def where(model: Any, column: str) -> tuple[str, list[Any]]:
        prefix, params = prefix_condition(connection, column, q)  # the condition of ``__prefix``
        place = place_filter(user, model) or {}  # no user, or none by place: the probe is not narrowed
        return (prefix + "".join(f" AND {model._meta.get_field(path).column} = %s" for path in place),
                [*params, *place.values()])

    (in_person, person_params), (in_household, household_params) = where(Person, "name"), where(Household, "head_name")
    person, household, application = (m._meta.db_table for m in (Person, Household, TransferApplication))
    sql = (f"WITH p AS (SELECT application_id FROM {person} WHERE {in_person} LIMIT %s), "
           f"h AS (SELECT id FROM {household} WHERE {in_household} LIMIT %s) "
           "SELECT 1, application_id FROM p UNION ALL SELECT 2, id FROM h "
           f"UNION ALL SELECT 3, id FROM {application} WHERE household_id IN (SELECT id FROM h) "
           f"UNION ALL SELECT 3, id FROM {application} WHERE number = %s")
    found: tuple[list[int], list[int], list[int]] = ([], [], [])
    # prepared: the ranges of the prefix indexes, bounded, plan the same for every text and place
    with prepared_cursor() as cursor:
        cursor.execute(sql, [*person_params, limit, *household_params, limit, q.upper()])
        for branch, pk in cursor.fetchall():
            found[branch - 1].append(pk)
    return found


def application_get(*, user: Any, pk: int) -> TransferApplication:
    """One application in the user's scope (raises DoesNotExist otherwise: views answer 404)."""
    return (
        TransferApplication.objects.for_user(user)
        .select_related("household", "station", "county", "created_by")
        .get(pk=pk)
    )


def application_overdue_list(*, user: Any, today: datetime.date | None = None,
                             filters: dict[str, Any] | None = None) -> QuerySet[TransferApplication]:
    """Applications past their working-day time limit that are the office's turn (受理: received and
    not yet finished), the most overdue first. A returned application (退回补正) waits for the
    applicant, not the office: it is never overdue (``application_returned_list`` counts it apart).
    One waiting for the county's approval (待县级审批) is the office's turn too: its time runs on."""
    return _past_due(user, today, filters).filter(Rare(Q(  # a few among all (lookups.Rare: SQLite's planner)
        status__in=[TransferApplication.Status.RECEIVED, TransferApplication.Status.AWAITING_APPROVAL])))


def application_returned_list(*, user: Any, today: datetime.date | None = None,
                              filters: dict[str, Any] | None = None) -> QuerySet[TransferApplication]:
    """Returned applications (退回补正) past their time limit: the applicant's turn, counted apart."""
    return _past_due(user, today, filters).filter(Rare(Q(status=TransferApplication.Status.RETURNED)))


def _past_due(user: Any, today: datetime.date | None, filters: dict[str, Any] | None) -> QuerySet[TransferApplication]:
    today = today or timezone.localdate()
    filters = filters or {}
    qs = TransferApplication.objects.for_user(user).filter(due_on__lt=today)
    if filters.get("county"):
        qs = qs.filter(county_id=filters["county"])
    if filters.get("station"):
        qs = qs.filter(station_id=filters["station"])
    return qs.select_related("household", "station", "county").order_by("due_on", "id")


def member_count(user: Any) -> Subquery:
    """The members of each application the user may see ("人数"; a member unit: those with a case of its
    kind, as its lists show them), as a correlated subquery: computed for the rows of a page only (a
    join with GROUP BY makes PostgreSQL aggregate every row in scope before it sorts and limits)."""
    people = Person.objects.for_user(user).filter(application=OuterRef("pk")).order_by().values("application")
    return Subquery(people.annotate(n=Count("id")).values("n"), output_field=IntegerField())


def people_of(applications: QuerySet[TransferApplication]) -> QuerySet[Person]:
    """The people of these applications (one semi-join: count it with ``bounded_count``)."""
    return Person.objects.filter(application__in=applications.order_by().values("pk"))


def application_events(*, application: TransferApplication) -> QuerySet[ApplicationEvent]:
    return ApplicationEvent.objects.filter(application=application).select_related("actor")


def claim_find(id_number: str) -> Person | None:
    """The person row currently holding this ID number (any station: only for duplicate checks).

    Callers must show only where and when, never the other household's data."""
    return (
        Person.objects.filter(id_number=id_number, holds_claim=True)
        .select_related("application", "station", "station__county")
        .first()
    )


def claims_find(id_numbers: Any) -> dict[str, Person]:
    """The claiming person rows of several ID numbers, by number, in one query (duplicate checks)."""
    rows = Person.objects.filter(id_number__in=set(id_numbers), holds_claim=True).select_related(
        "application", "station", "station__county"
    )
    return {p.id_number: p for p in rows}


def person_find_by_id_number(*, user: Any, id_number: str) -> QuerySet[Person]:
    """The people rows with this ID number in the user's scope (all applications, newest first)."""
    return Person.objects.for_user(user).filter(id_number=id_number).select_related("application").order_by("-id")


def household_find(*, user: Any, station: Any, number: str) -> Household | None:
    return Household.objects.for_user(user).filter(station=station, number=number).first()


def station_of(user: Any) -> PoliceStation | None:
    """The police station a clerk is posted at: the one they receive for (forms fix it, services
    use it). None for every other post, which chooses among ``PoliceStation.objects.for_user(user)``."""
    assignment = assignment_of(user)
    if assignment is None or assignment.role != CLERK or getattr(user, "is_superuser", False):
        return None
    return assignment.station


def approval_queue(*, user: Any) -> QuerySet[TransferApplication]:
    """Applications waiting for the county office's approval that the user may decide, oldest first."""
    from nongzhuancheng.scoping import COMPLETION_APPROVE

    return (
        TransferApplication.objects.for_user(user, COMPLETION_APPROVE)
        .filter(status=TransferApplication.Status.AWAITING_APPROVAL)
        .select_related("household", "station", "county")
        .order_by("due_on", "id")
    )


def correction_list(*, user: Any, state: str | None = None) -> QuerySet[Any]:
    """Correction requests the user may see (the requested ones first when no state is given)."""
    from .approval_models import CorrectionRequest

    qs = CorrectionRequest.objects.for_user(user).select_related(
        "application", "application__household", "application__station", "requested_by", "decided_by")
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-id")


def approval_rules(*, user: Any) -> dict[int, set[str]]:
    """{county id: categories needing approval} of the counties the user may see."""
    from .approval_models import CountyApprovalRule

    out: dict[int, set[str]] = {}
    for county_id, category in CountyApprovalRule.objects.for_user(user).filter(requires_approval=True).values_list(
            "county_id", "category"):
        out.setdefault(county_id, set()).add(category)
    return out
def station_clerk_work(*, station: PoliceStation, start: datetime.date, end: datetime.date) -> list[dict[str, Any]]:
    """Each clerk's work at a station between two days: applications received (by who entered them)
    and applications completed (by who made the 办结 move), two grouped queries over the station's
    applications. Rows without a person (imported, or loaded in bulk) come last as ``user`` None."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    received = dict(
        TransferApplication.objects.filter(station=station, received_on__gte=start, received_on__lte=end)
        .values_list("created_by").annotate(n=Count("id")).order_by()
    )
    completed = dict(
        ApplicationEvent.objects.filter(
            application__station=station, to_status=TransferApplication.Status.COMPLETED,
            application__status=TransferApplication.Status.COMPLETED,
            application__completed_on__gte=start, application__completed_on__lte=end,
        ).values_list("actor").annotate(n=Count("application_id", distinct=True)).order_by()
    )
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=[k for k in received.keys() | completed.keys() if k])}
    rows = [{"user": users.get(pk) if pk else None, "received": received.get(pk, 0), "completed": completed.get(pk, 0)}
            for pk in received.keys() | completed.keys()]
    rows.sort(key=lambda r: (r["user"] is None, -r["received"], -r["completed"], getattr(r["user"], "username", "")))
    return rows


def station_panel(*, user: Any, station: PoliceStation, as_of: datetime.date | None = None) -> dict[str, Any]:
    """The small panel of a station's figures on the clerk's landing page: persons completed this
    year and this period (from the completion rollup), and its overdue and returned applications."""
    from django.db.models import Q, Sum

    from nongzhuancheng.pagination import bounded_count
    from nongzhuancheng.periods import Period

    from .rollup_models import CompletionRollup

    as_of = as_of or timezone.localdate()
    period = Period.containing(as_of)
    figures = CompletionRollup.objects.filter(  # the index (county, completed_on, station, persons)
        county_id=station.county_id, station=station, completed_on__gte=datetime.date(as_of.year, 1, 1), completed_on__lte=as_of,
    ).aggregate(cumulative=Sum("persons"), period_done=Sum("persons", filter=Q(completed_on__gte=period.start)))
    filters = {"station": station.pk}
    return {
        "station": station, "as_of": as_of, "period": period,
        "cumulative": figures["cumulative"] or 0, "period_done": figures["period_done"] or 0,
        "overdue": bounded_count(application_overdue_list(user=user, today=as_of, filters=filters))[0],
        "returned": bounded_count(application_returned_list(user=user, today=as_of, filters=filters))[0],
    }
