"""Bulletin pages: the list, the HTML version with its diff against the previous revision, the PDF
download and the request form (preview of the current period or re-issue of a past one)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, View

from nongzhuancheng.models import County
from nongzhuancheng.periods import Period, last_ended_period, periods_of_year
from nongzhuancheng.scoping import ScopedViewMixin, ScopeExemptMixin, assignment_of, role_of

from . import selectors, services
from .models import Bulletin


def requestable_counties(user):
    """Counties whose bulletin the user may ask for (None stands for the city bulletin)."""
    role = role_of(user)
    if role in ("admin", "city_reader"):
        return [None, *County.objects.all()]
    if role == "county_officer":
        return [assignment_of(user).county]
    return []


class BulletinListView(ScopedViewMixin, ListView):
    model = Bulletin
    template_name = "reports/bulletin_list.html"
    context_object_name = "bulletins"
    paginate_by = 50

    def get_queryset(self):
        return super().get_queryset().select_related("county")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = timezone.localdate()
        current = Period.containing(today)
        years = sorted({today.year, *Bulletin.objects.for_user(self.request.user)
                        .values_list("year", flat=True).distinct().order_by()}, reverse=True)
        ctx["request_scopes"] = requestable_counties(self.request.user)
        ctx["request_periods"] = [p for y in years for p in reversed(periods_of_year(y)) if p <= current]
        ctx["default_period"] = last_ended_period(today)
        ctx["current_period"] = current
        return ctx


class BulletinDetailView(ScopedViewMixin, DetailView):
    model = Bulletin
    template_name = "reports/bulletin_detail.html"
    context_object_name = "bulletin"

    def get_queryset(self):
        return super().get_queryset().select_related("county", "requested_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        bulletin = self.object
        previous = selectors.bulletin_previous_revision(bulletin=bulletin)
        ctx["previous"] = previous
        if previous is not None and bulletin.is_issued:
            ctx["changes"] = selectors.bulletin_diff(old=previous.figures, new=bulletin.figures)
        ctx["revisions"] = (
            Bulletin.objects.for_user(self.request.user).for_period(bulletin.period)
            .filter(scope=bulletin.scope).order_by("revision")
        )
        ctx["f"] = bulletin.figures
        ctx["can_reissue"] = services.bulletin_can_request(user=self.request.user, county=bulletin.county)
        return ctx


class BulletinPdfView(ScopedViewMixin, DetailView):
    model = Bulletin

    def get(self, request, *args, **kwargs):
        bulletin = self.get_object()
        if not bulletin.is_issued or not bulletin.pdf:
            raise Http404(_("这期旬报还没有生成 PDF。"))
        name = _("昭通市农转城工作旬报%(title)s%(scope)s%(revision)s.pdf") % {
            "title": bulletin.title, "scope": bulletin.scope_label, "revision": bulletin.revision_label.strip()}
        return FileResponse(bulletin.pdf.open("rb"), as_attachment=True, filename=name,
                            content_type="application/pdf")


class BulletinRequestView(ScopeExemptMixin, View):
    """POST: ask for a bulletin (preview of the current period, or a re-issue of a past one)."""

    http_method_names = ["post"]

    def post(self, request):
        try:
            period = Period.parse(request.POST.get("period", ""))
        except ValueError:
            messages.error(request, _("请选择一个旬。"))
            return redirect("reports:bulletin_list")
        code = request.POST.get("county", "")
        county = None
        if code:
            county = County.objects.filter(code=code).first()
            if county is None or county not in requestable_counties(request.user):
                raise Http404(_("没有这个县区。"))
        try:
            bulletin, created = services.bulletin_request(
                period=period, county=county, actor=request.user, reissue=bool(request.POST.get("reissue")),
            )
        except PermissionDenied:
            raise
        except ValueError:
            messages.error(request, _("这个旬还没有开始。"))
            return redirect("reports:bulletin_list")
        if created:
            messages.success(request, _("已提交生成旬报，完成后将通知您。"))
        else:
            messages.info(request, _("这期旬报已经存在；如需重新印发，请勾选“重新印发”。"))
        return redirect("reports:bulletin_detail", pk=bulletin.pk)
