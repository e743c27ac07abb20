"""Files written at the user's request (exports, reports, packs): never half-written,
never over something that is there unless asked, never through a symbolic link.

The text goes to a temporary file in the target's folder, which is then renamed over
the target: a crash leaves the old file or the new one, and a link at the target is
replaced by the file rather than followed (a ``link.csv -> /etc/hostname`` stays a
problem of the link, not of ``/etc/hostname``). A new file is readable by its owner
only, like the records it comes from; a replaced file keeps its mode.

Example::

    write_file(Path("ana.csv"), text, force=args.force)   # OutputExists if it is there
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


class OutputExists(Exception):
    """The target exists (or is a link) and replacing it was not asked for."""


class OutputFailed(Exception):
    """The file could not be written; the message says why and what to do."""


def write_file(path: Path, text: str, *, force: bool = False) -> None:
    """Write ``text`` to ``path`` atomically; refuse an existing target unless ``force``."""
    try:
        existing = path.lstat()  # the link itself, not what it points to
    except FileNotFoundError:
        existing = None
    except OSError as error:
        raise OutputFailed(f"cannot write {path} ({error.strerror}): choose another file") from None
    if existing is not None:
        if stat.S_ISDIR(existing.st_mode):
            raise OutputFailed(f"{path} is a folder: give a file name, e.g. {path / 'export'}")
        if not force:
            what = "a symbolic link" if stat.S_ISLNK(existing.st_mode) else "already there"
            raise OutputExists(
                f"{path} is {what}: add --force to replace it, or choose another file"
            )
    folder = path.parent
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise OutputFailed(
            f"cannot write in {folder} ({error.strerror}): choose another folder"
        ) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if existing is not None and stat.S_ISREG(existing.st_mode):
            os.chmod(temporary, stat.S_IMODE(existing.st_mode))
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise OutputFailed(f"cannot write {path} ({error.strerror}): choose another file") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
