"""Downloadable import templates: the Chinese headers of DESIGN §6 (readers.COLUMNS) and one example row.

The example rows are valid input for the importer (tests/test_import_templates.py imports each
downloaded template through it), so a user who fills a template in the same way succeeds.
"""
import csv
import io

from openpyxl import Workbook

from .readers import COLUMNS

EXAMPLES = {
    "achievement": {
        "title": "一种高效石墨烯导热膜的制备方法", "summary": "以氧化石墨烯为原料，经涂布、还原和压延制得导热膜，"
        "面内导热系数 1500 W/(m·K) 以上，可用于手机和电池散热。", "field": "新材料", "type": "发明专利",
        "patent_no": "201710601862.3", "maturity": "中试", "modes": "转让、许可", "price": "120",
        "keywords": "石墨烯、导热膜、散热", "organization": "",
    },
    "demand": {
        "title": "锂电池极片涂布厚度在线检测", "description": "需要在线检测极片涂布厚度，精度 ±1 μm，"
        "速度 60 m/min 以上，可接入现有产线。", "field": "智能装备", "indicators": "精度 ±1 μm；速度 ≥ 60 m/min",
        "budget": "80", "is_challenge": "否", "bounty": "", "deadline": "", "keywords": "锂电池、涂布、在线检测",
        "organization": "",
    },
}
FILENAMES = {"achievement": "科技成果导入模板", "demand": "技术需求导入模板"}
FORMATS = ("csv", "xlsx")


def _rows(kind):
    columns = COLUMNS[kind]
    return [list(columns.values()), [EXAMPLES[kind][name] for name in columns]]


def template_bytes(kind, fmt):
    """The template file's bytes: CSV (UTF-8 with BOM, so Excel reads the Chinese) or XLSX."""
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerows(_rows(kind))
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = FILENAMES[kind]
    for row in _rows(kind):
        sheet.append(row)
    for letter_index, _ in enumerate(COLUMNS[kind], start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=letter_index).column_letter].width = 18
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


MIMETYPES = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
