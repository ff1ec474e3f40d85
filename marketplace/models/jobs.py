"""Background import jobs: the upload waits here until the task queue has imported it."""
from ..extensions import db
from ..timeutil import utcnow
from .states import states_check

JOB_KINDS = {"achievement": "科技成果", "demand": "技术需求", "figures": "企业经营数据"}
JOB_STATES = {"queued": "排队中", "running": "进行中", "succeeded": "已完成", "failed": "失败"}
JOB_PHASES = {"queued": "等待处理", "read": "读取文件", "validate": "校验", "insert": "写入",
              "index": "更新索引与匹配推荐", "done": "完成"}


class ImportJob(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(20), nullable=False)  # achievement / demand / figures
    filename = db.Column(db.String(255), nullable=False)
    checksum = db.Column(db.String(64), nullable=False, index=True)  # sha256 of the uploaded bytes
    size = db.Column(db.Integer, nullable=False, default=0)
    publish = db.Column(db.Boolean, nullable=False, default=False)
    org_name = db.Column(db.String(200))
    created_by_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False, index=True)
    status = db.Column(db.String(20), nullable=False, default="queued", index=True)
    phase = db.Column(db.String(20), nullable=False, default="queued")
    done = db.Column(db.Integer, nullable=False, default=0)
    total = db.Column(db.Integer, nullable=False, default=0)
    message = db.Column(db.String(500))  # why it failed, in Chinese
    report = db.Column(db.JSON)  # ImportReport.as_dict(): counts and row-numbered errors
    upload = db.deferred(db.Column(db.LargeBinary))  # the file, kept until the job is done
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    started_at = db.Column(db.DateTime)
    finished_at = db.Column(db.DateTime)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    created_by = db.relationship("User")

    __table_args__ = (states_check(JOB_STATES),)

    @property
    def finished(self):
        return self.status in ("succeeded", "failed")

    @property
    def kind_label(self):
        return JOB_KINDS.get(self.kind, self.kind)

    @property
    def status_label(self):
        return JOB_STATES.get(self.status, self.status)

    @property
    def phase_label(self):
        return JOB_PHASES.get(self.phase, self.phase)


RUN_STATES = {"queued": "排队中", "running": "进行中", "succeeded": "已完成", "failed": "失败"}


class ProposalRun(db.Model):
    """A background re-pairing of every published listing (matching/repairing.py), with its progress."""

    id = db.Column(db.Integer, primary_key=True)
    status = db.Column(db.String(20), nullable=False, default="queued", index=True)
    done = db.Column(db.Integer, nullable=False, default=0)
    total = db.Column(db.Integer, nullable=False, default=0)
    message = db.Column(db.String(500))  # why it failed
    requested_by_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    started_at = db.Column(db.DateTime)
    finished_at = db.Column(db.DateTime)

    __table_args__ = (db.CheckConstraint("status IN ('queued', 'running', 'succeeded', 'failed')", name="status"),)

    @property
    def status_label(self):
        return RUN_STATES.get(self.status, self.status)

    @property
    def percent(self):
        return min(100, round(100 * self.done / self.total)) if self.total else (100 if self.status == "succeeded" else 0)
