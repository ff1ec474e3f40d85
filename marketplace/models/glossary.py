"""Glossary concepts added by admins on /admin/glossary (marketplace/matching/glossary_admin.py).

They extend the shipped file marketplace/data/glossary.tsv: the effective glossary is both.
Names are stored as the file stores them: the names of one language joined by |.
"""
from ..extensions import db
from ..timeutil import utcnow


class GlossaryConcept(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    field = db.Column(db.String(20), nullable=False)  # one of models.listings.FIELDS
    chinese = db.Column(db.String(1000), nullable=False, default="")  # 石墨烯|单层石墨
    english = db.Column(db.String(1000), nullable=False, default="")  # graphene|monolayer graphite
    note = db.Column(db.String(500))
    created_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)

    created_by = db.relationship("User", foreign_keys=[created_by_id])
    updated_by = db.relationship("User", foreign_keys=[updated_by_id])

    @property
    def chinese_names(self):
        return tuple(n for n in (self.chinese or "").split("|") if n)

    @property
    def english_names(self):
        return tuple(n for n in (self.english or "").split("|") if n)
