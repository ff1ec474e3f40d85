"""Deal forms. Values are checked again in the services (the API shares them); the forms
give the fields, CSRF and Chinese labels."""
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import value_choices
from ..models.deals import CONTRACT_TYPES, ENQUIRY_MODES

REQUIRED = "此项为必填"
DATE_INPUT = {"type": "date", "placeholder": "YYYY-MM-DD"}  # parsed (and refused in Chinese) by the service


class EnquiryForm(FlaskForm):
    mode = SelectField("合作方式", choices=value_choices(ENQUIRY_MODES), validate_choice=False,
                       validators=[DataRequired(REQUIRED)])
    message = TextAreaField("意向说明", validators=[DataRequired(REQUIRED), Length(max=2000, message="不能超过 2000 个字符")],
                            description="简要说明贵单位的需求、应用场景和期望的合作方式")


class NewDealForm(FlaskForm):
    # Choices are filled by the view; the service checks the ids (so no English "Not a valid choice").
    achievement_id = SelectField("科技成果", choices=[], validate_choice=False, validators=[Optional()])
    buyer_org_id = SelectField("需求方企业", choices=[], validate_choice=False, validators=[Optional()])
    broker_id = SelectField("负责经纪人", choices=[], validate_choice=False, validators=[Optional()])


class SignForm(FlaskForm):
    contract_type = SelectField("合同类型", choices=value_choices(CONTRACT_TYPES, blank="请选择"),
                                validate_choice=False)
    amount = StringField("合同金额（万元）", description="最多两位小数，例如 120.50")
    signed_on = StringField("签约日期", render_kw=DATE_INPUT)


class RegisterForm(FlaskForm):
    registration_no = StringField("技术合同认定登记号", validators=[Length(max=60, message="不能超过 60 个字符")])
    registered_on = StringField("认定登记日期", render_kw=DATE_INPUT)


class DeliverForm(FlaskForm):
    note = TextAreaField("交付说明", description="交付内容、进度安排等")


class CompleteForm(FlaskForm):
    note = TextAreaField("转化成果说明", description="产业化情况、产生的效益等")


STAGE_FORMS = {"contract_signed": SignForm, "registered": RegisterForm, "delivering": DeliverForm,
               "commercialized": CompleteForm}


class TerminateForm(FlaskForm):
    reason = TextAreaField("终止原因", validators=[DataRequired("请填写终止原因"),
                                               Length(max=2000, message="不能超过 2000 个字符")])


class NoteForm(FlaskForm):
    body = TextAreaField("备注", validators=[DataRequired("请填写备注内容"),
                                           Length(max=2000, message="不能超过 2000 个字符")])


class NextStepForm(FlaskForm):
    next_step = StringField("下一步计划", validators=[Length(max=200, message="不能超过 200 个字符")])
    next_step_on = StringField("计划日期", render_kw=DATE_INPUT)


class AssignForm(FlaskForm):
    broker_id = SelectField("负责经纪人", choices=[], validate_choice=False,
                            validators=[DataRequired("请选择技术经纪人")])
