"""Import files are read within limits: the XLSX "bombs" found in issue #8 are refused (or read) with
bounded memory, and every limit is refused with a clear Chinese message, never silently cut."""
import io
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from marketplace.imports.readers import read_sheet
from marketplace.imports.services import ImportFailed, import_file
from marketplace.imports.xlsx import Limits
from marketplace.models import Achievement

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
WORKBOOK = (f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RELS = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
GIB = 1 << 30
MB = 1 << 20


def inline(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def sheet_xml(rows, dimension="A1:B2"):
    body = "".join(f'<row r="{number}">{cells}</row>' for number, cells in rows)
    return f'<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/><sheetData>{body}</sheetData></worksheet>'


def xlsx(sheet, shared=None, big_member=None):
    """A minimal .xlsx; `big_member` = (name, prefix, spaces, suffix) is streamed into the zip (GBs of spaces)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr("xl/workbook.xml", WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", RELS)
        if sheet is not None:
            book.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared is not None:
            book.writestr("xl/sharedStrings.xml", shared)
        if big_member:
            name, prefix, spaces, suffix = big_member
            with book.open(name, "w", force_zip64=True) as member:
                member.write(prefix.encode())
                chunk = b" " * MB
                for _ in range(spaces // MB):
                    member.write(chunk)
                member.write(suffix.encode())
    return buffer.getvalue()


def read_with_peak(data, name="a.xlsx"):
    """read_sheet's result (or ImportFailed) and the peak of Python memory it allocated."""
    tracemalloc.start()
    try:
        try:
            result = read_sheet("achievement", name, data)
        except ImportFailed as err:
            result = err
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_declared_dimension_is_ignored_and_a_far_row_costs_nothing():
    """4.7 KB declaring A1:XFD1048576 with a row at 1048576 drove a worker to 4 GB (openpyxl padding)."""
    sheet = sheet_xml([(1, inline("A1", "title") + inline("B1", "summary")),
                       (1048576, inline("A1048576", "远处的成果") + inline("B1048576", "简介")
                        + inline("XFD1048576", "没有表头的列"))], dimension="A1:XFD1048576")
    data = xlsx(sheet)
    assert len(data) < 5000
    rows, peak = read_with_peak(data)
    assert [(r.number, r.values) for r in rows] == [(1048576, {"title": "远处的成果", "summary": "简介"})]
    assert peak < 100 * MB


def test_the_original_dimension_bomb_is_refused_with_bounded_memory():
    sheet = sheet_xml([(1048576, inline("A1048576", "x"))], dimension="A1:XFD1048576")
    result, peak = read_with_peak(xlsx(sheet))
    assert isinstance(result, ImportFailed) and "第 1 行应为表头" in result.message
    assert peak < 100 * MB


@pytest.mark.parametrize("where", ["sharedStrings", "inline"])
def test_a_gigabyte_of_whitespace_is_refused_without_inflating_it(where):
    """A ~5 MB file holding 1 GB of spaces (a shared string or an inline string) gave a 500 after 31 s."""
    if where == "sharedStrings":
        sheet = sheet_xml([(1, inline("A1", "title") + inline("B1", "summary")), (2, '<c r="A2" t="s"><v>0</v></c>')])
        data = xlsx(sheet, big_member=("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}"><si><t>', GIB, "</t></si></sst>"))
    else:
        head = (f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{inline("A1", "title")}{inline("B1", "summary")}'
                '</row><row r="2"><c r="A2" t="inlineStr"><is><t>')
        data = xlsx(None, big_member=("xl/worksheets/sheet1.xml", head, GIB,
                                      "</t></is></c></row></sheetData></worksheet>"))
    assert len(data) < 10 * MB
    result, peak = read_with_peak(data)
    assert isinstance(result, ImportFailed)
    assert result.message.startswith("Excel 文件解压后过大") and "上限 64 MB" in result.message
    assert peak < 100 * MB


def test_shared_string_and_inline_cells_are_limited_after_strip(app):
    padded = " " * 30000 + "成果" + " " * 30000  # long only because of spaces: fine
    shared = f'<sst xmlns="{MAIN}"><si><t>{padded}</t></si><si><r><t>{"长" * 20001}</t></r></si></sst>'
    ok = sheet_xml([(1, inline("A1", "title") + inline("B1", "summary")),
                    (2, '<c r="A2" t="s"><v>0</v></c>' + inline("B2", "简介"))])
    assert [r.values["title"] for r in read_sheet("achievement", "a.xlsx", xlsx(ok, shared))] == ["成果"]
    too_long = sheet_xml([(1, inline("A1", "title") + inline("B1", "summary")),
                          (2, inline("A2", "成果") + '<c r="B2" t="s"><v>1</v></c>')])
    with pytest.raises(ImportFailed, match="第 2 行 B 列的内容有 20001 个字符，超过每格 20000 个字符的上限"):
        read_sheet("achievement", "a.xlsx", xlsx(too_long, shared))
    csv_data = f"title,summary\n成果,{'长' * 20001}\n".encode()
    with pytest.raises(ImportFailed, match="第 2 行 B 列的内容有 20001 个字符"):
        read_sheet("achievement", "a.csv", csv_data)


def test_a_header_beyond_the_column_limit_is_refused():
    sheet = sheet_xml([(1, inline("A1", "title") + inline("B1", "summary") + inline("AY1", "第51列"))])
    with pytest.raises(ImportFailed, match="表头超过 50 列（AY 列有内容）"):
        read_sheet("achievement", "a.xlsx", xlsx(sheet))
    header = ",".join(["title", "summary"] + [f"c{i}" for i in range(49)])
    with pytest.raises(ImportFailed, match="表头超过 50 列"):
        read_sheet("achievement", "a.csv", (header + "\n甲,乙\n").encode())


def test_row_limit_is_refused_not_cut(app, db, make):
    app.config["IMPORT_MAX_ROWS"] = 3
    admin = make.user("admin")
    book = Workbook()
    book.active.append(["title", "summary"])
    for i in range(4):
        book.active.append([f"成果{i}", "简介"])
    buffer = io.BytesIO()
    book.save(buffer)
    for name, data in (("a.xlsx", buffer.getvalue()),
                       ("a.csv", ("title,summary\n" + "".join(f"成果{i},简介\n" for i in range(4))).encode())):
        with pytest.raises(ImportFailed, match="数据行超过 3 行的上限：请拆分为多个文件分别导入"):
            import_file("achievements", admin, name, data)
    three = ("title,summary\n" + "".join(f"成果{i},简介\n" for i in range(3))).encode()
    assert len(import_file("achievements", admin, "a.csv", three).created_ids) == 3
    db.session.commit()
    assert db.session.query(Achievement).count() == 3


def test_csv_field_beyond_the_parser_limit_is_a_clear_error():
    data = ('title,summary\n成果,"' + "x" * 200_000 + '"\n').encode()
    with pytest.raises(ImportFailed, match="CSV 第 2 行附近有超过 131072 个字符的字段"):
        read_sheet("achievement", "a.csv", data)


def test_limits_come_from_the_config():
    limits = Limits.from_config({"IMPORT_MAX_ROWS": "20", "IMPORT_MAX_XML_BYTES": 1024})
    assert (limits.max_rows, limits.max_columns, limits.max_cell_chars, limits.max_xml_bytes) == (20, 50, 20000, 1024)
