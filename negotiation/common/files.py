"""Reading and writing files safely: an input is read only if it is a file of bounded size; a result is
written whole or not at all, and never over an earlier result unless asked.

- `read_text` reads a regular file of at most a given size (a FIFO, a device or a huge file is
  refused before anything is read, so `validate /dev/zero` answers at once).
- `write_atomic` writes one file through a temporary file and a rename.
- `result_folder` builds a whole result folder in a temporary folder beside it and moves it into
  place when complete, its marker file (a manifest, an index) last: a folder without its marker
  is incomplete. It refuses a folder that holds anything unless told to replace it (`--force`),
  and then replaces only a result of the same kind, removing all of the earlier one.
"""

from __future__ import annotations

import difflib
import fnmatch
import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from negotiation.common.errors import InputError, OutputError

_UMASK = os.umask(0)
os.umask(_UMASK)

PARTIAL = "partial"  # the infix of a result folder being built: .<name>.partial-<pid>-<token>


# ----------------------------------------------------------------------------- reading


def nearby(path: Path) -> str:
    """'; did you mean ...?' for a missing file whose folder holds one of a close name (a typo), else ''."""
    try:
        names = [p.name for p in path.parent.iterdir() if p.is_file()] if path.parent.is_dir() else []
    except OSError:
        return ""
    close = difflib.get_close_matches(path.name, names, n=1, cutoff=0.6)
    return f"; did you mean {str(path.with_name(close[0]))!r}?" if close else ""


def read_text(path: str | Path, limit: int, error: type[InputError] = InputError, origin: str | None = None) -> str:
    """A regular file's UTF-8 text, at most `limit` bytes; anything else is an `error` naming the file.

    The file is opened without blocking and checked on the open descriptor: a FIFO or a device
    never blocks or streams forever, and a file swapped for one after a check is still caught.
    """
    origin = str(path) if origin is None else origin
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise error(origin, "no such file" + nearby(Path(path))) from None
    except IsADirectoryError:
        raise error(origin, "is a folder, not a file") from None
    except OSError as exc:
        raise error(origin, f"cannot be read ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise error(origin, "is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise error(origin, "is not a regular file (a pipe, a device or a socket): give a file")
        if info.st_size > limit:
            raise error(origin, f"is {info.st_size:,} bytes, more than the {limit:,} bytes a file of this kind may have")
        data = _read_upto(fd, limit + 1)
    except OSError as exc:
        raise error(origin, f"cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise error(origin, f"is more than the {limit:,} bytes a file of this kind may have")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(origin, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def _read_upto(fd: int, size: int) -> bytes:
    """At most `size` bytes from a file descriptor (fewer at its end)."""
    chunks, left = [], size
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


# ----------------------------------------------------------------------------- one file


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write a file whole or not at all: a crash never leaves a half-written result.

    An error of the disk or the folder (full, read-only) is an OutputError naming the file.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError.from_os(path, exc) from None
    try:
        if isinstance(data, bytes):
            with os.fdopen(fd, "wb") as fb:
                fb.write(data)
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as ft:
                ft.write(data)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes files private; results are ordinary files
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(path, exc.strerror or str(exc)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def refuse_existing_file(path: Path, force: bool, what: str) -> None:
    """A file that exists is kept unless `force`: an InputError says how to replace it."""
    if Path(path).exists() and not force:
        raise InputError(str(path), f"already exists: add --force to replace it with {what}, or choose another file")


# ----------------------------------------------------------------------------- result folders


def foreign_entries(folder: Path, patterns: tuple[str, ...]) -> list[str]:
    """The names in `folder` that no pattern of the result's own files matches (sorted)."""
    return sorted(p.name for p in folder.iterdir() if not any(fnmatch.fnmatchcase(p.name, pat) for pat in patterns))


def check_target(target: Path, force: bool, what: str, patterns: tuple[str, ...]) -> None:
    """Refuse to write a result into `target` if it holds anything, unless `force` and it holds only a result like it.

    `what` names the result for messages ("a run's results"); `patterns` are the names its files have.
    """
    target = Path(target)
    if not target.exists():
        return
    if not target.is_dir():
        raise InputError(str(target), "is a file, not a folder: choose another --out")
    try:
        empty = not any(target.iterdir())
    except OSError as exc:
        raise OutputError.from_os(target, exc) from None
    if empty:
        return
    foreign = foreign_entries(target, patterns)
    if not force and not foreign:
        raise InputError(str(target), f"already holds {what}: add --force to replace what it holds, or choose another --out")
    if foreign:
        shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
        raise InputError(str(target), f"holds files that are not {what} ({shown}): choose another --out "
                         f"(--force replaces only {what})")


@contextmanager
def result_folder(target: str | Path, *, force: bool, what: str, patterns: tuple[str, ...],
                  marker: str) -> Iterator[Path]:
    """Build a result in a temporary folder beside `target`, then move it into place, `marker` last.

    Yields the temporary folder to write into. On success the result replaces whatever result of
    the same kind `target` held (with `force`); on any error or interruption the temporary folder
    is removed and `target` is left as it was.
    """
    target = Path(target)
    check_target(target, force, what, patterns)
    _remove_abandoned(target)
    building = target.parent / f".{target.name}.{PARTIAL}-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        building.mkdir(parents=True)
    except OSError as exc:
        raise OutputError(target, exc.strerror or str(exc)) from None
    try:
        yield building
        _move_into_place(building, target, patterns, marker)
    except OSError as exc:
        raise OutputError.from_os(target, exc) from None
    finally:
        shutil.rmtree(building, ignore_errors=True)


def _move_into_place(building: Path, target: Path, patterns: tuple[str, ...], marker: str) -> None:
    """A new folder is renamed into place at once; an existing one (empty, or an earlier result) is kept
    as a folder (its permissions, a mount point) and has its old files removed, marker first, then the new
    ones moved in, marker last."""
    if not target.exists():
        os.rename(building, target)
        return
    check_target(target, True, "", patterns)  # nothing foreign has appeared meanwhile
    old = sorted(target.iterdir(), key=lambda p: p.name != marker)
    for path in old:
        shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
    new = sorted(building.iterdir(), key=lambda p: p.name == marker)
    for path in new:
        os.rename(path, target / path.name)


def _remove_abandoned(target: Path) -> None:
    """Remove folders an interrupted process left while building `target` (their process is gone)."""
    if not target.parent.is_dir():
        return
    for path in target.parent.glob(f".{target.name}.{PARTIAL}-*"):
        pid = path.name.rsplit("-", 2)[-2]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
