from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional


class ImportForm(FlaskForm):
    kind = SelectField("导入类型", choices=[SelectChoice("achievements", "科技成果"), SelectChoice("demands", "技术需求"),
                                                SelectChoice("figures", "企业经营数据")],
                      default="achievements", validators=[DataRequired(message="请选择导入类型")])
    file = FileField("文件", description="CSV（UTF-8，可带 BOM）或 Excel .xlsx；第 1 行为表头，中文或英文列名均可。",
                     validators=[FileRequired(message="请选择要上传的文件"),
                                 FileAllowed(["csv", "xlsx"], message="只支持 .csv 和 .xlsx 文件")])
    org = StringField("统一单位（可选）", description="填写后所有行都使用此单位；不存在的单位将创建为已认证单位。",
                      validators=[Optional(), Length(max=200, message="单位名称不能超过 200 个字符")])
    publish = BooleanField("直接发布（记录为本人审核通过）；不勾选则进入待审核队列")
    confirm_duplicate = BooleanField("确认重复导入（同一文件已导入过时仍然导入，会重复创建条目）")
