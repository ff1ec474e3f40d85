"""Forms of the trust pages: they carry input only; the rules are in the services."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from ..text import DESCRIPTION_MAX, SUMMARY_MAX, TITLE_MAX


def _max(label, limit):
    return Length(max=limit, message=f"{label}不能超过 {limit} 个字符（当前 %(length)d 个）")


class ResponseForm(FlaskForm):
    achievement_id = SelectField("我的相关成果", choices=[], validate_choice=False,
                                 description="选择您或您单位已发布的科技成果；没有合适的成果时可只填写能力说明")
    capability = TextAreaField("能力说明", render_kw={"rows": 3}, validators=[_max("能力说明", SUMMARY_MAX)],
                               description="团队的相关技术能力、已有基础（未选择成果时必填）")
    message = TextAreaField("留言", render_kw={"rows": 4, "required": True}, validators=[_max("留言", SUMMARY_MAX)],
                            description="如 合作方式设想、可提供的样品或测试数据")


class AnnouncementForm(FlaskForm):
    title = StringField("标题", render_kw={"required": True}, validators=[_max("标题", TITLE_MAX)])
    published_on = StringField("发布日期", render_kw={"type": "date"}, validators=[_max("发布日期", 20)],
                               description="留空为今天；晚于今天的公告到当天才公开")
    body = TextAreaField("正文", render_kw={"rows": 8, "required": True}, validators=[_max("正文", DESCRIPTION_MAX)])


class OptoutForm(FlaskForm):
    hidden = BooleanField("不在成交公示中展示本交易")
