"""The public pages (no sign-in: the guide, stations, the progress lookup, questions and complaints)
and the offices' pages of this app (answering grievances, notices of an application, editing the guide)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_ratelimit.core import is_ratelimited

from households.models import TransferApplication
from households.reference import Category, Ethnicity, Relation
from nongzhuancheng import params
from nongzhuancheng.scoping import (
    APPLICATION_RECEIVE,
    GRIEVANCE_ANSWER,
    NOTICE_PREFERENCE,
    PUBLIC_CONTENT_EDIT,
    VIEW,
    NoScopedRowsMixin,
    ScopedSelectorsMixin,
    actions_of,
    require,
)

from . import selectors, services
from .caching import cached_page
from .forms import (
    AnswerForm,
    GrievanceForm,
    GrievanceListParams,
    GuideEntryForm,
    LookupForm,
    LookupParams,
    PreferenceForm,
    PrefillFindParams,
    PrefillHouseholdForm,
    PrefillMemberFormSet,
    PrefillReceiveForm,
    StationsParams,
)
from .models import GuideEntry, LookupLog, NoticePreference, Prefill

Result = LookupLog.Result


class PublicPage(View):
    """A page anyone may open without signing in; it shows no one's personal data."""

    public_page = True
    shows_no_scoped_rows = True


def _private(response):
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response


# The guide (cached whole) ---------------------------------------------------------------------

class GuideView(PublicPage):
    def get(self, request):
        def render_page():
            sections = selectors.guide_by_section()
            return render_to_string("public/guide.html", {
                "policy": [(e, selectors.guide_text(e)) for e in sections["policy"]],
                "retentions": [(e, selectors.guide_text(e)) for e in sections["retention"]],
                "guarantees": [(e, selectors.guide_text(e)) for e in sections["guarantee"]],
                "categories": [(e, selectors.guide_text(e)) for e in sections["category"]],
                "documents": [(e, selectors.guide_text(e)) for e in sections["document"]],
                "procedure": [(e, selectors.guide_text(e)) for e in sections["procedure"]],
                "time_limit": settings.NZC_TIME_LIMIT_WORKING_DAYS,
                "category_count": len(Category.values), "page": "guide",
            })
        return cached_page(request, "guide", render_page)


class StationsView(PublicPage):
    def get(self, request):
        query_params = params.read(StationsParams, request.GET)
        county, query = query_params["county"], query_params["q"]

        def render_page():
            return render_to_string("public/stations.html", {
                "stations": selectors.station_list(county_code=county, query=query),
                "counties": selectors.county_choices(), "county": county, "q": query, "page": "stations",
            })
        return cached_page(request, "stations", render_page)


# The progress lookup --------------------------------------------------------------------------

def _rate_limited(request, address_hash: str, number: str) -> bool:
    """Count this attempt against the client address and the application number; True when either
    has used up its allowance."""
    by_address = is_ratelimited(request, group="public.lookup.address", key=lambda g, r: address_hash,
                                rate=settings.NZC_LOOKUP_RATE_PER_ADDRESS, method="POST", increment=True)
    by_number = is_ratelimited(request, group="public.lookup.number", key=lambda g, r: number or "-",
                               rate=settings.NZC_LOOKUP_RATE_PER_NUMBER, method="POST", increment=True)
    return by_address or by_number


class LookupView(PublicPage):
    template_name = "public/lookup.html"

    def get(self, request):
        number = selectors.normalise_number(params.read(LookupParams, request.GET)["n"])
        form = LookupForm(initial={"number": number})
        return _private(render(request, self.template_name, {"form": form, "page": "lookup"}))

    def post(self, request):
        form = LookupForm(request.POST)
        address_hash = selectors.address_hash(selectors.client_address(request))
        number = selectors.normalise_number(request.POST.get("number", ""))
        if _rate_limited(request, address_hash, number):
            services.lookup_record(address_hash=address_hash, number=number, result=Result.LIMITED)
            return _private(render(request, self.template_name, {"form": form, "limited": True}, status=429))
        if not form.is_valid():
            services.lookup_record(address_hash=address_hash, number=number, result=Result.INVALID)
            return _private(render(request, self.template_name, {"form": form}))
        answer = selectors.application_lookup(number=form.cleaned_data["number"], id_tail=form.cleaned_data["id_tail"])
        if answer is None:  # an unknown number and a wrong pair read exactly alike
            services.lookup_record(address_hash=address_hash, number=number, result=Result.NOT_FOUND)
            return _private(render(request, self.template_name, {"form": LookupForm(initial={"number": number}),
                                                                  "not_found": True}))
        services.lookup_record(address_hash=address_hash, number=number, result=Result.FOUND)
        return _private(render(request, "public/lookup_result.html", {"answer": answer, "today": timezone.localdate()}))


# Questions and complaints ---------------------------------------------------------------------

class AskView(PublicPage):
    template_name = "public/ask.html"

    def get(self, request):
        return _private(render(request, self.template_name, {"form": GrievanceForm(), "page": "ask"}))

    def post(self, request):
        form = GrievanceForm(request.POST)
        address_hash = selectors.address_hash(selectors.client_address(request))
        if is_ratelimited(request, group="public.ask.address", key=lambda g, r: address_hash,
                          rate=settings.NZC_GRIEVANCE_RATE_PER_ADDRESS, method="POST", increment=True):
            return _private(render(request, self.template_name, {"form": form, "limited": True}, status=429))
        if not form.is_valid():
            return _private(render(request, self.template_name, {"form": form}))
        data = form.cleaned_data
        application = None
        if data["number"]:
            # The pair only links the question to the application; whether it matched is never said,
            # and the attempt counts against the lookup's limits.
            if not _rate_limited(request, address_hash, data["number"]):
                application = selectors.application_find_by_pair(number=data["number"], id_tail=data["id_tail"])
                services.lookup_record(address_hash=address_hash, number=data["number"],
                                       result=Result.FOUND if application else Result.NOT_FOUND)
            else:
                services.lookup_record(address_hash=address_hash, number=data["number"], result=Result.LIMITED)
        try:
            grievance = services.grievance_submit(
                kind=data["kind"], county=data["county"], question=data["question"],
                contact_phone=data["contact_phone"], application=application,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return _private(render(request, self.template_name, {"form": form}))
        return _private(render(request, "public/ask_done.html", {"grievance": grievance, "new": True}))


class AskAnswerView(PublicPage):
    """A question's state and answer, by its reference (ten characters drawn at random)."""

    def get(self, request, reference):
        grievance = selectors.grievance_get_by_reference(reference=reference)
        if grievance is None:
            raise Http404
        return _private(render(request, "public/ask_done.html", {"grievance": grievance}))


# The offices' pages ---------------------------------------------------------------------------

class GrievanceListView(ScopedSelectorsMixin, TemplateView):
    template_name = "public/grievance_list.html"

    def get_context_data(self, **kwargs):
        show = params.read(GrievanceListParams, self.request.GET)["show"] or "open"
        today = timezone.localdate()
        rows = selectors.grievance_list(
            user=self.request.user, today=today, overdue_only=show == "overdue",
            state="" if show in ("all", "overdue") else ("answered" if show == "answered" else "open"),
        )
        return {**super().get_context_data(**kwargs), "rows": rows[:500], "show": show, "today": today}


class GrievanceAnswerView(ScopedSelectorsMixin, View):
    """A question or complaint: read by whoever sees it, answered by its county office."""

    template_name = "public/grievance_answer.html"

    def get_object(self, pk, action=VIEW):
        return get_object_or_404(selectors.grievance_list(user=self.request.user, action=action), pk=pk)

    def get(self, request, pk):
        grievance = self.get_object(pk)
        form = AnswerForm(initial={"answer": grievance.answer})
        return render(request, self.template_name, {"grievance": grievance, "form": form, "today": timezone.localdate(),
                                                    "may_answer": GRIEVANCE_ANSWER in actions_of(request.user)})

    def post(self, request, pk):
        require(request.user, GRIEVANCE_ANSWER)
        grievance = self.get_object(pk, GRIEVANCE_ANSWER)
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                services.grievance_answer(grievance=grievance, actor=request.user, answer=form.cleaned_data["answer"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("已答复。"))
                return redirect("public:grievance_list")
        return render(request, self.template_name, {"grievance": grievance, "form": form, "today": timezone.localdate(),
                                                    "may_answer": True}, status=400)


class ApplicationNoticesView(ScopedSelectorsMixin, View):
    """The notices of one application and the applicant's choice, recorded at the window."""

    template_name = "public/notices.html"

    def get_application(self, pk):
        return get_object_or_404(TransferApplication.objects.for_user(self.request.user).select_related("station"), pk=pk)

    def context(self, app, form):
        preference = NoticePreference.objects.filter(application=app).first()
        return {"app": app, "form": form, "preference": preference,
                "notices": selectors.notice_list(user=self.request.user, application=app),
                "may_change": NOTICE_PREFERENCE in actions_of(self.request.user)}

    def get(self, request, pk):
        app = self.get_application(pk)
        preference = NoticePreference.objects.filter(application=app).first()
        form = PreferenceForm(initial={"opted_out": bool(preference and preference.opted_out),
                                       "phone": preference.phone if preference else ""})
        return render(request, self.template_name, self.context(app, form))

    def post(self, request, pk):
        app = self.get_application(pk)
        form = PreferenceForm(request.POST)
        if form.is_valid():
            try:
                services.notice_preference_set(application=app, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("已记录申请人的通知意愿。"))
                return redirect(reverse("public:application_notices", args=[app.pk]))
        return render(request, self.template_name, self.context(app, form), status=400)


class GuideEditListView(NoScopedRowsMixin, TemplateView):
    required_action = PUBLIC_CONTENT_EDIT
    template_name = "public/guide_edit_list.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "entries": GuideEntry.objects.all()}


class GuideEditView(NoScopedRowsMixin, View):
    required_action = PUBLIC_CONTENT_EDIT
    template_name = "public/guide_edit.html"

    def context(self, entry, form):
        revisions = []
        records = list(entry.history.select_related("history_user").order_by("-history_date", "-history_id")[:20])
        for newer, older in zip(records, records[1:] + [None], strict=True):
            changes = []
            if older is not None:
                changes = [c.field for c in newer.diff_against(older).changes]
            revisions.append({"record": newer, "changes": changes})
        return {"entry": entry, "form": form, "revisions": revisions}

    def get(self, request, pk):
        entry = get_object_or_404(GuideEntry, pk=pk)
        return render(request, self.template_name, self.context(entry, GuideEntryForm(instance=entry)))

    def post(self, request, pk):
        entry = get_object_or_404(GuideEntry, pk=pk)
        form = GuideEntryForm(request.POST, instance=GuideEntry.objects.get(pk=pk))
        if form.is_valid():
            data = dict(form.cleaned_data)
            reason = data.pop("reason", "")
            try:
                services.guide_entry_update(entry=entry, actor=request.user, reason=reason, **data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("已保存，公开页面随即更新。"))
                return redirect("public:guide_edit", pk=entry.pk)
        return render(request, self.template_name, self.context(entry, form), status=400)


# Online pre-filling ---------------------------------------------------------------------------

class PrefillView(PublicPage):
    """网上预填: type the household and its members in before the visit; the clerk receives it by code."""

    template_name = "public/prefill.html"

    def get(self, request):
        return _private(render(request, self.template_name, {
            "form": PrefillHouseholdForm(), "members": PrefillMemberFormSet(prefix="m"), "page": "prefill",
            "days": settings.NZC_PREFILL_DAYS}))

    def post(self, request):
        form, members = PrefillHouseholdForm(request.POST), PrefillMemberFormSet(request.POST, prefix="m")
        context = {"form": form, "members": members, "page": "prefill", "days": settings.NZC_PREFILL_DAYS}
        address_hash = selectors.address_hash(selectors.client_address(request))
        if is_ratelimited(request, group="public.prefill.address", key=lambda g, r: address_hash,
                          rate=settings.NZC_PREFILL_RATE_PER_ADDRESS, method="POST", increment=True):
            return _private(render(request, self.template_name, {**context, "limited": True}, status=429))
        if not (form.is_valid() and members.is_valid()):
            return _private(render(request, self.template_name, context))
        household = {k: v for k, v in form.cleaned_data.items() if k != "station"}
        rows = [m.cleaned_data for m in members if m.cleaned_data]
        try:
            prefill = services.prefill_submit(station=form.cleaned_data["station"], household=household, members=rows)
        except ValidationError as exc:
            for index, errors in getattr(exc, "member_errors", {}).items():
                for field, messages_ in errors.items():
                    members.forms[index].add_error(field if field in members.forms[index].fields else None, messages_)
            if not getattr(exc, "member_errors", None):
                form.add_error(None, exc)
            return _private(render(request, self.template_name, context))
        return _private(render(request, "public/prefill_done.html", {"prefill": prefill, "page": "prefill"}))


class PrefillFindView(ScopedSelectorsMixin, View):
    """The clerk types the applicant's pre-fill code."""

    required_action = APPLICATION_RECEIVE

    def get(self, request):
        code = params.read(PrefillFindParams, request.GET)["code"].upper()
        if not code:
            return render(request, "public/prefill_find.html", {})
        prefill = Prefill.objects.for_user(request.user, APPLICATION_RECEIVE).filter(code=code).first()
        if prefill is None:
            return render(request, "public/prefill_find.html", {"code": code, "not_found": True}, status=404)
        return redirect("public:prefill_receive", pk=prefill.pk)


class PrefillReceiveView(ScopedSelectorsMixin, View):
    required_action = APPLICATION_RECEIVE
    template_name = "public/prefill_receive.html"

    def get_object(self, pk):
        return get_object_or_404(Prefill.objects.for_user(self.request.user, APPLICATION_RECEIVE)
                                 .select_related("station__county", "application"), pk=pk)

    def context(self, prefill, form, member_errors=None):
        rows = []
        for i, m in enumerate(prefill.members):
            rows.append({**m, "relation_label": Relation(m["relation"]).label if m.get("relation") in Relation.values else "",
                         "category_label": Category(m["category"]).label if m.get("category") in Category.values else "",
                         "ethnicity_label": Ethnicity(m["ethnicity"]).label if m.get("ethnicity") in Ethnicity.values else "",
                         "errors": (member_errors or {}).get(i, {})})
        return {"prefill": prefill, "form": form, "rows": rows, "today": timezone.localdate()}

    def get(self, request, pk):
        prefill = self.get_object(pk)
        return render(request, self.template_name, self.context(prefill, PrefillReceiveForm()))

    def post(self, request, pk):
        prefill = self.get_object(pk)
        form = PrefillReceiveForm(request.POST)
        member_errors = None
        if form.is_valid():
            try:
                app = services.prefill_receive(prefill=prefill, actor=request.user,
                                               documents=form.cleaned_data["documents"])
            except ValidationError as exc:
                member_errors = getattr(exc, "member_errors", None)
                form.add_error(None, exc if not member_errors else _("成员信息有误：请在受理页面重新录入。"))
            else:
                messages.success(request, _("已受理预填申请。"))
                return redirect("households:application_receipt", pk=app.pk)
        return render(request, self.template_name, self.context(prefill, form, member_errors), status=400)


class OfficeIndexView(NoScopedRowsMixin, TemplateView):
    """The offices' entry to this app: pre-fills, questions and complaints, the guide."""

    template_name = "public/office.html"

    def get_context_data(self, **kwargs):
        actions = actions_of(self.request.user)
        return {**super().get_context_data(**kwargs), "may_receive": APPLICATION_RECEIVE in actions,
                "may_edit_guide": PUBLIC_CONTENT_EDIT in actions, "may_answer": GRIEVANCE_ANSWER in actions}
