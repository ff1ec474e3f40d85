"""What another feature's page passes to templates/_macros/attachments.html: the list, and the upload form
when the user may add files. Usage in a view: `attachments=pages.context(current_user, "deal", deal)`."""
from wtforms.fields import SelectChoice

from . import services, targets  # noqa: F401  (targets: the built-in registrations)
from .forms import UploadForm


def context(user, target_type, target):
    """None when the user may not see the target's attachments (the page then shows nothing)."""
    data = services.panel(user, target_type, target)
    if data is None:
        return None
    if data["can_upload"]:
        data["form"] = UploadForm()
        data["form"].kind.choices = [SelectChoice(value, label) for value, label in data["kinds"].items()]
    return data
