"""A real SMTP server for tests: aiosmtpd on a free loopback port, collecting what arrives.

Use the `smtp_inbox` fixture (import it into the test module): it starts the server and points the test
app's MAIL_SERVER / MAIL_PORT at it; `smtp_inbox.messages` are the parsed messages received so far.
"""
import socket
import threading
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self):
        self.envelopes = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        with self.arrived:
            self.envelopes.append(envelope)
            self.arrived.notify_all()
        return "250 Message accepted for delivery"

    @property
    def messages(self):
        return [message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]

    def wait_for(self, count, timeout=60):
        """Block until `count` messages arrived (a worker process sends them); fail after `timeout`."""
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.envelopes) >= count, timeout), \
                f"{len(self.envelopes)} of {count} mails arrived"
        return self.messages


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def body_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def smtp_inbox(app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    inbox.port = controller.port
    try:
        yield inbox
    finally:
        controller.stop()
