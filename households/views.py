"""The green-channel pages: entry form, live ID check, list, detail with the workflow, receipt, overdue.

Views are thin: forms check what was typed, services write, selectors read (and scope)."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views import View
from django.views.generic import TemplateView

from nongzhuancheng import params
from nongzhuancheng.audit import AccessEvent, record
from nongzhuancheng.confirm import confirmation_page
from nongzhuancheng.exports import Column, export_response
from nongzhuancheng.masking import ID_REVEAL_SESSION_KEY, mask
from nongzhuancheng.models import County, PoliceStation
from nongzhuancheng.pagination import ListPage, bounded_count, list_links
from nongzhuancheng.scoping import (
    APPLICATION_MOVE,
    APPLICATION_RECEIVE,
    CORRECTION_REQUEST,
    HOUSEHOLD,
    ID_VIEW_WHOLE,
    PERSON,
    NoScopedRowsMixin,
    ScopedSelectorsMixin,
    allows,
    visible_fields,
)

from . import corrections, ids, selectors, services
from .attachment_models import Attachment
from .forms import (
    ApplicationListParams,
    DocumentsForm,
    EntryOverrideForm,
    HouseholdForm,
    HouseholdLookupParams,
    IdCheckParams,
    IdSearchForm,
    MemberFormSet,
    MoveForm,
    OverdueParams,
    PersonListParams,
)
from .id_check import id_check_claim, id_check_limited
from .models import Household, Person, TransferApplication
from .reference import Category, Document
from .selectors import APPLICATION_SORTS, OVERDUE_SORTS, sort_of
from .validation import EntryRefused
from .workdays import working_days_between


def _working_days_overdue(due_dates, today):
    """{due date: working days overdue on ``today``} for many due dates, walking each day once.

    Counting each row from its own due date walks the same calendar again and again: 100 rows due in
    2012 seen from 2026 took over 20 s. Chaining from the nearest due date back keeps it to one walk."""
    result = {}
    later, carried = today, 0
    for due in sorted({d for d in due_dates if d < today}, reverse=True):
        carried += working_days_between(due, later)
        result[due] = carried
        later = due
    return result


def _get_application(request, pk):
    try:
        return selectors.application_get(user=request.user, pk=pk)
    except TransferApplication.DoesNotExist:
        raise Http404 from None


class ApplicationNewView(ScopedSelectorsMixin, View):
    """受理: the clerk's entry form (household, members formset, documents checklist). The stations
    offered are ``PoliceStation.objects.for_user(user)``."""

    required_action = APPLICATION_RECEIVE
    template_name = "households/application_form.html"

    def get(self, request):
        return self.render(
            HouseholdForm(user=request.user, prefix="household"),
            MemberFormSet(prefix="members"),
            DocumentsForm(prefix="docs"),
        )

    def post(self, request):
        household_form = HouseholdForm(request.POST, user=request.user, prefix="household")
        formset = MemberFormSet(request.POST, prefix="members")
        documents_form = DocumentsForm(request.POST, prefix="docs")
        override_form = EntryOverrideForm(request.POST, prefix="quality")
        valid = all([household_form.is_valid(), formset.is_valid(), documents_form.is_valid(), override_form.is_valid()])
        member_forms = formset.member_forms() if formset.is_bound else []
        page_errors, warnings = [], []
        if valid:
            try:
                app = services.application_create(
                    actor=request.user,
                    household=household_form.household_data(),
                    members=[f.member_data() for f in member_forms],
                    documents=documents_form.cleaned_data["documents"],
                    station=household_form.cleaned_data.get("station"),
                    override_reason=override_form.cleaned_data["reason"], confirm_warnings=True,
                )
            except EntryRefused as exc:  # data-quality rules: errors refuse, warnings need a reason
                page_errors, warnings = exc.hard, exc.warnings
            except ValidationError as exc:
                page_errors = self._map_errors(exc, household_form, member_forms, documents_form)
            else:
                messages.success(
                    request, _("已受理申请 %(n)s，共 %(c)d 人。") % {"n": app.number, "c": len(member_forms)}
                )
                for notice in getattr(app, "entry_notices", ()):
                    messages.warning(request, notice)
                return redirect("households:application_receipt", pk=app.pk)
        return self.render(household_form, formset, documents_form, page_errors=page_errors,
                           warnings=warnings, override_form=override_form)

    @staticmethod
    def _map_errors(exc, household_form, member_forms, documents_form):
        """Put each message of the service next to the field it is about; return the rest."""
        rest = []
        for index, errors in getattr(exc, "member_errors", {}).items():
            form = member_forms[index]
            for field, msgs in errors.items():
                form.add_error(field if field in form.fields else None, msgs)
        if hasattr(exc, "error_dict"):
            for field, errs in exc.error_dict.items():
                msgs = [m for e in errs for m in e.messages]
                if field in household_form.fields:
                    household_form.add_error(field, msgs)
                elif field == "documents":
                    documents_form.add_error("documents", msgs)
                else:
                    rest += msgs
        elif not getattr(exc, "member_errors", None):
            rest += exc.messages
        if getattr(exc, "member_errors", None) and not rest:
            rest = exc.messages
        return rest

    def render(self, household_form, formset, documents_form, page_errors=(), status=200, warnings=(),
               override_form=None):
        context = {
            "warnings": warnings,
            "override_form": override_form or EntryOverrideForm(prefix="quality"),
            "household_form": household_form,
            "formset": formset,
            "documents_form": documents_form,
            "page_errors": page_errors,
            "has_errors": bool(
                page_errors or household_form.errors or documents_form.errors
                or (formset.is_bound and (formset.total_error_count()))
            ),
            "fixed_station": None if "station" in household_form.fields else selectors.station_of(self.request.user),
        }
        station = selectors.station_of(self.request.user)
        if station is not None:  # the clerk's own station figures, in a small panel above the form
            context["panel"] = selectors.station_panel(user=self.request.user, station=station)
        return render(self.request, self.template_name, context, status=status)


class IdCheckView(NoScopedRowsMixin, View):
    """JSON for the live check as the clerk types (POST: a number never travels in a URL): validity,
    derived data, and for a clerk a duplicate warning that says only where, when and in what state
    the first application is (households.id_check: rate-limited per user, every use logged)."""

    http_method_names = ["post"]

    def post(self, request):
        if id_check_limited(request):
            return JsonResponse({"valid": False, "message": _("查询过于频繁，请稍后再试。")}, status=429)
        raw = params.read(IdCheckParams, request.POST)["id_number"]
        try:
            rid = ids.parse(raw)
        except ValidationError as exc:
            id_check_claim(request, None)
            return JsonResponse({"valid": False, "message": " ".join(exc.messages), "cleaned": ids.clean(raw)})
        result = {
            "valid": True,
            "message": _("号码有效：%(area)s，%(birth)s 出生，%(sex)s。") % {
                "area": rid.area_name, "birth": rid.birth_date.isoformat(), "sex": _("男") if rid.sex == "M" else _("女"),
            },
            "number": rid.number,
            "upgraded": len(ids.clean(raw)) == 15,
            "sex": rid.sex,
            "birth_date": rid.birth_date.isoformat(),
            "area_name": rid.area_name,
            "duplicate": None,
        }
        existing = id_check_claim(request, rid.number)
        if existing is not None:
            app = existing.application
            result["duplicate"] = {
                "station": str(existing.station),
                "received_on": app.received_on.isoformat(),
                "status": app.get_status_display(),
                "message": _("该身份号码已于 %(date)s 在%(station)s申请转户（%(status)s），不能重复办理。") % {
                    "date": app.received_on.isoformat(), "station": existing.station, "status": app.get_status_display(),
                },
            }
        return JsonResponse(result)


class PersonIdRevealView(ScopedSelectorsMixin, View):
    """The click that shows one person's whole ID number on a detail page in scope: logged, and shown
    once (the next render of the page is masked again)."""

    required_action = ID_VIEW_WHOLE
    http_method_names = ["post"]

    def post(self, request, pk):
        person = Person.objects.for_user(request.user, ID_VIEW_WHOLE).filter(pk=pk).first()
        if person is None:
            raise Http404
        record(AccessEvent.Kind.ID_VIEW, request=request, person_id=person.pk, subject=mask(person.id_number))
        request.session[ID_REVEAL_SESSION_KEY] = [*request.session.get(ID_REVEAL_SESSION_KEY, []), person.pk]
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            target = reverse("households:application_detail", args=[person.application_id])
        return redirect(target)


class HouseholdLookupView(ScopedSelectorsMixin, View):
    """JSON: the household already registered under this 户号 at the station, if the user may see it,
    so that the clerk finds it instead of typing it again."""

    def get(self, request):
        query = params.read(HouseholdLookupParams, request.GET)
        number = query["number"]
        assignment = getattr(request.user, "assignment", None)
        station_id = query["station"] or (assignment.station_id if assignment else None)
        household = None
        if number and station_id:
            household = selectors.household_find(user=request.user, station=station_id, number=number)
        if household is None:
            return JsonResponse({"found": False})
        shown = visible_fields(request.user, HOUSEHOLD)
        data = {field: getattr(household, field) for field in services.HOUSEHOLD_FIELDS
                if shown is None or field in shown}
        return JsonResponse({
            "found": True, "household": data,
            "message": _("已找到本所登记的%(h)s，将沿用并更新其信息。") % {
                "h": household if "head_name" in data else household.number},
        })


class ApplicationListView(ScopedSelectorsMixin, TemplateView):
    """转户申请: search and filters of selectors.application_list, paginated, ID numbers masked."""

    template_name = "households/application_list.html"
    paginate_by = 50
    max_offset_pages = 100  # pages reached by number (an OFFSET of at most 5,000 rows); beyond, by keyset

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        # a refused filter is shown beside its field, and the page answers 400 (never a silent result)
        return self.render_to_response(context, status=400 if context["form"].errors else 200)

    def post(self, request, *args, **kwargs):
        """The search by a whole ID number (a POST form: the number stays out of URLs), logged."""
        return self.render_to_response(self.get_context_data(id_search=IdSearchForm(request.POST)))

    def get_context_data(self, id_search=None, **kwargs):
        context = super().get_context_data(**kwargs)
        form = ApplicationListParams(self.request.GET or None, user=self.request.user)
        filters = form.filters()
        page_number, after, sort = filters.pop("page", None), filters.pop("after", ""), filters.pop("sort", "")
        if id_search is not None:
            number = id_search.cleaned_data["id_number"] if id_search.is_valid() else "-"
            filters = {"id_number": number}
            record(AccessEvent.Kind.ID_SEARCH, request=self.request, subject=mask(number),
                   detail={"valid": id_search.is_valid()})
        context["id_search"] = id_search or IdSearchForm()
        base = selectors.application_list(user=self.request.user, filters=filters)
        # no GROUP BY for the member count: with one, PostgreSQL aggregates every row in scope before it
        # sorts by a date; the count is read from the members prefetched for the page
        qs = base.select_related("station__county").prefetch_related(Prefetch(
            "members",  # the members the user may see (need-to-know); every member for a place
            queryset=Person.objects.for_user(self.request.user).only("id", "application_id", "name", "id_number")
            .order_by("id")))
        key, descending = sort_of(sort, APPLICATION_SORTS, "-id")
        page = ListPage(qs, key=key, descending=descending, per_page=self.paginate_by, page=page_number,
                        after=after, count_from=base, max_offset_pages=self.max_offset_pages)
        for app in page.object_list:
            app.member_count = len(app.members.all())
        people, people_exact = bounded_count(selectors.people_of(base))
        links = list_links(self.request.GET, page, APPLICATION_SORTS, sort or "-id")
        context.update(form=form, page=page, applications=page.object_list, query=links["query"], links=links,
                       people_count=people, people_exact=people_exact)
        return context


class PersonListView(ScopedSelectorsMixin, TemplateView):
    """转户人员: the people a progress figure counts (its window, county, station, category), so that a
    figure of people opens a list of the same number of people. ID numbers masked."""

    template_name = "households/person_list.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters = {k: v for k, v in params.read(PersonListParams, self.request.GET).items() if v not in (None, "")}
        page_number = filters.pop("page", None)
        people = selectors.person_completed_list(user=self.request.user, filters=filters).select_related(
            "county", "station", "application")
        # an exact count: the list must show the very number of the figure that links to it
        page = Paginator(people, self.paginate_by).get_page(page_number)
        query = self.request.GET.copy()
        query.pop("page", None)
        names = {}
        if filters.get("county"):
            names["county"] = County.objects.filter(pk=filters["county"]).values_list("name", flat=True).first()
        if filters.get("station"):
            names["station"] = PoliceStation.objects.filter(pk=filters["station"]).values_list("name", flat=True).first()
        if filters.get("category"):
            names["category"] = Category(filters["category"]).label
        plain = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in filters.items()}
        context.update(page=page, people=page.object_list, query=query.urlencode(), filters=filters, names=names,
                       applications_url=reverse("households:application_list") + "?" + urlencode(
                           {"status": TransferApplication.Status.COMPLETED, **plain}))
        return context


CORRECTABLE = {*TransferApplication.OPEN, TransferApplication.Status.COMPLETED}


class ApplicationDetailView(ScopedSelectorsMixin, TemplateView):
    """One application: household, members, documents, workflow actions, events and record history."""

    template_name = "households/application_detail.html"

    def get_context_data(self, pk, **kwargs):
        context = super().get_context_data(**kwargs)
        app = _get_application(self.request, pk)
        members = list(_members(self.request.user, app))
        writer = allows(self.request.user, APPLICATION_MOVE)
        # the moves of the table this user may make now, with the table's labels, notes and finality
        actions = [
            {"move": move, "url": reverse("households:application_move", args=[app.pk, move.name])}
            for move in TransferApplication.WORKFLOW.moves_for(app, self.request.user)
        ]
        checked = set(app.documents or [])
        context.update(
            app=app,
            household=app.household,
            members=members,
            documents=[(value, label, value in checked) for value, label in Document.choices],
            documents_editable=writer and app.is_open,
            actions=actions,
            events=_labelled(selectors.application_events(application=app)),
            history=_record_history(app, members, self.request.user),
            overdue_days=working_days_between(app.due_on, timezone.localdate())
            if app.status == TransferApplication.Status.RECEIVED else 0,  # a returned one waits for the applicant
            attachments=list(app.attachments.all()),
            attachment_kinds=Attachment.Kind.choices,
            correctable=allows(self.request.user, CORRECTION_REQUEST) and app.status in CORRECTABLE,
            corrections=corrections.with_lines(selectors.correction_list(user=self.request.user).filter(application=app),
                                               self.request.user),
        )
        return context


def _members(user, app):
    """The members of ``app`` the user may see (a member unit: those with a case of its kind)."""
    return Person.objects.for_user(user).filter(application_id=app.pk).order_by("id")


def _labelled(events):
    labels = dict(TransferApplication.Status.choices)
    events = list(events)
    for event in events:
        event.from_label = labels.get(event.from_status, event.from_status)
        event.to_label = labels.get(event.to_status, event.to_status)
    return events


def _record_history(app, members, user):
    """The household's and the members' historical records, newest first, each with what changed:
    of the members and fields the user may see (need-to-know, ``scoping.visible_fields``).

    Two queries; the differences are worked out here between consecutive versions of each record."""
    rows = []
    hh_history = list(
        Household.history.filter(id=app.household_id).select_related("history_user").order_by("history_date", "history_id")
    )
    person_history = list(
        Person.history.filter(application_id=app.pk, id__in=[p.pk for p in members])
        .select_related("history_user").order_by("history_date", "history_id")
    )
    household_fields, person_fields = visible_fields(user, HOUSEHOLD), visible_fields(user, PERSON)
    for records, fields, label in (
        (hh_history, [f for f in services.HOUSEHOLD_FIELDS if household_fields is None or f in household_fields],
         _("户")),
        (person_history, [f for f in services.PERSON_FIELDS if person_fields is None or f in person_fields],
         _("成员")),
    ):
        previous = {}
        for rec in records:
            before = previous.get(rec.id)
            changes = []
            if before is not None:
                for name in fields:
                    old, new = getattr(before, name), getattr(rec, name)
                    if old != new:
                        verbose = rec.instance_type._meta.get_field(name).verbose_name
                        shown_old, shown_new = old, new
                        if name == "id_number":
                            shown_old, shown_new = mask(old), mask(new)
                        changes.append(f"{verbose}：{shown_old} → {shown_new}")
            previous[rec.id] = rec
            rows.append({
                "at": rec.history_date,
                "who": rec.history_user,
                "kind": rec.get_history_type_display(),
                "what": f"{label} {_record_name(rec, fields)}",
                "changes": changes,
            })
    rows.sort(key=lambda r: r["at"], reverse=True)
    return rows


def _record_name(rec, fields):
    """A historical record's name: the household's head or the member's name, if the user may see it."""
    for name in ("head_name", "name"):
        if hasattr(rec, name):
            return getattr(rec, name) if name in fields else ""
    return ""


class ApplicationMoveView(ScopedSelectorsMixin, View):
    """POST a move of TransferApplication.WORKFLOW; every move goes through households.services
    (which checks the move's own action of the policy)."""

    def post(self, request, pk, action):
        app = _get_application(request, pk)
        if action not in TransferApplication.WORKFLOW.moves:
            raise Http404
        move = TransferApplication.WORKFLOW.get(action)
        page = confirmation_page(
            request, move=move, back=reverse("households:application_detail", args=[pk]),
            subject=_("申请 %(n)s（户主 %(h)s，%(m)s人）") % {
                "n": app.number, "h": app.household.head_name, "m": app.members.count()},
        )
        if page is not None:
            return page
        form = MoveForm(request.POST)
        form.is_valid()
        note = form.cleaned_data.get("note", "")
        try:
            app = services.application_move(application=app, move=move, actor=request.user, note=note)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("申请 %(n)s 已%(a)s，当前状态：%(s)s。") % {
                    "n": app.number, "a": move.label, "s": app.get_status_display(),
                }
            )
        return redirect("households:application_detail", pk=pk)


class ApplicationDocumentsView(ScopedSelectorsMixin, View):
    """POST the documents checklist of an open application."""

    def post(self, request, pk):
        app = _get_application(request, pk)
        form = DocumentsForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("材料清单有误。"))
            return redirect("households:application_detail", pk=pk)
        try:
            services.application_set_documents(application=app, actor=request.user, documents=form.cleaned_data["documents"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("材料核验已保存。"))
        return redirect("households:application_detail", pk=pk)


class ApplicationReceiptView(ScopedSelectorsMixin, TemplateView):
    """受理回执: printable, with masked ID numbers and the working-day time limit."""

    template_name = "households/application_receipt.html"

    def get_context_data(self, pk, **kwargs):
        context = super().get_context_data(**kwargs)
        app = _get_application(self.request, pk)
        context.update(
            app=app,
            household=app.household,
            members=_members(self.request.user, app),
            time_limit=working_days_between(app.received_on, app.due_on),
            printed_on=timezone.localdate(),
        )
        return context


OVERDUE_COLUMNS = [
    Column(_l("申请编号"), "number"),
    Column(_l("县区"), "county.name"),
    Column(_l("受理派出所"), "station.name"),
    Column(_l("户主姓名"), "household.head_name", field=(HOUSEHOLD, "head_name")),
    Column(_l("人数"), "member_count"),
    Column(_l("受理日期"), "received_on"),
    Column(_l("办结时限"), "due_on"),
    Column(_l("超期工作日"), "days_overdue"),
    Column(_l("状态"), "get_status_display"),
]


class OverdueView(ScopedSelectorsMixin, TemplateView):
    """超期: received applications past their due date, the most overdue first (sortable, paged by
    keyset beyond the first pages, filtered by county and station, exported as .xlsx or .csv and
    printable). Returned applications (退回补正) are the applicant's turn: counted apart, and listed
    with ``?show=returned``."""

    template_name = "households/overdue.html"
    paginate_by = 100
    max_offset_pages = 50

    def get(self, request, *args, **kwargs):
        form = OverdueParams(request.GET, user=request.user)
        query = params.cleaned(form)
        today = timezone.localdate()
        filters = {k: query.get(k) for k in ("county", "station") if query.get(k)}
        overdue = selectors.application_overdue_list(user=request.user, today=today, filters=filters)
        returned = selectors.application_returned_list(user=request.user, today=today, filters=filters)
        show_returned = query["show"] == "returned"
        base = returned if show_returned else overdue
        qs = base.select_related("station__county").annotate(member_count=selectors.member_count(request.user))
        key, descending = sort_of(query["sort"], OVERDUE_SORTS, "due_on")
        if query["format"]:
            rows = list(qs.order_by(f"-{key.field}" if descending else key.field, "id")[:settings.NZC_EXPORT_INLINE_ROWS])
            days = _working_days_overdue([app.due_on for app in rows], today)
            for app in rows:
                app.days_overdue = days.get(app.due_on, 0)
            name = "returned" if show_returned else "overdue"
            return export_response(rows, OVERDUE_COLUMNS, fmt=query["format"], filename=name, user=request.user,
                                   sheet_title=name, request=request, count=len(rows))
        page = ListPage(qs, key=key, descending=descending, per_page=self.paginate_by, page=query["page"],
                        after=query["after"] or "", count_from=base, max_offset_pages=self.max_offset_pages)
        apps = list(page.object_list)
        days = _working_days_overdue([app.due_on for app in apps], today)
        rows = [(app, days.get(app.due_on, 0)) for app in apps]
        links = list_links(request.GET, page, OVERDUE_SORTS, query["sort"] or "due_on")
        context = self.get_context_data(
            form=form, page=page, rows=rows, today=today, links=links, show_returned=show_returned,
            overdue_count=bounded_count(overdue), returned_count=bounded_count(returned),
            people_count=bounded_count(selectors.people_of(base)),
            export_limit=settings.NZC_EXPORT_INLINE_ROWS,
        )
        return self.render_to_response(context)
