"""Background exports (models registered with the households app).

An export of more rows than ``settings.NZC_EXPORT_INLINE_ROWS`` is not built inside the request: an
ExportJob keeps what was asked (list, format, filters), the progress of the worker that streams the
rows into a file, and the file, offered to the user who asked, and only to them, until
``expires_at``. Its state moves only as ``ExportJob.WORKFLOW`` allows (``households.export_jobs``).
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nongzhuancheng.workflow import Move, Workflow

__all__ = ["ExportJob"]


class ExportJobQuerySet(models.QuerySet):
    def for_user(self, user: Any, action: Any = None) -> "ExportJobQuerySet":
        """A user's own exports only: the file holds rows of the asker's scope and masking."""
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(created_by=user)


class ExportJob(models.Model):
    class Kind(models.TextChoices):
        APPLICATIONS = "applications", _("转户申请")
        PEOPLE = "people", _("转户人员")

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("正在导出")
        DONE = "done", _("已完成，可下载")
        FAILED = "failed", _("失败")
        EXPIRED = "expired", _("已过期（文件已删除）")

    RUNNING_STATES = {State.QUEUED, State.RUNNING}

    # Every move is the system's (the exports worker and the expiry task); the user only asks.
    WORKFLOW = Workflow(model_label="households.ExportJob", state_field="state", states=State, moves=[
        Move("start", frozenset({State.QUEUED, State.RUNNING}), State.RUNNING, _("开始导出")),  # again if redelivered
        Move("finish", frozenset({State.RUNNING}), State.DONE, _("导出完成")),
        Move("fail", frozenset(RUNNING_STATES), State.FAILED, _("失败")),
        Move("expire", frozenset({State.DONE, State.FAILED}), State.EXPIRED, _("过期")),
    ])

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("导出人")
    )
    kind = models.CharField(_("导出内容"), max_length=16, choices=Kind.choices)
    file_format = models.CharField(_("格式"), max_length=8)
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.QUEUED)
    rows_total = models.PositiveIntegerField(_("总行数"), default=0)
    rows_written = models.PositiveIntegerField(_("已写入行数"), default=0)
    file = models.FileField(_("导出文件"), upload_to="exports/%Y/%m/", blank=True)
    message = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("下载截止时间"), null=True, blank=True)
    # written by the worker while it writes the file: a running job without one for a while is dead
    heartbeat_at = models.DateTimeField(_("最近一次心跳"), null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}.{self.file_format} #{self.pk}"

    @property
    def is_running(self) -> bool:
        return self.state in self.RUNNING_STATES

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return min(99, self.rows_written * 100 // self.rows_total) if self.rows_total else 0
