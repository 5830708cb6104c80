"""The access log: who signed in (or failed to), who saw a whole ID number, who exported or imported
what, who downloaded a bulletin, who was refused an object out of scope.

Append-only. ``record()`` is the one writer; it writes on commit of the surrounding transaction (a
refusal inside a rolled-back request is still written: it runs in its own transaction when there
is none). The model refuses an update or a delete of a saved row, the admin is read-only and the API
has no endpoint that writes it. Rows older than ``NZC_ACCESS_LOG_RETENTION_DAYS`` are removed only by
``manage.py access_log_purge`` (the one way out, run by the operator, not by the product).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessEventQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("the access log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("the access log is append-only (use manage.py access_log_purge)")

    def _purge_before(self, cutoff: datetime.datetime) -> int:
        """The purge command's delete (the one way rows leave the log)."""
        return models.QuerySet.delete(self.filter(at__lt=cutoff))[0]


class AccessEvent(models.Model):
    """One access worth knowing about later. ``person_id`` / ``subject`` name what was seen."""

    class Kind(models.TextChoices):
        SIGN_IN = "sign_in", _("登录")
        SIGN_OUT = "sign_out", _("退出")
        SIGN_IN_FAILED = "sign_in_failed", _("登录失败")
        ID_VIEW = "id_view", _("查看完整身份号码")
        ID_CHECK = "id_check", _("身份号码查重")
        ID_SEARCH = "id_search", _("按身份号码查找")
        EXPORT = "export", _("导出")
        IMPORT = "import", _("导入")
        BULLETIN_DOWNLOAD = "bulletin_download", _("下载旬报")
        REFUSED = "refused", _("拒绝访问")
        ID_CHANGE = "id_change", _("更正身份号码")
        ATTACHMENT_ADD = "attachment_add", _("上传证件扫描件")
        ATTACHMENT_VIEW = "attachment_view", _("查看证件扫描件")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    role = models.CharField(_("角色"), max_length=20, blank=True)
    person_id = models.BigIntegerField(_("人员"), null=True, blank=True, db_index=True)
    subject = models.CharField(_("对象"), max_length=200, blank=True)
    path = models.CharField(_("地址"), max_length=300, blank=True)
    address = models.CharField(_("客户端地址"), max_length=45, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("访问记录")
        verbose_name_plural = _("访问记录")
        ordering = ["-at", "-id"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.get_kind_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("the access log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("the access log is append-only")


def _client_address(request: Any) -> str:
    if request is None:
        return ""
    header = getattr(settings, "NZC_CLIENT_ADDRESS_HEADER", "")
    value = request.META.get(header, "") if header else ""
    value = (value.split(",")[0].strip() if value else "") or request.META.get("REMOTE_ADDR", "")
    return value[:45]


def record(kind: str, *, request: Any = None, user: Any = None, person_id: int | None = None,
           subject: str = "", detail: dict[str, Any] | None = None, username: str = "") -> None:
    """Append one event after the current transaction commits (at once when there is none)."""
    from .scoping import role_of

    user = user if user is not None else getattr(request, "user", None)
    signed_in = bool(user is not None and getattr(user, "is_authenticated", False))
    event = AccessEvent(
        kind=kind,
        user=user if signed_in else None,
        username=(user.get_username() if signed_in else username)[:150],
        role=(role_of(user) or "") if signed_in else "",
        person_id=person_id,
        subject=str(subject)[:200],
        path=(request.get_full_path() if request is not None else "")[:300],
        address=_client_address(request),
        detail=detail or {},
    )
    transaction.on_commit(event.save, robust=True)


def purge(*, today: datetime.date | None = None) -> int:
    """Remove the events older than the retention setting; returns how many."""
    days = settings.NZC_ACCESS_LOG_RETENTION_DAYS
    now = timezone.now() if today is None else timezone.make_aware(
        datetime.datetime.combine(today, datetime.time.min))
    return AccessEvent.objects.all()._purge_before(now - datetime.timedelta(days=days))


def person_viewers(person_id: int) -> models.QuerySet[AccessEvent]:
    """Who looked at this person's whole ID number (newest first)."""
    return AccessEvent.objects.filter(person_id=person_id)
