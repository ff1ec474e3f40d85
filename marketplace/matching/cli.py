"""`flask reindex` and `flask index-check`."""
import os
import time

import click
from flask.cli import with_appcontext

from ..extensions import db
from ..models import Achievement, Demand
from . import consistency, index, repairing
from .documents import count_indexed


@click.command("reindex")
@click.option("--proposals/--no-proposals", default=True, show_default=True,
              help="Recompute every published listing's match proposals after the rebuild.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Processes for the proposals (default: the number of CPU cores).")
@with_appcontext
def reindex(proposals, workers):
    """Rebuild the search index from the database (and recompute proposals)."""
    with click.progressbar(length=count_indexed(), label="重建索引") as bar:
        written = index.rebuild(progress=bar.update)
    click.echo(f"已写入索引 {written} 条")
    if index.pending_count():
        click.echo(f"应用待处理的索引变更 {index.apply_outbox()} 条")
    if proposals:
        _recompute(workers)


@click.command("recompute-proposals")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Processes (default: the number of CPU cores).")
@with_appcontext
def recompute_proposals(workers):
    """Recompute every published listing's match proposals (no notifications)."""
    _recompute(workers)


def _recompute(workers):
    workers = workers or os.cpu_count() or 1
    total = sum(db.session.scalar(db.select(db.func.count()).select_from(m).where(m.status == "published"))
                for m in (Achievement, Demand))
    started = time.monotonic()
    with click.progressbar(length=total, label=f"计算匹配推荐（{workers} 个进程）") as bar:
        count = repairing.recompute_all(progress=bar.update, workers=workers)
    elapsed = time.monotonic() - started
    click.echo(f"已计算 {count} 条信息的匹配推荐，用时 {elapsed:.1f} 秒（每秒 {count / max(elapsed, 1e-9):.1f} 条）")


@click.command("index-check")
@with_appcontext
def index_check():
    """Report listings missing from or stale in the index; exit 1 on drift."""
    drift = consistency.check()
    pending = index.pending_count()
    for label, name in (("索引中缺失", "missing"), ("索引内容过期", "stale"), ("索引中多余", "extra")):
        keys = drift[name]
        click.echo(f"{label}：{len(keys)} 条" + (f"（{', '.join(keys[:20])}{' …' if len(keys) > 20 else ''}）" if keys else ""))
    click.echo(f"待处理的索引变更：{pending} 条")
    if any(drift.values()):
        raise SystemExit(1)
    click.echo("索引与数据库一致")
