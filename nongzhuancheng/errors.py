"""The error pages (400, 403, 404, 500): in the user's language, with the site's navigation, never a
traceback. Under /api/ they answer JSON ``{"detail": …}`` like the API's own errors.

The 500 page renders without the database and without the signed-in user (the failure may be the
database itself): it is drawn as for an anonymous visitor, and shows the request id that the log line
of the exception carries (nongzhuancheng.request_id).
"""

import logging
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext

from . import request_id

logger = logging.getLogger(__name__)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _page(request: HttpRequest, template: str, status: int, message: str = "", **extra: Any) -> HttpResponse:
    context = {"status": status, "message": message, "request_id": getattr(request, "id", None) or request_id.current(), **extra}
    body = loader.get_template(template).render(context, request)
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    from .params import BadParameters

    if isinstance(exception, BadParameters):
        lines = exception.lines()
    else:
        lines = []
    if _is_api(request):
        detail = "；".join(lines) or gettext("请求有误。")
        return JsonResponse({"detail": detail}, status=400)
    return _page(request, "400.html", 400, lines=lines)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": gettext("您没有执行该操作的权限。")}, status=403)
    return _page(request, "403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": gettext("未找到。")}, status=404)
    return _page(request, "404.html", 404)


class _Anonymous:
    """What base.html reads of a request, for a page drawn without the session and database."""

    def __init__(self, request: HttpRequest) -> None:
        self.path = request.path
        self.user = AnonymousUser()
        self.id = getattr(request, "id", None) or request_id.current()
        self._full_path = request.path

    def get_full_path(self) -> str:
        return self._full_path


def server_error(request: HttpRequest) -> HttpResponse:
    reference = getattr(request, "id", None) or request_id.current()
    if _is_api(request):
        return JsonResponse({"detail": gettext("服务器出错，请稍后再试。"), "request_id": reference}, status=500)
    context: dict[str, Any] = {"status": 500, "request_id": reference, "user": AnonymousUser(), "request": _Anonymous(request),
               "nzc_actions": frozenset(), "nzc_assignment": None}
    try:
        body = loader.get_template("500.html").render(context)  # no context processors: no database
    except Exception:  # the page itself must not fail: a plain line with the reference
        logger.exception("the 500 page could not be drawn")
        body = f"<!DOCTYPE html><title>500</title><p>{gettext('服务器出错，请稍后再试。')} {reference}</p>"
    return HttpResponse(body, status=500)
