"""Reading import files: CSV (UTF-8, with or without BOM) or XLSX, Chinese or English headers.

The result is a list of `SheetRow(number, values)` where `number` is the row as a spreadsheet
shows it (the header is row 1) and `values` maps the English field names of DESIGN §6 to text.
"""
import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime

from .xlsx import ImportFailed, Limits, long_cell, too_many_rows, xlsx_rows

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
# Enterprises' yearly figures (enterprises/importer.py): money in 万元, counts as whole numbers.
FIGURES_COLUMNS = {
    "organization": "企业名称", "credit_code": "统一社会信用代码", "year": "年度", "unit": "镇街/园区",
    "field": "行业领域", "registered_on": "注册日期", "employees": "职工总数", "tech_staff": "科技人员数",
    "revenue": "销售收入(万元)", "rd_expense": "研发费用(万元)", "total_cost": "成本费用总额(万元)",
    "high_tech_revenue": "高新技术产品收入(万元)", "total_assets": "资产总额(万元)", "net_assets": "净资产(万元)",
    "ip_class1": "Ⅰ类知识产权", "ip_class2": "Ⅱ类知识产权", "standards_led": "主导制定标准数",
}
COLUMNS = {"achievement": ACHIEVEMENT_COLUMNS, "demand": DEMAND_COLUMNS, "figures": FIGURES_COLUMNS}
REQUIRED = {"achievement": ("title", "summary"), "demand": ("title", "description"), "figures": ("year",)}
EXTENSIONS = (".csv", ".xlsx")


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


def _rows_from_csv(data, limits):
    """[(row number, [cell text, ...]), ...] of the non-empty rows, read as a stream within the limits."""
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    reader = csv.reader(text)
    rows, number = [], 0
    try:
        for number, raw in enumerate(reader, start=1):
            cells = [cell_text(value) for value in raw]
            for position, value in enumerate(cells):
                if len(value) > limits.max_cell_chars:
                    raise long_cell(number, position, len(value), limits)
            if not any(cells):
                continue
            if len(rows) > limits.max_rows:
                raise too_many_rows(limits)
            rows.append((number, cells))
    except UnicodeDecodeError:
        raise ImportFailed("CSV 文件不是 UTF-8 编码：请在 Excel 中“另存为 CSV UTF-8”，或上传 .xlsx 文件") from None
    except csv.Error as err:
        if "field larger than field limit" in str(err):
            raise ImportFailed(f"CSV 第 {number + 1} 行附近有超过 {csv.field_size_limit()} 个字符的字段"
                               "（可能是引号未闭合）") from None
        raise ImportFailed(f"CSV 文件格式错误：{err}") from None
    return rows


def read_sheet(kind, filename, data, limits=None):
    """Parse the uploaded bytes into SheetRows; raise ImportFailed for a file-level problem."""
    limits = limits or Limits()
    extension = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in EXTENSIONS:
        raise ImportFailed("只支持 .csv（UTF-8）和 .xlsx 文件")
    table = _rows_from_csv(data, limits) if extension == ".csv" else xlsx_rows(data, limits, cell_text)
    if not table or table[0][0] != 1:
        raise ImportFailed("文件为空：第 1 行应为表头")
    if len(table[0][1]) > limits.max_columns:
        raise ImportFailed(f"表头超过 {limits.max_columns} 列：请删除多余的列")
    positions = map_headers(kind, table[0][1])
    rows = []
    for number, raw in table[1:]:
        values = {name: raw[pos] if pos < len(raw) else "" for pos, name in positions.items()}
        if any(values.values()):
            rows.append(SheetRow(number, values))
    if not rows:
        raise ImportFailed("文件中没有数据行（第 1 行是表头，数据从第 2 行开始）")
    return rows
