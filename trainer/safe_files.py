"""Files written at the user's request (exports, reports, packs): never half-written,
never over something that is there unless asked, never through a symbolic link.

The text goes to a temporary file in the target's folder, which is then renamed over
the target: a crash leaves the old file or the new one, and a link at the target is
replaced by the file rather than followed (a ``link.csv -> /etc/hostname`` stays a
problem of the link, not of ``/etc/hostname``). A new file is readable by its owner
only, like the records it comes from; a replaced file keeps its mode.

Example::

    write_file(Path("ana.csv"), text, force=args.force)   # OutputExists if it is there
    written = write_new_file(folder / "class.csv", text)   # class-2.csv if class.csv is there
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


def write_new_file(path: Path, text: str) -> Path:
    """Write ``text`` to ``path``, or beside it as ``NAME-2.EXT``, ``NAME-3.EXT``... when
    something (a file, a link) is there already; return the path written.

    For the screens' exports into the export folder: pressing the key again keeps the
    earlier export, and a link planted at the name is never written through.
    """
    candidate = path
    for number in range(2, 1000):
        try:
            write_file(candidate, text)
            return candidate
        except OutputExists:
            candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    raise OutputFailed(f"{path} and 998 numbered copies are there already: tidy {path.parent}")
