"""Pages of the city office's supervision work. Views validate input and call services or selectors;
every row is fetched through the user's scope (out of scope: 404)."""

import datetime

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView

from nongzhuancheng import params
from nongzhuancheng.confirm import confirmation_page
from nongzhuancheng.scoping import (
    ASSESSMENT_EDIT,
    OVERSIGHT_RECORD,
    PROBLEM_RAISE,
    NoScopedRowsMixin,
    ScopedObjectsMixin,
    ScopedSelectorsMixin,
    actions_of,
    allows,
    require,
    role_of,
)

from . import documents, inspections, selectors, services
from .forms import (
    CorrectionForm,
    NoteForm,
    PeriodParams,
    ProblemForm,
    ProblemListParams,
    ProblemMoveForm,
    PublicityForm,
    ScoreForm,
    YearParams,
)
from .models import (
    CITY_OFFICE,
    AssessmentRevision,
    AssessmentScheme,
    Finding,
    Problem,
    PublicityRecord,
    Rule,
    SchemeItem,
)


def _errors(request, exc):
    for message in getattr(exc, "messages", [str(exc)]):
        messages.error(request, message)


def _in_scope(call):
    """Run a service call; a row out of the user's scope answers 404 like a missing one."""
    try:
        return call()
    except ObjectDoesNotExist:
        raise Http404 from None


class OverviewView(ScopedSelectorsMixin, TemplateView):
    template_name = "oversight/overview.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            schemes=selectors.scheme_list(user=user), counts=selectors.problem_counts(user=user),
            overdue=selectors.problem_overdue_list(user=user)[:10], actions=actions_of(user), **kwargs)


# Assessment -----------------------------------------------------------------------------------

class SchemeDetailView(ScopedObjectsMixin, DetailView):
    model = AssessmentScheme
    template_name = "oversight/scheme_detail.html"
    context_object_name = "scheme"

    def get_context_data(self, **kwargs):
        ranking = selectors.assessment_ranking(scheme=self.object, user=self.request.user)
        return super().get_context_data(ranking=ranking, can_edit=allows(self.request.user, ASSESSMENT_EDIT), **kwargs)


class SchemePdfView(ScopedObjectsMixin, DetailView):
    model = AssessmentScheme

    def get(self, request, *args, **kwargs):
        scheme = self.get_object()
        data = documents.assessment_report_pdf(scheme=scheme, user=request.user)
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="assessment-{scheme.year}-{scheme.group}.pdf"'
        return response


class SchemeStartView(NoScopedRowsMixin, View):
    required_action = ASSESSMENT_EDIT

    def post(self, request, pk):
        scheme = _in_scope(lambda: AssessmentScheme.objects.for_user(request.user, ASSESSMENT_EDIT).get(pk=pk))
        made = services.assessment_start_all(scheme=scheme, actor=request.user)
        messages.success(request, _("已生成 %(n)s 份考核草稿。") % {"n": len(made)})
        return redirect("oversight:scheme_detail", pk=scheme.pk)


class RevisionDetailView(ScopedObjectsMixin, DetailView):
    model = AssessmentRevision
    template_name = "oversight/revision_detail.html"
    context_object_name = "revision"

    def get_queryset(self):
        return super().get_queryset().select_related("assessment__scheme", "assessment__county",
                                                     "assessment__member_unit", "corrects")

    def get_context_data(self, **kwargs):
        revision = self.object
        user = self.request.user
        can_edit = allows(user, ASSESSMENT_EDIT) and revision.state == AssessmentRevision.State.DRAFT
        return super().get_context_data(
            scores=revision.scores.select_related("item", "entered_by"), events=revision.events.select_related("actor"),
            diff=selectors.revision_diff(revision=revision), moves=AssessmentRevision.WORKFLOW.moves_for(revision, user),
            can_edit=can_edit, can_correct=allows(user, ASSESSMENT_EDIT) and revision.state == "published",
            manual=Rule.MANUAL, score_form=ScoreForm(), note_form=NoteForm(), correction_form=CorrectionForm(),
            others=revision.assessment.revisions.for_user(user).order_by("number"), **kwargs)


def _confirm(request, model, pk, move, back):
    """The confirmation page of a final move of ``model``'s table (the row in scope first: 404)."""
    if move not in model.WORKFLOW.moves:
        return None  # the service refuses an unknown move with its message
    found = model.WORKFLOW.get(move)
    if found.action is not None:
        require(request.user, found.action)  # a role without the action: 403, as the service answers
    row = _in_scope(lambda: model.objects.for_user(request.user).get(pk=pk))
    return confirmation_page(request, move=found, subject=str(row), back=back)


class RevisionMoveView(NoScopedRowsMixin, View):
    def post(self, request, pk, move):
        page = _confirm(request, AssessmentRevision, pk, move, reverse("oversight:revision_detail", args=[pk]))
        if page is not None:
            return page
        form = NoteForm(request.POST)
        form.is_valid()
        try:
            _in_scope(lambda: services.revision_move(revision=pk, move=move, actor=request.user,
                                                     note=form.cleaned_data.get("note", "")))
        except ValidationError as exc:
            _errors(request, exc)
        return redirect("oversight:revision_detail", pk=pk)


class RevisionScoreView(NoScopedRowsMixin, View):
    required_action = ASSESSMENT_EDIT

    def post(self, request, pk, item):
        revision = _in_scope(lambda: AssessmentRevision.objects.for_user(request.user, ASSESSMENT_EDIT).get(pk=pk))
        item = _in_scope(lambda: SchemeItem.objects.get(pk=item, scheme_id=revision.assessment.scheme_id))
        form = ScoreForm(request.POST, request.FILES)
        if not form.is_valid():
            for errors in form.errors.values():
                for e in errors:
                    messages.error(request, e)
            return redirect("oversight:revision_detail", pk=pk)
        try:
            services.score_enter(revision=revision, item=item, score=form.cleaned_data["score"],
                                 comment=form.cleaned_data["comment"], evidence=form.cleaned_data.get("evidence"),
                                 actor=request.user)
        except ValidationError as exc:
            _errors(request, exc)
        return redirect("oversight:revision_detail", pk=pk)


class RevisionRecomputeView(NoScopedRowsMixin, View):
    required_action = ASSESSMENT_EDIT

    def post(self, request, pk):
        revision = _in_scope(lambda: AssessmentRevision.objects.for_user(request.user, ASSESSMENT_EDIT).get(pk=pk))
        try:
            services.revision_recompute(revision=revision, actor=request.user)
        except ValidationError as exc:
            _errors(request, exc)
        return redirect("oversight:revision_detail", pk=pk)


class RevisionCorrectView(NoScopedRowsMixin, View):
    required_action = ASSESSMENT_EDIT

    def post(self, request, pk):
        revision = _in_scope(lambda: AssessmentRevision.objects.for_user(request.user, ASSESSMENT_EDIT).get(pk=pk))
        try:
            new = services.assessment_correct(revision=revision, actor=request.user,
                                              reason=request.POST.get("reason", ""))
        except ValidationError as exc:
            _errors(request, exc)
            return redirect("oversight:revision_detail", pk=pk)
        return redirect("oversight:revision_detail", pk=new.pk)


# Publicity and funding ------------------------------------------------------------------------

def _names_holder(user) -> bool:
    """The city office names the county or unit it records for; the others record their own."""
    return role_of(user) in CITY_OFFICE


class PublicityView(ScopedSelectorsMixin, TemplateView):
    template_name = "oversight/publicity.html"

    def get_context_data(self, form=None, **kwargs):
        today = timezone.localdate()
        query = params.read(PeriodParams, self.request.GET)
        start = query["start"] or today.replace(month=1, day=1)
        end = query["end"] or today
        rows, total = selectors.publicity_totals(user=self.request.user, start=start, end=end)
        return super().get_context_data(
            start=start, end=end, rows=rows, total=total, form=form or PublicityForm(names_holder=_names_holder(self.request.user)),
            can_record=allows(self.request.user, OVERSIGHT_RECORD),
            recent=PublicityRecord.objects.for_user(self.request.user).select_related("county", "member_unit")[:20],
            **kwargs)

    def post(self, request):
        form = PublicityForm(request.POST, names_holder=_names_holder(request.user))
        if form.is_valid():
            data = form.cleaned_data
            try:
                _in_scope(lambda: services.publicity_record(
                    actor=request.user, held_on=data["held_on"], media_campaigns=data["media_campaigns"],
                    onsite_events=data["onsite_events"], leaflets=data["leaflets"], description=data["description"],
                    county=data.get("county"), member_unit=data.get("member_unit")))
            except ValidationError as exc:
                _errors(request, exc)
                return self.render_to_response(self.get_context_data(form=form), status=400)
            messages.success(request, _("宣传记录已登记。"))
            return redirect("oversight:publicity")
        return self.render_to_response(self.get_context_data(form=form), status=400)


class FundingView(ScopedSelectorsMixin, TemplateView):
    template_name = "oversight/funding.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        query = params.read(YearParams, self.request.GET)
        year = query["year"] or today.year
        as_of = query["as_of"] or min(today, datetime.date(year, 12, 31))
        rows = selectors.funding_totals(user=self.request.user, year=year, as_of=as_of)
        return super().get_context_data(year=year, as_of=as_of, rows=rows,
                                        by_kind=selectors.funding_by_kind(rows).values(), **kwargs)


# Problems -------------------------------------------------------------------------------------

class ProblemListView(ScopedSelectorsMixin, TemplateView):
    template_name = "oversight/problem_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        show = params.read(ProblemListParams, self.request.GET)["show"] or "open"
        if show == "overdue":
            problems = selectors.problem_overdue_list(user=user)
        elif show == "all":
            problems = selectors.problem_list(user=user)
        else:
            show = "open"
            problems = selectors.problem_open_list(user=user)
        return super().get_context_data(problems=problems, show=show, today=timezone.localdate(),
                                        can_raise=allows(user, PROBLEM_RAISE), **kwargs)


class ProblemNewView(NoScopedRowsMixin, FormView):
    required_action = PROBLEM_RAISE
    template_name = "oversight/problem_new.html"
    form_class = ProblemForm

    def form_valid(self, form):
        try:
            problem = services.problem_raise(actor=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("问题已反馈，答复时限为 %(d)s。") % {"d": problem.due_on})
        return redirect("oversight:problem_detail", pk=problem.pk)


class ProblemDetailView(ScopedObjectsMixin, DetailView):
    model = Problem
    template_name = "oversight/problem_detail.html"
    context_object_name = "problem"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            moves=Problem.WORKFLOW.moves_for(self.object, self.request.user), form=ProblemMoveForm(),
            events=self.object.events.select_related("actor"), today=timezone.localdate(), **kwargs)


class ProblemMoveView(NoScopedRowsMixin, View):
    def post(self, request, pk, move):
        page = _confirm(request, Problem, pk, move, reverse("oversight:problem_detail", args=[pk]))
        if page is not None:
            return page
        form = ProblemMoveForm(request.POST)
        form.is_valid()
        data = getattr(form, "cleaned_data", {})
        try:
            _in_scope(lambda: services.problem_move(problem=pk, move=move, actor=request.user,
                                                    note=data.get("note", ""), assigned_to=data.get("assigned_to")))
        except ValidationError as exc:
            _errors(request, exc)
        return redirect("oversight:problem_detail", pk=pk)


# Inspections and the timetable ----------------------------------------------------------------

class InspectionListView(ScopedSelectorsMixin, TemplateView):
    template_name = "oversight/inspections.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        today = timezone.localdate()
        year = params.read(YearParams, self.request.GET)["year"] or today.year
        return super().get_context_data(
            inspections=inspections.inspection_list(user=user), findings=inspections.finding_list(user=user),
            overdue=inspections.finding_overdue_list(user=user), next_round=inspections.next_round_due(),
            timetable=inspections.timetable(user=user, year=year), year=year, today=today, **kwargs)


class FindingDetailView(ScopedObjectsMixin, DetailView):
    model = Finding
    template_name = "oversight/finding_detail.html"
    context_object_name = "finding"

    def get_context_data(self, **kwargs):
        return super().get_context_data(moves=Finding.WORKFLOW.moves_for(self.object, self.request.user),
                                        events=self.object.events.select_related("actor"), **kwargs)


class FindingMoveView(NoScopedRowsMixin, View):
    def post(self, request, pk, move):
        page = _confirm(request, Finding, pk, move, reverse("oversight:finding_detail", args=[pk]))
        if page is not None:
            return page
        try:
            _in_scope(lambda: inspections.finding_move(finding=pk, move=move, actor=request.user,
                                                       note=request.POST.get("note", "")))
        except ValidationError as exc:
            _errors(request, exc)
        return redirect("oversight:finding_detail", pk=pk)
