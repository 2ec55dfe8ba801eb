"""Files as the kit reads and writes them, so that no run can destroy data or read without end.

- Inputs are checked for what they are (a missing path, a folder, a device) before anything is opened.
- A single-case input (a file, a pipe, a device or stdin) is read up to a limit, never further.
- An output is written to a temporary file beside it and renamed over the old one only when the run has
  produced it whole; if anything fails, the temporary file goes and an existing output is untouched.
- An output that is one of the run's inputs (the same path, a symlink to it, a hard link) is refused
  before anything is opened for writing.
OS errors reach the user as Russian text, never as the system's English words.
"""
from __future__ import annotations

import errno
import os
import stat
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from socmethod.core.errors import KitError

# What the OS says, in Russian: the common reasons a path cannot be read or written.
_OS_REASONS = {
    errno.ENOENT: "нет такого файла или каталога",
    errno.EACCES: "нет прав доступа",
    errno.EPERM: "операция не разрешена",
    errno.EISDIR: "это каталог",
    errno.ENOTDIR: "часть пути — не каталог",
    errno.ENOSPC: "нет места на диске",
    errno.EROFS: "файловая система только для чтения",
    errno.ENAMETOOLONG: "слишком длинное имя",
    errno.EEXIST: "файл уже существует",
    errno.EXDEV: "разные файловые системы",
}


def os_reason(exc: OSError) -> str:
    return _OS_REASONS.get(exc.errno, "ошибка ввода-вывода")


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "это каталог"
    if stat.S_ISFIFO(mode):
        return "это канал"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "это устройство"
    if stat.S_ISSOCK(mode):
        return "это сокет"
    return "это не обычный файл"


def check_input(path: str | Path, *, field: str = "", allow_special: bool = False) -> Path:
    """The input path, refused with the right words if it does not exist or is not a regular file
    (`allow_special`: pipes and devices are read too, under a size limit)."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise KitError("file_not_found", field, value=str(path)) from None
    except OSError as exc:
        raise KitError("not_a_file", field, value=str(path), allowed=os_reason(exc)) from None
    if stat.S_ISREG(mode) or (allow_special and (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode))):
        return path
    raise KitError("not_a_file", field, value=str(path), allowed=_kind(mode))


def read_bounded(path: str | Path, limit: int, *, where: str, stdin: IO[bytes] | None = None) -> bytes:
    """At most `limit` bytes of a file, pipe, device or (path "-") stdin; more is refused (file_too_large)
    without being read: a case is a few kilobytes, /dev/zero or an endless pipe is a mistake."""
    if str(path) == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = stream.read(limit + 1)
    else:
        path = check_input(path, allow_special=True)
        try:
            with open(path, "rb") as fh:
                data = fh.read(limit + 1)
        except OSError as exc:
            raise KitError("not_a_file", value=str(path), allowed=os_reason(exc)) from None
    if len(data) > limit:
        raise KitError("file_too_large", where=where, value=f"больше {limit // 1024} КиБ",
                       allowed=f"предел {limit // 2**20} МиБ" if limit >= 2**20 else f"предел {limit // 1024} КиБ")
    return data


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)     # same inode: the same path, a symlink or a hard link
    except OSError:
        return False


def check_output(path: str | Path, inputs=(), *, field: str = "OUT") -> Path:
    """The output path, refused before anything is written if it is one of `inputs`, a folder, or in a
    folder that does not exist."""
    path = Path(path)
    for other in inputs:
        if other is not None and str(other) != "-" and _same(path, Path(other)):
            raise KitError("same_file", field, value=str(path))
    if path.is_dir():
        raise KitError("not_a_file", field, value=str(path), allowed="это каталог")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise KitError("no_directory", field, value=str(parent))
    return path


@contextmanager
def atomic_output(path: str | Path, inputs=(), *, field: str = "OUT", mode: str = "w",
                  encoding: str | None = "utf-8", newline: str | None = "") -> Iterator[IO]:
    """Write `path` through a temporary file in the same folder, renamed over `path` when the block ends
    without an error; on an error the temporary file is removed and `path`, if it existed, is untouched."""
    path = check_output(path, inputs, field=field)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise KitError("cannot_write", field, value=str(path), allowed=os_reason(exc)) from None
    try:
        kwargs = {} if "b" in mode else {"encoding": encoding, "newline": newline}
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
        # mkstemp creates 0600; a result file should get the user's usual permissions.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except OSError as exc:
        _remove(tmp)
        raise KitError("cannot_write", field, value=str(path), allowed=os_reason(exc)) from None
    except BaseException:
        _remove(tmp)
        raise


def write_text(path: str | Path, text: str, inputs=(), *, field: str = "OUT") -> Path:
    """Write a whole text file atomically (reports, CSV extracts)."""
    with atomic_output(path, inputs, field=field) as fh:
        fh.write(text)
    return Path(path)


def _remove(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except OSError:
        pass
