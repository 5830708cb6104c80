"""Pages of corrections and county approval: the correction form of an application, the correction
requests (list, one request with its diff and moves, its evidence), the county's queue of
completions waiting for approval and the county × category approval settings.

Views are thin: forms read what was typed, ``households.corrections`` and ``households.services``
write, selectors read through ``for_user`` (out of scope: 404)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from nongzhuancheng import params
from nongzhuancheng.models import County
from nongzhuancheng.pagination import CountedPaginator
from nongzhuancheng.scoping import (
    APPLICATION,
    APPROVAL_RULE_EDIT,
    COMPLETION_APPROVE,
    CORRECTION_REQUEST,
    ScopedSelectorsMixin,
    may_see,
)

from . import corrections, selectors, services
from .approval_models import CorrectionRequest
from .forms import CorrectionListParams, MoveForm, PageParams, correction_forms
from .reference import Category
from .views import _get_application, _working_days_overdue


def _get_correction(request, pk):
    row = selectors.correction_list(user=request.user).filter(pk=pk).first()
    if row is None:
        raise Http404
    return row


class CorrectionView(ScopedSelectorsMixin, TemplateView):
    """更正: the household's and members' data of one application (and its completion date once it is
    completed). Received or returned: written at once; completed: a request to the county office."""

    required_action = CORRECTION_REQUEST
    template_name = "households/correction_form.html"

    def get(self, request, pk):
        app = _get_application(request, pk)
        return self.show(app, *correction_forms(app))

    def post(self, request, pk):
        app = _get_application(request, pk)
        household_form, member_forms, meta = forms = correction_forms(app, request.POST, request.FILES)
        page_errors = []
        if all([household_form.is_valid(), meta.is_valid(), *[f.is_valid() for f in member_forms]]):
            try:
                result = corrections.correction_submit(
                    application=app, actor=request.user, household=household_form.typed(),
                    people={f.person.pk: f.typed() for f in member_forms},
                    completed_on=meta.cleaned_data.get("completed_on") if app.status == app.Status.COMPLETED else None,
                    reason=meta.cleaned_data.get("reason", ""), evidence=meta.cleaned_data.get("evidence"),
                )
            except corrections.CorrectionInvalid as exc:
                page_errors = self._map(exc.section_errors, household_form, member_forms, meta)
            except ValidationError as exc:
                page_errors = self._map({"application": getattr(exc, "message_dict", None) or {"__all__": exc.messages}},
                                        household_form, member_forms, meta)
            else:
                if isinstance(result, CorrectionRequest):
                    messages.success(request, _("更正申请已提交，待县区办公室审核。"))
                    return redirect("households:correction_detail", pk=result.pk)
                messages.success(request, _("信息已更正。"))
                return redirect("households:application_detail", pk=app.pk)
        return self.show(app, *forms, page_errors=page_errors, status=400)

    @staticmethod
    def _map(errors, household_form, member_forms, meta):
        rest = []

        def put(form, field_errors):
            for field, msgs in field_errors.items():
                if form is not None and field in form.fields:
                    form.add_error(field, msgs)
                else:
                    rest.extend(msgs)

        put(household_form, errors.get("household") or {})
        by_pk = {f.person.pk: f for f in member_forms}
        for pk, field_errors in (errors.get("people") or {}).items():
            put(by_pk.get(int(pk)), field_errors)
        put(meta, errors.get("application") or {})
        return rest

    def show(self, app, household_form, member_forms, meta, page_errors=(), status=200):
        context = self.get_context_data(
            app=app, household_form=household_form, member_forms=member_forms, meta=meta,
            page_errors=page_errors, completed=app.status == app.Status.COMPLETED,
            direct=app.status in app.OPEN,
        )
        return self.render_to_response(context, status=status)


class CorrectionListView(ScopedSelectorsMixin, TemplateView):
    """更正申请: the requests of the user's scope, the ones waiting first by default."""

    template_name = "households/correction_list.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = params.read(CorrectionListParams, self.request.GET)
        base = selectors.correction_list(user=self.request.user, state=query["state"] or None)
        page = CountedPaginator(base, self.paginate_by, count_from=base).get_page(query["page"])
        context.update(page=page, rows=corrections.with_lines(page.object_list, self.request.user), chosen=query["state"],
                       states=CorrectionRequest.State.choices,
                       query=urlencode({"state": query["state"]}) if query["state"] else "")
        return context


class CorrectionDetailView(ScopedSelectorsMixin, TemplateView):
    """One correction request: what (before → after per field), why, the evidence, and its moves."""

    template_name = "households/correction_detail.html"

    def get_context_data(self, pk, **kwargs):
        context = super().get_context_data(**kwargs)
        row = corrections.with_lines([_get_correction(self.request, pk)], self.request.user)[0]
        actions = [{"move": m, "url": reverse("households:correction_move", args=[row.pk, m.name])}
                   for m in corrections.correction_moves_for(row, self.request.user)]
        context.update(correction=row, app=row.application, actions=actions)
        return context


class CorrectionMoveView(ScopedSelectorsMixin, View):
    """POST a move of CorrectionRequest.WORKFLOW (the service checks the move's action)."""

    def post(self, request, pk, move):
        row = _get_correction(request, pk)
        if move not in CorrectionRequest.WORKFLOW.moves:
            raise Http404
        form = MoveForm(request.POST)
        form.is_valid()
        try:
            row = corrections.correction_move(correction=row, move=move, actor=request.user,
                                              note=form.cleaned_data.get("note", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("更正申请 #%(id)s：%(s)s。") % {"id": row.pk, "s": row.get_state_display()})
        return redirect("households:correction_detail", pk=pk)


class CorrectionEvidenceView(ScopedSelectorsMixin, View):
    """The evidence scan of a request in the user's scope, for a user who may see an application's
    documents (404 otherwise); never cached."""

    def get(self, request, pk):
        row = _get_correction(request, pk)
        if not row.evidence or not may_see(request.user, APPLICATION, "documents"):
            raise Http404
        extension = row.evidence.name.rsplit(".", 1)[-1]
        response = FileResponse(row.evidence.open("rb"), content_type=row.evidence_type,
                                filename=f"{row.application.number}-correction-{row.pk}.{extension}")
        response["Cache-Control"] = "private, no-store"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


class ApprovalQueueView(ScopedSelectorsMixin, TemplateView):
    """待县级审批: the completions of the county waiting for its approval, the longest waiting first."""

    required_action = COMPLETION_APPROVE
    template_name = "households/approval_queue.html"
    paginate_by = 100

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        base = selectors.approval_queue(user=self.request.user)
        qs = base.annotate(member_count=selectors.member_count(self.request.user))
        page = CountedPaginator(qs, self.paginate_by, count_from=base).get_page(
            params.read(PageParams, self.request.GET)["page"])
        apps = list(page.object_list)
        overdue = _working_days_overdue([app.due_on for app in apps], today)
        context.update(page=page, rows=[(app, overdue.get(app.due_on, 0)) for app in apps], today=today)
        return context


class ApprovalRulesView(ScopedSelectorsMixin, TemplateView):
    """县级审批设定: county × category → the completion needs the county office's approval. A county
    office sets its own county, the city office (staff) and administrators every county."""

    required_action = APPROVAL_RULE_EDIT
    template_name = "households/approval_rules.html"

    def counties(self):
        return list(County.objects.for_user(self.request.user, APPROVAL_RULE_EDIT).order_by("code"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rules = selectors.approval_rules(user=self.request.user)
        rows = [(c, [(value, label, value in rules.get(c.pk, set())) for value, label in Category.choices])
                for c in self.counties()]
        context.update(rows=rows, categories=Category.choices)
        return context

    def post(self, request):
        for county in self.counties():
            wanted = [c for c in Category.values if request.POST.get(f"rule-{county.pk}-{c}")]
            services.approval_rules_set(actor=request.user, county=county, categories=wanted)
        messages.success(request, _("县级审批设定已保存。"))
        return redirect("households:approval_rules")

