"""write_atomically makes the new bytes durable: the temporary file is fsynced before the
rename, and the folder after it (the docs promise safety on power loss)."""

import os

from restore import outputs


def test_the_file_and_its_folder_are_synced_before_and_after_the_rename(tmp_path, monkeypatch):
    dest = tmp_path / "out.txt"
    dest.write_text("old\n")
    events = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append(
            ("fsync", os.path.isdir(f"/proc/self/fd/{fd}") or os.path.isdir(os.readlink(f"/proc/self/fd/{fd}")))
        )
        return real_fsync(fd)

    def replace(a, b):
        events.append(("replace", None))
        return real_replace(a, b)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    outputs.write_atomically(dest, lambda f: f.write("new\n"))
    assert dest.read_text() == "new\n"
    assert events == [("fsync", False), ("replace", None), ("fsync", True)]


def test_an_interrupt_right_after_the_temporary_file_is_made_removes_it(tmp_path, monkeypatch):
    """SIGTERM unwinds as an exception: one raised between creating the temporary file and
    writing it must not leave the file behind (the old output stays)."""
    import pytest

    dest = tmp_path / "out.txt"
    dest.write_text("old\n")

    real_open = os.open

    def interrupted(path, flags, mode=0o777):  # the file is made, then the signal lands
        os.close(real_open(path, flags, mode))
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "open", interrupted)
    with pytest.raises(KeyboardInterrupt):
        outputs.write_atomically(dest, lambda f: f.write("new\n"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"] and dest.read_text() == "old\n"


def test_a_file_system_that_cannot_sync_still_gets_the_file(tmp_path, monkeypatch):
    import errno

    def no_sync(fd):
        raise OSError(errno.EINVAL, "Invalid argument")

    monkeypatch.setattr(os, "fsync", no_sync)
    outputs.write_atomically(tmp_path / "out.txt", lambda f: f.write("new\n"))
    assert (tmp_path / "out.txt").read_text() == "new\n"
