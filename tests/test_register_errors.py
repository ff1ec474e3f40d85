"""Registration reports every field's error in one answer (issue #11 item 11): the form's own checks and
the service's (password policy, credit code, e-mail taken) together, not one after the other."""
import pytest

from marketplace.models import Organization, User

BASE = {"role": "researcher", "name": "张三", "email": "zhang.san@example.com", "password": "long-enough-1",
        "confirm": "long-enough-1", "org_mode": "new", "org_name": "新星大学", "org_kind": "university",
        "credit_code": ""}
BAD_CODE = "91110000000000001X"


@pytest.mark.parametrize("overrides, messages", [
    ({"password": "short", "confirm": "short", "credit_code": BAD_CODE},
     ["密码至少需要 10 个字符", "统一社会信用代码格式或校验位不正确"]),
    ({"password": "short", "confirm": "shorter", "credit_code": BAD_CODE},
     ["两次输入的密码不一致", "密码至少需要 10 个字符", "统一社会信用代码格式或校验位不正确"]),
    ({"name": "", "password": "Password123", "confirm": "Password123", "credit_code": BAD_CODE},
     ["请填写姓名", "该密码过于常见", "统一社会信用代码格式或校验位不正确"]),
    ({"org_name": "", "email": "taken@example.com", "password": "short", "confirm": "short"},
     ["请填写新单位名称", "该邮箱已注册", "密码至少需要 10 个字符"]),
])
def test_register_shows_every_field_error_at_once(client, db, make, overrides, messages):
    make.user(email="taken@example.com")
    users = db.session.scalar(db.select(db.func.count(User.id)))
    page = client.post("/register", data={**BASE, **overrides}).get_data(as_text=True)
    for message in messages:
        assert message in page, message
        assert page.count(message) == 1, f"{message} shown twice"
    assert db.session.scalar(db.select(db.func.count(User.id))) == users
    assert db.session.scalar(db.select(db.func.count(Organization.id))) == users  # only the fixture user's
