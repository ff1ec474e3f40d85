"""Taking a snapshot (freezing a period's figures) and reading frozen reports back.

A snapshot taken before its period has ended is provisional (期中): the scheduled task replaces it with the final
one once the period is over. A final snapshot is never rewritten; nothing else writes SnapshotValue rows."""
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from ..extensions import db
from ..models import Indicator, IndicatorTarget, ReportedValue, Snapshot, SnapshotValue
from ..timeutil import local_today, to_local, utcnow
from ..units import active_units
from ..workflow import DomainError, NotFound
from . import indicators, periods, rules
from .indicators import utc_bound


class SnapshotExists(DomainError):
    status = 409
    code = "snapshot_exists"


def is_final(snapshot):
    return snapshot.taken_at >= utc_bound(periods.parse_period(snapshot.period).end)


def active_indicators():
    return db.session.scalars(select(Indicator).where(Indicator.active)
                              .order_by(Indicator.sort_order, Indicator.id)).all()


def _reported(period, indicator_ids):
    """{(indicator_id, unit_id): value} filed under the period, else under the month that closes a quarter."""
    rows = db.session.execute(select(ReportedValue.indicator_id, ReportedValue.unit_id, ReportedValue.period,
                                     ReportedValue.value)
                              .where(ReportedValue.indicator_id.in_(indicator_ids),
                                     ReportedValue.period.in_({period.name, period.last_month}))).all()
    found = {}
    for indicator_id, unit_id, name, value in sorted(rows, key=lambda r: r.period != period.name, reverse=True):
        found[(indicator_id, unit_id)] = value  # the period's own row is written last, so it wins
    return found


def period_target(yearly, period):
    """序时目标: the yearly target × the months elapsed ÷ 12, two places."""
    if yearly is None:
        return None
    return (yearly * period.months / 12).quantize(Decimal("0.01"))


def take(period_name, actor=None, rule=None, now=None):
    """Freeze the figures of `period_name` for every active unit × active indicator; return the Snapshot.
    Refused (409) when a final snapshot exists; a provisional one is replaced. The caller commits."""
    period = periods.parse_period(period_name)
    now = now or utcnow()
    if utc_bound(period.first_day) > now:
        raise DomainError(f"{period.label}尚未开始，不能生成快照", {"period": "期间尚未开始"})
    existing = db.session.scalar(select(Snapshot).where(Snapshot.period == period.name))
    if existing is not None:
        if is_final(existing):
            raise SnapshotExists(f"{period.label}的快照已于 {to_local(existing.taken_at):%Y-%m-%d %H:%M} 定稿，"
                                 "不再改写")
        rule = rule or existing.rule
        db.session.delete(existing)
        db.session.flush()
    units, catalogue = active_units(), active_indicators()
    targets = {(t.indicator_id, t.unit_id): t.target for t in db.session.scalars(
        select(IndicatorTarget).where(IndicatorTarget.year == period.year))}
    reported = _reported(period, [i.id for i in catalogue if i.source == "reported"])
    snapshot = Snapshot(period=period.name, kind=period.kind, rule=rule or "quintile", taken_at=now,
                        taken_by_id=actor.id if actor else None)
    db.session.add(snapshot)
    for indicator in catalogue:
        entry = indicators.REGISTRY.get(indicator.key) if indicator.source == "computed" else None
        figures = entry.compute(period.start, period.end) if entry else {}
        for unit in units:
            if entry:
                figure = figures.get(unit.id, indicators.Figure(Decimal("0.00"), 0 if entry.private else None))
                value, enterprises = figure.value, figure.enterprises
            else:
                value, enterprises = reported.get((indicator.id, unit.id)), None
            yearly = targets.get((indicator.id, unit.id))
            target = period_target(yearly, period) if indicator.prorate else yearly
            snapshot.values.append(SnapshotValue(
                unit_id=unit.id, indicator_id=indicator.id, unit_name=unit.name, unit_order=unit.sort_order,
                indicator_name=indicator.name, indicator_order=indicator.sort_order, measure=indicator.measure,
                direction=indicator.direction, weight=indicator.weight, cap_percent=indicator.cap_percent,
                value=value, target=target, yearly_target=yearly, enterprises=enterprises))
    db.session.flush()
    return snapshot


def take_due(today=None, now=None):
    """The scheduled duty: the final snapshot of the month and of the quarter that ended before `today`,
    unless already final. Returns the periods taken."""
    today = today or local_today()
    taken = []
    for kind in ("month", "quarter"):
        period = periods.containing(today.replace(day=1) - timedelta(days=1), kind)
        existing = db.session.scalar(select(Snapshot).where(Snapshot.period == period.name))
        if existing is None or not is_final(existing):
            take(period.name, now=now)
            taken.append(period.name)
    db.session.commit()
    return taken


# ---------------------------------------------------------------- reading

def get_snapshot(period_name):
    periods.parse_period(period_name)
    snapshot = db.session.scalar(select(Snapshot).where(Snapshot.period == period_name))
    if snapshot is None:
        raise NotFound(f"没有 {period_name} 的快照")
    return snapshot


def all_snapshots(kind=None):
    query = select(Snapshot)
    if kind:
        query = query.where(Snapshot.kind == kind)
    return sorted(db.session.scalars(query), key=lambda s: periods.sort_key(s.period), reverse=True)


def _units_of(snapshot):
    units = {}
    for row in sorted(snapshot.values, key=lambda v: (v.indicator_order, v.indicator_id)):
        unit = units.setdefault(row.unit_id, {"unit_id": row.unit_id, "unit": row.unit_name,
                                              "order": row.unit_order, "cells": []})
        unit["cells"].append({"indicator_id": row.indicator_id, "name": row.indicator_name, "measure": row.measure,
                              "direction": row.direction, "weight": row.weight, "cap_percent": row.cap_percent,
                              "value": row.value, "target": row.target,
                              "yearly_target": row.yearly_target, "enterprises": row.enterprises})
    return list(units.values())


def _scored(snapshot, rule=None, previous_ranks=None):
    return rules.score_units(_units_of(snapshot), rule or snapshot.rule, previous_ranks)


def previous_snapshot(snapshot):
    name = periods.previous(periods.parse_period(snapshot.period)).name
    return db.session.scalar(select(Snapshot).where(Snapshot.period == name))


def report(snapshot, rule=None):
    """The scored report of a snapshot: period, label, rule, taken_at, final, indicators, units (rank order, with
    rank_change against the previous period of the same kind) and the previous snapshot's units."""
    before = previous_snapshot(snapshot)
    before_units = _scored(before) if before else []
    units = _scored(snapshot, rule, {u["unit_id"]: u["rank"] for u in before_units})
    catalogue = units[0]["cells"] if units else []
    period = periods.parse_period(snapshot.period)
    return {"snapshot": snapshot, "period": snapshot.period, "label": period.label, "kind": snapshot.kind,
            "rule": rule or snapshot.rule, "taken_at": snapshot.taken_at, "final": is_final(snapshot),
            "indicators": [{"id": c["indicator_id"], "name": c["name"], "measure": c["measure"],
                            "weight": c["weight"], "direction": c["direction"]} for c in catalogue],
            "units": units, "previous_units": before_units, "previous_period": before.period if before else None}


def unit_series(unit_id, indicator_id=None, kind="quarter"):
    """A unit's rank (and score, completion, value) over every snapshot of `kind`, oldest first: the total's, or
    one indicator's."""
    points = []
    for snapshot in reversed(all_snapshots(kind)):
        row = next((r for r in rules.league(_scored(snapshot), indicator_id) if r["unit_id"] == unit_id), None)
        if row is not None:
            points.append({"period": snapshot.period, "rank": row["rank"], "score": row["score"],
                           "completion": row["completion"], "value": None if row["suppressed"] else row["value"],
                           "suppressed": row["suppressed"], "units": len(snapshot_unit_ids(snapshot))})
    return points


def snapshot_unit_ids(snapshot):
    return {v.unit_id for v in snapshot.values}


def today_period(kind="quarter"):
    return periods.containing(local_today(), kind).name
