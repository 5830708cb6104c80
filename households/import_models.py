"""Spreadsheet import jobs (models registered with the households app).

An ImportJob keeps the uploaded file, what the user chose (all or nothing, or good rows only), the
progress of its preview and its import (rows read, rows written, errors) and the error file, so the
result stays available after the browser is closed. The work itself is in ``households.imports``;
its state moves only as ``ImportJob.WORKFLOW`` allows (``households.imports.jobs.job_move``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nongzhuancheng import roles
from nongzhuancheng.models import County, PoliceStation
from nongzhuancheng.scoping import IMPORT_RUN, ScopedQuerySet
from nongzhuancheng.workflow import Move, Workflow

__all__ = ["ImportJob"]


class ImportJob(models.Model):
    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all_or_nothing", _("全部或全不：有任何错误行则不导入")
        GOOD_ROWS = "good_rows", _("导入正确的行，报告错误行")

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        CHECKING = "checking", _("正在检查")
        CHECKED = "checked", _("检查完成，待确认导入")
        IMPORTING = "importing", _("正在导入")
        DONE = "done", _("导入完成")
        REFUSED = "refused", _("未导入（有错误行）")
        FAILED = "failed", _("失败")
        CANCELLED = "cancelled", _("已取消")

    RUNNING = {State.QUEUED, State.CHECKING, State.IMPORTING}

    # The moves of a job: the user starts the check of an upload and confirms a checked file; the
    # other moves are the system's (a worker's).
    WORKFLOW = Workflow(model_label="households.ImportJob", state_field="state", states=State, moves=[
        Move("start", frozenset({State.QUEUED}), State.QUEUED, _("开始检查"), action=IMPORT_RUN),
        # a worker checks (again, when a task is delivered twice or its worker was lost)
        Move("check", frozenset({State.QUEUED, State.CHECKING}), State.CHECKING, _("检查")),
        Move("checked", frozenset({State.CHECKING}), State.CHECKED, _("检查完成")),
        Move("confirm", frozenset({State.CHECKED}), State.IMPORTING, _("确认导入"), action=IMPORT_RUN, final=True),
        Move("finish", frozenset({State.IMPORTING}), State.DONE, _("导入完成")),
        Move("refuse", frozenset({State.IMPORTING}), State.REFUSED, _("不予导入")),
        Move("fail", frozenset(RUNNING), State.FAILED, _("失败")),
        # the user stops a job that is waiting or running (a running import rolls back: nothing written)
        Move("cancel", frozenset({*RUNNING, State.CHECKED}), State.CANCELLED, _("取消"), action=IMPORT_RUN,
             final=True),
    ])

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("导入人")
    )
    county = models.ForeignKey(
        County, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("县区")
    )
    station = models.ForeignKey(
        PoliceStation, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("派出所")
    )
    file = models.FileField(_("上传文件"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    file_format = models.CharField(_("格式"), max_length=8)
    mode = models.CharField(_("导入方式"), max_length=16, choices=Mode.choices, default=Mode.ALL_OR_NOTHING)
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.QUEUED)
    phase = models.CharField(_("阶段"), max_length=40, blank=True)
    rows_total = models.PositiveIntegerField(_("总行数"), default=0)
    rows_read = models.PositiveIntegerField(_("已读取行数"), default=0)
    rows_error = models.PositiveIntegerField(_("错误行数"), default=0)
    rows_skipped = models.PositiveIntegerField(_("已导入过而跳过的行数"), default=0)
    rows_written = models.PositiveIntegerField(_("已写入行数"), default=0)
    households_new = models.PositiveIntegerField(_("新建户数"), default=0)
    people_new = models.PositiveIntegerField(_("新建人数"), default=0)
    applications_new = models.PositiveIntegerField(_("新建申请数"), default=0)
    errors = models.JSONField(_("错误（前若干条）"), default=list, blank=True)
    # the preview: the first rows as read, and the first error rows whole (ID numbers masked)
    preview_rows = models.JSONField(_("预览的前几行"), default=list, blank=True)
    error_rows = models.JSONField(_("错误行（前若干行）"), default=list, blank=True)
    error_file = models.FileField(_("错误行文件"), upload_to="imports/%Y/%m/", blank=True)
    # what the preview validated, written by the confirm without validating again (imports.validated)
    validated_file = models.FileField(_("检查结果文件"), upload_to="imports/%Y/%m/", blank=True)
    message = models.TextField(_("说明"), blank=True)
    timings = models.JSONField(_("耗时（秒）"), default=dict, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # written by the worker while it reads and writes: a running job without one for a while is dead
    heartbeat_at = models.DateTimeField(_("最近一次心跳"), null=True, blank=True)
    # when the job was last handed to a worker (its check, or its import once confirmed): its queue age
    queued_at = models.DateTimeField(_("排队时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_county = "county"
    scope_station = "station"

    @classmethod
    def scope_for_user(cls, queryset, user, assignment):
        """A job and its files (the upload, the error rows with whole ID numbers) are seen by whom
        made it and by the county office of its county; never by the city-wide reading roles."""
        if assignment.role == roles.COUNTY_OFFICER:
            return queryset.filter(county_id=assignment.county_id)
        if assignment.role == roles.CLERK:
            return queryset.filter(created_by_id=user.pk, station_id=assignment.station_id)
        return queryset.none()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")

    def __str__(self):
        return f"{self.original_name} ({self.get_state_display()})"

    @property
    def is_running(self):
        return self.state in self.RUNNING

    @property
    def error_rows_left(self):
        """Error rows the page does not list (the error file has them all)."""
        return max(0, self.rows_error - len(self.error_rows or []))

    @property
    def confirmable(self):
        """Whether confirming can import anything: not when all-or-nothing can only refuse."""
        if not self.people_new:
            return False
        return not (self.rows_error and self.mode == self.Mode.ALL_OR_NOTHING)

    @property
    def percent(self):
        if not self.rows_total:
            return 0
        if self.state == self.State.IMPORTING:  # read and check again, then write
            return min(100, int((self.rows_read + self.rows_written) * 50 / self.rows_total))
        return min(100, int(self.rows_read * 100 / self.rows_total))
