"""Scans of the documents checked at the window (户口簿, 身份证, proof of category), per application.

The files live in NZC_PRIVATE_ROOT, outside MEDIA_ROOT: no URL of the web server reaches them; the
only way to read one is the scoped view ``households:attachment_file``.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _

from nongzhuancheng.scoping import ScopedQuerySet

__all__ = ["Attachment"]


class PrivateStorage(FileSystemStorage):
    """Files under settings.NZC_PRIVATE_ROOT (read at each use), with no URL of their own."""

    @property  # type: ignore[override]
    def base_location(self) -> str:
        return str(settings.NZC_PRIVATE_ROOT)

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("private files have no URL: use the view households:attachment_file")


def private_storage() -> FileSystemStorage:
    return PrivateStorage()


class Attachment(models.Model):
    class Kind(models.TextChoices):
        HUKOU_BOOK = "hukou_book", _("户口簿")
        ID_CARD = "id_card", _("居民身份证")
        CATEGORY_PROOF = "category_proof", _("转户类别证明")

    application = models.ForeignKey("households.TransferApplication", models.CASCADE, related_name="attachments",
                                    verbose_name=_("转户申请"))
    kind = models.CharField(_("材料"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("扫描件"), upload_to="attachments/%Y/%m/", storage=private_storage)
    content_type = models.CharField(_("文件类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(_("原文件名"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_county = "application__county"
    scope_station = "application__station"

    class Meta:
        ordering = ["application", "kind", "id"]
        verbose_name = _("材料扫描件")
        verbose_name_plural = _("材料扫描件")

    def __str__(self) -> str:
        return f"{self.application} {self.get_kind_display()}"
