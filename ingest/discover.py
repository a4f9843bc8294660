"""Which files an ingest of some paths covers, and which of them must be refused up front."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ingest.loaders import LOADERS


@dataclass(frozen=True)
class Candidate:
    path: Path  # absolute, not resolved: the name the user knows the file by
    source: str  # relative to the folder given on the command line (or the bare file name)


@dataclass(frozen=True)
class Refusal:
    path: str
    reason: str


@dataclass
class Discovery:
    candidates: list[Candidate] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    folders: list[Path] = field(default_factory=list)


def discover(paths: list[str | Path]) -> Discovery:
    """Expand folders into supported files (hidden ones skipped); refuse links leaving a folder."""
    found = Discovery()
    seen: set[Path] = set()
    for raw in paths:
        path = Path(os.path.abspath(raw))
        if path.is_dir():
            found.folders.append(path)
            _walk(path, found, seen)
        elif path.is_file():
            if path not in seen:
                seen.add(path)
                found.candidates.append(Candidate(path, path.name))
        elif path.is_symlink():
            found.refused.append(Refusal(str(raw), "broken symbolic link"))
        else:
            found.refused.append(Refusal(str(raw), "no such file or folder"))
    return found


def _walk(folder: Path, found: Discovery, seen: set[Path]) -> None:
    real_root = folder.resolve()
    for dirpath, dirnames, filenames in os.walk(folder):
        here = Path(dirpath)
        for name in list(dirnames):
            sub = here / name
            if name.startswith(".") or sub.is_symlink():
                dirnames.remove(name)  # hidden folders and linked folders are not walked
                if sub.is_symlink() and not _inside(sub, real_root):
                    found.refused.append(Refusal(str(sub), _outside_reason(sub)))
        dirnames.sort()
        for name in sorted(filenames):
            file = here / name
            if name.startswith(".") or file.suffix.lower() not in LOADERS or file in seen:
                continue
            seen.add(file)
            if file.is_symlink():
                if not file.exists():
                    found.refused.append(Refusal(str(file), "broken symbolic link"))
                    continue
                if not _inside(file, real_root):
                    found.refused.append(Refusal(str(file), _outside_reason(file)))
                    continue
            found.candidates.append(Candidate(file, file.relative_to(folder).as_posix()))


def _inside(link: Path, real_root: Path) -> bool:
    return link.resolve().is_relative_to(real_root)


def _outside_reason(link: Path) -> str:
    return f"symbolic link points outside the ingested folder (to {link.resolve()}); not followed"
