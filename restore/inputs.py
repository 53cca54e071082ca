"""The inputs of ``restore run``: which files a job takes (folders walked, non-text files
skipped), in which format each is read (:mod:`restore.formats`, by suffix), and where
each output goes (no two inputs to one output, no output over an input)."""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import overload

from . import formats
from .formats.base import InputError
from .formats.text import SNIFF_BYTES, looks_binary, read_lines, unreadable_reason
from .outputs import MANIFEST

__all__ = [
    "Job",
    "Walk",
    "InputError",
    "TEXT_SUFFIXES",
    "BUILD_FILES",
    "collect_jobs",
    "output_path",
    "check_outputs",
    "file_format",
    "is_text_file",
    "read_lines",
    "unreadable_reason",
]

# what a folder job takes without --glob: the suffixes of the formats (restore.formats); files
# without an extension when they are UTF-8 text (but not scripts, which start with "#!", nor
# the build files named below)
TEXT_SUFFIXES = formats.suffixes()
BUILD_FILES = frozenset(
    {
        "makefile",
        "gnumakefile",
        "dockerfile",
        "containerfile",
        "jenkinsfile",
        "vagrantfile",
        "gemfile",
        "rakefile",
        "procfile",
        "brewfile",
        "justfile",
        "snakefile",
        "sconstruct",
        "sconscript",
        "pipfile",
        "podfile",
        "fastfile",
        "berksfile",
        "guardfile",
        "capfile",
    }
)


@dataclass
class Job:
    source: Path | None  # None: stdin
    relative: Path  # path under the output folder
    fmt: str  # its format's name: "txt", "jsonl" or "parquet"

    @property
    def name(self) -> str:
        return str(self.source) if self.source else "<stdin>"

    @property
    def format(self) -> formats.Format:
        """How the input is read, restored and written (:mod:`restore.formats`)."""
        return formats.get(self.fmt)


def file_format(path: Path) -> str:
    """The name of the format a file is read in, by its suffix (text for any other)."""
    return formats.for_path(path).name


def is_text_file(path: Path) -> bool:
    """A file a folder job takes without ``--glob``: a text-like extension
    (:data:`TEXT_SUFFIXES`), or no extension and UTF-8 text in its first bytes that is not
    a script (``#!``) nor a build file (:data:`BUILD_FILES`: Makefile, Dockerfile, ...)."""
    if path.suffix:
        return path.suffix.lower() in TEXT_SUFFIXES
    if path.name.lower() in BUILD_FILES:
        return False
    try:
        with path.open("rb") as f:
            head = f.read(SNIFF_BYTES)
    except OSError:
        return True  # the job reports why it cannot be read
    if looks_binary(head) or head.startswith(b"#!"):
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)  # a cut character at the end is fine
    except UnicodeDecodeError:
        return False
    return True


@dataclass
class Walk:
    """What walking the input folders met besides the jobs: files that are not text-like
    (skipped without ``--glob``), folders that could not be read (reported: their files
    were not restored), and folders skipped because they hold a run manifest (an earlier
    run's output folder)."""

    skipped: list[Path] = field(default_factory=list)
    unreadable: list[tuple[Path, str]] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)


def _walk_folders(root: Path, walk: Walk | None) -> set[Path]:
    """The folders under ``root`` (relative to it) that hold a run manifest, with what is
    below them; records them and the folders that cannot be read in ``walk``."""
    earlier_outputs: set[Path] = set()

    def unreadable(e: OSError) -> None:
        if walk is not None:
            walk.unreadable.append((Path(e.filename) if e.filename else root, e.strerror or str(e)))

    for folder, dirs, files in os.walk(root, onerror=unreadable):
        relative = Path(folder).relative_to(root)
        if relative.parts and MANIFEST in files:
            earlier_outputs.add(relative)
            if walk is not None:
                walk.outputs.append(Path(folder))
            dirs[:] = []  # nothing below it is read either
    return earlier_outputs


def collect_jobs(
    inputs: list[str],
    recursive: bool = False,
    glob: str | None = None,
    output: Path | None = None,
    skipped: list[Path] | None = None,
    walk: Walk | None = None,
    stdin_format: str = "txt",
) -> list[Job]:
    """The files to restore. In folders: the files matching ``glob``, or without it the
    text-like ones (:func:`is_text_file`; the others are appended to ``skipped`` and
    ``walk.skipped``); never hidden files, files under ``output``, nor files in a subfolder
    that holds a run manifest (an earlier run's output folder: ``walk.outputs``). Folders
    that cannot be read are listed in ``walk.unreadable``. Stdin (``-``) is read as
    ``stdin_format`` ("txt" or "jsonl"). Raises ``ValueError`` for a missing path, a
    folder given without ``recursive``, or an ``output`` that is one of the input folders."""
    out = output.resolve() if output is not None else None
    jobs: list[Job] = []
    for item in inputs:
        if item == "-":
            jobs.append(Job(None, Path(f"stdin.{stdin_format}"), stdin_format))
            continue
        path = Path(item)
        if not path.exists():
            raise ValueError(f"no such file or folder: {item}")
        if path.is_dir():
            if not recursive:
                raise ValueError(f"{item} is a folder: add --recursive to restore the files in it")
            root = path.resolve()
            if out == root:
                raise ValueError(f"-o {output} is the input folder {item}: give another output folder")
            inside = out.relative_to(root).parts if out is not None and out.is_relative_to(root) else None
            earlier_outputs = _walk_folders(path, walk)
            for p in sorted(path.rglob(glob or "*")):
                if not p.is_file() or p.name.startswith("."):
                    continue
                relative = p.relative_to(path)
                if inside is not None and relative.parts[: len(inside)] == inside:
                    continue  # the output folder, inside this input folder
                if any(relative.parts[: len(o.parts)] == o.parts for o in earlier_outputs):
                    continue  # an earlier run's output folder
                if glob is None and not is_text_file(p):
                    if skipped is not None:
                        skipped.append(p)
                    if walk is not None:
                        walk.skipped.append(p)
                    continue
                jobs.append(Job(p, relative, file_format(p)))
        elif path.is_file():
            jobs.append(Job(path, Path(path.name), file_format(path)))
        else:
            raise ValueError(f"{item} is not a regular file")
    return jobs


@overload
def output_path(job: Job, output: Path, output_is_dir: bool) -> Path: ...
@overload
def output_path(job: Job, output: None, output_is_dir: bool) -> None: ...
def output_path(job: Job, output: Path | None, output_is_dir: bool) -> Path | None:
    """Where ``job`` is written: ``output`` itself, or its place under the output folder (None: stdout)."""
    if output is None:
        return None
    return output / job.relative if output_is_dir else output


def check_outputs(jobs: list[Job], output: Path | None, output_is_dir: bool) -> None:
    """Raises ``ValueError`` when two inputs would be written to the same output, or an
    output would replace an input."""
    if output is None:
        return
    sources = {job.source.resolve(): job for job in jobs if job.source is not None}
    seen: dict[Path, Job] = {}
    for job in jobs:
        dest = output_path(job, output, output_is_dir)
        key = dest.resolve()
        if key in seen:
            raise ValueError(
                f"{seen[key].name} and {job.name} would both be written to {dest}: "
                f"restore them in separate runs or to separate -o folders"
            )
        seen[key] = job
        if key in sources:
            raise ValueError(
                f"-o {output}: the output of {job.name} would replace the input "
                f"{sources[key].name}: give another output"
            )


def plan_output(inputs: list[str], output: str | None) -> bool:
    """Whether the output ``output`` (``-o``; ``None``: stdout) of ``inputs`` is a folder:
    for several inputs or a folder, an existing folder, or a name ending in a separator.
    ``ValueError`` when it cannot be written: a file where a folder is needed, or a file
    in a folder that does not exist."""
    if output is None:
        return False
    path = Path(output)
    many = len(inputs) > 1 or any(Path(i).is_dir() for i in inputs if i != "-")
    is_dir = many or path.is_dir() or output.endswith(("/", os.sep))
    if is_dir and path.exists() and not path.is_dir():
        raise ValueError(f"-o {output}: several inputs need an output folder, and this is a file")
    if not is_dir and path.parent and not path.parent.exists():
        raise ValueError(f"-o {output}: folder {path.parent} does not exist")
    return is_dir
