"""The report for a meeting: XLSX (openpyxl) and PDF (ReportLab, with Debian's WenQuanYi Micro Hei embedded)."""
import io
import os

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from ..timeutil import to_local
from . import rules

FONT_FILE = os.environ.get("MARKETPLACE_PDF_FONT", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
FONT_NAME = "WenQuanYiMicroHei"
FILLS = {"red": "F8D7DA", "orange": "FFE5CC", "yellow": "FFF3CD", "blue": "CFE2FF", "green": "D1E7DD"}
ARROWS = {"up": "↑", "down": "↓", "same": "—", "new": "新"}
SUPPRESSED = "不足3家，不公开"


class FontMissing(Exception):
    """The Chinese font the PDF embeds is not installed."""


def _number(value):
    return "" if value is None else f"{value:,.2f}".rstrip("0").rstrip(".")


def cell_text(cell):
    return SUPPRESSED if cell["suppressed"] else _number(cell["value"]) if cell["value"] is not None else "未填报"


def completion_text(cell):
    if cell["suppressed"]:
        return "—"
    return "" if cell["completion"] is None else f"{cell['completion']}%"


def change_text(unit):
    change = unit["rank_change"]
    return ARROWS[unit["arrow"]] + ("" if change in (None, 0) else str(abs(change)))


def _rows(report):
    """Header and rows shared by both formats."""
    header = ["排名", "单位", "总分", "完成率", "颜色（等级）", "较上期"]
    for indicator in report["indicators"]:
        measure = f"（{indicator['measure']}）" if indicator["measure"] else ""
        header += [f"{indicator['name']}{measure}", "目标", "完成率", "得分"]
    rows = []
    for unit in report["units"]:
        row = [unit["rank"], unit["unit"], _number(unit["total"]),
               "" if unit["completion"] is None else f"{unit['completion']}%",
               f"{rules.COLOUR_NAMES[unit['colour']]}（{unit['level']}）", change_text(unit)]
        for cell in unit["cells"]:
            row += [cell_text(cell), _number(cell["target"]), completion_text(cell),
                    "—" if cell["suppressed"] else _number(cell["score"])]
        rows.append(row)
    return header, rows


def _title(report):
    rule = "按排名五等分" if report["rule"] == "quintile" else "按完成率分档"
    return (f"创新高分报表 {report['label']}", f"数据截至 {to_local(report['taken_at']):%Y-%m-%d %H:%M}"
            f"{'' if report['final'] else '（期中快照）'}；五色规则：{rule}")


def to_xlsx(report):
    book = Workbook()
    sheet = book.active
    sheet.title = report["period"]
    title, subtitle = _title(report)
    sheet.append([title])
    sheet.append([subtitle])
    header, rows = _rows(report)
    sheet.append(header)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for unit, row in zip(report["units"], rows):
        sheet.append(row)
        sheet.cell(row=sheet.max_row, column=5).fill = PatternFill("solid", fgColor=FILLS[unit["colour"]])
    sheet.append([])
    sheet.append(["注：数值为当年累计到期末；目标为本期目标（按序时进度考核的指标 = 年度目标 × 已过月数 ÷ 12）。"])
    sheet.append([f"注：标“{SUPPRESSED}”的单元格由不足 {rules.MIN_ENTERPRISES} 家企业的数据构成，按规定不予公开。"])
    sheet.column_dimensions["B"].width = 14
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _register_font():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT_NAME in pdfmetrics.getRegisteredFontNames():
        return
    if not os.path.exists(FONT_FILE):
        raise FontMissing(FONT_FILE)
    pdfmetrics.registerFont(TTFont(FONT_NAME, FONT_FILE, subfontIndex=0))


def to_pdf(report):
    """A landscape A4 PDF, the font subset embedded; FontMissing when the font package is absent."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _register_font()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=10 * mm, rightMargin=10 * mm,
                            topMargin=10 * mm, bottomMargin=10 * mm, title=f"创新高分报表 {report['period']}")
    title, subtitle = _title(report)
    heading = ParagraphStyle("h", fontName=FONT_NAME, fontSize=16, leading=22)
    small = ParagraphStyle("s", fontName=FONT_NAME, fontSize=9, leading=12)
    cellstyle = ParagraphStyle("c", fontName=FONT_NAME, fontSize=7, leading=9)
    header, rows = _rows(report)
    data = [[Paragraph(str(text), cellstyle) for text in header]]
    data += [[Paragraph(str(text), cellstyle) for text in row] for row in rows]
    table = Table(data, repeatRows=1)
    style = [("GRID", (0, 0), (-1, -1), 0.3, colors.grey), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E9ECEF")),
             ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    for index, unit in enumerate(report["units"], start=1):
        style.append(("BACKGROUND", (4, index), (4, index), colors.HexColor("#" + FILLS[unit["colour"]])))
    table.setStyle(TableStyle(style))
    note = "注：数值为当年累计到期末；目标为本期目标（按序时进度考核的指标 = 年度目标 × 已过月数 ÷ 12）。" \
        f"标“{SUPPRESSED}”的单元格由不足 {rules.MIN_ENTERPRISES} 家企业的数据构成，按规定不予公开。"
    doc.build([Paragraph(title, heading), Paragraph(subtitle, small), Spacer(1, 4 * mm), table,
               Spacer(1, 3 * mm), Paragraph(note, small)])
    return out.getvalue()
