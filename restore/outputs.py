"""Outputs of a batch job: atomic writes, the temporary files killed runs leave, and the
record of what made each output of a folder job (so that a rerun resumes correctly).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import IO, Protocol

__all__ = [
    "OutputError",
    "write_atomically",
    "destination",
    "remove_orphan_temps",
    "model_fingerprint",
    "Manifest",
    "ManifestJob",
    "MANIFEST",
    "TEMP_RE",
    "file_stamp",
    "file_sha256",
    "input_stamp",
]

MANIFEST = ".restore-run.jsonl"  # in the output folder: what made each output
# a temporary output: ".NAME.restore-PID-HEX.part". Only names with this tool's marker are
# ever removed: ".video.mp4.download.part" or ".backup.20240101.part" are someone else's (the
# ".NAME.XXXXXXXX.part" of earlier versions looked like them, so those are left alone)
TEMP_RE = re.compile(r"^\.(?P<name>.+)\.restore-(?P<pid>\d+)-[0-9a-f]{8}\.part$")


class OutputError(Exception):
    """An output could not be written (the message names it)."""


# ----------------------------------------------------------------------------- writing


def _fd_of(dest: Path) -> int | None:
    """The file descriptor ``dest`` names (``/dev/stdout``, ``/dev/fd/N``,
    ``/proc/self/fd/N``): written through that descriptor, whatever it is open on."""
    path = os.path.abspath(dest)
    named = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}
    if path in named:
        return named[path]
    m = re.fullmatch(rf"/(?:dev/fd|proc/self/fd|proc/{os.getpid()}/fd)/(\d+)", path)
    return int(m[1]) if m else None


def destination(dest: Path) -> tuple[str, Path]:
    """How ``dest`` is written: ``("replace", path)``: a regular file, or none yet, written
    through a temporary file renamed over ``path`` (for a symbolic link: its target, so the
    link stays); ``("through", dest)``: a FIFO or a character device (``/dev/null``, a
    terminal), opened and written into, never replaced, and ``/dev/stdout`` or
    ``/dev/fd/N`` whatever they are open on (a file redirected with ``>>`` is appended to,
    not replaced). Raises ``OutputError`` for a folder, a block device or a socket."""
    if _fd_of(dest) is not None and os.path.exists(dest):
        return "through", dest
    try:
        mode = os.stat(dest).st_mode  # follows links: what a write would reach
    except FileNotFoundError:
        # nothing there yet (or a link to a missing file: the file is made where it points)
        return "replace", Path(os.path.realpath(dest)) if os.path.islink(dest) else dest
    except OSError as e:
        raise OutputError(f"cannot write {dest}: {e.strerror or e}") from None
    if stat.S_ISREG(mode):
        return "replace", Path(os.path.realpath(dest)) if os.path.islink(dest) else dest
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        return "through", dest
    kind = (
        "a folder"
        if stat.S_ISDIR(mode)
        else "a block device"
        if stat.S_ISBLK(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "not a regular file"
    )
    raise OutputError(f"cannot write {dest}: it is {kind}; give a file")


def write_atomically(dest: Path, produce: Callable[[IO], None], binary: bool = False) -> None:
    """Write ``dest`` through a temporary file in the same folder, renamed when done:
    ``dest`` is either the old file (untouched whatever fails: a read error, a full disk, a
    file size limit, an interrupt), or the complete new one, never absent when it was
    there. A symbolic link is kept and its target written; a FIFO or a character device
    is opened and written into (:func:`destination`). A new ``dest`` gets the permissions
    the umask gives any new file, an existing one keeps its own. Raises ``OutputError``
    naming ``dest`` when it cannot be written. ``produce`` gets a text file (UTF-8, line
    endings as written), or a binary one when ``binary``."""
    how, target = destination(dest)
    if how == "through":
        _write_through(dest, produce, binary)
        return
    tmp = target.parent / f".{target.name}.restore-{os.getpid()}-{secrets.token_hex(4)}.part"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"cannot write {dest}: {e.strerror or e}") from None
    try:  # from the moment the temporary file exists, whatever is raised removes it (SIGTERM too)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with _open_fd(fd, binary) as f:
            produce(f)
            f.flush()
            _fsync(f.fileno())  # the bytes are on disk before the rename makes them the file
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, stat.S_IMODE(target.stat().st_mode))
        os.replace(tmp, target)
        _fsync_dir(target.parent)  # and the rename itself survives a power cut
    except OSError as e:  # reading errors come as InputError: this is the output's
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise OutputError(f"cannot write {dest}: {e.strerror or e}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _fsync(fd: int) -> None:
    """``os.fsync``, except where the file system cannot sync at all (some FUSE and special
    file systems): there the write goes on as before; a real failure (EIO, ENOSPC) raises."""
    try:
        os.fsync(fd)
    except OSError as e:
        if e.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise


def _fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX); where a folder cannot be opened, skip."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        _fsync(fd)
    except OSError:
        pass  # the file itself is synced and renamed: a folder that cannot sync is not an error
    finally:
        os.close(fd)


def _open_fd(fd: int, binary: bool) -> IO:
    return os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")


def _write_through(dest: Path, produce: Callable[[IO], None], binary: bool) -> None:
    """Write into a FIFO, a character device or an open file descriptor as it is (no
    temporary file, no rename)."""
    number = _fd_of(dest)
    try:
        fd = os.dup(number) if number is not None else os.open(dest, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
    except OSError as e:
        raise OutputError(f"cannot write {dest}: {e.strerror or e}") from None
    try:
        with _open_fd(fd, binary) as f:
            produce(f)
    except OSError as e:
        raise OutputError(f"cannot write {dest}: {e.strerror or e}") from None


def _running(pid: int) -> bool:
    """Whether a process ``pid`` runs (on this machine)."""
    if os.name != "posix":
        return True  # no way to tell: keep the file
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except OSError:
        return True  # another user's process
    return True


def remove_orphan_temps(folder: Path, name: str | None = None) -> int:
    """Remove the temporary files that killed runs left in ``folder`` and below it (only
    those of the output called ``name`` when given), recognised by their name
    (:data:`TEMP_RE`); a temporary file of another running process is kept. Returns how
    many were removed."""
    if not folder.is_dir():
        return 0
    candidates = list(folder.iterdir() if name is not None else folder.rglob(".*.part"))
    removed = 0
    for path in candidates:
        m = TEMP_RE.match(path.name)
        if not m or (name is not None and m["name"] != name) or not path.is_file():
            continue
        # this process writes nothing yet, so a file with its id is a killed run's (a container
        # restarted gives its process the same id again)
        if int(m["pid"]) != os.getpid() and _running(int(m["pid"])):
            continue
        with contextlib.suppress(OSError):
            path.unlink()
            removed += 1
    return removed


# ----------------------------------------------------------------------------- resuming


def model_fingerprint(model_dir: str | Path) -> dict:
    """The model folder and the size and time of each file in it (weights, thresholds,
    known words): an output made by another model, or this one changed, is redone."""
    folder = Path(model_dir).resolve()
    files = []
    for p in sorted(folder.iterdir()):
        if p.is_file():
            st = p.stat()
            files.append([p.name, st.st_size, st.st_mtime_ns])
    return {"model": str(folder), "model_files": files}


def file_stamp(path: Path) -> list[int]:
    """Size and modification time of ``path`` (what a resume compares first)."""
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes (reading is cheap next to restoring them)."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def input_stamp(path: Path) -> dict:
    """What a folder job records of an input before reading it: its size and modification
    time, its absolute path and the SHA-256 of its bytes. A resume trusts an output only
    when all match: another input with the same relative path, size and time (a tar or
    rsync copy of other text) is not the same input."""
    return {"input": file_stamp(path), "source": str(Path(path).resolve()), "sha256": file_sha256(path)}


class ManifestJob(Protocol):
    """What the manifest reads of a job (:class:`restore.inputs.Job` is one)."""

    @property
    def source(self) -> Path | None: ...

    @property
    def relative(self) -> Path: ...


class Manifest:
    """What made each output of a folder job, in ``<output>/.restore-run.jsonl``: a line
    per output written (the last one for an output counts) with the input's size,
    modification time, path and SHA-256 (:func:`input_stamp`), the settings digest, whether
    bytes were replaced, and the output's own size and time (an output rewritten since, by
    anything, is not trusted)."""

    def __init__(self, folder: Path):
        self.path = folder / MANIFEST
        self.entries: dict[str, dict] = {}
        try:
            with self.path.open(encoding="utf-8", errors="replace") as f:
                for line in f:
                    try:
                        entry = json.loads(line)
                        self.entries[entry["output"]] = entry
                    except (ValueError, KeyError, TypeError):
                        continue  # a line cut short by a kill
        except OSError:
            pass

    def is_finished(self, job: ManifestJob, dest: Path, settings: str, errors: str) -> bool:
        """``dest`` exists as this job's input and settings made it."""
        entry = self.entries.get(job.relative.as_posix())
        if entry is None or job.source is None or entry.get("settings") != settings:
            return False
        if entry.get("replaced") and errors != "replace":
            return False  # made with U+FFFD for bytes that strict mode refuses
        try:
            if entry.get("input") != file_stamp(job.source) or entry.get("made") != file_stamp(dest):
                return False
            if entry.get("source") != str(job.source.resolve()):
                return False  # another input at the same relative path (or an entry without a path)
            return entry.get("sha256") == file_sha256(job.source)
        except OSError:
            return False

    def record(self, job: ManifestJob, dest: Path, settings: str, stamp: dict, replaced: bool) -> None:
        """Record that ``dest`` was made from ``job``'s input as ``stamp`` (:func:`input_stamp`,
        taken before it was read) found it."""
        entry = {
            "output": job.relative.as_posix(),
            **stamp,
            "settings": settings,
            "replaced": replaced,
            "made": file_stamp(dest),
        }
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")
        self.entries[entry["output"]] = entry
