"""Tables of figures as files: CSV (UTF-8 with BOM, so Excel reads the Chinese) and XLSX (one sheet per table,
amounts in columns whose header ends with "(万元)" as numbers with two decimals). A table is
(title, header, rows); the deal figures and the voucher figures both export through here."""
import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font


def tables_csv(tables):
    """Bytes of a CSV with one section per table (its title, header, rows), separated by a blank line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for i, (title, header, rows) in enumerate(tables):
        if i:
            writer.writerow([])
        writer.writerow([title])
        writer.writerow(header)
        writer.writerows([["" if value is None else str(value) for value in row] for row in rows])
    return "\ufeff".encode("utf-8") + buffer.getvalue().encode("utf-8")


def tables_xlsx(tables, widths=()):
    """Bytes of a workbook with one sheet per table; `widths`: column widths from A on."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in tables:
        sheet = workbook.create_sheet(title[:31])
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        for column in sheet.iter_cols(min_row=2):
            for cell in column:
                if header[cell.column - 1].endswith("(万元)"):
                    cell.number_format = "#,##0.00"
        for index, width in enumerate(widths):
            sheet.column_dimensions[chr(ord("A") + index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
