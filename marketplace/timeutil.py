"""Times are stored as naive UTC and shown in Asia/Shanghai."""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def utcnow():
    return datetime.now(timezone.utc).replace(tzinfo=None)


def to_local(dt):
    if dt is None:
        return None
    return dt.replace(tzinfo=timezone.utc).astimezone(LOCAL_TZ)


def local_today():
    return datetime.now(LOCAL_TZ).date()


def end_of_local_day_utc(day: date):
    """A deadline given as a date closes at 23:59:59 Beijing time that day."""
    local_end = datetime.combine(day, time(23, 59, 59), tzinfo=LOCAL_TZ)
    return local_end.astimezone(timezone.utc).replace(tzinfo=None)


def days_left(deadline_utc, now=None):
    if deadline_utc is None:
        return None
    remaining = deadline_utc - (now or utcnow())
    if remaining < timedelta(0):
        return -1
    return remaining.days
