"""The limits of an import and the checks of a file before anything reads it.

Size, rows and decompressed size come from settings (read at each use, so that a deployment can
change them). A file is refused, with a message the user can act on, when it is too large, empty,
a macro-enabled or encrypted (OLE2) workbook, an .xlsx that is not a zip, a zip bomb, or a CSV in
UTF-16 or with binary content.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

BATCH = 5000  # rows validated (and claims looked up) at a time
KEPT_ERRORS = 500  # errors kept on the job for the page; the error file has all of them

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
UNPACK_CHUNK = 1024 * 1024  # bytes unpacked at a time while an archive is measured


class ImportRefused(Exception):
    """A problem with the file as a whole (its message is shown to the user as it is)."""


def _limit(name: str, default: Any) -> Any:
    """An import limit from settings (read at each use, so that a deployment can change it)."""
    return getattr(settings, name, default)


def max_bytes() -> int:
    return _limit("NZC_IMPORT_MAX_BYTES", 30 * 1024 * 1024)


def max_rows() -> int:
    return _limit("NZC_IMPORT_MAX_ROWS", 200_000)


def max_uncompressed() -> int:
    """The most an .xlsx may unpack to. Its reader (python-calamine) holds the first sheet whole while
    the rows are validated, so this bounds a worker's memory for a workbook as NZC_IMPORT_MAX_BYTES does
    for a CSV: 100 MB is about 131,000 rows of the template's columns, whose check peaks at about
    545 MB (tests/households/test_import_memory.py); one of 200,000 rows, 161 MB unpacked, peaked at 744 MB."""
    return _limit("NZC_IMPORT_MAX_UNCOMPRESSED_BYTES", 100 * 1024 * 1024)


def max_ratio() -> int:
    return _limit("NZC_IMPORT_MAX_ZIP_RATIO", 100)


def history_enabled() -> bool:
    """Whether imports also write simple-history '+' rows for what they create (on by default).
    They are made by the database in three INSERT … SELECT statements; on 100,000 people they add
    about 15 % to the import on a quiet machine (the historical tables carry as many indexes as the
    tables). Switched off, the audit trail of an import is its ImportJob (who, when, the file itself,
    kept) and the ApplicationEvent rows naming the file; ``manage.py populate_history --auto`` can
    add the initial rows later."""
    return _limit("NZC_IMPORT_HISTORY", True)


def inline_bytes() -> int:
    """Files up to this size are checked and imported in the request; larger ones in a Celery task."""
    return _limit("NZC_IMPORT_INLINE_BYTES", 200 * 1024)


def size_check(size: int) -> None:
    """Refuse a file larger than ``max_bytes()``."""
    if size > max_bytes():
        raise ImportRefused(
            _("文件过大：%(size)s MB，上限为 %(max)s MB。请拆分后分批导入。")
            % {"size": round(size / 1048576, 1), "max": round(max_bytes() / 1048576, 1)}
        )


def rows_check(count: int) -> None:
    """Refuse a file with more than ``max_rows()`` data rows (called as the rows are read)."""
    if count > max_rows():
        raise ImportRefused(_("文件超过 %(max)d 行的上限。请拆分后分批导入。") % {"max": max_rows()})


def import_file_check(*, name: str, data: bytes) -> str:
    """The file's format ('csv' or 'xlsx'); raises ImportRefused with a Chinese message otherwise."""
    lower = (name or "").lower()
    size_check(len(data))
    if not data:
        raise ImportRefused(_("文件是空的。"))
    if lower.endswith((".xlsm", ".xltm", ".xlsb")):
        raise ImportRefused(_("不接受启用宏的工作簿（.xlsm 等）。请另存为普通的 .xlsx 文件后再上传。"))
    if data[:8] == OLE2_MAGIC:
        raise ImportRefused(
            _("该文件是加密（设置了打开密码）的工作簿或旧版 .xls 文件，无法读取。请取消密码并另存为 .xlsx 后再上传。")
        )
    if lower.endswith(".xlsx"):
        if data[:4] != ZIP_MAGIC:
            raise ImportRefused(_("文件扩展名是 .xlsx，但内容不是 Excel 工作簿，文件可能已损坏。"))
        _zip_check(data)
        return "xlsx"
    if lower.endswith(".csv"):
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise ImportRefused(_("CSV 文件是 UTF-16 编码，无法读取。请另存为 UTF-8 或 GB18030（GBK）编码的 CSV。"))
        if data[:4] == ZIP_MAGIC or b"\x00" in data[:4096]:
            raise ImportRefused(_("文件扩展名是 .csv，但内容不是文本表格。"))
        return "csv"
    raise ImportRefused(_("只接受 .xlsx 或 .csv 文件。请使用下载的模板填写。"))


def _zip_check(data: bytes) -> None:
    """Refuse macros and zip bombs before anything decompresses the workbook."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportRefused(_("无法打开该工作簿，文件可能已损坏。")) from None
    total = 0
    for info in infos:
        total += info.file_size
        if info.filename.lower().endswith("vbaproject.bin"):
            raise ImportRefused(_("该工作簿含有宏（VBA），不予接受。请另存为普通的 .xlsx 文件后再上传。"))
        if info.compress_size and info.file_size > 1024 * 1024 and info.file_size / info.compress_size > max_ratio():
            raise ImportRefused(_("该工作簿的压缩比异常（疑似“压缩炸弹”），已拒绝。"))
    if total > max_uncompressed():
        raise ImportRefused(
            _("该工作簿解压后达 %(size)s MB，超过上限 %(max)s MB。请拆分为几个较小的工作簿后分批导入。")
            % {"size": total // 1048576, "max": max_uncompressed() // 1048576}
        )
    _unpacked_size_check(archive, infos)
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names:
        raise ImportRefused(_("无法打开该工作簿，文件可能已损坏。"))
    if b"macroEnabled" in archive.read("[Content_Types].xml"):
        raise ImportRefused(_("该工作簿是启用宏的格式，不予接受。请另存为普通的 .xlsx 文件后再上传。"))


def _unpacked_size_check(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """The sizes measured by unpacking every member in chunks (memory stays at one chunk), not the
    sizes the archive declares: a member that inflates past the limits, or whose content does not
    match its declared size and checksum (forged headers), is refused."""
    total = 0
    for info in infos:
        member = 0
        try:
            with archive.open(info) as f:
                while chunk := f.read(UNPACK_CHUNK):
                    member += len(chunk)
                    total += len(chunk)
                    if total > max_uncompressed():
                        raise ImportRefused(
                            _("该工作簿解压后超过上限 %(max)s MB（疑似“压缩炸弹”），已拒绝。")
                            % {"max": max_uncompressed() // 1048576})
                    if member > 1024 * 1024 and member / max(info.compress_size, 1) > max_ratio():
                        raise ImportRefused(_("该工作簿的压缩比异常（疑似“压缩炸弹”），已拒绝。"))
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError):
            raise ImportRefused(_("无法打开该工作簿，文件可能已损坏。")) from None

