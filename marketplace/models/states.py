"""The database's guard on status columns: a CHECK that the column holds one of its table's states."""
from ..extensions import db


def states_check(states, column="status"):
    """CHECK (column IN (...)), named ck_<table>_<column> by the metadata's naming convention."""
    values = ", ".join(f"'{state}'" for state in states)
    return db.CheckConstraint(f"{column} IN ({values})", name=column)
