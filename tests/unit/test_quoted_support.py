"""A capable model may quote the words that state a claim the code could not settle; code then
verifies them: every quote in the cited passage word for word, every number, month and name of
the claim in the quoted sentences, nothing negated or flipped. The model's word alone never
keeps a sentence."""

from __future__ import annotations

import json

import pytest

from app.answering.backends.base import parse_quotes
from app.answering.backends.scripted import ScriptedBackend
from app.answering.pipeline import Answerer
from app.answering.relevance import Scorer
from app.answering.support import SupportChecker, locate
from app.answering.types import Done, Step, Token
from tests.helpers.passages import passage
from tests.helpers.prompt import claims_of
from tests.unit.test_pipeline_stages import TONOYAN, GivenPassages
from vectorstore.embeddings import HashingEmbedder
from vectorstore.index import Index

pytestmark = pytest.mark.unit

HELD = "Tonoyan held the position since May 2018"
PARAPHRASE = "Tonoyan had been in charge of defence since May 2018."


@pytest.fixture(scope="module")
def checker() -> SupportChecker:
    return SupportChecker(Scorer(HashingEmbedder()))


def test_locate_ignores_case_space_curly_quotes_and_dashes() -> None:
    text = "He attended a parade in Khankendi –  formerly known as Stepanakert – on “Wednesday” 8."
    span = locate('"attended a parade in khankendi - formerly known as stepanakert - on '
                  '\u201cWednesday" 8"', text)  # the quote marks around an excerpt are no words
    assert span is not None and text[span[0]:span[1]] == text[3:-1]


def test_locate_takes_parts_around_an_ellipsis_in_order_only() -> None:
    text = "The park covers 76 ha. It has pavilions, sculptures and ponds."
    span = locate("The park covers ... sculptures and ponds", text)
    assert span == (0, len(text) - 1)
    assert locate("sculptures and ponds ... The park covers", text) is None


@pytest.mark.parametrize("quote", ["the park", "The park covers 77 ha", "", "..."])
def test_locate_refuses_what_is_not_there_or_too_short(quote: str) -> None:
    assert locate(quote, "The park covers 76 ha.") is None


@pytest.mark.parametrize(("reply", "expected"), [
    ('{"1": ["a b c", "d e f"], "2": "NONE"}', [["a b c", "d e f"], []]),
    ('Sure! {"2": "one quote here"}', [[], ["one quote here"]]),
    ('{"1": [3, null, "kept words here"], "2": ["NONE"]}', [["kept words here"], []]),
    ("I cannot help with that.", [[], []]),
    ('{"1": ["unterminated', [[], []]),
    ('["a list", "not an object"]', [[], []]),
])
def test_parse_quotes_reads_the_json_asked_for_and_nothing_else(reply, expected) -> None:
    assert parse_quotes(reply, 2) == expected


def test_a_paraphrase_the_code_cannot_settle_passes_on_its_quote(checker) -> None:
    assert not checker.check(PARAPHRASE, TONOYAN).supported
    verdict = checker.check_quoted(PARAPHRASE, TONOYAN, [HELD])
    assert verdict.supported
    assert TONOYAN[verdict.span[0]:verdict.span[1]] == HELD + "."


@pytest.mark.parametrize(("claim", "quote", "reason"), [
    ("Tonoyan had been in charge of defence since May 2019.", HELD, "number"),
    ("Tonoyan had been in charge of defence since June 2018.", HELD, "month"),
    ("Pashinyan had been in charge of defence since May 2018.", HELD, "name"),
    ("Tonoyan had never been in charge of defence since May 2018.", HELD, "negation"),
    (PARAPHRASE, "Tonoyan held the post since May 2018", "quote not in source"),
    (PARAPHRASE, "May 2018", "quote not in source"),  # too short to point anywhere
    ("1 [1].", HELD, "fragment"),
])
def test_a_quote_never_carries_a_claim_whose_facts_differ(checker, claim, quote, reason) -> None:
    verdict = checker.check_quoted(claim, TONOYAN, [quote])
    assert not verdict.supported and verdict.reason == reason


class QuotingModel(ScriptedBackend):
    """Answers with `draft`; asked for quotes, gives `quotes[claim]` (NONE when absent)."""

    can_quote = True

    def __init__(self, draft: str, quotes: dict[str, list[str]]) -> None:
        super().__init__(self._reply)
        self.draft, self.quotes, self.asked = draft, quotes, []

    def _reply(self, messages: list[dict[str, str]]) -> str:
        claims = claims_of(messages[-1]["content"])
        if not claims:
            return self.draft
        self.asked.append([text for _, text in claims])
        return json.dumps({str(n): self.quotes.get(text, "NONE") for n, text in claims})


def ask(make_settings, model: QuotingModel) -> list:
    settings = make_settings()
    answerer = Answerer(settings, Index(settings, HashingEmbedder()), backends=[model],
                        retriever=GivenPassages([passage(TONOYAN)]))
    return list(answerer.ask_stream("Which defence minister tendered his resignation?"))


def test_unsettled_sentences_wait_for_the_quotes_and_keep_their_order(make_settings) -> None:
    model = QuotingModel(
        "Davit Tonoyan has tendered his resignation [1]. " + PARAPHRASE[:-1] + " [1]. "
        "Tonoyan was appointed by Napoleon in 1802 [1]. The Aravot daily reported it on "
        "Friday [1].",
        {PARAPHRASE: [HELD], "Tonoyan was appointed by Napoleon in 1802.": [HELD]})
    events = ask(make_settings, model)
    # one request, for the two sentences the code could not settle, after the draft
    assert model.asked == [[PARAPHRASE, "Tonoyan was appointed by Napoleon in 1802."]]
    tokens = [e.text for e in events if isinstance(e, Token)]
    quoting = next(i for i, e in enumerate(events)
                   if isinstance(e, Step) and e.name == "checking citations")
    assert "".join(e.text for e in events[:quoting] if isinstance(e, Token)) == \
        "Davit Tonoyan has tendered his resignation [1]."
    answer = events[-1].answer
    assert isinstance(events[-1], Done) and "".join(tokens) == answer.answer.split(" Some")[0]
    assert answer.answer.startswith("Davit Tonoyan has tendered his resignation [1]. "
                                    "Tonoyan had been in charge of defence since May 2018 [1]. "
                                    "The Aravot daily reported it on Friday [1].")
    assert "Napoleon" not in answer.answer and answer.status == "partial"
    assert [c.n for c in answer.citations] == [1]


def test_a_model_that_quotes_nothing_keeps_only_what_the_code_settled(make_settings) -> None:
    model = QuotingModel("Davit Tonoyan has tendered his resignation [1]. " + PARAPHRASE[:-1]
                         + " [1].", {})
    answer = ask(make_settings, model)[-1].answer
    assert answer.answer.startswith("Davit Tonoyan has tendered his resignation [1].")
    assert "charge" not in answer.answer and len(model.asked) == 1


def test_backends_that_cannot_quote_are_never_asked(make_settings) -> None:
    model = QuotingModel("Davit Tonoyan has tendered his resignation [1]. " + PARAPHRASE[:-1]
                         + " [1].", {})
    model.can_quote = False
    answer = ask(make_settings, model)[-1].answer
    assert model.asked == [] and "charge" not in answer.answer


def test_one_made_up_quote_sinks_the_sentence_even_beside_a_real_one(make_settings) -> None:
    settings = make_settings()
    model = QuotingModel("Davit Tonoyan has tendered his resignation [1]. " + PARAPHRASE[:-1]
                         + " [1, 2].", {PARAPHRASE: [HELD, "Tonoyan ran the army for ten years"]})
    answerer = Answerer(settings, Index(settings, HashingEmbedder()), backends=[model],
                        retriever=GivenPassages([passage(TONOYAN), passage(TONOYAN + " Again.")]))
    answer = answerer.ask("Which defence minister tendered his resignation?")
    assert len(model.asked) == 1 and "charge" not in answer.answer
