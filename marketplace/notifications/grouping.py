"""Repeated notifications of one kind about one target (its link) shown as one entry: "3 条新的匹配推荐"."""
from dataclasses import dataclass, field

from .kinds import kind_label


@dataclass
class NotificationGroup:
    kind: str
    url: str
    items: list = field(default_factory=list)  # newest first

    @property
    def latest(self):
        return self.items[0]

    @property
    def unread(self):
        return [n for n in self.items if n.read_at is None]

    @property
    def ids(self):
        return [n.id for n in self.items]

    @property
    def title(self):
        """The group's heading: the count and kind of its notifications ("3 条新的匹配推荐")."""
        fresh = "新的" if self.unread else ""
        if len(self.items) == 1:
            return f"{fresh}{kind_label(self.kind)}"
        return f"{len(self.items)} 条{fresh}{kind_label(self.kind)}"


def group_notifications(notes):
    """Group notifications (newest first) by kind and target, in order of each group's newest one."""
    groups = {}
    for note in notes:
        key = (note.kind, note.url or "")
        if key not in groups:
            groups[key] = NotificationGroup(note.kind, note.url or "")
        groups[key].items.append(note)
    return list(groups.values())
