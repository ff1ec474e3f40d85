"""Form pieces shared by every feature."""
from flask_wtf import FlaskForm


class EmptyForm(FlaskForm):
    """For buttons that POST: carries the CSRF token only."""
