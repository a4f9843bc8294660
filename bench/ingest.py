"""Ingest throughput on SQuAD v1.1 dev: 2,067 paragraphs, one document each.

Prints, from one run: the end-to-end pipeline's chunks/s (read, clean, chunk, embed, write to
Chroma, record), the raw embedder's chunks/s on the very same chunk texts in the same batches, the
pipeline's overhead over the raw embedder, and the time of a second, unchanged run. Writes the
figures to bench/out/ingest.json.

    python -m bench.ingest [--squad PATH] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from app.evaluation.squad import load_paragraphs, write_corpus
from bench import SQUAD, machine, memory_mb
from common.config import load_settings
from ingest.sync import Indexer
from vectorstore.embeddings import LocalMiniLM
from vectorstore.index import Index

OUT = Path(__file__).resolve().parent / "out"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--squad", type=Path, default=SQUAD)
    parser.add_argument("--limit", type=int, default=None, help="first N paragraphs only")
    args = parser.parse_args()

    paragraphs = load_paragraphs(args.squad)[: args.limit]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = write_corpus(paragraphs, Path(tmp) / "corpus")
        settings = load_settings(data_dir=Path(tmp) / "data", embeddings="local")
        embedder = LocalMiniLM()
        embedder.warm_up()  # both sides measured with the model already in memory
        embedder.embed_documents(["warm-up sentence"] * 8)

        first = Indexer(Index(settings, embedder)).ingest([corpus])
        assert not first.failed, first.failed

        index = Index(settings, embedder)
        indexer = Indexer(index)
        texts = [c.text for p in paragraphs
                 for c in indexer.chunker.split(_document(p, corpus))]
        assert len(texts) == first.chunks
        batch = settings.embed_batch
        started = time.perf_counter()
        for i in range(0, len(texts), batch):
            embedder.embed_documents(texts[i:i + batch])
        raw_seconds = time.perf_counter() - started

        second = Indexer(Index(settings, embedder)).ingest([corpus])
        assert (second.skipped, second.chunks) == (len(paragraphs), 0)

    pipeline_rate = first.chunks / first.seconds
    raw_rate = len(texts) / raw_seconds
    figures = {
        "documents": len(paragraphs),
        "chunks": first.chunks,
        "pipeline_seconds": round(first.seconds, 2),
        "pipeline_chunks_per_s": round(pipeline_rate, 1),
        "raw_embedder_seconds": round(raw_seconds, 2),
        "raw_embedder_chunks_per_s": round(raw_rate, 1),
        "pipeline_overhead_pct": round((first.seconds / raw_seconds - 1) * 100, 1),
        "unchanged_rerun_seconds": round(second.seconds, 3),
        "rerun_speedup": round(first.seconds / second.seconds, 1),
        "batch": batch,
        "peak_rss_mb": memory_mb(), "machine": machine(),
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "ingest.json").write_text(json.dumps(figures, indent=2) + "\n")
    print("| measure | value |\n| --- | --- |")
    for key, value in figures.items():
        print(f"| {key} | {value} |")


def _document(paragraph, corpus: Path):
    from ingest.parse import parse_document

    path = corpus / paragraph.name
    return parse_document(path.read_bytes(), path, paragraph.name)


if __name__ == "__main__":
    main()
