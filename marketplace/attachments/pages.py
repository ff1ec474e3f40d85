"""What another feature's page passes to templates/_macros/attachments.html: the list, and the upload form
when the user may add files. Usage in a view: `attachments=pages.context(current_user, "deal", deal)`."""
from flask import send_file
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


def download_response(attachment, path):
    """The file as a download, never rendered: Content-Disposition attachment, the sniffed type (never
    HTML), nosniff, and a sandboxing CSP should a browser open it anyway."""
    response = send_file(path, mimetype=attachment.content_type, as_attachment=True,
                         download_name=services.download_name(attachment), max_age=0, conditional=False, etag=False)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
