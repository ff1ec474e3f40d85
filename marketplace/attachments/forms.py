from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField

from .sniffing import ALL_TYPES

ACCEPT = ",".join(sorted({f".{t.ext}" for t in ALL_TYPES} | {".jpeg"}))


class UploadForm(FlaskForm):
    """The file and its category; what the file is and may be is the service's business."""

    kind = SelectField("附件类别", choices=[], validate_choice=False)
    file = FileField("选择文件", render_kw={"accept": ACCEPT})
