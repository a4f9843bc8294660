"""The nouns of answering: a numbered `Source` the model reads, a checked `Citation`, the final
`Answer`, and the events `Answerer.ask_stream` yields. The UI, the CLI's --json and the
evaluation all read the same `Answer`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from vectorstore.retrieval import Passage

Status = Literal["answered", "partial", "not_found"]
StepName = Literal["rewriting", "retrieving", "generating", "checking citations"]
Turn = tuple[str, str]  # (standalone question, answer) of an earlier exchange


@dataclass(frozen=True)
class Source:
    """A numbered source as the model sees it: `text` may be only the sentences that matter."""

    n: int
    passage: Passage
    text: str


@dataclass(frozen=True)
class Citation:
    n: int
    source: str
    title: str
    page: int | None
    start: int  # the cited passage's span in the document's cleaned text
    end: int
    quote: str  # the part of the passage that supports the sentence
    quote_start: int
    quote_end: int
    sha256: str = ""  # the document's content hash: opens its text whatever the file is called


@dataclass
class Answer:
    question: str
    standalone_question: str
    status: Status
    answer: str
    citations: list[Citation]
    passages: list[Passage]
    llm: str
    notice: str = ""
    interrupted: bool = False
    prompt_tokens: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    # where in `answer` the asked name, date or number stands, marked for the reader's eye
    answer_span: tuple[int, int] | None = None

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "standalone_question": self.standalone_question,
            "status": self.status,
            "answer": self.answer,
            "citations": [{"n": c.n, "source": c.source, "title": c.title, "page": c.page,
                           "start": c.start, "end": c.end, "quote": c.quote,
                           "quote_start": c.quote_start, "quote_end": c.quote_end,
                           "sha256": c.sha256}
                          for c in self.citations],
            "passages": [{"source": p.source, "start": p.start, "end": p.end,
                          "score": round(p.score, 4)} for p in self.passages],
            "llm": self.llm,
            "notice": self.notice,
            "interrupted": self.interrupted,
            "prompt_tokens": self.prompt_tokens,
            "timings": {k: round(v, 1) for k, v in self.timings.items()},
            "answer_span": list(self.answer_span) if self.answer_span else None,
        }


@dataclass(frozen=True)
class Step:
    """A stage of the pipeline starting (or its result, in `detail`)."""

    name: StepName
    detail: str = ""


@dataclass(frozen=True)
class Token:
    """Answer text the reader may see: it has passed the citation check and stays."""

    text: str


@dataclass(frozen=True)
class Done:
    answer: Answer


Event = Step | Token | Done
