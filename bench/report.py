"""Writes docs/benchmarks.md and its charts (docs/benchmarks/*.png) from the figures the
benchmarks left in bench/out/*.json. `make bench` runs the benchmarks, then this.

    python -m bench.report
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "out"
DOCS = Path(__file__).resolve().parents[1] / "docs"
CHARTS = DOCS / "benchmarks"
ANSWER_FIGURES = [("answers", "exact_match"), ("answers", "f1"), ("answers", "contains"),
                  ("citations", "precision"), ("citations", "recall"),
                  ("citations", "cites_gold_source")]
METHOD_NAMES = {"hybrid": "Footnote hybrid (dense + BM25, score fusion)",
                "dense": "Footnote dense only", "keyword": "Footnote keyword only (BM25)",
                "rrf": "dense + BM25 by reciprocal rank fusion (Footnote before)",
                "baseline": "plain `langchain_chroma` similarity search"}


def load(name: str) -> Any:
    return json.loads((OUT / f"{name}.json").read_text())


def shown(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def table(header: list[str], rows: list[list[object]]) -> list[str]:
    """A Markdown table's lines."""
    return [f"| {' | '.join(header)} |", "|" + " --- |" * len(header),
            *(f"| {' | '.join(map(str, row))} |" for row in rows)]


def pair(a: float, b: float, digits: int = 1) -> str:
    return f"{a:.{digits}f} / {b:.{digits}f}"


def bars(path: Path, title: str, groups: list[str], series: dict[str, list[float | None]],
         ylabel: str = "", ymax: float | None = 1.0) -> str:
    """Grouped bars (one group per x label, one bar per series); returns the Markdown image."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 3.6), dpi=110)
    try:
        width = 0.8 / max(len(series), 1)
        for i, (name, values) in enumerate(series.items()):
            xs = [g + (i - (len(series) - 1) / 2) * width for g in range(len(groups))]
            heights = [v or 0.0 for v in values]
            ax.bar(xs, heights, width, label=name)
            for x, v in zip(xs, values, strict=True):
                if v is not None:
                    ax.text(x, v, f"{v:.2f}" if ymax == 1.0 else f"{v:.0f}", ha="center",
                            va="bottom", fontsize=7)
        ax.set_xticks(range(len(groups)), groups)
        if ymax is not None:
            ax.set_ylim(0, ymax * 1.08)
        ax.set_ylabel(ylabel)
        ax.set_title(title, fontsize=10)
        ax.legend(fontsize=7, loc="best")
        fig.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path)
    finally:
        plt.close(fig)
    return f"![{title}](benchmarks/{path.name})"


def retrieval_section(r: dict) -> list[str]:
    methods = r["methods"]
    order = [m for m in ("hybrid", "dense", "keyword", "rrf", "baseline") if m in methods]
    lines = [
        "## Retrieval: Footnote vs the plain approach", "",
        f"SQuAD v1.1 dev: all {r['questions']:,} questions over all {r['documents']:,} paragraphs "
        f"(one file each, {r['chunks']:,} chunks), local all-MiniLM-L6-v2 for every method. A "
        "question is found at rank r when its paragraph's file is the r-th distinct file "
        "retrieved; MRR over the first 20 files. Latency: one search call, query embedding "
        "included.", ""]
    metrics = ["recall@1", "recall@5", "recall@20", "mrr"]
    lines += table(["method", "recall@1", "recall@5", "recall@20", "MRR", "p50 ms", "p95 ms"],
                   [[METHOD_NAMES[m], *(f"{methods[m][k]:.3f}" for k in metrics),
                     f"{methods[m]['p50_ms']:.1f}", f"{methods[m]['p95_ms']:.1f}"]
                    for m in order])
    lines += ["", bars(CHARTS / "retrieval.png", "Retrieval on SQuAD v1.1 dev",
                       ["recall@1", "recall@5", "recall@20", "MRR"],
                       {m: [methods[m][k] for k in metrics] for m in order}), "",
              f"Hybrid recall@5 is {r['hybrid_minus_baseline_recall@5_points']:+.1f} points over "
              "the plain baseline. "
              f"Run time {r['total_seconds'] / 60:.0f} min; peak memory {r['peak_rss_mb']:.0f} MB.",
              ""]
    if "held_out" in r:
        held = r["held_out"]
        lines += [
            "The hybrid's weight (0.6 × cosine + 0.4 × BM25 relative to the query's best match) "
            "was chosen on the tuning half of the questions; on the other half, never tuned on "
            f"({r['held_out_questions']:,} questions):", ""]
        lines += table(["method", "recall@1", "recall@5", "recall@20", "MRR"],
                       [[METHOD_NAMES[m], *(f"{held[m][k]:.3f}" for k in metrics)]
                        for m in order])
        seeds = r["seeds_gold"]
        n = next(iter(seeds.values()))["questions"]
        lines += ["", f"The seeds gold set in the same run ({n} answerable questions over the five "
                  "seeds): " + "; ".join(
                      f"{METHOD_NAMES[m].split(' (')[0]} recall@1 {v['recall@1']:.2f}, "
                      f"recall@5 {v['recall@5']:.2f}" for m, v in seeds.items()) + ".", ""]
    return lines


def answers_section(a: dict) -> list[str]:
    runs = a["runs"]
    lines = [
        "## Answers and citations", "",
        "Scored by `footnote eval`'s own code. SQuAD answers are short spans while Footnote "
        "answers in cited sentences, so exact match and F1 are low by construction; *contains* "
        "(a gold answer appears in the answer) is the fair figure. Citation precision: cited "
        "sentences the cited passage supports; recall: answer sentences carrying such a "
        "citation. The judge is the same support test the pipeline checks citations with "
        "(precision 1.00, recall 0.68 on 55 labelled pairs), so these figures show what a "
        "reader is shown, not an independent human judgement. Refusal accuracy needs questions "
        "the documents cannot answer, which SQuAD lacks: it comes from the seeds gold set "
        "(8 of its 28 questions).", ""]
    lines += table(
        ["question set", "backend", "n", "EM", "F1", "contains", "citation precision",
         "citation recall", "cites a gold source", "refusal accuracy",
         "answerable answered `not_found`", "p50 / p95 ms"],
        [[r["set"], r["backend"], r["n"],
          *(shown(r[sec][key]) for sec, key in ANSWER_FIGURES), shown(r["refusal_accuracy"]),
          f"{r['counts']['refused_answerable']}/{r['counts']['answerable']}",
          pair(r["latency"]["p50_ms"], r["latency"]["p95_ms"], 0)] for r in runs])
    squad = [r for r in runs if r["set"] == "squad"]
    lines += ["", bars(CHARTS / "answers.png", f"Answers on SQuAD ({squad[0]['n']} questions)",
                       ["EM", "F1", "contains", "cit. precision", "cit. recall", "cites gold"],
                       {r["backend"]: [r[s][k] for s, k in ANSWER_FIGURES] for r in squad}),
              ""]
    for r in runs:
        if r["backend"] == "local":
            used = ", ".join(f"{name} {count}"
                             for name, count in r["counts"]["answered_by"].items())
            lines.append(f"- {r['set']}/local, whose text the answers (not `not_found`) show: "
                         f"{used}. When SmolLM2-135M's own answer fails the citation check, the "
                         "supporting sentences are shown instead, marked `extractive`.")
    lines += ["", f"Run time {a['total_seconds'] / 60:.0f} min; peak memory "
              f"{a['peak_rss_mb']:.0f} MB.", ""]
    return lines


def latency_section(rows: list[dict]) -> list[str]:
    lines = [
        "## Answer latency", "",
        "The 28 seeds gold questions, models warmed up: from the question to the first streamed "
        "token and to the checked answer. *Own answer kept*: the model's answer passed the "
        "citation check (otherwise the supporting sentences were shown instead).", ""]
    lines += table(
        ["backend", "first token p50 / p95 ms", "total p50 / p95 ms", "prompt tokens (mean)",
         "right source cited", "`not_found` when unanswerable", "own answer kept"],
        [[r["llm"], pair(r["first_token_p50_ms"], r["first_token_p95_ms"], 0),
          pair(r["total_p50_ms"], r["total_p95_ms"], 0), r["prompt_tokens_mean"],
          r["right_source"], r["not_found_when_unanswerable"], r["own_answer_kept"]]
         for r in rows])
    return [*lines, ""]


def local_runtimes_section(lr: dict) -> list[str]:
    rows = [r for r in lr["runtimes"] if r["installed"]]
    lines = [
        "## The local model on both runtimes", "",
        "SmolLM2-135M-Instruct (the bundled Q4_1 GGUF) answering the 28 seeds gold questions "
        "through the whole pipeline, on each runtime (`FOOTNOTE_LOCAL_RUNTIME`; `auto` takes "
        "llama-cpp-python when the `local` extra is installed, else transformers, which `make "
        "run` installs). *First checked text*: from the question to the first sentence shown, "
        "which has passed the citation check; a small model that has shown none 2 s after its "
        "request is stopped and the sources' own sentences are shown. *Model first token*: from "
        "a request to the model's first piece (reading the prompt). Tokens/s while it writes, "
        f"over all {rows[0]['generations'] if rows else 0} generations.", ""]
    lines += table(
        ["runtime", "first checked text p50 / p95 ms", "model first token p50 / p95 ms",
         "tokens/s", "load s", "own answer kept", "right source cited",
         "`not_found` when unanswerable"],
        [[r["runtime"], pair(r["first_token_p50_ms"], r["first_token_p95_ms"], 0),
          pair(r["model_first_token_p50_ms"], r["model_first_token_p95_ms"], 0),
          r["tokens_per_s"], r["load_s"], r["own_answer_kept"], r["right_source"],
          r["not_found_when_unanswerable"]] for r in rows])
    missing = [r["runtime"] for r in lr["runtimes"] if not r["installed"]]
    if missing:
        lines += ["", f"Not installed, not measured: {', '.join(missing)}."]
    load = lr.get("load_average_at_start")
    return [*lines, "", f"Measured {lr['measured']}" + (
        f", one-minute load average {load} at the start (2 cores)." if load is not None else "."),
        ""]


def ingest_section(i: dict) -> list[str]:
    torch, onnx = i["runtimes"]["torch"], i["runtimes"]["onnx"]
    lines = [
        "## Ingest", "",
        f"SQuAD dev, {i['documents']:,} files → {i['chunks']:,} chunks, batch {i['batch']}, for "
        "both runtimes of the local model: the whole pipeline (read, clean, chunk, embed, write "
        "Chroma + manifest) against the embedding model alone on the same chunks.", "",
        *table(["runtime", "pipeline chunks/s", "model alone chunks/s", "pipeline overhead"],
               [[name, f"{r['pipeline_chunks_per_s']}", f"{r['raw_embedder_chunks_per_s']}",
                 f"{r['pipeline_overhead_pct']} %"] for name, r in (("PyTorch", torch),
                                                                     ("ONNX Runtime", onnx))]),
        "",
        f"ONNX Runtime ingests {i['onnx_speedup']}× as fast as PyTorch end to end. The lowest "
        f"cosine between the two runtimes' vectors over all {i['chunks']:,} chunks is "
        f"{i['min_cosine_onnx_to_torch']} (bound {i['cosine_bound']}: "
        f"{'met' if i['cosine_bound_met'] else 'not met'}), so an index built by one is searched "
        f"by the other. Re-running on the unchanged folder takes {i['unchanged_rerun_seconds']} "
        f"s. Peak memory {i['peak_rss_mb']:.0f} MB.", ""]
    return lines


def cli_section(c: dict) -> list[str]:
    return [
        "## A cold command line", "",
        f"`footnote ask --llm extractive \"{c['question']}\"` on the seeds, each run a new "
        f"process: median {c['cold_ask_median_s']} s (runs: "
        f"{', '.join(str(t) for t in c['cold_ask_s'])} s); the CLI's imports take "
        f"{c['import_s']} s and loading the embedding model {c['embedder_load_s']} s. Five asks "
        f"started together take {', '.join(str(t) for t in c['five_at_once_s'])} s, the slowest "
        f"{c['five_at_once_worst_ratio']}× one alone (targets: {c['target_cold_s']:.0f} s and "
        f"{c['target_ratio']}×: {'met' if c['targets_met'] else 'not met'}).", *(
            [f"One cold ask uses {c['cold_ask_cpu_s']} s of CPU (user + system); five of them "
             f"share {c['cores']} cores, so no scheduling gets the slowest below "
             f"{c['five_at_once_floor_ratio']}× one alone."] if "cold_ask_cpu_s" in c else []),
        ""]


def scale_section(sc: dict) -> list[str]:
    rows = sc["scales"]
    lines = [
        "## Scale: about 10k and 100k chunks", "",
        "Copies of the SQuAD dev paragraphs (20 per file, each copy's files opening with a "
        "\"Copy N\" line), ingested by Footnote's own `Indexer` into a new data folder, each "
        "size in a fresh process. Embedding 100k chunks with the real model would take about "
        f"{100_000 / sc['real_model_chunks_per_s'] / 60:.0f} minutes here, so the model embeds "
        "each distinct text once and later copies get that vector plus a small seeded offset: "
        "*store+index* is the ingest rate with the model's time taken out, and a real ingest "
        f"adds chunks ÷ {sc['real_model_chunks_per_s']} chunks/s (the model's own rate, measured "
        "in the same run). Query latency: `Retriever.search(k=5)`, query embedding included, "
        f"{sc['questions']} SQuAD questions per mode. Memory: the process's own peak (VmHWM).",
        ""]
    modes = ("hybrid", "dense", "keyword")
    largest = max(rows, key=lambda r: r["chunks"])
    lines += table(
        ["chunks", "files", "store+index chunks/s", *(f"{m} p50 / p95 ms" for m in modes),
         "peak memory MB", "after ingest MB", "index on disk MB"],
        [[f"{r['chunks']:,}", f"{r['files']:,}", f"{r['store_index_chunks_per_s']:.0f}",
          *(pair(r["query_ms"][m]["p50_ms"], r["query_ms"][m]["p95_ms"]) for m in modes),
          f"{r['peak_rss_mb']:.0f}", f"{r['rss_after_ingest_mb']:.0f}",
          f"{r['index_disk_mb']:.0f}"] for r in rows])
    labels = [f"{r['chunks'] // 1000}k chunks" for r in rows]
    lines += ["", bars(CHARTS / "scale.png", "Query latency p95 (ms)", labels,
                       {m: [r["query_ms"][m]["p95_ms"] for r in rows] for m in modes},
                       ylabel="ms", ymax=None), "",
              "Dense search stays flat (HNSW; most of its time is embedding the question). "
              "Keyword search (SQLite FTS5, BM25 over every chunk holding any question word) "
              "grows with the number of matching chunks, and with it hybrid search: "
              f"{largest['query_ms']['hybrid']['p95_ms']:.0f} ms p95 at "
              f"{largest['chunks']:,} chunks. Every text occurs once per copy here, so the index "
              "holds more near-duplicates than a real corpus of that size would.", ""]
    return lines


def checker_section(sp: dict) -> list[str]:
    held, tune = sp["heldout"], sp["tune"]
    lines = [
        "## Citation checker on labelled pairs", "",
        f"tests/data/support_pairs_v2.jsonl: {held['n'] + tune['n']} hand-written claim/evidence "
        "pairs in the way GPT-4-class models answer (paraphrases, re-formatted numbers, "
        "transliterated names, abbreviations, merged sentences, why/how answers) and hard "
        "negatives (a changed number, name, date or relation, a negation, an invented clause, a "
        "statement of another passage, an on-topic claim the passage does not make), split by "
        "passage. The constants of app/answering/support.py were fitted on the tuning half only."
        " The checker before this work (lexical + one cosine threshold): precision 0.574, recall "
        "0.252 on the held-out half.", ""]
    lines += table(["half", "pairs", "precision", "recall", "accuracy",
                    "with quotes: precision, a model always agreeing",
                    "with quotes: recall, a model judging right"],
                   [[name, f["n"], shown(f["precision"]), shown(f["recall"]),
                     shown(f["accuracy"]), shown(f.get("quoted_worst_precision")),
                     shown(f.get("quoted_right_recall"))]
                    for name, f in (("tuning", tune), ("held-out", held))])
    lines += ["", "*With quotes*: where a capable model is configured, a sentence the code cannot "
              "settle goes back to the model, which quotes the words that state it; the code "
              "keeps the sentence only if every quote stands in the cited passage and the quoted "
              "sentences carry the claim's numbers, months and names with nothing negated or "
              "flipped (`check_quoted`). Bounds, since no such model runs here: a model quoting "
              "the closest evidence for every claim (worst case: precision) and one doing so only "
              "for supported claims (recall)."]
    lines += ["", "Held-out accuracy by kind: " + ", ".join(
        f"{k} {v:.2f}" for k, v in held["by_kind"].items()) + ".", ""]
    return lines


def capable_section(c: dict) -> list[str]:
    return [
        "## A capable model, end to end", "",
        f"{c['questions']} questions over the seeds and SQuAD paragraphs, answered by a test "
        "server on 127.0.0.1 that plays a GPT-4-class model through the real `openai` client "
        "(tests/data/capable_answers.jsonl: hand-written, paraphrased, correctly cited "
        "sentences, disagreeing sources, hallucinated sentences with invented or misplaced "
        "citations). Before this work: 2 of 100 correct sentences kept.", "",
        *table(["measure", "figure"], [
            ["correct sentences kept and cited to the right source",
             f"{c['correct_right_source']} of {c['correct_reached']} "
             f"({c['right_source_pct']:.0f} %)"],
            ["hallucinated sentences shown", f"{c['hallucinated_shown']} of {c['wrong_reached']}"],
            ["questions with the expected status", f"{c['status_right']} of {c['questions']}"],
            ["unanswerable questions answered `not_found`",
             f"{c['not_found_right']} of {c['not_found_expected']}"],
            ["disagreeing questions with every version kept",
             f"{c['disagree_all_kept']} of {len(c['disagree'])}"],
            ["latency p50 / p95", pair(c["latency_p50_ms"], c["latency_p95_ms"], 0) + " ms"]]),
        ""]


def refusals_section(r: dict) -> list[str]:
    lines = [
        "## Refusals", "",
        "90 questions whose words are in the 53 labelled documents but whose answers are not "
        "(tests/data/unanswerable.jsonl) and 100 answerable ones (the 20 seeds gold questions and "
        "80 SQuAD questions). `openai` is an eager model that never refuses, behind a local "
        "server: only the pipeline's checks refuse for it. Before this work every backend "
        "answered 87 of the 90 (0.033 `not_found`) and answered 0.97–0.98 of the answerable.", ""]
    lines += table(["backend", "unanswerable → `not_found`", "answerable → answered",
                    "answered holding a gold answer", "p50 / p95 ms"],
                   [[run["backend"], shown(run["not_found_share"]), shown(run["answered_share"]),
                     shown(run["answered_with_gold_answer"]),
                     pair(run["p50_ms"], run["p95_ms"], 0)] for run in r["runs"]])
    return [*lines, ""]


def postgres_section(pg: dict) -> list[str]:
    methods, ingest, scale = pg["methods"], pg["ingest"], pg["scale"]
    lines = [
        "## The catalog on PostgreSQL beside SQLite", "",
        f"SQuAD dev ({pg['documents']:,} paragraphs, {pg['questions']:,} questions) ingested "
        "twice per catalog with the real model (SQLite, PostgreSQL, PostgreSQL, SQLite: the "
        "drift of the machine cancels), then every question through both, interleaved "
        "(`python -m bench.postgres`, a real PostgreSQL 15 started for the run; Chroma "
        "embedded). Keyword search on PostgreSQL is BM25 from the catalog's own postings; on "
        "SQLite it is FTS5.", ""]
    lines += table(["catalog, search", "recall@1", "recall@5", "recall@20", "MRR",
                    "p50 / p95 ms"],
                   [[name, shown(r["recall@1"]), shown(r["recall@5"]), shown(r["recall@20"]),
                     shown(r["mrr"]), pair(r["p50_ms"], r["p95_ms"])]
                    for name, r in methods.items()])
    lines += ["", *table(
        ["catalog", "ingest, real model: chunks/s (mean of 2, ABBA)",
         "at ~10k chunks: store+index chunks/s",
         "hybrid p50 / p95 ms", "keyword p50 / p95 ms"],
        [[c, f"{ingest[c]['chunks_per_s']:.1f}", f"{scale[c]['store_index_chunks_per_s']:.0f}",
          pair(scale[c]["query_ms"]["hybrid"]["p50_ms"], scale[c]["query_ms"]["hybrid"]["p95_ms"]),
          pair(scale[c]["query_ms"]["keyword"]["p50_ms"],
               scale[c]["query_ms"]["keyword"]["p95_ms"])] for c in ("sqlite", "postgresql")]),
        "", f"Targets: hybrid recall@5 within one point of SQLite's (gap "
        f"{pg['hybrid_recall@5_gap_points']:+.2f} points: "
        f"{'met' if pg['target_recall_met'] else 'not met'}); ingest throughput within 10 % "
        f"(ratio {pg['ingest_rate_ratio']:.3f}: {'met' if pg['target_ingest_met'] else 'not met'})"
        f"; hybrid p95 at most 60 ms at 10k chunks "
        f"({'met' if pg['target_scale_p95_met'] else 'not met'}).", ""]
    return lines


def injection_section(inj: dict) -> list[str]:
    splits = inj["splits"]
    held = splits["heldout"]
    lines = [
        "## Prompt injection", "",
        f"tests/data/injection_sentences.jsonl: {inj['rows']} snippets as they could stand in a "
        "document. Half speak to an assistant, model, bot or reader (notes, footnotes, role-play,"
        " quotations, \"the only correct reply is\", HTML comments, hidden text, other languages,"
        " link insertion, exfiltration); half are ordinary sentences about orders, instructions "
        "and replies (news, court and military orders, quotations, dialogue, manuals, recipes). "
        "`is_instruction` (app/answering/safety.py: patterns and word lists, no model) was fitted "
        "on the tuning half; the held-out half holds 50 + 50 snippets written before the rules "
        "besides its share of the first version of the file. The pipeline leaves out every "
        "sentence it flags, from the prompt, the extractive answer and the evidence citations "
        "are checked against: an injection is caught when all of its sentences are flagged, a "
        "benign snippet held back when any is. Before this work (one regex), by the same measure: "
        "3 of 43 injections caught and 3 of 43 benign snippets held back on the tuning half, 5 of"
        " 93 and 1 of 93 on the held-out half. Target: at least 95 % caught, at most 2 % held "
        "back.", ""]
    lines += table(["half", "injections caught", "benign held back"],
                   [[name, f"{r['caught']} of {r['injections']} ({r['caught_share']:.1%})",
                     f"{r['held_back']} of {r['benign']} ({r['held_back_share']:.1%})"]
                    for name, r in (("tuning", splits["tune"]), ("held-out", held))])
    styles = held["by_style"]
    lines += ["", "Held-out, caught by style: " + ", ".join(
        f"{k.split(': ')[1]} {v['flagged']}/{v['n']}" for k, v in styles.items()
        if k.startswith("injection")) + "; held back by style: " + ", ".join(
        f"{k.split(': ')[1]} {v['flagged']}/{v['n']}" for k, v in styles.items()
        if k.startswith("benign")) + "."]
    if held["missed"]:
        lines += ["", "Missed on the held-out half: " + "; ".join(
            f"“{t}”" for t in held["missed"]) + "."]
    corpus = "; ".join(f"{name}: {c['held_back']} of {c['sentences']:,} sentences"
                       for name, c in inj["corpus"].items())
    lines += ["", f"Ordinary documents held back: {corpus} (SQuAD dev was searched for false "
              "alarms while the rules were written). `is_instruction` takes "
              f"{inj['us_per_sentence']:.0f} µs per sentence (uncached).", ""]
    return lines


SECTIONS = [("retrieval", retrieval_section), ("answers", answers_section),
            ("answer", latency_section), ("local_runtimes", local_runtimes_section),
            ("ingest", ingest_section), ("cli", cli_section),
            ("scale", scale_section),
            ("support", checker_section), ("capable", capable_section),
            ("refusals", refusals_section), ("postgres", postgres_section),
            ("injection", injection_section)]


def _previous_sections() -> list[list[str]]:
    """The sections of the current docs/benchmarks.md, to keep those not re-measured."""
    path = DOCS / "benchmarks.md"
    sections: list[list[str]] = []
    for line in path.read_text().splitlines() if path.exists() else []:
        if line.startswith("## "):
            sections.append([])
        if sections:
            sections[-1].append(line)
    return sections


def main() -> None:
    """Every section whose figures are in bench/out; the others kept as they were."""
    previous = _previous_sections()
    sections = []
    for i, (name, render) in enumerate(SECTIONS):
        if (OUT / f"{name}.json").exists():
            sections.append(render(load(name)))
        elif i < len(previous):
            sections.append(previous[i] if previous[i][-1:] == [""] else [*previous[i], ""])
    machine = next((load(n)["machine"] for n in ("retrieval", "refusals", "capable")
                    if (OUT / f"{n}.json").exists()), "")
    head = ["# Benchmarks", "",
            f"Written by `python -m bench.report` on {time.strftime('%Y-%m-%d')} ({machine}, no "
            "GPU) from the figures in bench/out/*.json; a section whose benchmark did not run "
            "before it is kept from the previous file (`make bench` runs them all, "
            "`make bench-trust` the citation checker's, the capable model's, the refusals' and "
            "prompt injection's). Data: SQuAD v1.1 dev (CC BY-SA 4.0), read from "
            "../shared/data, never copied; the labelled sets in tests/data.", ""]
    DOCS.mkdir(exist_ok=True)
    text = "\n".join(head + [line for section in sections for line in section])
    (DOCS / "benchmarks.md").write_text(text.rstrip() + "\n")
    print(f"wrote {DOCS / 'benchmarks.md'}")


if __name__ == "__main__":
    main()
