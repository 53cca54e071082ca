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
        events.append(("fsync", os.path.isdir(f"/proc/self/fd/{fd}") or os.path.isdir(os.readlink(f"/proc/self/fd/{fd}"))))
        return real_fsync(fd)

    def replace(a, b):
        events.append(("replace", None))
        return real_replace(a, b)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    outputs.write_atomically(dest, lambda f: f.write("new\n"))
    assert dest.read_text() == "new\n"
    assert events == [("fsync", False), ("replace", None), ("fsync", True)]
