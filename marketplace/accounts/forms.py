"""Forms of the account pages. Cross-field rules (organization kind by role, credit code, unique
email) live in services.py; the views copy the service's field errors back onto these forms."""
from flask_wtf import FlaskForm
from wtforms import (BooleanField, EmailField, HiddenField, PasswordField, RadioField, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from ..forms import MultiCheckboxField, select_choices
from ..limits import db_int
from ..models.accounts import ORG_KINDS, ORG_TAGS
from .passwords import PASSWORD_MAX, PASSWORD_MIN
from .services import ORG_DESCRIPTION_MAX

REGISTER_ROLE_CHOICES = [("researcher", "科研人员（高校、科研院所）"), ("enterprise", "企业用户"),
                         ("provider", "服务机构（创新券接券机构）")]
REGISTER_ORG_KINDS = [("university", ORG_KINDS["university"]), ("institute", ORG_KINDS["institute"]),
                      ("enterprise", ORG_KINDS["enterprise"]),
                      ("service_provider", ORG_KINDS["service_provider"])]


def int_or_zero(value):
    """Coerce a select's value; junk becomes 0 ("nothing chosen") instead of an English WTForms error."""
    try:
        return db_int(value)  # an id the database can hold (a bigger one would be a 500 at the lookup)
    except (TypeError, ValueError):
        return 0


def _password(label):
    # The policy itself (length, common passwords, the e-mail's name) is checked by the service: passwords.py.
    return PasswordField(label, validators=[DataRequired(message=f"请填写{label}")],
                         description=f"至少 {PASSWORD_MIN} 个字符；不能是常见密码，也不能包含邮箱 @ 前面的用户名",
                         render_kw={"maxlength": PASSWORD_MAX, "autocomplete": "new-password"})


class LoginForm(FlaskForm):
    email = EmailField("邮箱", validators=[DataRequired(message="请填写邮箱")])
    password = PasswordField("密码", validators=[DataRequired(message="请填写密码")])
    remember = BooleanField("记住我")
    next = HiddenField()


class OrganizationChoiceForm(FlaskForm):
    """Join an existing organization (a request its org admin decides) or create a new one."""
    org_mode = RadioField("所在单位", choices=select_choices([("existing", "申请加入已有单位"), ("new", "新建单位")]),
                          default="existing",
                          validate_choice=False)
    org_id = SelectField("已有单位", coerce=int_or_zero, choices=[], validate_choice=False)
    org_name = StringField("新单位名称", validators=[Optional(), Length(max=200, message="单位名称过长")])
    org_kind = SelectField("新单位类型", choices=select_choices(REGISTER_ORG_KINDS), validate_choice=False)
    credit_code = StringField("统一社会信用代码（选填）", validators=[Optional(), Length(max=18, message="应为 18 位")],
                              description="18 位，末位为校验码；填写后管理员认证更快")

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.org_mode.data == "new":
            if not (self.org_name.data or "").strip():
                self.org_name.errors = list(self.org_name.errors) + ["请填写新单位名称"]
                ok = False
        elif not self.org_id.data:
            self.org_id.errors = list(self.org_id.errors) + ["请选择所在单位，或选择“新建单位”"]
            ok = False
        return ok

    def org_data(self):
        if self.org_mode.data == "new":
            return dict(org_name=self.org_name.data, org_kind=self.org_kind.data, credit_code=self.credit_code.data)
        return {"org_id": self.org_id.data}


class RegisterForm(OrganizationChoiceForm):
    # Choices are checked by the service (with a Chinese message), not by WTForms.
    role = RadioField("注册身份", choices=select_choices(REGISTER_ROLE_CHOICES), default="researcher",
                      validate_choice=False,
                      validators=[DataRequired(message="请选择注册身份")])
    name = StringField("姓名", validators=[DataRequired(message="请填写姓名"), Length(max=100, message="姓名过长")])
    email = EmailField("邮箱", validators=[DataRequired(message="请填写邮箱"), Length(max=200, message="邮箱过长")])
    password = _password("密码")
    confirm = PasswordField("确认密码", validators=[DataRequired(message="请再次输入密码"),
                                                  EqualTo("password", message="两次输入的密码不一致")])

    def service_data(self):
        data = {"role": self.role.data, "name": self.name.data, "email": self.email.data,
                "password": self.password.data}
        data.update(self.org_data())
        return data


class PasswordChangeForm(FlaskForm):
    old_password = PasswordField("原密码", validators=[DataRequired(message="请填写原密码")])
    new_password = _password("新密码")
    confirm = PasswordField("确认新密码", validators=[DataRequired(message="请再次输入新密码"),
                                                    EqualTo("new_password", message="两次输入的密码不一致")])


class ForgotPasswordForm(FlaskForm):
    email = EmailField("注册邮箱", validators=[DataRequired(message="请填写注册邮箱"), Length(max=200, message="邮箱过长")])


class ResetPasswordForm(FlaskForm):
    new_password = _password("新密码")
    confirm = PasswordField("确认新密码", validators=[DataRequired(message="请再次输入新密码"),
                                                    EqualTo("new_password", message="两次输入的密码不一致")])


class OrganizationForm(FlaskForm):
    name = StringField("单位名称", validators=[DataRequired(message="请填写单位名称"), Length(max=200, message="单位名称过长")])
    kind = SelectField("单位类型", choices=select_choices(ORG_KINDS.items()), validate_choice=False)
    credit_code = StringField("统一社会信用代码", validators=[Optional(), Length(max=18, message="应为 18 位")],
                              description="18 位，末位为校验码")
    region = StringField("所在地区", validators=[Optional(), Length(max=100, message="所在地区过长")])
    description = TextAreaField("单位简介", validators=[Optional(), Length(max=ORG_DESCRIPTION_MAX,
                                                                       message=f"不能超过 {ORG_DESCRIPTION_MAX} 个字符")],
                                render_kw={"rows": 5})


class OrgTagsForm(FlaskForm):
    """Status tags: set by platform admins only."""
    tags = MultiCheckboxField("单位标签", choices=select_choices((t, t) for t in ORG_TAGS), validate_choice=False)


class DecisionForm(FlaskForm):
    """Approve or reject a request; the reason is required for a rejection (checked by the service)."""
    reason = StringField("驳回原因", validators=[Optional(), Length(max=500, message="不能超过 500 个字符")])
    next = HiddenField()
