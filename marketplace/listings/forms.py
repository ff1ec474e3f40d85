"""Achievement and demand forms. Rules live in services.clean_*: these forms only carry input.

Choice and number fields are plain strings here so that bad input reaches the service,
which answers in Chinese for the form, the API and the importer alike.
"""
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length

from ..forms import MultiCheckboxField, attach_errors, select_choices
from ..forms import value_choices as _choices
from ..models.listings import ACHIEVEMENT_TYPES, CONTACT_SHOW, FIELDS, MATURITIES, MATURITY_LABELS, MODES
from ..parsing import MONEY_TEXT_MAX
from ..text import DESCRIPTION_MAX, KEYWORD_MAX, KEYWORDS_INPUT_MAX, KEYWORDS_MAX, SUMMARY_MAX, TITLE_MAX
from ..timeutil import to_local
from .cleaning import normalize_maturity


KEYWORDS_HELP = f"用顿号、逗号或空格分隔，最多 {KEYWORDS_MAX} 个，每个不超过 {KEYWORD_MAX} 个字"


def _max(label, limit):
    """The service's length limit (services.clean_*), checked by the form too, with the same words."""
    return Length(max=limit, message=f"{label}不能超过 {limit} 个字符（当前 %(length)d 个）")


class ListingForm(FlaskForm):
    save = SubmitField("保存草稿")
    save_and_submit = SubmitField("保存并提交审核")

    # Names of the form's own fields that are not listing data.
    CONTROL_FIELDS = ("csrf_token", "save", "save_and_submit")

    contact_name = StringField("联系人", validators=[_max("联系人", 50)])
    contact_role = StringField("职务", validators=[_max("联系人职务", 50)], description="如 技术转移中心主任")
    contact_phone = StringField("联系电话", validators=[_max("联系电话", 30)])
    contact_email = StringField("联系邮箱", validators=[_max("联系邮箱", 200)])
    contact_show = SelectField("展示的联系方式", choices=select_choices(CONTACT_SHOW.items()),
                               validate_choice=False,
                               description="联系人信息仅对登录用户展示；未填写联系人时展示发布者姓名和账号邮箱")

    def fill_contact(self, listing):
        for name in ("contact_name", "contact_role", "contact_phone", "contact_email"):
            getattr(self, name).data = getattr(listing, name) or ""
        self.contact_show.data = listing.contact_show or "both"

    def listing_data(self):
        """The typed values as a dict keyed like DESIGN §6, for services.clean_*."""
        return {name: field.data for name, field in self._fields.items() if name not in self.CONTROL_FIELDS}

    def add_errors(self, errors):
        """Put a service's field errors on the fields; return the messages no field holds."""
        return attach_errors(self, errors, skip=self.CONTROL_FIELDS)


class AchievementForm(ListingForm):
    title = StringField("成果名称", render_kw={"required": True}, validators=[_max("成果名称", TITLE_MAX)],
                        description=f"不超过 {TITLE_MAX} 个字")
    summary = TextAreaField("成果简介", render_kw={"rows": 3, "required": True}, validators=[_max("成果简介", SUMMARY_MAX)],
                            description=f"一段话的公开简介，纯文本，不超过 {SUMMARY_MAX} 字")
    description = TextAreaField("详细介绍", render_kw={"rows": 8}, validators=[_max("详细介绍", DESCRIPTION_MAX)],
                                description=f"可使用简单的 HTML 格式（段落、列表、表格），不超过 {DESCRIPTION_MAX} 字")
    details = TextAreaField("非公开详情", render_kw={"rows": 5}, validators=[_max("非公开详情", DESCRIPTION_MAX)],
                            description="仅登录的企业用户、技术经纪人可见，如关键技术参数、合作条件")
    field = SelectField("技术领域", choices=_choices(FIELDS), validate_choice=False)
    type = SelectField("成果类型", choices=_choices(ACHIEVEMENT_TYPES), validate_choice=False)
    patent_no = StringField("专利号 / 登记号", validators=[_max("专利号", 40)],
                            description="发明专利、实用新型、外观设计请填写申请号，如 201710601862.3")
    maturity = SelectField("成熟度", validate_choice=False, choices=select_choices(
        [("", "请选择")] + [(code, MATURITY_LABELS[code]) for code in MATURITIES]))
    modes = MultiCheckboxField("交易方式", choices=_choices(MODES), validate_choice=False)
    price = StringField("参考价格（万元）", validators=[_max("参考价格", MONEY_TEXT_MAX)], description="留空表示面议")
    keywords = StringField("关键词", validators=[_max("关键词", KEYWORDS_INPUT_MAX)], description=KEYWORDS_HELP)

    def fill_from(self, listing):
        for name in ("title", "summary", "description", "details", "field", "type", "patent_no", "maturity"):
            getattr(self, name).data = getattr(listing, name) or ""
        self.maturity.data = normalize_maturity(listing.maturity) or ""  # an older name (中试) shows as its TRL
        self.modes.data = listing.mode_list
        self.price.data = "" if listing.price is None else str(listing.price)
        self.keywords.data = "、".join(listing.keyword_list)
        self.fill_contact(listing)


class DemandForm(ListingForm):
    title = StringField("需求名称", render_kw={"required": True}, validators=[_max("需求名称", TITLE_MAX)],
                        description=f"不超过 {TITLE_MAX} 个字")
    description = TextAreaField("需求描述", render_kw={"rows": 8}, validators=[_max("需求描述", DESCRIPTION_MAX)],
                                description=f"可使用简单的 HTML 格式，不超过 {DESCRIPTION_MAX} 字")
    indicators = TextAreaField("技术指标", render_kw={"rows": 4}, validators=[_max("技术指标", DESCRIPTION_MAX)])
    field = SelectField("技术领域", choices=_choices(FIELDS), validate_choice=False)
    budget = StringField("预算（万元）", validators=[_max("预算", MONEY_TEXT_MAX)], description="留空表示面议")
    keywords = StringField("关键词", validators=[_max("关键词", KEYWORDS_INPUT_MAX)], description=KEYWORDS_HELP)
    is_challenge = BooleanField("作为揭榜挂帅榜单发布")
    bounty = StringField("悬赏金额（万元）", validators=[_max("悬赏金额", MONEY_TEXT_MAX)], description="揭榜挂帅必填")
    deadline = StringField("揭榜截止日期", render_kw={"type": "date"}, validators=[_max("揭榜截止日期", 20)],
                           description="揭榜挂帅必填，截止到当天 24 时（北京时间）")
    eligibility = TextAreaField("申报条件", render_kw={"rows": 3}, validators=[_max("申报条件", SUMMARY_MAX)])

    def fill_from(self, listing):
        for name in ("title", "description", "indicators", "field", "eligibility"):
            getattr(self, name).data = getattr(listing, name) or ""
        self.is_challenge.data = bool(listing.is_challenge)
        self.budget.data = "" if listing.budget is None else str(listing.budget)
        self.bounty.data = "" if listing.bounty is None else str(listing.bounty)
        self.deadline.data = to_local(listing.deadline).strftime("%Y-%m-%d") if listing.deadline else ""
        self.keywords.data = "、".join(listing.keyword_list)
        self.fill_contact(listing)


FORMS = {"achievement": AchievementForm, "demand": DemandForm}
