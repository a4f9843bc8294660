"""Benchmarks (`make bench`). SQuAD v1.1 dev is read from ../shared/data, never copied here."""

from pathlib import Path

SQUAD = Path(__file__).resolve().parents[2] / "shared" / "data" / "squad" / "dev-v1.1.json"
SEEDS_GOLD = Path(__file__).resolve().parents[1] / "tests" / "data" / "gold_seeds.jsonl"


def machine() -> str:
    """What the figures were measured on."""
    import os
    import platform

    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def memory_mb(field: str = "VmHWM") -> float:
    """`VmHWM` (this process's own peak resident memory) or `VmRSS` (now), from /proc. Not
    ru_maxrss: on Linux a spawned child inherits its parent's peak across exec."""
    import re

    status = Path("/proc/self/status").read_text()
    found = re.search(rf"^{field}:\s+(\d+) kB", status, re.MULTILINE)
    return round(int(found.group(1)) / 1024, 1) if found else float("nan")
