"""Forms of the matching pages (every POST carries CSRF)."""
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from ..forms import select_choices as _choices
from ..models.listings import FIELDS


class SubscriptionForm(FlaskForm):
    field = SelectField("技术领域", choices=_choices([("", "不限")] + [(f, f) for f in FIELDS]),
                        validators=[Optional()])
    kind = SelectField("信息类型", choices=_choices([("", "成果与需求"), ("achievement", "科技成果"),
                                                  ("demand", "技术需求")]), validators=[Optional()])
    keywords = StringField("关键词", description="多个关键词用空格、逗号或顿号分隔；任一关键词出现即通知",
                           validators=[Optional(), Length(max=300, message="关键词总长度不能超过 300 个字符")])
