"""The city office's page of the access log (访问记录) and its export. Read-only: nothing in the
product edits or deletes an event (nongzhuancheng.audit)."""

import datetime
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from .audit import AccessEvent
from .exports import Column, export_response
from .scoping import ACCESS_LOG_VIEW, ScopedSelectorsMixin

EXPORT_LIMIT = 100_000
COLUMNS = [
    Column(_("时间"), "at"),
    Column(_("类别"), "get_kind_display"),
    Column(_("用户名"), "username"),
    Column(_("角色"), "role"),
    Column(_("人员"), "person_id"),
    Column(_("对象"), "subject"),
    Column(_("地址"), "path"),
    Column(_("客户端地址"), "address"),
    Column(_("详情"), lambda e: str(e.detail or "")),
]


def access_event_list(*, filters: dict[str, Any]) -> QuerySet[AccessEvent]:
    """Events newest first, filtered by kind, username, person and day range (ISO dates)."""
    qs = AccessEvent.objects.all()
    if filters.get("kind") in AccessEvent.Kind.values:
        qs = qs.filter(kind=filters["kind"])
    if filters.get("username"):
        qs = qs.filter(username=filters["username"].strip())
    if str(filters.get("person") or "").isdigit():
        qs = qs.filter(person_id=int(filters["person"]))
    for name, lookup in (("from", "at__date__gte"), ("to", "at__date__lte")):
        try:
            qs = qs.filter(**{lookup: datetime.date.fromisoformat(filters.get(name) or "")})
        except ValueError:
            pass
    return qs.order_by("-at", "-id")


class AccessLogView(ScopedSelectorsMixin, TemplateView):
    """Every event for the city office (the policy's ACCESS_LOG_VIEW); ``?format=csv|xlsx`` exports
    the filtered events (itself logged as an export)."""

    required_action = ACCESS_LOG_VIEW
    template_name = "access_log.html"
    paginate_by = 100

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        events = access_event_list(filters=request.GET.dict())
        fmt = request.GET.get("format")
        if fmt:
            rows = list(events[:EXPORT_LIMIT])
            return export_response(rows, COLUMNS, fmt=fmt, filename="access-log", user=request.user,
                                   sheet_title="access-log", request=request, count=len(rows))
        page = Paginator(events, self.paginate_by).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return self.render_to_response(self.get_context_data(
            page=page, events=page.object_list, kinds=AccessEvent.Kind.choices, filters=request.GET,
            query=query.urlencode()))
