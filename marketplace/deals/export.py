"""The deal figures as CSV (UTF-8 with BOM, so Excel reads the Chinese) and as XLSX."""
from ..exporting import tables_csv, tables_xlsx
from .figures import percent


def tables(figures):
    """The figures as (title, header, rows) tables: one source for both formats and the page."""
    return [
        ("交易漏斗", ["阶段", "累计到达(笔)", "累计到达金额(万元)", "当前(笔)", "当前金额(万元)"],
         [[r["label"], r["reached"], r["reached_amount"], r["current"], r["current_amount"]]
          for r in figures["funnel"]]),
        ("转化率", ["线索来源", "签约(笔)", "线索总数", "转化率"],
         [[r["label"], r["signed"], r["leads"], percent(r["rate"])] for r in figures["conversion"]]),
        ("各阶段停留天数", ["阶段", "中位数(天)", "样本数"],
         [[r["label"], "—" if r["median_days"] is None else r["median_days"], r["deals"]]
          for r in figures["median_days"]]),
        ("按技术领域签约金额", ["技术领域", "合同(笔)", "金额(万元)"],
         [[r["field"], r["count"], r["amount"]] for r in figures["by_field"]]),
        ("按月份签约金额", ["月份", "合同(笔)", "金额(万元)"],
         [[r["month"], r["count"], r["amount"]] for r in figures["by_month"]]),
    ]


def to_csv(figures):
    """Bytes of a CSV with one section per table, separated by a blank line."""
    return tables_csv(tables(figures))


def to_xlsx(figures):
    """Bytes of a workbook with one sheet per table; amounts as numbers with two decimals."""
    return tables_xlsx(tables(figures), widths=(22, 14, 18, 12, 16))
