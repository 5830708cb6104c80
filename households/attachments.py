"""Adding and reading the scans of an application's documents (households.Attachment).

A scan is accepted only when its content is a PDF, a JPEG or a PNG (the first bytes decide, never the
name or the browser's claim) and not larger than NZC_ATTACHMENT_MAX_BYTES. Images are decoded and
written again by Pillow, which keeps the pixels and drops everything else: EXIF (camera, time, the
GPS position of the phone that took the photo), XMP, comments and any bytes appended after the image.
PDFs are kept as they are (their text is the document).
"""

from __future__ import annotations

import hashlib
import io
import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from nongzhuancheng.audit import AccessEvent, record
from nongzhuancheng.scoping import APPLICATION_MOVE, require

from .attachment_models import Attachment

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from .models import TransferApplication

logger = logging.getLogger("nongzhuancheng.access")

SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)
Image.MAX_IMAGE_PIXELS = 60_000_000  # a 600 dpi A4 page is about 35 M pixels; refuse bombs beyond


def sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) read from a file's first bytes, or None for anything else."""
    for magic, content_type, extension in SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    return None


def strip_image(data: bytes, content_type: str) -> bytes:
    """The image re-encoded without metadata (ValidationError when it does not decode)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            out = io.BytesIO()
            clean = image.convert("RGB") if content_type == "image/jpeg" and image.mode not in ("RGB", "L") \
                else image.copy()
            clean.info = {}  # no EXIF, XMP, ICC profile, comments or text chunks are written back
            clean.save(out, format="JPEG" if content_type == "image/jpeg" else "PNG", optimize=True,
                       **({"quality": 90} if content_type == "image/jpeg" else {}))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as exc:
        raise ValidationError(_("图片无法读取，文件可能已损坏。")) from exc
    return out.getvalue()


def attachment_add(*, application: TransferApplication, kind: str, upload: UploadedFile, actor: Any) -> Attachment:
    """Store one scan of ``application``'s document ``kind`` (the caller fetched the application
    through the scoped selector; the policy is checked here)."""
    require(actor, APPLICATION_MOVE)
    if kind not in Attachment.Kind.values:
        raise ValidationError(_("请选择材料种类。"))
    data, content_type, extension = scan_read(upload)
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        attachment = Attachment(
            application=application, kind=kind, content_type=content_type, size=len(data), sha256=digest,
            original_name=(upload.name or "")[:200], uploaded_by=actor,
        )
        attachment.file.save(f"{application.pk}-{kind}-{digest[:16]}.{extension}", ContentFile(data), save=False)
        attachment.save()
    log_access("attachment.add", actor, attachment)
    return attachment


def scan_read(upload: UploadedFile) -> tuple[bytes, str, str]:
    """(the bytes to keep, content type, extension) of an uploaded scan: a PDF, JPEG or PNG by its
    first bytes, within NZC_ATTACHMENT_MAX_BYTES, images re-encoded without metadata. ValidationError
    otherwise. Also the evidence of a correction request (households.corrections)."""
    limit = settings.NZC_ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationError(_("文件超过 %(mb)s MB 上限。") % {"mb": limit // (1024 * 1024)})
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(_("文件超过 %(mb)s MB 上限。") % {"mb": limit // (1024 * 1024)})
    found = sniff(data[:16])
    if found is None:
        raise ValidationError(_("只接受 PDF、JPEG 或 PNG 格式的扫描件。"))
    content_type, extension = found
    if content_type != "application/pdf":
        data = strip_image(data, content_type)
    return data, content_type, extension


def log_access(event: str, actor: Any, attachment: Attachment, request: Any = None) -> None:
    """Who added or read which scan: an event of the access log (``nongzhuancheng.audit``, written
    when the transaction commits), and a line of the ``nongzhuancheng.access`` logger."""
    kind = AccessEvent.Kind.ATTACHMENT_ADD if event == "attachment.add" else AccessEvent.Kind.ATTACHMENT_VIEW
    record(kind, request=request, user=actor,
           subject=f"{attachment.application.number or attachment.application_id} {attachment.get_kind_display()}",
           detail={"attachment": attachment.pk, "application": attachment.application_id, "kind": attachment.kind})
    logger.info("%s user=%s attachment=%s application=%s kind=%s", event, getattr(actor, "pk", None),
                attachment.pk, attachment.application_id, attachment.kind)
