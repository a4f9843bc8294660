"""Run Footnote as a user who may read every file but write none it does not own.

The tests run as root, and root writes anything but a read-only mount (also tried, in a mount
namespace of its own). `setpriv` drops to `nobody` keeping only CAP_DAC_READ_SEARCH: the
interpreter lives under /root (mode 0700), and that capability lets the user read and traverse
any folder, never write to one, which is what a reader of a shared or mounted index can do.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
READER = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
          "--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search", "--"]


def skip_unless_root() -> None:
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("dropping privileges needs root and setpriv")


@contextmanager
def shared_folder() -> Iterator[Path]:
    """A folder under /tmp the reader can reach (pytest's tmp_path is root's only)."""
    folder = Path(tempfile.mkdtemp(prefix="footnote-shared-", dir="/tmp"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


def make_read_only(folder: Path) -> None:
    """Every file 0444 and every folder 0555, owned by root: the reader cannot write them."""
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)


def fingerprint(folder: Path) -> dict[str, tuple[int, int, str]]:
    """Each file's mode, mtime and content hash (and so every name), to show nothing changed."""
    return {str(p.relative_to(folder)): (p.stat().st_mode, p.stat().st_mtime_ns,
                                         hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _env(env: dict[str, str], home: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("FOOTNOTE_", "CHROMA_", "OPENAI_"))}
    return base | {"HOME": str(home), "PYTHONPATH": str(ROOT)} | env


def run_as_reader(args: list[str], env: dict[str, str], home: Path,
                  timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`python ARGS` as the reader, with `env` and this worktree's code."""
    return subprocess.run([*READER, sys.executable, *args], capture_output=True, text=True,
                          env=_env(env, home), cwd=home, timeout=timeout)


def run_on_read_only_mount(folder: Path, mount: Path, args: list[str], env: dict[str, str],
                           home: Path) -> subprocess.CompletedProcess[str]:
    """`python ARGS` as root, with `folder` bind-mounted read-only on `mount` in a mount
    namespace of its own (the mount ends with the process; no one else sees it)."""
    script = 'mount --bind -o ro "$1" "$2" || exit 99; shift 2; exec "$@"'
    return subprocess.run(["unshare", "--mount", "sh", "-c", script, "sh", str(folder),
                           str(mount), sys.executable, *args], capture_output=True, text=True,
                          env=_env(env, home), cwd=home, timeout=300)
