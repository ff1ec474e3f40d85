from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..accounts.forms import int_or_zero
from ..forms import select_choices
from ..accounts.passwords import PASSWORD_MAX, PASSWORD_MIN
from ..models.accounts import ORG_KINDS, ROLES


class RejectForm(FlaskForm):
    reason = TextAreaField("驳回原因", validators=[DataRequired(message="请填写驳回原因"),
                                               Length(max=2000, message="驳回原因不能超过 2000 个字符")],
                           render_kw={"rows": 3, "placeholder": "请具体说明需要修改的地方，发布者会看到此原因"})


class ApproveForm(FlaskForm):
    note = StringField("审核意见（选填）", validators=[Optional(), Length(max=500, message="不能超过 500 个字符")])


class UserCreateForm(FlaskForm):
    email = EmailField("邮箱", validators=[DataRequired(message="请填写邮箱"), Length(max=200, message="邮箱过长")])
    name = StringField("姓名", validators=[DataRequired(message="请填写姓名"), Length(max=100, message="姓名过长")])
    role = SelectField("角色", choices=select_choices(ROLES.items()), default="broker", validate_choice=False)
    # The password policy is the service's (accounts/passwords.py).
    password = PasswordField("初始密码", validators=[DataRequired(message="请填写初始密码")],
                             description=f"至少 {PASSWORD_MIN} 个字符；不能是常见密码，也不能包含邮箱 @ 前面的用户名",
                             render_kw={"maxlength": PASSWORD_MAX, "autocomplete": "new-password"})
    org_id = SelectField("所属单位", coerce=int_or_zero, choices=[], validate_choice=False)
    org_name = StringField("或新建单位（名称）", validators=[Optional(), Length(max=200, message="单位名称过长")],
                           description="新建的单位直接视为已认证")
    org_kind = SelectField("新单位类型", choices=select_choices(ORG_KINDS.items()), default="broker_agency",
                           validate_choice=False)


class GlossaryConceptForm(FlaskForm):
    """A glossary concept added by an admin; the rules are matching/glossary.check_concept's (the service's)."""
    field = SelectField("技术领域", choices=[], validate_choice=False)
    chinese = TextAreaField("中文名称", description="每行一个名称，如：石墨烯",
                            render_kw={"rows": 3, "placeholder": "每行一个"})
    english = TextAreaField("英文名称", description="每行一个名称，如：graphene；中英文名称合计至少两个",
                            render_kw={"rows": 3, "placeholder": "每行一个"})
    note = TextAreaField("备注（选填）", render_kw={"rows": 2, "maxlength": 500})
