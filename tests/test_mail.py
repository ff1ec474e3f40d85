"""Outgoing mail (marketplace/mail.py, tasks.send_mail): real SMTP to a local aiosmtpd server, the .eml
outbox when no server is configured, and the admin's outbox pages."""
import logging
import os

from marketplace import mail, tasks

from .mail_support import body_of, free_port, smtp_inbox  # noqa: F401  (fixture)
from .queue_support import running_worker, use_real_queue, wait_until


def test_mail_is_delivered_over_smtp_with_chinese_subject_and_body(app, smtp_inbox):
    with app.test_request_context():
        mail.send("li.hua@example.com", "【易智】测试邮件", "李华，您好：\n这是一封测试邮件。")
    [message] = smtp_inbox.messages
    assert smtp_inbox.envelopes[0].rcpt_tos == ["li.hua@example.com"]
    assert message["Subject"] == "【易智】测试邮件" and message["To"] == "li.hua@example.com"
    assert "noreply@yizhi.example.cn" in message["From"]
    assert "这是一封测试邮件。" in body_of(message)
    assert not os.path.isdir(mail.mail_dir()) or not os.listdir(mail.mail_dir())  # nothing in the outbox


def test_smtp_login_is_used_when_a_username_is_configured(app, smtp_inbox):
    # aiosmtpd refuses AUTH on a plain connection unless told otherwise: the refusal proves we tried to log in
    app.config.update(MAIL_USERNAME="mailer", MAIL_PASSWORD="secret")
    with app.app_context():
        try:
            mail.deliver("a@example.com", "主题", "正文")
        except Exception as err:  # smtplib.SMTPNotSupportedError / SMTPException
            assert "AUTH" in str(err) or "auth" in str(err).lower()
        else:
            raise AssertionError("expected the SMTP login to be attempted")
    assert smtp_inbox.messages == []


def test_without_a_server_mail_goes_to_the_outbox_folder(app, tmp_path):
    app.config["MAIL_DIR"] = str(tmp_path / "mail")
    mail.send("wang@example.com", "【易智】重置密码", "链接：http://localhost/x")
    [row] = mail.outbox()
    assert row["to"] == "wang@example.com" and row["subject"] == "【易智】重置密码" and row["sent_at"]
    assert os.listdir(tmp_path / "mail") == [row["name"]]
    assert "链接：http://localhost/x" in mail.outbox_message(row["name"])["text"]


def test_a_failed_delivery_is_logged_and_never_breaks_the_caller(app, caplog):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=5)  # nobody listens there
    with caplog.at_level(logging.ERROR):
        mail.send("a@example.com", "主题", "正文")  # immediate mode: runs here, must not raise
    assert any("mail to a@example.com" in r.getMessage() and "failed" in r.getMessage() for r in caplog.records)
    [retry] = [t for t in tasks.huey.scheduled() if t.name == "send_mail"]  # tried again a minute later
    assert retry.args == ("a@example.com", "主题", "正文") and retry.retries == tasks.MAIL_RETRIES - 1
    tasks.huey.flush()


def test_the_worker_sends_mail_queued_by_a_request(app, smtp_inbox, tmp_path):
    """With a real queue the request only enqueues (nothing is sent until the worker runs)."""
    use_real_queue(app, tmp_path / "huey.db")
    try:
        mail.send("zhao@example.com", "【易智】排队发送", "由后台任务发送")
        assert smtp_inbox.messages == []  # queued, not sent by the caller
        app.config.update(MAIL_SERVER=None)  # the worker reads its settings from the environment below
        os.environ["MARKETPLACE_MAIL_SERVER"] = "127.0.0.1"
        os.environ["MARKETPLACE_MAIL_PORT"] = str(smtp_inbox.port)
        log_path = tmp_path / "worker.log"
        with running_worker(app, log_path) as worker:
            wait_until(lambda: len(smtp_inbox.envelopes) == 1, worker, log_path)
        [message] = smtp_inbox.messages
        assert message["Subject"] == "【易智】排队发送" and "由后台任务发送" in body_of(message)
    finally:
        os.environ.pop("MARKETPLACE_MAIL_SERVER", None)
        os.environ.pop("MARKETPLACE_MAIL_PORT", None)
        app.config.update(TASK_QUEUE_IMMEDIATE=True)
        tasks.init_app(app)


def test_admin_outbox_lists_mails_and_shows_the_text_escaped(app, client, login, make, tmp_path):
    app.config["MAIL_DIR"] = str(tmp_path / "mail")
    mail.send("chen@example.com", "【易智】<b>加粗</b>主题", "正文 <script>alert(1)</script> 结束")
    login(make.user(role="admin"))
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "chen@example.com" in page and "&lt;b&gt;加粗&lt;/b&gt;主题" in page and "<b>加粗</b>" not in page
    name = mail.outbox()[0]["name"]
    detail = client.get(f"/admin/outbox/{name}")
    text = detail.get_data(as_text=True)
    assert detail.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>alert(1)" not in text


def test_outbox_refuses_other_file_names(app, client, login, make, tmp_path):
    app.config["MAIL_DIR"] = str(tmp_path / "mail")
    (tmp_path / "secret.eml").write_text("Subject: x\n\nsecret")
    login(make.user(role="admin"))
    for name in ("..%2Fsecret.eml", "secret.eml", "20260101T000000-" + "0" * 32 + ".eml"):
        assert client.get(f"/admin/outbox/{name}").status_code == 404


def test_outbox_is_for_admins_only(client, login, make):
    login(make.user(role="broker"))
    assert client.get("/admin/outbox").status_code == 403
