"""Reading import files: CSV (UTF-8, with or without BOM) or XLSX, Chinese or English headers.

The result is a list of `SheetRow(number, values)` where `number` is the row as a spreadsheet
shows it (the header is row 1) and `values` maps the English field names of DESIGN §6 to text.
"""
import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime

from ..workflow import ValidationFailed

# English field name -> the Chinese header of DESIGN §6 (also the label used in reports).
ACHIEVEMENT_COLUMNS = {
    "title": "成果名称", "summary": "成果简介", "field": "技术领域", "type": "成果类型", "patent_no": "专利号",
    "maturity": "成熟度", "modes": "交易方式", "price": "参考价格(万元)", "keywords": "关键词",
    "organization": "单位",
}
DEMAND_COLUMNS = {
    "title": "需求名称", "description": "需求描述", "field": "技术领域", "indicators": "技术指标",
    "budget": "预算(万元)", "is_challenge": "是否揭榜挂帅", "bounty": "悬赏金额(万元)", "deadline": "截止日期",
    "keywords": "关键词", "organization": "单位",
}
COLUMNS = {"achievement": ACHIEVEMENT_COLUMNS, "demand": DEMAND_COLUMNS}
REQUIRED = {"achievement": ("title", "summary"), "demand": ("title", "description")}
EXTENSIONS = (".csv", ".xlsx")


class ImportFailed(ValidationFailed):
    """The file as a whole cannot be imported (format, encoding, headers)."""


@dataclass
class SheetRow:
    number: int
    values: dict


def _normalize_header(text):
    """'预算（万元）' == '预算(万元)' == '预算'; 'Patent_No ' == 'patent_no'."""
    text = str(text or "").replace("\ufeff", "").strip().lower()
    text = text.replace("（", "(").replace("）", ")").replace(" ", "")
    return re.sub(r"\(万元\)$", "", text)


def header_aliases(kind):
    aliases = {}
    for name, chinese in COLUMNS[kind].items():
        aliases[_normalize_header(name)] = name
        aliases[_normalize_header(chinese)] = name
    return aliases


def column_label(kind, name):
    return f"{COLUMNS[kind][name]} / {name}"


def map_headers(kind, headers):
    """Return {column position: field name}; unknown columns are ignored, duplicates and gaps refused."""
    aliases = header_aliases(kind)
    positions, seen = {}, {}
    for position, header in enumerate(headers):
        name = aliases.get(_normalize_header(header))
        if name is None:
            continue
        if name in seen:
            raise ImportFailed(f"列“{seen[name]}”与“{header}”重复（都表示 {column_label(kind, name)}）")
        seen[name] = str(header).strip()
        positions[position] = name
    missing = [column_label(kind, name) for name in REQUIRED[kind] if name not in seen]
    if missing:
        raise ImportFailed("缺少必需的列：" + "；".join(missing) + "（表头在第 1 行，中文或英文列名均可）")
    return positions


def cell_text(value):
    """Spreadsheet cells to the text a user typed: dates as YYYY-MM-DD, 12.0 as 12."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\x00", "").strip()  # NUL: junk of broken exports, and PostgreSQL refuses it


def _rows_from_csv(data):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFailed("CSV 文件不是 UTF-8 编码：请在 Excel 中“另存为 CSV UTF-8”，或上传 .xlsx 文件") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return [row for row in reader]
    except csv.Error as err:
        raise ImportFailed(f"CSV 文件格式错误：{err}") from None


def _rows_from_xlsx(data):
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or non-xlsx file
        raise ImportFailed("无法读取 .xlsx 文件：文件已损坏或不是 Excel 2007+ 格式") from None
    try:
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def read_sheet(kind, filename, data):
    """Parse the uploaded bytes into SheetRows; raise ImportFailed for a file-level problem."""
    extension = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in EXTENSIONS:
        raise ImportFailed("只支持 .csv（UTF-8）和 .xlsx 文件")
    table = _rows_from_csv(data) if extension == ".csv" else _rows_from_xlsx(data)
    if not table or not any(cell_text(c) for c in table[0]):
        raise ImportFailed("文件为空：第 1 行应为表头")
    positions = map_headers(kind, table[0])
    rows = []
    for offset, raw in enumerate(table[1:], start=2):
        values = {name: cell_text(raw[pos]) if pos < len(raw) else "" for pos, name in positions.items()}
        if any(values.values()):
            rows.append(SheetRow(offset, values))
    if not rows:
        raise ImportFailed("文件中没有数据行（第 1 行是表头，数据从第 2 行开始）")
    return rows
