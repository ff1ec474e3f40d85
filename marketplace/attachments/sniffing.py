"""What a file really is, from its bytes: never from its name or the browser's Content-Type.

Accepted: PDF, PNG, JPEG, Office Open XML (docx/xlsx/pptx: a zip whose [Content_Types].xml declares the
main part of that kind and which holds it), and legacy Office (doc/xls: an OLE2 compound file; which of the
two it is comes from the name's extension, the only hint an OLE2 header gives cheaply).
"""
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    ext: str
    content_type: str
    label: str


PDF = FileType("pdf", "application/pdf", "PDF")
PNG = FileType("png", "image/png", "PNG 图片")
JPEG = FileType("jpg", "image/jpeg", "JPEG 图片")
DOCX = FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word 文档")
XLSX = FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel 表格")
PPTX = FileType("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint 演示文稿")
DOC = FileType("doc", "application/msword", "Word 文档（97-2003）")
XLS = FileType("xls", "application/vnd.ms-excel", "Excel 表格（97-2003）")
ALL_TYPES = (PDF, PNG, JPEG, DOCX, XLSX, PPTX, DOC, XLS)
BY_CONTENT_TYPE = {t.content_type: t for t in ALL_TYPES}
ACCEPTED_TEXT = "PDF、PNG、JPEG 图片、Word、Excel、PowerPoint 文件"

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Office Open XML: (the main part, the content type [Content_Types].xml declares for it).
OOXML = (
    (DOCX, "word/document.xml", "wordprocessingml.document.main+xml"),
    (XLSX, "xl/workbook.xml", "spreadsheetml.sheet.main+xml"),
    (PPTX, "ppt/presentation.xml", "presentationml.presentation.main+xml"),
)
CONTENT_TYPES_MAX = 256 * 1024  # a real [Content_Types].xml is a few KB; a bigger one is not read (zip bombs)


def sniff(path, original_name=""):
    """The FileType of the file at path, or None when it is none of the accepted kinds."""
    with open(path, "rb") as f:
        head = f.read(16)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(OLE2):
        ext = original_name.rsplit(".", 1)[-1].lower() if "." in original_name else ""
        return {"doc": DOC, "xls": XLS}.get(ext)
    if head.startswith(b"PK\x03\x04"):
        return _office_zip(path)
    return None


def _office_zip(path):
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > CONTENT_TYPES_MAX:
                return None
            declared = archive.read(info).decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, NotImplementedError, EOFError):
        return None
    for file_type, main_part, marker in OOXML:
        if main_part in names and marker in declared and f'"/{main_part}"' in declared:
            return file_type
    return None
