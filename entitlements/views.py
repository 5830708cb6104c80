"""Thin views: the work queue, a person's entitlements, delivery figures, transitions ending soon,
and the POST endpoints of the moves (which call the services)."""


from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from households.models import Person
from nongzhuancheng import params
from nongzhuancheng.audit import person_viewers
from nongzhuancheng.confirm import confirmation_page
from nongzhuancheng.exports import Column, export_response
from nongzhuancheng.figures import percent_of
from nongzhuancheng.scoping import (
    ACCESS_LOG_VIEW,
    ENTITLEMENT_WORK,
    ID_VIEW_WHOLE,
    ScopedSelectorsMixin,
    allows,
)
from nongzhuancheng.security import safe_next

from . import selectors, services
from .forms import (
    DeliveryParams,
    GuaranteeMoveForm,
    PageParams,
    QueueParams,
    RetentionMoveForm,
    RetentionRecordForm,
)
from .models import GuaranteeCase, Retention

QUEUE_COLUMNS = [
    Column(gettext_lazy("保障事项"), lambda c: c.get_kind_display()),
    Column(gettext_lazy("状态"), lambda c: c.get_state_display()),
    Column(gettext_lazy("姓名"), "person.name"),
    Column(gettext_lazy("公民身份号码"), "person.id_number", id_number=True),
    Column(gettext_lazy("县区"), "county.name"),
    Column(gettext_lazy("派出所"), lambda c: c.station.name),
    Column(gettext_lazy("申请日期"), "requested_on"),
    Column(gettext_lazy("已等待（天）"), lambda c: c.waited),
    Column(gettext_lazy("落实内容"), "reference"),
]
RETENTION_QUEUE_COLUMNS = [
    Column(gettext_lazy("保留事项"), lambda r: r.get_kind_display()),
    Column(gettext_lazy("姓名"), "person.name"),
    Column(gettext_lazy("公民身份号码"), "person.id_number", id_number=True),
    Column(gettext_lazy("县区"), "county.name"),
    Column(gettext_lazy("派出所"), lambda r: r.station.name),
    Column(gettext_lazy("办结日期"), "opened_on"),
    Column(gettext_lazy("已等待（天）"), lambda r: r.waited),
]
EXPORT_LIMIT = 50_000



class QueueView(ScopedSelectorsMixin, TemplateView):
    """The member unit's work queue: open cases, oldest request first, with the days waited.
    County officers see their county's, clerks their station's (read only)."""

    template_name = "entitlements/queue.html"
    paginate_by = 50

    def get(self, request, *args, **kwargs):
        query = params.read(QueueParams, request.GET)
        kind = query["kind"] or None
        qs = selectors.queue_list(user=request.user, kind=kind)
        today = timezone.localdate()
        kinds = selectors.guarantee_kinds_of(request.user)
        fmt = query["format"]
        if fmt and not kinds:
            rows = list(selectors.retention_queue_list(user=request.user)[:EXPORT_LIMIT])
            for r in rows:
                r.waited = (today - r.opened_on).days
            return export_response(rows, RETENTION_QUEUE_COLUMNS, fmt=fmt, filename="retentions-queue",
                                   user=request.user, request=request, count=len(rows))
        if fmt:
            rows = list(qs[:EXPORT_LIMIT])
            for c in rows:
                c.waited = c.days_waited(today)
            return export_response(rows, QUEUE_COLUMNS, fmt=fmt, filename="entitlements-queue", user=request.user,
                                   request=request, count=len(rows))
        if not kinds:
            # a unit that works retentions only (land, forestry, agriculture, family planning)
            return self.retention_queue(request, today)
        page = Paginator(qs, self.paginate_by).get_page(query["page"])
        for c in page.object_list:
            c.waited = c.days_waited(today)
        choices = [(k.value, k.label) for k in kinds]
        context = self.get_context_data(page=page, kind=kind, kinds=choices, today=today)
        return self.render_to_response(context)

    def retention_queue(self, request, today):
        page = Paginator(selectors.retention_queue_list(user=request.user), self.paginate_by).get_page(
            params.read(PageParams, request.GET)["page"]
        )
        for r in page.object_list:
            r.waited = (today - r.opened_on).days
        self.template_name = "entitlements/retention_queue.html"
        return self.render_to_response(self.get_context_data(page=page, today=today))


class PersonView(ScopedSelectorsMixin, TemplateView):
    """Five retentions and five guarantees of one person at a glance, with their history and the
    moves of the WORKFLOW tables the user may make on each."""

    template_name = "entitlements/person.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        try:
            person = Person.objects.for_user(user).select_related("county", "station", "application").get(
                pk=kwargs["person_pk"]
            )
        except Person.DoesNotExist:
            raise Http404 from None
        retentions, cases = selectors.person_entitlements(user=user, person=person)
        # who looked at this person's whole number: for those who may see it, and the city office
        viewers = person_viewers(person.pk)[:50] if allows(user, ID_VIEW_WHOLE) or allows(user, ACCESS_LOG_VIEW) \
            else None
        if not retentions and not cases and Retention.scoped_by_kind(user):
            raise Http404  # a unit that sees records by kind sees a person only through them
        # the page's records are in the user's scope: the policy alone says whether they may work them
        workable = allows(user, ENTITLEMENT_WORK)
        case_form = GuaranteeMoveForm(auto_id=False)
        retention_form = RetentionMoveForm(auto_id=False)
        for c in cases:
            c.workable = workable
            c.moves = GuaranteeCase.WORKFLOW.moves_for(c, user)
            c.any_final = any(m.final for m in c.moves)
        for r in retentions:
            r.workable = workable
            r.moves = [
                (move, [retention_form[name] for name in services.PARTICULARS[move.name]])
                for move in Retention.WORKFLOW.moves_for(r, user)
            ]
        context = super().get_context_data(**kwargs)
        context.update(
            person=person, retentions=retentions, cases=cases, viewers=viewers,
            # one form per record on the page: no element ids, so that they do not repeat
            case_form=case_form, retention_form=retention_form, record_form=RetentionRecordForm(auto_id=False),
        )
        return context


class DeliveryView(ScopedSelectorsMixin, TemplateView):
    """Delivery by county and kind: requested, delivered, rate (cut) and median days."""

    template_name = "entitlements/delivery.html"

    def get_context_data(self, **kwargs):
        as_of = params.read(DeliveryParams, self.request.GET)["as_of"] or timezone.localdate()
        rows = selectors.delivery_summary(as_of=as_of, user=self.request.user)
        totals = selectors.delivery_totals(rows)
        for r in rows + totals:
            r.rate_text = percent_of(r.delivery_rate)
        retention_rows = selectors.retention_summary(as_of=as_of, user=self.request.user)
        context = super().get_context_data(**kwargs)
        context.update(as_of=as_of, rows=rows, totals=totals, retention_rows=retention_rows)
        return context


class TransitionsView(ScopedSelectorsMixin, TemplateView):
    """Family-planning transitions ending in the next 90 days."""

    template_name = "entitlements/transitions.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        page = Paginator(selectors.transitions_ending(user=self.request.user, today=today), 50).get_page(
            params.read(PageParams, self.request.GET)["page"]
        )
        for r in page.object_list:
            r.days_left = (r.transition_ends_on - today).days
        context = super().get_context_data(**kwargs)
        context.update(page=page, today=today, days=90)
        return context


def _errors_text(exc):
    if hasattr(exc, "message_dict"):
        return "；".join(m for msgs in exc.message_dict.values() for m in msgs)
    return "；".join(exc.messages)


class CaseMoveView(ScopedSelectorsMixin, View):
    """POST: make a move of GuaranteeCase.WORKFLOW (calls services.guarantee_move). A role that may
    not work cases gets 403; a case out of scope 404."""

    http_method_names = ["post"]  # the service checks the move's action of the policy (403)

    def post(self, request, pk):
        try:
            case = selectors.case_get(user=request.user, pk=pk)
        except GuaranteeCase.DoesNotExist:
            raise Http404 from None
        form = GuaranteeMoveForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("输入有误：%(e)s") % {"e": form.errors.as_text()})
        else:
            d = form.cleaned_data
            page = confirmation_page(
                request, move=GuaranteeCase.WORKFLOW.get(d["move"]), back=_back(request, case.person_id),
                note_field="reason", subject=_("%(name)s的%(kind)s") % {
                    "name": case.person.name, "kind": case.get_kind_display()},
            )
            if page is not None:
                return page
            try:
                services.guarantee_move(
                    case=case, move=d["move"], actor=request.user, note=d["note"], reason=d["reason"],
                    reference=d["reference"] or None, on=d["on"],
                )
                messages.success(request, _("已保存。"))
            except ValidationError as exc:
                messages.error(request, _errors_text(exc))
        return redirect(_back(request, case.person_id))


class RetentionMoveView(ScopedSelectorsMixin, View):
    """POST: make a move of Retention.WORKFLOW (circulate, give up, restore) with its particulars."""

    http_method_names = ["post"]  # the service checks the move's action of the policy (403)

    def post(self, request, pk):
        try:
            retention = selectors.retention_get(user=request.user, pk=pk)
        except Retention.DoesNotExist:
            raise Http404 from None
        form = RetentionMoveForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("输入有误：%(e)s") % {"e": form.errors.as_text()})
            return redirect(_back(request, retention.person_id))
        d = dict(form.cleaned_data)
        page = confirmation_page(
            request, move=Retention.WORKFLOW.get(d["move"]), back=_back(request, retention.person_id),
            subject=_("%(name)s的%(kind)s") % {"name": retention.person.name, "kind": retention.get_kind_display()},
        )
        if page is not None:
            return page
        try:
            services.retention_move(retention=retention, actor=request.user, **d)
            messages.success(request, _("已保存。"))
        except ValidationError as exc:
            messages.error(request, _errors_text(exc))
        return redirect(_back(request, retention.person_id))


class RetentionRecordView(ScopedSelectorsMixin, View):
    """POST: record area, certificate, organisation or share of a retention."""

    http_method_names = ["post"]  # the service checks the move's action of the policy (403)

    def post(self, request, pk):
        try:
            retention = selectors.retention_get(user=request.user, pk=pk)
        except Retention.DoesNotExist:
            raise Http404 from None
        form = RetentionRecordForm(request.POST)
        if form.is_valid():
            d = dict(form.cleaned_data)
            note = d.pop("note")
            fields = {k: v for k, v in d.items() if k in request.POST}
            try:
                services.retention_record(retention=retention, actor=request.user, note=note, **fields)
                messages.success(request, _("已保存。"))
            except ValidationError as exc:
                messages.error(request, _errors_text(exc))
        else:
            messages.error(request, _("输入有误：%(e)s") % {"e": form.errors.as_text()})
        return redirect(_back(request, retention.person_id))


def _back(request, person_id):
    return safe_next(request, request.POST.get("next"), reverse("entitlements:person", args=[person_id]))

