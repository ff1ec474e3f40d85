"""The one state-machine helper used by listings, challenges, applications and deals.

A machine is a table of named actions, each allowed from some states to one state.
`apply()` moves an object with a compare-and-set UPDATE (so two concurrent requests
cannot both win) and records an Event row in the same transaction.
"""
from dataclasses import dataclass

from sqlalchemy import update

from .extensions import db
from .models.events import Event


class DomainError(Exception):
    """A rule of the domain was broken; views turn it into a flash or a 4xx."""

    status = 400
    code = "bad_request"

    def __init__(self, message, errors=None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class ValidationFailed(DomainError):
    status = 400
    code = "invalid"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class InvalidTransition(DomainError):
    status = 409
    code = "invalid_transition"


@dataclass(frozen=True)
class Transition:
    sources: tuple
    target: str
    label: str


class StateMachine:
    def __init__(self, subject_type, transitions, attr="status"):
        self.subject_type = subject_type
        self.attr = attr
        self.transitions = {
            name: Transition(tuple(sources), target, label)
            for name, (sources, target, label) in transitions.items()
        }

    def can(self, obj, action):
        t = self.transitions.get(action)
        return t is not None and getattr(obj, self.attr) in t.sources

    def allowed_actions(self, obj):
        return [name for name in self.transitions if self.can(obj, name)]

    def begin(self, obj, action, actor, note=None):
        """Create obj in the state of `action`, an entry of the table without sources; record its Event."""
        t = self.transitions[action]
        if t.sources:
            raise ValueError(f"{action} is a move between states, not a creation")
        setattr(obj, self.attr, t.target)
        db.session.add(obj)
        db.session.flush()
        return self._record(obj, action, actor, None, t.target, note)

    def apply(self, obj, action, actor, note=None):
        """Move obj by action; raise InvalidTransition if its current state forbids it.

        The UPDATE only matches while the row still holds the state we read, so of two
        concurrent requests exactly one succeeds and the other gets InvalidTransition.
        """
        t = self.transitions.get(action)
        current = getattr(obj, self.attr)
        if t is None or current not in t.sources:
            raise InvalidTransition(f"当前状态不允许此操作（{t.label if t else action}）")
        model = type(obj)
        column = getattr(model, self.attr)
        result = db.session.execute(
            update(model)
            .where(model.id == obj.id, column == current)
            .values({self.attr: t.target})
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            db.session.rollback()
            raise InvalidTransition("该记录已被他人更新，请刷新后重试")
        db.session.expire(obj, [self.attr])
        return self._record(obj, action, actor, current, t.target, note)

    def _record(self, obj, action, actor, from_state, to_state, note):
        event = Event(subject_type=self.subject_type, subject_id=obj.id, actor_id=getattr(actor, "id", None),
                      action=action, from_state=from_state, to_state=to_state, note=note)
        db.session.add(event)
        return event


def history(subject_type, subject_id):
    return db.session.scalars(
        db.select(Event)
        .where(Event.subject_type == subject_type, Event.subject_id == subject_id)
        .order_by(Event.created_at, Event.id)
    ).all()


def get_or_404(model, object_id, message, visible=None):
    """The row, or NotFound(message) when it is missing or `visible(row)` is false (so nothing is disclosed).
    An id the id columns cannot hold (a 20-digit query-string value) is missing too, never a database error."""
    from .limits import db_int

    try:
        object_id = db_int(object_id)
    except (TypeError, ValueError):
        raise NotFound(message) from None
    row = db.session.get(model, object_id)
    if row is None or (visible is not None and not visible(row)):
        raise NotFound(message)
    return row
