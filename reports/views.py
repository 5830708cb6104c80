"""Bulletin pages: the list, the HTML version with its diff against the previous revision, the PDF
download and the request form (preview of the current period or re-issue of a past one).

Who may ask for which bulletin is ``reports.selectors.bulletin_scopes_requestable`` and its
siblings; the request itself is checked again by the service."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, View

from nongzhuancheng.audit import AccessEvent, record
from nongzhuancheng.periods import Period, last_ended_period, periods_of_year
from nongzhuancheng.scoping import BULLETIN_REQUEST, NoScopedRowsMixin, ScopedObjectsMixin
from quotas import selectors as quota_selectors

from . import selectors, services
from .models import Bulletin


class BulletinListView(ScopedObjectsMixin, ListView):
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
        # every year with a target (a past year's bulletins can be asked for again), those with
        # bulletins, and this year
        years = sorted({today.year, *quota_selectors.target_years(),
                        *Bulletin.objects.for_user(self.request.user)
                        .values_list("year", flat=True).distinct().order_by()}, reverse=True)
        ctx["request_scopes"] = selectors.bulletin_scopes_requestable(user=self.request.user)
        ctx["request_periods"] = [p for y in years for p in reversed(periods_of_year(y)) if p <= current]
        ctx["default_period"] = last_ended_period(today)
        ctx["current_period"] = current
        return ctx


class BulletinDetailView(ScopedObjectsMixin, DetailView):
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
        ctx["can_reissue"] = selectors.bulletin_scope_requestable(user=self.request.user, county=bulletin.county)
        return ctx


class BulletinPdfView(ScopedObjectsMixin, DetailView):
    model = Bulletin

    def get(self, request, *args, **kwargs):
        bulletin = self.get_object()
        if not bulletin.is_issued or not bulletin.pdf:
            raise Http404(_("这期旬报还没有生成 PDF。"))
        name = _("昭通市农转城工作旬报%(title)s%(scope)s%(revision)s.pdf") % {
            "title": bulletin.title, "scope": bulletin.scope_label, "revision": bulletin.revision_label.strip()}
        record(AccessEvent.Kind.BULLETIN_DOWNLOAD, request=request, subject=str(name)[:200],
               detail={"bulletin": bulletin.pk})
        return FileResponse(bulletin.pdf.open("rb"), as_attachment=True, filename=name,
                            content_type="application/pdf")


class BulletinRequestView(NoScopedRowsMixin, View):
    """POST: ask for a bulletin (preview of the current period, or a re-issue of a past one).

    A role that may not ask for bulletins answers 403, a county outside the user's place 404 (like
    one that does not exist); the city bulletin without BULLETIN_REQUEST_CITY 403 (the service)."""

    http_method_names = ["post"]
    required_action = BULLETIN_REQUEST

    def post(self, request):
        try:
            period = Period.parse(request.POST.get("period", ""))
        except ValueError:
            messages.error(request, _("请选择一个旬。"))
            return redirect("reports:bulletin_list")
        code = request.POST.get("county", "")
        county = None
        if code:
            county = selectors.bulletin_counties_requestable(user=request.user).filter(code=code).first()
            if county is None:
                raise Http404(_("没有这个县区。"))
        try:
            bulletin, created = services.bulletin_request(
                period=period, county=county, actor=request.user, reissue=bool(request.POST.get("reissue")),
            )
        except ValueError:
            messages.error(request, _("这个旬还没有开始。"))
            return redirect("reports:bulletin_list")
        if created:
            messages.success(request, _("已提交生成旬报，完成后将通知您。"))
        else:
            messages.info(request, _("这期旬报已经存在；如需重新印发，请勾选“重新印发”。"))
        return redirect("reports:bulletin_detail", pk=bulletin.pk)
