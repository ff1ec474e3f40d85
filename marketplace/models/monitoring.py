"""District monitoring (创新监测): the indicator catalogue, yearly targets, reported figures and frozen snapshots.

A snapshot copies every figure it shows (value, target, weight, direction, cap, names) into SnapshotValue rows, so
that later edits of the data, the catalogue or the units never rewrite a period already reported."""
from ..extensions import db
from ..timeutil import utcnow

INDICATOR_SOURCES = {"computed": "平台计算", "reported": "填报"}
DIRECTIONS = {"higher": "越高越好", "lower": "越低越好"}
COLOUR_RULES = {"quintile": "按排名五等分", "bands": "按完成率分档"}
PERIOD_KINDS = {"month": "月度", "quarter": "季度"}


class Indicator(db.Model):
    """One line of the catalogue. A computed indicator names its function in monitoring/indicators.py (`key`);
    a reported one is typed by admins or imported."""

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(60), unique=True, nullable=False)
    source = db.Column(db.String(10), nullable=False, default="reported")
    key = db.Column(db.String(40), unique=True)  # the registry key of a computed indicator; NULL when reported
    measure = db.Column(db.String(20), nullable=False, default="")  # unit of measure: 项, 家, 万元, %...
    direction = db.Column(db.String(10), nullable=False, default="higher")
    weight = db.Column(db.Numeric(6, 2), nullable=False, default=10)
    cap_percent = db.Column(db.Integer, nullable=False, default=120, server_default="120")
    # 按序时进度: a period is measured against the yearly target × the months elapsed ÷ 12 (flows that add up
    # over the year); off for stocks and rates (a count at the period's end, a percentage): the full target.
    prorate = db.Column(db.Boolean, nullable=False, default=True, server_default=db.true())
    sort_order = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    active = db.Column(db.Boolean, nullable=False, default=True, server_default=db.true())

    __table_args__ = (db.CheckConstraint("source IN ('computed', 'reported')", name="source"),
                      db.CheckConstraint("direction IN ('higher', 'lower')", name="direction"))

    @property
    def source_label(self):
        return INDICATOR_SOURCES.get(self.source, self.source)

    @property
    def direction_label(self):
        return DIRECTIONS.get(self.direction, self.direction)


class IndicatorTarget(db.Model):
    """The yearly target of one unit for one indicator."""

    id = db.Column(db.Integer, primary_key=True)
    indicator_id = db.Column(db.Integer, db.ForeignKey("indicator.id"), nullable=False)
    unit_id = db.Column(db.Integer, db.ForeignKey("unit.id"), nullable=False)
    year = db.Column(db.Integer, nullable=False)
    target = db.Column(db.Numeric(14, 2), nullable=False)

    __table_args__ = (db.UniqueConstraint("indicator_id", "unit_id", "year", name="uq_indicator_target_key"),)


class ReportedValue(db.Model):
    """A reported figure of one unit: the year-to-date value at the end of `period` (YYYY-MM or YYYYQn)."""

    id = db.Column(db.Integer, primary_key=True)
    indicator_id = db.Column(db.Integer, db.ForeignKey("indicator.id"), nullable=False)
    unit_id = db.Column(db.Integer, db.ForeignKey("unit.id"), nullable=False)
    period = db.Column(db.String(7), nullable=False)
    value = db.Column(db.Numeric(14, 2), nullable=False)
    entered_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    __table_args__ = (db.UniqueConstraint("indicator_id", "unit_id", "period", name="uq_reported_value_key"),)


class Snapshot(db.Model):
    """The frozen figures of one period; `taken_at` is the "as of" time shown on every view."""

    id = db.Column(db.Integer, primary_key=True)
    period = db.Column(db.String(7), unique=True, nullable=False)
    kind = db.Column(db.String(10), nullable=False)
    rule = db.Column(db.String(10), nullable=False, default="quintile", server_default="quintile")
    taken_at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)
    taken_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))

    values = db.relationship("SnapshotValue", cascade="all, delete-orphan", back_populates="snapshot")

    __table_args__ = (db.CheckConstraint("kind IN ('month', 'quarter')", name="kind"),
                      db.CheckConstraint("rule IN ('quintile', 'bands')", name="rule"))


class SnapshotValue(db.Model):
    """One unit × indicator cell of a snapshot, with everything scoring needs copied in."""

    id = db.Column(db.Integer, primary_key=True)
    snapshot_id = db.Column(db.Integer, db.ForeignKey("snapshot.id", ondelete="CASCADE"), nullable=False)
    unit_id = db.Column(db.Integer, db.ForeignKey("unit.id"), nullable=False)
    indicator_id = db.Column(db.Integer, db.ForeignKey("indicator.id"), nullable=False)
    unit_name = db.Column(db.String(50), nullable=False)
    unit_order = db.Column(db.Integer, nullable=False, default=0)
    indicator_name = db.Column(db.String(60), nullable=False)
    indicator_order = db.Column(db.Integer, nullable=False, default=0)
    measure = db.Column(db.String(20), nullable=False, default="")
    direction = db.Column(db.String(10), nullable=False)
    weight = db.Column(db.Numeric(6, 2), nullable=False)
    cap_percent = db.Column(db.Integer, nullable=False)
    value = db.Column(db.Numeric(14, 2))  # NULL: not reported
    target = db.Column(db.Numeric(14, 2))  # the period's target (序时目标 when prorated); NULL: no target
    yearly_target = db.Column(db.Numeric(14, 2))
    enterprises = db.Column(db.Integer)  # how many enterprises' private figures make up the value (NULL: public)

    snapshot = db.relationship("Snapshot", back_populates="values")

    __table_args__ = (db.UniqueConstraint("snapshot_id", "unit_id", "indicator_id", name="uq_snapshot_value_cell"),)
