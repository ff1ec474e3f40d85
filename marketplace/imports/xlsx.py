"""Streaming, bounded reading of the first worksheet of an .xlsx file.

Not openpyxl's read-only `iter_rows`, which pads every row to the declared `<dimension>`: a 4.7 KB
file declaring A1:XFD1048576 made it allocate gigabytes. Here the sheet XML is parsed with
`iterparse` straight from the zip member, each row is dropped once read, the declared dimension is
never looked at, and every limit is checked before the work it guards:

- the uncompressed size of every XML member read (sheet, shared strings, styles, workbook) counts
  against one budget, checked on ZipInfo.file_size *before* decompressing and again while reading
  (a 1 GB member of spaces is refused without inflating it);
- at most `max_rows` data rows, `max_columns` columns (a header beyond it is refused; data cells
  beyond it have no header and are ignored), `max_cell_chars` characters per cell after strip.
"""
import io
import posixpath
import zipfile
import zlib
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError, iterparse

from ..workflow import ValidationFailed

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
UNREADABLE = "无法读取 .xlsx 文件：文件已损坏或不是 Excel 2007+ 格式"
DATE_FORMAT_IDS = set(range(14, 23)) | {45, 46, 47}


class ImportFailed(ValidationFailed):
    """The file as a whole cannot be imported (format, encoding, headers, limits)."""


@dataclass(frozen=True)
class Limits:
    max_rows: int = 10_000
    max_columns: int = 50
    max_cell_chars: int = 20_000
    max_xml_bytes: int = 64 * 1024 * 1024

    @classmethod
    def from_config(cls, config):
        defaults = cls()
        return cls(**{name: int(config.get("IMPORT_" + name.upper(), getattr(defaults, name)))
                      for name in ("max_rows", "max_columns", "max_cell_chars", "max_xml_bytes")})


class TooLong:
    """A shared string longer than the cell limit: refused only if a cell uses it."""

    def __init__(self, length):
        self.length = length


def column_name(position):
    """0 -> A, 26 -> AA."""
    name, position = "", position + 1
    while position:
        position, rest = divmod(position - 1, 26)
        name = chr(65 + rest) + name
    return name


def long_cell(row, position, length, limits):
    return ImportFailed(f"第 {row} 行 {column_name(position)} 列的内容有 {length} 个字符，"
                        f"超过每格 {limits.max_cell_chars} 个字符的上限")


class _Budget:
    """Bytes of XML we agree to decompress, over all members; checked before and while reading."""

    def __init__(self, book, limits):
        self.book, self.limits, self.left = book, limits, limits.max_xml_bytes

    def open(self, name):
        info = self.book.getinfo(name)
        if info.file_size > self.left:
            raise self.too_big(info.file_size)
        self.left -= info.file_size
        return _Bounded(self.book.open(info), info.file_size, self)

    def too_big(self, size):
        mb = self.limits.max_xml_bytes // (1024 * 1024)
        return ImportFailed(f"Excel 文件解压后过大（工作表内容约 {max(1, size // (1024 * 1024))} MB，"
                            f"上限 {mb} MB）：请删除多余的行、列和空白内容，或拆分为多个文件")


class _Bounded(io.RawIOBase):
    """A reader that refuses to return more than the member declared (a lying header)."""

    def __init__(self, raw, size, budget):
        self.raw, self.left, self.budget = raw, size, budget

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.raw.read(min(len(buffer), 1 << 16))
        if len(data) > self.left:
            raise self.budget.too_big(len(data))
        self.left -= len(data)
        buffer[:len(data)] = data
        return len(data)

    def close(self):
        self.raw.close()
        super().close()


def _relationships(budget, path):
    """{id: (type, target path inside the zip)} of a part's .rels, or {} if it has none."""
    folder, name = posixpath.split(path)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in budget.book.NameToInfo:
        return {}
    found = {}
    with budget.open(rels) as handle:
        for _, elem in iterparse(handle):
            if elem.tag == PKG_REL + "Relationship":
                target = elem.get("Target", "")
                target = target.lstrip("/") if target.startswith("/") else \
                    posixpath.normpath(posixpath.join(folder, target))
                found[elem.get("Id")] = (elem.get("Type", ""), target)
    return found


def _parts(budget):
    """(first sheet, shared strings or None, styles or None) member names."""
    names = budget.book.NameToInfo
    book_rels = _relationships(budget, "xl/workbook.xml")
    sheet = None
    if "xl/workbook.xml" in names:
        with budget.open("xl/workbook.xml") as handle:
            for _, elem in iterparse(handle):
                if elem.tag == MAIN + "sheet":
                    sheet = book_rels.get(elem.get(DOC_REL + "id"), (None, None))[1]
                    break
    sheet = sheet if sheet in names else "xl/worksheets/sheet1.xml"
    if sheet not in names:
        raise ImportFailed(UNREADABLE)
    by_type = {kind.rsplit("/", 1)[-1]: target for kind, target in book_rels.values()}
    shared = by_type.get("sharedStrings", "xl/sharedStrings.xml")
    styles = by_type.get("styles", "xl/styles.xml")
    return sheet, shared if shared in names else None, styles if styles in names else None


def _text_of(elem):
    """The text of a shared string or inline string (rich-text runs joined, phonetic hints left out)."""
    parts = []
    for child in elem:
        if child.tag == MAIN + "t":
            parts.append(child.text or "")
        elif child.tag == MAIN + "r":
            parts.extend(t.text or "" for t in child.iter(MAIN + "t"))
    return "".join(parts)


def _shared_strings(budget, name, limits):
    strings = []
    with budget.open(name) as handle:
        root = None
        for event, elem in iterparse(handle, events=("start", "end")):
            if root is None:
                root = elem
            if event == "end" and elem.tag == MAIN + "si":
                text = _text_of(elem).replace("\x00", "").strip()
                strings.append(TooLong(len(text)) if len(text) > limits.max_cell_chars else text)
                root.clear()
    return strings


def _date_styles(budget, name):
    """Indexes of the cell formats (the `s` attribute) that show a number as a date."""
    from openpyxl.styles.numbers import is_date_format

    custom, formats, in_xfs = {}, [], False
    with budget.open(name) as handle:
        for event, elem in iterparse(handle, events=("start", "end")):
            if elem.tag == MAIN + "cellXfs":
                in_xfs = event == "start"
            elif event == "end" and elem.tag == MAIN + "numFmt":
                custom[int(elem.get("numFmtId", -1))] = elem.get("formatCode", "")
            elif event == "end" and elem.tag == MAIN + "xf" and in_xfs:
                formats.append(int(elem.get("numFmtId", 0)))
    return {index for index, fmt in enumerate(formats)
            if fmt in DATE_FORMAT_IDS or (fmt in custom and is_date_format(custom[fmt]))}


def _position(ref, fallback):
    letters = "".join(ch for ch in ref or "" if ch.isalpha())
    if not letters:
        return fallback
    position = 0
    for ch in letters.upper():
        position = position * 26 + ord(ch) - 64
    return position - 1


def _value(cell, strings, date_styles):
    from openpyxl.utils.datetime import from_excel

    kind = cell.get("t", "n")
    if kind == "inlineStr":
        found = cell.find(MAIN + "is")
        return _text_of(found) if found is not None else ""
    raw = cell.findtext(MAIN + "v")
    if raw is None:
        return ""
    if kind == "s":
        return strings[int(raw)]
    if kind == "b":
        return raw.strip() in ("1", "true")
    if kind in ("str", "e", "d"):
        return raw[:10] if kind == "d" else raw
    number = float(raw)
    if int(cell.get("s", 0)) in date_styles:
        return from_excel(number)
    return number


def xlsx_rows(data, limits, to_text):
    """[(row number, [cell text, ...]), ...] of the first sheet's non-empty rows, within the limits."""
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise ImportFailed(UNREADABLE) from None
    try:
        with book:
            budget = _Budget(book, limits)
            sheet, shared, styles = _parts(budget)
            strings = _shared_strings(budget, shared, limits) if shared else []
            date_styles = _date_styles(budget, styles) if styles else set()
            return _sheet_rows(budget, sheet, strings, date_styles, limits, to_text)
    except ImportFailed:
        raise
    except (ParseError, zipfile.BadZipFile, zlib.error, EOFError, KeyError, IndexError, ValueError,
            NotImplementedError, OSError):
        raise ImportFailed(UNREADABLE) from None


def _sheet_rows(budget, name, strings, date_styles, limits, to_text):
    rows, number, holder = [], 0, None
    with budget.open(name) as handle:
        for event, elem in iterparse(handle, events=("start", "end")):
            if event == "start":
                if elem.tag == MAIN + "sheetData":
                    holder = elem
                continue
            if elem.tag != MAIN + "row":
                continue
            number = int(elem.get("r") or number + 1)
            cells, position = {}, -1
            for cell in elem.iter(MAIN + "c"):
                position = _position(cell.get("r"), position + 1)
                value = _value(cell, strings, date_styles)
                if isinstance(value, TooLong):
                    raise long_cell(number, position, value.length, limits)
                text = to_text(value)
                if not text:
                    continue
                if len(text) > limits.max_cell_chars:
                    raise long_cell(number, position, len(text), limits)
                if position >= limits.max_columns:
                    if not rows:
                        raise ImportFailed(f"表头超过 {limits.max_columns} 列（{column_name(position)} 列有内容）："
                                           "请删除多余的列")
                    continue
                cells[position] = text
            (holder if holder is not None else elem).clear()
            if cells:
                if len(rows) > limits.max_rows:
                    raise too_many_rows(limits)
                rows.append((number, [cells.get(i, "") for i in range(max(cells) + 1)]))
    return rows


def too_many_rows(limits):
    return ImportFailed(f"数据行超过 {limits.max_rows} 行的上限：请拆分为多个文件分别导入")
