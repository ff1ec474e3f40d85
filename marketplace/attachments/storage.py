"""The files themselves: under UPLOAD_DIR (default instance/uploads), each under a random name.

The user's file name never reaches the file system. Files follow the database transaction: a file written
by a transaction that rolls back is removed, and a file whose row was deleted is removed only once that
deletion is committed (hooks on the session, below).
"""
import os
import secrets

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

CHUNK = 64 * 1024


class FileTooLarge(Exception):
    pass


def upload_dir():
    path = current_app.config["UPLOAD_DIR"]
    os.makedirs(path, exist_ok=True)
    return path


def path_of(stored_name):
    # stored names are ours (hex + extension); basename() is a second guard against any path in them
    return os.path.join(upload_dir(), os.path.basename(stored_name))


def write_stream(stream, max_bytes):
    """Copy stream into a new temporary file in the upload dir; return (path, size). FileTooLarge beyond
    max_bytes (nothing is kept)."""
    path = os.path.join(upload_dir(), f"tmp-{secrets.token_hex(16)}")
    size = 0
    try:
        with open(path, "xb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise FileTooLarge()
                out.write(chunk)
    except BaseException:
        _remove(path)
        raise
    return path, size


def keep(session, temp_path, ext):
    """Give the temporary file its final random name; return that name. Removed again on rollback."""
    stored_name = f"{secrets.token_hex(16)}.{ext}"
    final = path_of(stored_name)
    os.replace(temp_path, final)
    session.info.setdefault("uploads_written", []).append(final)
    return stored_name


def discard(temp_path):
    _remove(temp_path)


def remove_after_commit(session, stored_name):
    session.info.setdefault("uploads_deleted", []).append(path_of(stored_name))


def _remove(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    session.info.pop("uploads_written", None)
    for path in session.info.pop("uploads_deleted", []):
        _remove(path)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session, previous_transaction):
    if previous_transaction.parent is not None:  # a savepoint: the outer transaction decides
        return
    session.info.pop("uploads_deleted", None)
    for path in session.info.pop("uploads_written", []):
        _remove(path)
