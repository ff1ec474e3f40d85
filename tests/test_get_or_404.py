"""workflow.get_or_404: an id the id columns cannot hold is a 404, on every engine (not a database error)."""
import pytest

from marketplace.models import Organization
from marketplace.workflow import NotFound, get_or_404


@pytest.mark.parametrize("value", ["99999999999999999999", 2 ** 31, "-99999999999", "abc", None, "1.5"])
def test_out_of_range_or_junk_ids_are_not_found(app, value):
    with pytest.raises(NotFound):
        get_or_404(Organization, value, "单位不存在")


def test_a_real_id_given_as_text_is_found(app, make):
    org = make.organization()
    assert get_or_404(Organization, str(org.id), "单位不存在") is org
