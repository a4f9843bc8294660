"""Ingest throughput on SQuAD v1.1 dev: 2,067 paragraphs, one document each, for both runtimes
of the local model (PyTorch, then ONNX Runtime).

Prints, per runtime: the end-to-end pipeline's chunks/s (read, clean, chunk, embed, write to
Chroma, record), the raw embedder's chunks/s on the very same chunk texts in the same batches, and
the pipeline's overhead over the raw embedder; then ONNX's speed-up over PyTorch end to end, the
lowest cosine between the two runtimes' vectors over every chunk (at least MIN_COSINE, or one
index cannot serve both), and the time of a second, unchanged run. Writes the figures to
bench/out/ingest.json.

    python -m bench.ingest [--squad PATH] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

from app.evaluation.squad import load_paragraphs, write_corpus
from bench import SQUAD, machine, memory_mb
from common.config import load_settings
from ingest.sync import Indexer
from vectorstore.embeddings import LocalMiniLM
from vectorstore.index import Index
from vectorstore.onnx_model import MIN_COSINE

OUT = Path(__file__).resolve().parent / "out"
RUNTIMES = ("torch", "onnx")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--squad", type=Path, default=SQUAD)
    parser.add_argument("--limit", type=int, default=None, help="first N paragraphs only")
    args = parser.parse_args()

    paragraphs = load_paragraphs(args.squad)[: args.limit]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = write_corpus(paragraphs, Path(tmp) / "corpus")
        runs = {runtime: _run(runtime, paragraphs, corpus, Path(tmp) / runtime)
                for runtime in RUNTIMES}
    vectors = {runtime: run.pop("vectors") for runtime, run in runs.items()}
    cosines = (vectors["onnx"] * vectors["torch"]).sum(axis=1)
    speedup = runs["onnx"]["pipeline_chunks_per_s"] / runs["torch"]["pipeline_chunks_per_s"]
    figures = {
        "documents": len(paragraphs),
        "chunks": len(cosines),
        "batch": load_settings().embed_batch,
        "runtimes": runs,
        "onnx_speedup": round(speedup, 2),
        "min_cosine_onnx_to_torch": round(float(cosines.min()), 6),
        "cosine_bound": MIN_COSINE,
        "cosine_bound_met": bool(cosines.min() >= MIN_COSINE),
        "unchanged_rerun_seconds": runs["onnx"].pop("unchanged_rerun_seconds"),
        "peak_rss_mb": memory_mb(), "machine": machine(),
    }
    runs["torch"].pop("unchanged_rerun_seconds")
    OUT.mkdir(exist_ok=True)
    (OUT / "ingest.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


def _run(runtime: str, paragraphs, corpus: Path, folder: Path) -> dict:
    """One runtime: a full ingest into a new index, the raw embedder on the same chunks in the
    same batches (its vectors returned, to compare the runtimes), an unchanged re-run."""
    settings = load_settings(data_dir=folder, embeddings="local", embedding_runtime=runtime)
    embedder = LocalMiniLM(runtime)
    embedder.warm_up()  # both sides measured with the model already in memory
    embedder.embed_documents(["warm-up sentence"] * 8)

    first = Indexer(Index(settings, embedder)).ingest([corpus])
    assert not first.failed, first.failed

    indexer = Indexer(Index(settings, embedder))
    texts = [c.text for p in paragraphs for c in indexer.chunker.split(_document(p, corpus))]
    assert len(texts) == first.chunks
    batch = settings.embed_batch
    started = time.perf_counter()
    vectors = [v for i in range(0, len(texts), batch)
               for v in embedder.embed_documents(texts[i:i + batch])]
    raw_seconds = time.perf_counter() - started

    second = Indexer(Index(settings, embedder)).ingest([corpus])
    assert (second.skipped, second.chunks) == (len(paragraphs), 0)
    return {
        "pipeline_seconds": round(first.seconds, 2),
        "pipeline_chunks_per_s": round(first.chunks / first.seconds, 1),
        "raw_embedder_seconds": round(raw_seconds, 2),
        "raw_embedder_chunks_per_s": round(len(texts) / raw_seconds, 1),
        "pipeline_overhead_pct": round((first.seconds / raw_seconds - 1) * 100, 1),
        "unchanged_rerun_seconds": round(second.seconds, 3),
        "vectors": np.array(vectors),
    }


def _document(paragraph, corpus: Path):
    from ingest.parse import parse_document

    path = corpus / paragraph.name
    return parse_document(path.read_bytes(), path, paragraph.name)


if __name__ == "__main__":
    main()
