from ..extensions import db

UNIT_KINDS = {"town": "镇街", "park": "园区"}


class Unit(db.Model):
    """One of the district's units (镇街 or 园区): where an enterprise is, and what monitoring ranks.

    `map_col`/`map_row` place the unit on the schematic tile map (roughly by geography)."""

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), unique=True, nullable=False)
    kind = db.Column(db.String(10), nullable=False)
    sort_order = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    map_col = db.Column(db.Integer)
    map_row = db.Column(db.Integer)
    active = db.Column(db.Boolean, nullable=False, default=True, server_default=db.true())

    __table_args__ = (db.CheckConstraint("kind IN ('town', 'park')", name="kind"),)

    @property
    def kind_label(self):
        return UNIT_KINDS.get(self.kind, self.kind)
