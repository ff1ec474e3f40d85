"""Admins' deal figures: the page (SVG bars beside the tables) and its CSV / XLSX exports."""
from decimal import Decimal

from flask import Blueprint, Response, render_template

from ..deals import export, figures
from ..deals.charts import bar_chart
from ..security import role_required
from ..timeutil import local_today
from . import sections  # noqa: F401  (registers the admin's and the broker's /me sections)

bp = Blueprint("dashboard", __name__)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _charts(data):
    """The page's charts; values are plain numbers, the unit is in each chart's title (the template)."""
    amount = lambda value: f"{Decimal(value or 0):,.2f}"  # noqa: E731
    return {
        "funnel": bar_chart(data["funnel"], "label", "reached"),
        "funnel_amount": bar_chart(data["funnel"], "label", "reached_amount", amount),
        "median_days": bar_chart([r for r in data["median_days"] if r["median_days"] is not None],
                                 "label", "median_days"),
        "by_field": bar_chart(data["by_field"], "field", "amount", amount),
        "by_month": bar_chart(data["by_month"], "month", "amount", amount),
    }


@bp.route("/deals/figures")
@role_required("admin")
def deal_figures():
    data = figures.compute()
    return render_template("dashboard/deal_figures.html", figures=data, charts=_charts(data),
                           percent=figures.percent)


def _download(body, mimetype, extension):
    filename = f"deal-figures-{local_today():%Y%m%d}.{extension}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={filename}"})


@bp.route("/deals/figures.csv")
@role_required("admin")
def deal_figures_csv():
    return _download(export.to_csv(figures.compute()), "text/csv; charset=utf-8", "csv")


@bp.route("/deals/figures.xlsx")
@role_required("admin")
def deal_figures_xlsx():
    return _download(export.to_xlsx(figures.compute()), XLSX_TYPE, "xlsx")
