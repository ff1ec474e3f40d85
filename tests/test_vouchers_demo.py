"""The 创新券 demo: a scheme in use, with objects in several states, and books that agree."""
from marketplace.models import ServiceProvider, Voucher, VoucherClaim, VoucherOrder


def test_demo_shows_a_scheme_in_use(app, db, client):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    states = lambda model: set(db.session.scalars(db.select(model.status)).all())  # noqa: E731
    assert states(Voucher) == {"issued", "submitted", "rejected"}
    assert {"placed", "delivered", "confirmed"} <= states(VoucherOrder)
    assert states(VoucherClaim) == {"settled", "submitted"}
    assert states(ServiceProvider) == {"admitted", "noticed"}
    check = runner.invoke(args=["vouchers", "check"])
    assert check.exit_code == 0, check.output
    assert "新材料理化性能检测" in client.get("/services?category=检验检测").get_data(as_text=True)
    assert "远景科技咨询有限公司" in client.get("/vouchers").get_data(as_text=True)
    second = runner.invoke(args=["seed-demo"])
    assert "创新券 already present" in second.output
