"""Forms of the challenge pages (CSRF on every POST; the rules themselves live in the services)."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..models.challenges import DECLINE_REASONS
from ..text import DESCRIPTION_MAX, SUMMARY_MAX, TITLE_MAX


class ApplicationForm(FlaskForm):
    proposal = TextAreaField("技术方案（技术路线）", validators=[DataRequired("请填写技术方案")],
                             description="说明拟采用的技术路线、关键指标如何达成；可使用简单格式。",
                             render_kw={"rows": 8})
    team = TextAreaField("团队介绍", validators=[Optional(), Length(max=SUMMARY_MAX, message="团队介绍不能超过 %(max)d 个字符")],
                         render_kw={"rows": 4})
    plan = TextAreaField("计划与进度安排", validators=[Optional(), Length(max=DESCRIPTION_MAX,
                                                                      message="计划不能超过 %(max)d 个字符")],
                         render_kw={"rows": 5})
    quote = StringField("报价（万元）", validators=[DataRequired("请填写报价（万元）")], render_kw={"inputmode": "decimal"})
    confirm_over_bounty = BooleanField("我已知晓报价高于悬赏，仍按此报价提交")  # shown with the warning only


class DeclineForm(FlaskForm):
    code = SelectField("未入选原因", choices=[SelectChoice(k, v) for k, v in DECLINE_REASONS.items()], default="other",
                       validate_choice=False)  # the service checks the code, with a Chinese message
    reason = TextAreaField("具体说明", validators=[Optional(), Length(max=SUMMARY_MAX, message="说明不能超过 %(max)d 个字符")],
                           render_kw={"rows": 2}, description="选择“其他”时必填")


class ReasonForm(FlaskForm):
    """Cancel (取消) and fail (验收不通过): a reason is required."""

    reason = TextAreaField("原因", validators=[DataRequired("请填写原因"),
                                             Length(max=SUMMARY_MAX, message="原因不能超过 %(max)d 个字符")],
                           render_kw={"rows": 2})


class NoteForm(FlaskForm):
    """Close early, unclaimed, accept: an optional note."""

    note = TextAreaField("说明", validators=[Optional(), Length(max=SUMMARY_MAX, message="说明不能超过 %(max)d 个字符")],
                         render_kw={"rows": 2})


class MilestoneForm(FlaskForm):
    """Share and date are validated by the service (Chinese messages, one set of rules with the API)."""

    title = StringField("里程碑名称", validators=[DataRequired("请填写里程碑名称"),
                                             Length(max=TITLE_MAX, message="名称不能超过 %(max)d 个字符")])
    share_percent = StringField("占悬赏比例（%）", default="0",
                                render_kw={"type": "number", "min": 0, "max": 100, "step": 1})
    due_on = StringField("计划完成日期", render_kw={"type": "date"}, description="格式 YYYY-MM-DD，可不填")


class ProgressForm(FlaskForm):
    note = TextAreaField("进展 / 验收说明", validators=[Optional(), Length(max=SUMMARY_MAX,
                                                                    message="说明不能超过 %(max)d 个字符")],
                         render_kw={"rows": 2})
