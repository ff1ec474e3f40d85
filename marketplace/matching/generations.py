"""Index generations on disk: the live index is the directory that INDEX_DIR/current names.

A rebuild writes a new directory (`gen-...`) beside the live one and then renames a new
pointer file over `current` (os.replace: atomic), so readers, which open whatever `current`
names, see the old index until the new one is complete. A rebuild that fails (or a process
that dies) never touches the pointer; its half-written directory is removed by the next swap.
Swapped-out directories are removed right after the swap: readers in other processes keep
their open files (POSIX), and their next `index.searcher()` follows the pointer.

An index written before generations existed lives in INDEX_DIR itself: it stays live until
the first swap, which removes its files.
"""
import os
import shutil
import time
import uuid

from whoosh import index as whoosh_index

POINTER = "current"
LOCK_FILE = "yizhi-writer.lock"
PREFIX = "gen-"


def live_dir(directory):
    """The live index's directory under INDEX_DIR `directory`."""
    try:
        with open(os.path.join(directory, POINTER)) as handle:
            name = handle.read().strip()
    except FileNotFoundError:
        return directory  # no generation yet (a legacy index, or none at all)
    return os.path.join(directory, name)


def swap_in(directory, schema, fill):
    """Create an index in a new generation directory, fill(ix) it, then make it the live one.

    Call under the writer lock. If fill raises, the new directory is removed and the live
    index is untouched. Returns the new live directory.
    """
    name = f"{PREFIX}{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    path = os.path.join(directory, name)
    os.makedirs(path)
    try:
        fill(whoosh_index.create_in(path, schema))
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise
    tmp = os.path.join(directory, POINTER + ".tmp")
    with open(tmp, "w") as handle:
        handle.write(name)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, os.path.join(directory, POINTER))
    _remove_all_but(directory, name)
    return path


def _remove_all_but(directory, keep):
    """Remove swapped-out or crashed generations, and a legacy index's files in INDEX_DIR itself."""
    for name in os.listdir(directory):
        path = os.path.join(directory, name)
        if name in (keep, POINTER, LOCK_FILE):
            continue
        if os.path.isdir(path) and name.startswith(PREFIX):
            shutil.rmtree(path, ignore_errors=True)
        elif os.path.isfile(path) and name.startswith(("MAIN", "_MAIN")):  # Whoosh's files of index "MAIN"
            os.remove(path)
