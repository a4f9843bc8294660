"""Ingest throughput, query latency and peak memory at about 10,000 and 100,000 chunks.

Measured, for each target in a fresh process: Footnote's `Indexer` ingesting, into a new data
folder, copies of the SQuAD v1.1 dev paragraphs (20 paragraphs per .txt file; each copy's files
open with a "Copy N" line, so no two files share content), in chunks/s; the p50/p95 latency of
`Retriever.search(question, k=5)` in hybrid, dense and keyword modes over SQuAD questions, query
embedding by the real model included, after untimed warm-up questions; the process's peak resident
memory (model, Chroma and SQLite together), its resident memory right after the ingest, and the
index's size on disk. Not measured: the real model embedding every chunk. A replay embedder embeds
each distinct base text (a chunk without its "Copy N" line) once with all-MiniLM-L6-v2 and gives
every further copy that vector plus a small seeded random offset, renormalised; the model time for
the base texts is part of the ingest time and reported apart, and the model's own rate, measured
on real chunks in another process, gives the estimate of a real ingest (store and index time plus
chunks over that rate). As the model only runs while the first copy is ingested, when the index is
small, a real ingest's peak memory can be higher by one batch's working memory. Nor measured:
retrieval quality (copies make it meaningless), a cold first query after opening the index, or
answering. Every text occurs once per copy (about N / 2,460 times), so both indexes hold more
near-duplicates than a real corpus of that size.

    python -m bench.scale [--targets 10000,100000] [--questions N] [--squad PATH]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from app.evaluation.metrics import percentile
from app.evaluation.squad import Paragraph, load_paragraphs, questions_of
from bench import SQUAD, machine, memory_mb
from common.config import load_settings
from ingest.parse import parse_document
from ingest.sync import Indexer
from vectorstore.embeddings import Embedder, LocalMiniLM
from vectorstore.index import Index
from vectorstore.retrieval import Mode, Retriever

OUT = Path(__file__).resolve().parent / "out"
GROUP = 20  # paragraphs per file: 100,000 chunks is a few thousand files, not 100,000
MODES: tuple[Mode, ...] = ("hybrid", "dense", "keyword")
K = 5
WARM_UP = 5  # untimed questions per mode before the timed ones
MODEL_SAMPLE = 500  # real chunks for the model's own rate
SPREAD = 0.25  # norm of a copy's offset from its unit base vector: cosine about 0.97 to it
MARKER = re.compile(r"\ACopy \d+\s*")  # a copy's first line, stripped for the cache key
REPORT_EVERY = 10_000  # chunks between progress lines


class ReplayEmbedder(Embedder):
    """all-MiniLM-L6-v2 for queries and for each distinct base text; copies replay its vector.

    The first occurrence of a base text gets the model's vector; the n-th copy gets it plus an
    offset seeded by the text and n, renormalised, so vectors keep the model's distribution and
    no two are equal. Same name, limit and tokenizer as the real one: the index and the chunker
    cannot tell them apart.
    """

    name = LocalMiniLM.name
    max_tokens = LocalMiniLM.max_tokens

    def __init__(self, model: Embedder) -> None:
        self.model = model
        self.cache: dict[str, np.ndarray] = {}
        self.seen: dict[str, int] = {}
        self.hits = 0
        self.model_seconds = 0.0

    @property
    def dim(self) -> int:
        return self.model.dim

    def count_tokens(self, text: str) -> int:
        return self.model.count_tokens(text)

    def embed_query(self, text: str) -> list[float]:
        return self.model.embed_query(text)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        keys = [MARKER.sub("", t) for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self.cache))
        if missing:
            started = time.perf_counter()
            vectors = self.model.embed_documents(missing)
            self.model_seconds += time.perf_counter() - started
            self.cache.update(zip(missing, np.asarray(vectors, dtype=np.float64), strict=True))
        self.hits += len(keys) - len(missing)
        return [self._copy(key) for key in keys]

    def _copy(self, key: str) -> list[float]:
        n = self.seen.get(key, 0)
        self.seen[key] = n + 1
        base = self.cache[key]
        if n == 0:
            return base.tolist()
        seed = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big")
        offset = np.random.default_rng([seed, n]).standard_normal(base.shape[0])
        vector = base + SPREAD * offset / np.linalg.norm(offset)
        return (vector / np.linalg.norm(vector)).tolist()


class Ticker:
    """A progress line on stderr every REPORT_EVERY chunks: the 100k ingest takes minutes."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.chunks = 0
        self.started = time.perf_counter()

    def start(self, total_files: int) -> None:
        print(f"{self.label}: ingesting {total_files} files", file=sys.stderr)

    def advance(self, files: int, chunks: int) -> None:
        before, self.chunks = self.chunks, self.chunks + chunks
        if before // REPORT_EVERY != self.chunks // REPORT_EVERY:
            print(f"{self.label}: {self.chunks} chunks, "
                  f"{time.perf_counter() - self.started:.0f} s", file=sys.stderr)


def group_text(copy: int, group: list[Paragraph]) -> str:
    return f"Copy {copy}\n\n" + "\n\n".join(p.context.strip() for p in group) + "\n"


def groups_of(squad: Path) -> list[list[Paragraph]]:
    paragraphs = load_paragraphs(squad)
    return [paragraphs[i:i + GROUP] for i in range(0, len(paragraphs), GROUP)]


def base_chunks(groups: list[list[Paragraph]], indexer: Indexer) -> list[list[str]]:
    """Each group's chunk texts as the Indexer cuts copy 1; every copy is cut the same way,
    since the "Copy N" line has the same token count for N below 1,000."""
    chunked = []
    for i, group in enumerate(groups):
        name = f"g{i:03d}.txt"
        document = parse_document(group_text(1, group).encode(), Path(name), name)
        chunked.append([c.text for c in indexer.chunker.split(document)])
    return chunked


def write_corpus(groups: list[list[Paragraph]], counts: list[int], target: int,
                 folder: Path) -> tuple[int, int, set[int]]:
    """Copy after copy of every group until the files hold `target` chunks (a group's worth
    more at most); returns files, planned chunks and the groups used."""
    files = planned = 0
    used: set[int] = set()
    copy = 0
    while planned < target:
        copy += 1
        (folder / f"copy-{copy:03d}").mkdir(parents=True)
        for g, group in enumerate(groups):
            if planned >= target:
                break
            path = folder / f"copy-{copy:03d}" / f"group-{g:03d}.txt"
            path.write_text(group_text(copy, group), encoding="utf-8")
            files, planned = files + 1, planned + counts[g]
            used.add(g)
    return files, planned, used


def spread_questions(squad: Path, n: int) -> tuple[list[str], list[str]]:
    """`n` questions spread evenly over the set, and WARM_UP others beside them."""
    every = [q.question for q in questions_of(load_paragraphs(squad))]
    stride = max(1, len(every) // (n + 1))
    return every[::stride][:n], every[1::stride][:WARM_UP]


def percentiles(millis: list[float]) -> dict[str, float]:
    return {f"p{q}_ms": round(percentile(millis, q / 100), 1) for q in (50, 95)}


def folder_mb(folder: Path) -> float:
    return round(sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1048576, 1)


def model_rate(squad: Path) -> float:
    """The real model's chunks/s on MODEL_SAMPLE base chunks, in the Indexer's batch size."""
    settings = load_settings(embeddings="local")
    model = LocalMiniLM()
    chunked = base_chunks(groups_of(squad), Indexer(Index(settings, model)))
    texts = [MARKER.sub("", t) for group in chunked for t in group][:MODEL_SAMPLE]
    model.embed_documents(texts[:8])  # load the model, untimed
    started = time.perf_counter()
    for i in range(0, len(texts), settings.embed_batch):
        model.embed_documents(texts[i:i + settings.embed_batch])
    return len(texts) / (time.perf_counter() - started)


def run_scale(target: int, squad: Path, n_questions: int,
              database_url: str | None = None) -> dict[str, Any]:
    """One target, in its own process: ingest, then interleaved timed queries; the catalog in
    SQLite, or in the PostgreSQL database `database_url`."""
    label = f"{target} chunks"
    model = LocalMiniLM()
    model.warm_up()  # loading the model is not ingest time
    embedder = ReplayEmbedder(model)
    groups = groups_of(squad)
    questions, warm_up = spread_questions(squad, n_questions)
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(data_dir=Path(tmp) / "data", embeddings="local",
                                 database_url=database_url)
        index = Index(settings, embedder)
        indexer = Indexer(index)
        chunked = base_chunks(groups, indexer)
        files, planned, used = write_corpus(groups, [len(c) for c in chunked], target,
                                            Path(tmp) / "corpus")
        distinct = len({MARKER.sub("", t) for g in used for t in chunked[g]})
        report = indexer.ingest([Path(tmp) / "corpus"], progress=Ticker(label))
        assert not report.failed, report.failed[:3]
        rss_after_ingest = memory_mb("VmRSS")
        print(f"{label}: ingested {report.chunks} chunks in {report.seconds:.0f} s, querying",
              file=sys.stderr)

        retriever = Retriever(index)
        searches: dict[str, Callable[[str], object]] = {
            m: (lambda q, m=m: retriever.search(q, k=K, mode=m)) for m in MODES}
        for question in warm_up:
            for search in searches.values():
                search(question)
        millis: dict[str, list[float]] = {m: [] for m in MODES}
        for question in questions:
            for mode, search in searches.items():  # interleaved: same machine load for all
                started = time.perf_counter()
                search(question)
                millis[mode].append((time.perf_counter() - started) * 1000)
        index.close()
        disk_mb = folder_mb(settings.data_dir)

    model_embedded = len(embedder.cache)
    store_seconds = report.seconds - embedder.model_seconds
    return {
        "target": target,
        "catalog": "postgresql" if database_url else "sqlite",
        "chunks": report.chunks,
        "planned_chunks": planned,
        "files": files,
        "ingest_seconds": round(report.seconds, 1),
        "chunks_per_s": round(report.chunks / report.seconds, 1),
        "embed_model_seconds": round(embedder.model_seconds, 1),
        "embed_model_share_pct": round(embedder.model_seconds / report.seconds * 100, 1),
        "store_index_chunks_per_s": round(report.chunks / store_seconds, 1),
        "distinct_base_texts": distinct,
        "model_embedded_texts": model_embedded,
        "cache_hit_rate": round(embedder.hits / (embedder.hits + model_embedded), 4),
        "query_ms": {m: percentiles(millis[m]) for m in MODES},
        "peak_rss_mb": memory_mb("VmHWM"),
        "rss_after_ingest_mb": rss_after_ingest,
        "index_disk_mb": disk_mb,
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
    }


def in_fresh_process(function: Callable[..., Any], *args: object) -> Any:
    """Run in a new interpreter: each scale's peak memory is its own, nothing is shared."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", default="10000,100000", help="chunk counts, comma-separated")
    parser.add_argument("--questions", type=int, default=300, help="timed questions per mode")
    parser.add_argument("--squad", type=Path, default=SQUAD)
    args = parser.parse_args()
    targets = [int(t) for t in args.targets.split(",")]

    started = time.perf_counter()
    load_start = os.getloadavg()
    rate = in_fresh_process(model_rate, args.squad)
    print(f"real model: {rate:.1f} chunks/s", file=sys.stderr)
    scales = [in_fresh_process(run_scale, t, args.squad, args.questions) for t in targets]
    for scale in scales:
        store_seconds = scale["ingest_seconds"] - scale["embed_model_seconds"]
        scale["real_ingest_estimate_minutes"] = round(
            (store_seconds + scale["chunks"] / rate) / 60, 1)
    figures = {
        "real_model_chunks_per_s": round(rate, 1),
        "real_model_sample_chunks": MODEL_SAMPLE,
        "questions": args.questions,
        "k": K,
        "scales": scales,
        "total_seconds": round(time.perf_counter() - started, 1),
        "load_average_1_5_15_start": [round(x, 2) for x in load_start],
        "load_average_1_5_15_end": [round(x, 2) for x in os.getloadavg()],
        "machine": machine(),
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "scale.json").write_text(json.dumps(figures, indent=2) + "\n")

    print("| chunks | files | ingest s | chunks/s | of which model s | store+index chunks/s "
          "| hybrid p50/p95 ms | dense p50/p95 ms | keyword p50/p95 ms "
          "| RSS peak / after ingest MB | disk MB |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for s in scales:
        latency = " | ".join(f"{s['query_ms'][m]['p50_ms']:.1f} / {s['query_ms'][m]['p95_ms']:.1f}"
                             for m in MODES)
        print(f"| {s['chunks']:,} | {s['files']:,} | {s['ingest_seconds']:.0f} "
              f"| {s['chunks_per_s']:.0f} | {s['embed_model_seconds']:.0f} "
              f"({s['embed_model_share_pct']:.0f}%) | {s['store_index_chunks_per_s']:.0f} "
              f"| {latency} | {s['peak_rss_mb']:.0f} / {s['rss_after_ingest_mb']:.0f} "
              f"| {s['index_disk_mb']:.0f} |")
    print(f"\nIngest time includes the real model embedding each distinct base text once "
          f"(\"of which model s\"); store+index chunks/s leaves that time out. The real model "
          f"alone: {rate:.1f} chunks/s, so a real ingest of N chunks takes about N / {rate:.0f} s "
          "more than the store and index part:")
    for s in scales:
        print(f"- {s['chunks']:,} chunks: about {s['real_ingest_estimate_minutes']:.0f} min; "
              f"cache hit rate {s['cache_hit_rate']:.1%} ({s['model_embedded_texts']:,} texts "
              f"embedded by the model, {s['distinct_base_texts']:,} distinct base texts)")
    print(f"k={K}, {args.questions} questions per mode after {WARM_UP} warm-up ones; "
          f"total {figures['total_seconds']:.0f} s; load average {load_start[0]:.2f} at start, "
          f"{figures['load_average_1_5_15_end'][0]:.2f} at end")


if __name__ == "__main__":
    main()
