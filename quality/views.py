"""The data-quality queue and the duplicate queue (county offices their county, the city all, clerks
their station), and the side-by-side page where the county office decides a probable duplicate."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from households.models import TransferApplication
from nongzhuancheng import params
from nongzhuancheng.scoping import (
    DUPLICATE_DECIDE,
    QUALITY_OVERRIDE,
    QUALITY_VIEW,
    ScopedSelectorsMixin,
    allows,
)

from . import selectors, services
from .forms import DecideForm, DuplicateParams, OverrideForm, QueueParams, county_choices
from .models import DuplicatePair, Finding
from .rules import BY_CODE, SEVERITY_LABELS

PER_PAGE = 50


def _page(request, rows, number):
    return Paginator(rows, PER_PAGE).get_page(number or 1)


class QueueView(ScopedSelectorsMixin, View):
    """数据质量: the open findings of the user's place, counted by rule, listed by rule."""

    required_action = QUALITY_VIEW
    template_name = "quality/queue.html"

    def get(self, request):
        p = params.read(QueueParams, request.GET)
        county_id = p["county"]
        page = _page(request, selectors.findings_list(user=request.user, rule=p["rule"], county_id=county_id,
                                                      overridden=p["overridden"]), p["page"])
        rows = [{"f": f, "rule": BY_CODE.get(f.rule), "severity": SEVERITY_LABELS.get(f.severity, f.severity),
                 "text": BY_CODE[f.rule].text(f.person.name if f.person else "") if f.rule in BY_CODE else f.rule}
                for f in page]
        return render(request, self.template_name, {
            "counts": selectors.rule_counts(user=request.user, county_id=county_id),
            "pairs": selectors.pairs_open(user=request.user, county_id=county_id).count(),
            "page": page, "rows": rows, "p": p, "counties": county_choices(request.user),
            "can_override": allows(request.user, QUALITY_OVERRIDE), "override_form": OverrideForm(),
        })


class FindingOverrideView(ScopedSelectorsMixin, View):
    """POST: let a warning stand with a reason (the finding stays, marked, out of the to-fix list)."""

    required_action = QUALITY_OVERRIDE
    http_method_names = ["post"]

    def post(self, request, pk):
        form = OverrideForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请写明确认理由。"))
            return redirect("quality:queue")
        try:
            services.finding_override(finding=pk, actor=request.user, reason=form.cleaned_data["reason"])
        except Finding.DoesNotExist:
            raise Http404 from None
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已确认保留，理由已记录。"))
        return redirect("quality:queue")


class DuplicateListView(ScopedSelectorsMixin, View):
    """疑似重复: the open pairs of the user's place, counted by basis."""

    required_action = QUALITY_VIEW
    template_name = "quality/duplicates.html"

    def get(self, request):
        p = params.read(DuplicateParams, request.GET)
        page = _page(request, selectors.pairs_list(user=request.user, basis=p["basis"], county_id=p["county"]),
                     p["page"])
        return render(request, self.template_name, {
            "counts": selectors.basis_counts(user=request.user, county_id=p["county"]), "page": page, "p": p,
            "counties": county_choices(request.user),
        })


class DuplicateDetailView(ScopedSelectorsMixin, View):
    """The two records side by side; the county office decides (POST)."""

    required_action = QUALITY_VIEW
    template_name = "quality/duplicate_detail.html"

    def _pair(self, request, pk):
        try:
            return selectors.pair_get(user=request.user, pk=pk)
        except DuplicatePair.DoesNotExist:
            raise Http404 from None

    def get(self, request, pk):
        pair = self._pair(request, pk)
        return self.render(pair, DecideForm(pair=pair))

    def post(self, request, pk):
        pair = self._pair(request, pk)
        if not allows(request.user, DUPLICATE_DECIDE):
            raise PermissionDenied(_("只有县区办公室可以认定重复记录。"))
        form = DecideForm(request.POST, pair=pair)
        if form.is_valid():
            same = form.cleaned_data["decision"] == "same"
            try:
                services.duplicate_decide(pair=pair, actor=request.user, same=same,
                                          keep=int(form.cleaned_data["keep"]) if same else None,
                                          note=form.cleaned_data["note"])
            except (DuplicatePair.DoesNotExist, TransferApplication.DoesNotExist):
                raise Http404 from None
            except ValidationError as exc:
                for field, msgs in (exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]):
                    form.add_error(field if field in form.fields else None, msgs)
            else:
                messages.success(request, _("已认定为同一人，重复的申请已撤回。") if same else _("已认定为不同人，不再提示。"))
                return redirect("quality:duplicates")
        return self.render(pair, form, status=400)

    def render(self, pair, form, status=200):
        fields = ["name", "sex", "birth_date", "ethnicity", "education", "relation", "category"]
        a, b = pair.person_a, pair.person_b
        rows = [{"label": a._meta.get_field(f).verbose_name,
                 "a": getattr(a, f"get_{f}_display", lambda f=f, p=a: getattr(p, f))(),
                 "b": getattr(b, f"get_{f}_display", lambda f=f, p=b: getattr(p, f))(),
                 "differ": getattr(a, f) != getattr(b, f)} for f in fields]
        return render(self.request, self.template_name, {
            "pair": pair, "rows": rows, "form": form, "can_decide": allows(self.request.user, DUPLICATE_DECIDE)
            and pair.state == DuplicatePair.State.OPEN and pair.resolved_at is None,
        }, status=status)
