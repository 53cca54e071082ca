"""Never destroy what the user had (issue 29, items 1, 2, 4 and 9): `-o` naming a FIFO, a
character device or a symbolic link is written through (or into its target), never
replaced by a regular file; an existing output survives every failure byte for byte
(unreadable input, full disk, file size limit, a read error in a folder rerun); the clean-up
of killed runs' temporary files removes only this tool's; a closed stdin or stdout is a
one-line error.

No trained model: a scripted restorer (the `model` fixture of conftest.py). Nothing under
/dev is written: devices are simulated with a FIFO or a mocked ``os.stat``."""

from __future__ import annotations

import errno
import os
import resource
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import ROOT
from helpers import (
    FIXED,
    SPUN,
    ScriptedEngine,
    files_under,
    follows,
    restore_run,
    write,
)

from restore import batch, outputs
from restore.restorer import Restorer

BINARY = bytes(range(256)) * 4


def read_fifo_in_thread(fifo: Path) -> tuple[threading.Thread, list[bytes]]:
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    return reader, got


# ----------------------------------------------------------------------------- 1: devices, FIFOs, links


def test_a_fifo_is_written_through_and_stays_a_fifo(model, tmp_path):
    src = write(tmp_path / "a.txt", f"{SPUN}\nSecond line.\n")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader, got = read_fifo_in_thread(fifo)
    assert restore_run(model, src, "-o", fifo) == 0
    reader.join(30)
    assert not reader.is_alive() and got == [f"{FIXED}\nSecond line.\n".encode()]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_a_symbolic_link_is_kept_and_its_target_replaced(model, tmp_path):
    src = write(tmp_path / "a.txt", f"{SPUN}\n")
    target = write(tmp_path / "real" / "out.txt", "old\n")
    target.chmod(0o640)
    link = tmp_path / "link.txt"
    link.symlink_to(Path("real") / "out.txt")  # relative, as ln -s makes them
    assert restore_run(model, src, "-o", link) == 0
    assert link.is_symlink() and os.readlink(link) == str(Path("real") / "out.txt")
    assert target.read_text() == f"{FIXED}\n" and stat.S_IMODE(target.stat().st_mode) == 0o640
    # a link to a file not there yet: the file is made where the link points
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "real" / "new.txt")
    assert restore_run(model, src, "-o", dangling) == 0
    assert dangling.is_symlink() and (tmp_path / "real" / "new.txt").read_text() == f"{FIXED}\n"
    assert files_under(tmp_path / "real") == ["new.txt", "out.txt"]


def test_a_symbolic_link_to_a_fifo_is_written_through(model, tmp_path):
    src = write(tmp_path / "a.txt", f"{SPUN}\n")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "stdout-like"
    link.symlink_to(fifo)  # as /dev/stdout -> /proc/self/fd/1 -> pipe
    reader, got = read_fifo_in_thread(fifo)
    assert restore_run(model, src, "-o", link) == 0
    reader.join(30)
    assert got == [f"{FIXED}\n".encode()] and link.is_symlink() and stat.S_ISFIFO(os.lstat(fifo).st_mode)


def fake_stat(monkeypatch, path: Path, kind: int) -> None:
    """``os.stat(path)`` says ``path`` is of file type ``kind`` (S_IFCHR, ...); the rest as it is."""
    real = os.stat

    def stat_(p, *args, **kwargs):
        st = real(p, *args, **kwargs)
        if os.fspath(p) == os.fspath(path):
            return os.stat_result((kind | stat.S_IMODE(st.st_mode), *tuple(st)[1:]))
        return st

    monkeypatch.setattr(os, "stat", stat_)


def test_a_character_device_is_written_into_never_replaced(tmp_path, monkeypatch):
    # /dev/null or /dev/stdout: simulated on a regular file said to be a character device
    dev = write(tmp_path / "null", b"")
    inode = dev.stat().st_ino
    fake_stat(monkeypatch, dev, stat.S_IFCHR)
    assert outputs.destination(dev) == ("through", dev)

    def no_replace(*args):
        raise AssertionError("a device must never be replaced")

    monkeypatch.setattr(os, "replace", no_replace)
    outputs.write_atomically(dev, lambda f: f.write("restored\n"))
    assert dev.read_text() == "restored\n" and dev.stat().st_ino == inode
    assert [p.name for p in tmp_path.iterdir()] == ["null"]  # no temporary file either


def test_dev_stdout_and_dev_fd_write_into_the_open_descriptor(tmp_path):
    # `restore run x -o /dev/stdout >> log.txt`: /dev/stdout resolves to log.txt, a regular
    # file; replacing it would lose the log. It is written through the descriptor instead.
    log = write(tmp_path / "log.txt", "earlier lines\n")
    inode = log.stat().st_ino
    fd = os.open(log, os.O_WRONLY | os.O_APPEND)
    try:
        for path in (f"/dev/fd/{fd}", f"/proc/self/fd/{fd}"):
            if not os.path.exists(path):
                continue
            assert outputs.destination(Path(path)) == ("through", Path(path))
            outputs.write_atomically(Path(path), lambda f: f.write("restored\n"))
        assert log.read_text().startswith("earlier lines\nrestored\n") and log.stat().st_ino == inode
    finally:
        os.close(fd)
    assert os.fstat(0) and outputs.destination(Path("/dev/stdout"))[0] == "through"  # not written to
    assert [p.name for p in tmp_path.iterdir()] == ["log.txt"]


def test_a_block_device_socket_or_folder_is_refused_in_one_line(model, tmp_path, monkeypatch, capsys):
    src = write(tmp_path / "a.txt", f"{SPUN}\n")
    disk = write(tmp_path / "sda", "disk\n")
    fake_stat(monkeypatch, disk, stat.S_IFBLK)
    assert restore_run(model, src, "-o", disk) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "is a block device" in err
    assert disk.read_text() == "disk\n"
    with pytest.raises(outputs.OutputError, match="is a folder"):
        outputs.write_atomically(tmp_path, lambda f: f.write("x"))


def test_a_devices_type_routes_the_write(tmp_path, monkeypatch):
    regular = write(tmp_path / "f", "x")
    assert outputs.destination(regular) == ("replace", regular)
    assert outputs.destination(tmp_path / "absent") == ("replace", tmp_path / "absent")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert outputs.destination(fifo) == ("through", fifo)
    for kind in (stat.S_IFCHR, stat.S_IFIFO):
        fake_stat(monkeypatch, regular, kind)
        assert outputs.destination(regular) == ("through", regular)
    fake_stat(monkeypatch, regular, stat.S_IFSOCK)
    with pytest.raises(outputs.OutputError, match="is a socket"):
        outputs.destination(regular)


# ----------------------------------------------------------------------------- 2: failures keep the old output


def test_an_unreadable_input_leaves_the_existing_output_file(model, tmp_path, capsys):
    keep = write(tmp_path / "keep.txt", "notes\n")
    for data, why in ((BINARY, "binary file"), ("x\n".encode("utf-16"), "UTF-16"), (b"ok\n\xff\n", "not UTF-8")):
        src = write(tmp_path / "input.txt", data)
        assert restore_run(model, src, "-o", keep) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and why in err and "nothing written" in err
        assert keep.read_bytes() == b"notes\n"
    assert restore_run(model, tmp_path / "missing.txt", "-o", keep) == 2
    assert keep.read_bytes() == b"notes\n"


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EFBIG, errno.EDQUOT])
def test_a_full_disk_leaves_the_existing_output_file(model, tmp_path, monkeypatch, capsys, code):
    src = write(tmp_path / "a.txt", f"{SPUN}\n" * 600)  # three pieces: fails after the first is written
    keep = write(tmp_path / "keep.txt", "notes\n")
    real_write, writes = batch.PieceWriter.write, []

    def write_until_full(given):
        writes.append(given["result"])
        if len(writes) > 1:
            raise OSError(code, os.strerror(code))
        real_write(**given)

    monkeypatch.setattr(batch.PieceWriter, "write", follows(real_write, write_until_full))
    assert restore_run(model, src, "-o", keep) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and f"cannot write {keep}: {os.strerror(code)}" in err
    assert keep.read_bytes() == b"notes\n"
    assert files_under(tmp_path) == ["a.txt", "keep.txt", "model/config.json", "model/model.safetensors"]
    # the same in a folder job: the earlier output of that file is kept
    out = tmp_path / "out"
    write(out / "a.txt", "earlier output\n")
    writes.clear()
    assert restore_run(model, tmp_path / "a.txt", write(tmp_path / "b.txt", "Clean.\n"), "-o", out) == 1
    assert (out / "a.txt").read_text() == "earlier output\n"


DRIVER = """
import sys
from restore.cli import main
from restore.restorer import Restorer
from helpers import ScriptedEngine, from_pretrained_double
Restorer.from_pretrained = from_pretrained_double(lambda given: Restorer(ScriptedEngine({})))
sys.exit(main(sys.argv[1:]))
"""


def run_driver(tmp_path: Path, *args, preexec=None, shell_redirect: str = "") -> subprocess.CompletedProcess:
    """``restore run ARGS`` in a subprocess (scripted restorer), with ``preexec`` (e.g. a
    file size limit) or a shell redirection (``<&-``: stdin closed)."""
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'tests'}"}
    cmd = [sys.executable, str(driver), "run", *map(str, args), "--model", str(tmp_path)]
    if shell_redirect:
        cmd = ["sh", "-c", 'exec "$@" ' + shell_redirect, "sh", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, preexec_fn=preexec, timeout=120)


def test_a_file_size_limit_leaves_the_existing_output_file(tmp_path):
    # ulimit -f: Python ignores SIGXFSZ, so the write fails with EFBIG
    src = write(tmp_path / "big.txt", "A line of clean text that is long enough.\n" * 3000)  # ~126 KB
    keep = write(tmp_path / "keep.txt", "notes\n")
    limit = 64 * 1024
    proc = run_driver(
        tmp_path, src, "-o", keep, preexec=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    )
    assert proc.returncode == 2, proc.stderr
    assert "cannot write" in proc.stderr and "Traceback" not in proc.stderr
    assert keep.read_bytes() == b"notes\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_a_read_error_in_a_folder_rerun_keeps_the_previous_good_output(model, tmp_path, monkeypatch, capsys):
    src, out = tmp_path / "in", tmp_path / "out"
    a = write(src / "a.txt", f"{SPUN}\n" * 600)
    write(src / "b.txt", f"{SPUN}\n")
    assert restore_run(model, src, "-r", "-o", out) == 0
    good = (out / "a.txt").read_bytes()
    real_open = Path.open

    class FailingStream:
        """Reads a few lines of the file, then the disk (or network share) fails."""

        def __init__(self, f):
            self.f, self.lines = f, 0

        def readline(self):
            self.lines += 1
            if self.lines > 300:
                raise OSError(errno.EIO, os.strerror(errno.EIO))
            return self.f.readline()

        def __getattr__(self, name):
            return getattr(self.f, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

    def flaky_open(self, mode="r", *args, **kwargs):
        f = real_open(self, mode, *args, **kwargs)
        return FailingStream(f) if self == a and mode == "rb" else f

    monkeypatch.setattr(Path, "open", flaky_open)
    capsys.readouterr()
    assert restore_run(model, src, "-r", "-o", out, "--overwrite") == 1
    err = capsys.readouterr().err
    assert f"{a}: cannot read ({os.strerror(errno.EIO)})" in err
    assert (out / "a.txt").read_bytes() == good and (out / "b.txt").read_text() == f"{FIXED}\n"
    # opening fails outright: the same
    monkeypatch.setattr(
        Path,
        "open",
        lambda self, *args, **kwargs: (
            (_ for _ in ()).throw(PermissionError(errno.EACCES, "Permission denied"))
            if self == a
            else real_open(self, *args, **kwargs)
        ),
    )
    assert restore_run(model, src, "-r", "-o", out, "--overwrite") == 1
    assert (out / "a.txt").read_bytes() == good
    # once it reads again, the output is trusted (same input, same settings) or redone
    monkeypatch.setattr(Path, "open", real_open)
    assert restore_run(model, src, "-r", "-o", out) == 0
    assert (out / "a.txt").read_bytes() == good


def test_an_interrupt_leaves_the_existing_output_file(model, tmp_path, monkeypatch):
    src = write(tmp_path / "a.txt", f"{SPUN}\n" * 600)
    keep = write(tmp_path / "keep.txt", "notes\n")
    real_write, writes = batch.PieceWriter.write, []

    def interrupted(given):
        writes.append(1)
        if len(writes) > 1:
            raise KeyboardInterrupt
        real_write(**given)

    monkeypatch.setattr(batch.PieceWriter, "write", follows(real_write, interrupted))
    assert restore_run(model, src, "-o", keep) == 130
    assert keep.read_bytes() == b"notes\n" and sorted(p.name for p in tmp_path.iterdir()) == [
        "a.txt",
        "keep.txt",
        "model",
    ]


# ----------------------------------------------------------------------------- 4: only our temporary files


def test_orphan_cleanup_removes_only_this_tools_temporary_files(model, tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    write(src / "a.txt", f"{SPUN}\n")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    ours = [
        write(out / f".a.txt.restore-{dead.pid}-0123abcd.part", "half"),
        write(out / "deep" / f".x.md.restore-{dead.pid}-89abcdef.part", "half"),
    ]
    theirs = [
        write(out / ".video.mp4.download.part", "a browser's download"),
        write(out / ".backup.20240101.part", "a backup tool's"),
        write(out / "deep" / ".notes.txt.abcdefgh.part", "someone's"),
        write(out / "deep" / ".x.md.restore-12-0123abcd.partial", "not .part"),
        write(out / f".x.md.restore-{dead.pid}-0123ABCD.part", "not our hex"),
        write(out / f".x.md.restored-{dead.pid}-0123abcd.part", "not our marker"),
    ]
    assert restore_run(model, src, "-r", "-o", out) == 0
    assert not any(p.exists() for p in ours)
    assert all(p.exists() for p in theirs)
    # a single output file: the same in its folder
    single = tmp_path / "single"
    mine = write(single / f".one.txt.restore-{dead.pid}-0123abcd.part", "half")
    download = write(single / ".one.txt.download.part", "someone's")
    assert restore_run(model, src / "a.txt", "-o", single / "one.txt") == 0
    assert not mine.exists() and download.exists()


# ----------------------------------------------------------------------------- 9: closed stdin / stdout


def test_a_closed_stdin_or_stdout_is_one_clear_line(model, tmp_path, monkeypatch, capsys):
    src = write(tmp_path / "a.txt", f"{SPUN}\n")
    monkeypatch.setattr(sys, "stdin", None)
    assert restore_run(model, "-", "-o", tmp_path / "out.txt") == 2
    err = capsys.readouterr().err.strip()
    assert err == "restore run: error: stdin ('-') is closed: nothing to read"
    monkeypatch.undo()
    monkeypatch.setattr(sys, "stdout", None)
    assert restore_run(model, src) == 2
    err = capsys.readouterr().err.strip()
    assert err == "restore run: error: stdout is closed: give -o FILE (or a folder) for the output"
    # the batch API says so too (no AttributeError)
    summary = batch.run_jobs(Restorer(ScriptedEngine({})), batch.collect_jobs([str(src)]), None, False, batch.Options())
    assert summary.failed == [(str(src), "stdout is closed: give -o FILE; nothing written")]
    monkeypatch.setattr(sys, "stdin", None)
    summary = batch.run_jobs(
        Restorer(ScriptedEngine({})), batch.collect_jobs(["-"]), tmp_path / "o.txt", False, batch.Options()
    )
    assert summary.failed == [("<stdin>", "<stdin>: stdin is closed; nothing read")]


def test_closed_file_descriptors_in_a_real_process(tmp_path):
    src = write(tmp_path / "a.txt", "Clean.\n")
    proc = run_driver(tmp_path, "-", "-o", tmp_path / "out.txt", shell_redirect="<&-")
    assert proc.returncode == 2 and proc.stderr.strip() == "restore run: error: stdin ('-') is closed: nothing to read"
    proc = run_driver(tmp_path, src, shell_redirect=">&-")
    assert proc.returncode == 2 and "stdout is closed" in proc.stderr and "Traceback" not in proc.stderr
