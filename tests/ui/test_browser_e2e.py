"""The web chat in a real browser (Debian's Chromium through Playwright) against a real
`streamlit run`: ask, stream, open a citation at its quote, upload and ask about the upload,
make sure hostile documents never run code or load anything, and run an evaluation on the
Evaluate page. Screenshots go to tests/artifacts/. Realistic backends: the local embedding
model, extractive answers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.helpers.files import make_pdf
from tests.ui.browser import (
    ARTIFACTS,
    BROWSER_TEST,
    app_env,
    ask,
    chromium,
    last_message,
    open_app,
    open_citation,
    streamlit_server,
    upload,
)

pytestmark = BROWSER_TEST

Q_TONOYAN = "Which Armenian defence minister tendered his resignation?"
TONOYAN_QUOTE = "Armenian Defence Minister Davit Tonoyan has tendered his resignation"
PEARS = "The north orchard harvested 410 crates of pears in October"
PAYLOAD = "<img src=x onerror=window.__pwned=1> <script>window.__pwned=2</script>"
HOSTILE = {
    "velmora.html": ("text/html",
                     "<html><head><title>Lantern of Velmora</title></head><body>"
                     "<p>The quartz lantern of Velmora glows blue at dusk "
                     "<img src=x onerror=window.__pwned=1> every evening.</p>"
                     "<p>Its keeper wrote <script>window.__pwned=2</script> the lantern was lit "
                     "in 1821 by the guild of glassmakers.</p>"
                     "<p>Quoted markup: &lt;img src=x onerror=window.__pwned=1&gt; and "
                     "&lt;script&gt;window.__pwned=2&lt;/script&gt; stays text.</p></body></html>"),
    "velmora.md": ("text/markdown",
                   f"# Velmora {PAYLOAD}\n\nThe quartz lantern of Velmora glows blue at dusk "
                   "<img src=x onerror=window.__pwned=1> in the old harbour.\n\n"
                   "Its keeper wrote <script>window.__pwned=2</script> the lantern was lit in "
                   "1821 by the guild of glassmakers of the harbour.\n\n"
                   "See [the archive](javascript:window.__pwned=3) and "
                   "![pixel](https://tracker.invalid/pixel.png) for more."),
    "velmora.txt": ("text/plain",
                    f"{PAYLOAD} Velmora notes\n\nThe quartz lantern of Velmora glows blue at "
                    f"dusk {PAYLOAD} above the town square.\n\n"
                    "[click](javascript:window.__pwned=3) ![x](https://tracker.invalid/t.png)"),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = tmp_path_factory.mktemp("e2e")
    env = app_env(base / "data", embeddings="local", llm="extractive")
    with streamlit_server(env, base / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser, server: str, request: pytest.FixtureRequest):
    """A fresh browser session with the app loaded, recording dialogs and outside requests;
    its last state is saved to tests/artifacts/last-<test>.png (for failures)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    p = context.new_page()
    p.fn_dialogs = []
    p.fn_outside = []
    p.on("dialog", lambda d: (p.fn_dialogs.append(d.message), d.dismiss()))
    p.on("request", lambda r: None if r.url.startswith((server, "data:", "blob:"))
         else p.fn_outside.append(r.url))
    open_app(p, server, timeout_s=400)  # the first page load indexes the seeds
    yield p
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    p.screenshot(path=str(ARTIFACTS / f"last-{request.node.name}.png"), full_page=True)
    context.close()


def assert_nothing_ran(page) -> None:
    assert page.evaluate("window.__pwned") is None
    assert page.fn_dialogs == []
    assert page.fn_outside == []
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("a[href^='javascript'], a[href^='data:']").count() == 0
    scripts = page.evaluate("[...document.scripts].map(s => s.textContent).join(' ')")
    assert "__pwned" not in scripts


def test_answer_and_citation_in_the_whole_document(page) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    timing = ask(page, Q_TONOYAN, timeout_s=240)
    message = last_message(page)
    assert "Tonoyan" in message.inner_text()
    assert 0 < timing.first_token_s <= timing.answer_s
    page.screenshot(path=str(ARTIFACTS / "answer.png"), full_page=True)

    marker = message.locator("a[href^='#fn-']").first  # the inline [1] jumps to its source card
    preview = marker.get_attribute("title") or ""  # shown on hover, without leaving the answer
    assert TONOYAN_QUOTE in preview and "001_azerbaijan-enters-aghdam.txt" in preview, preview
    anchor = marker.get_attribute("href")
    marker.click()
    page.wait_for_function(f"() => location.hash === '{anchor}'")
    card = page.locator(anchor)
    assert TONOYAN_QUOTE in card.locator("mark").inner_text()
    card.wait_for(state="visible")

    preview = open_citation(page, message.get_by_role("button", name="[1]"))
    assert TONOYAN_QUOTE in preview and "001_azerbaijan-enters-aghdam.txt" in preview
    dialog = page.get_by_role("dialog", name="Source document")
    quote = dialog.locator("[data-testid='fn-document'] mark")
    quote.wait_for(timeout=60_000)
    assert TONOYAN_QUOTE in quote.inner_text()
    page.wait_for_timeout(1800)  # the snap to the quote happens before scrolling is freed
    box = dialog.locator("[data-testid='fn-document']").bounding_box()
    mark = quote.bounding_box()
    assert box and mark and box["y"] <= mark["y"] and mark["y"] + 10 <= box["y"] + box["height"]
    scroll_top = dialog.locator("[data-testid='fn-document']").evaluate("e => e.scrollTop")
    assert scroll_top > 0  # the quote is not at the top of the document: it was scrolled to
    page.screenshot(path=str(ARTIFACTS / "source.png"))
    text = dialog.locator("[data-testid='fn-document']").inner_text()
    assert text.startswith("Nagorno-Karabakh: Azerbaijan enters Aghdam")  # the whole document


def test_upload_then_ask_about_it(page) -> None:
    upload(page, {"zorblat-festival.txt": (
        "text/plain", "The Zorblat festival\n\nThe Zorblat festival is held in the town of "
                      "Quillon every April, when the fishermen paint their boats orange.")})
    ask(page, "When is the Zorblat festival held?", timeout_s=240)
    text = last_message(page).inner_text()
    assert "Quillon every April" in text and "zorblat-festival.txt" in text


def test_hostile_documents_never_run_or_load_anything(page) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    upload(page, HOSTILE)
    assert_nothing_ran(page)
    ask(page, "What colour does the quartz lantern of Velmora glow at dusk?", timeout_s=240)
    ask(page, "When was the lantern of Velmora lit by the guild of glassmakers?", timeout_s=240)
    assert "1821" in last_message(page).inner_text()  # answered through the markup around it
    shown = " ".join(page.locator("[data-testid='stChatMessage']").all_inner_texts())
    assert "onerror=window.__pwned=1" in shown  # shown as text...
    assert_nothing_ran(page)  # ...never run
    buttons = page.locator("[data-testid='stChatMessage'] button:visible", has_text="[")
    for i in range(buttons.count()):
        open_citation(page, buttons.nth(i))
        assert_nothing_ran(page)
        document = page.get_by_role("dialog", name="Source document")
        document.locator("[data-testid='fn-document']").wait_for()
        assert_nothing_ran(page)
        if i == 0:
            page.screenshot(path=str(ARTIFACTS / "hostile-source.png"))
        document.get_by_role("button", name="Close").click()
        document.wait_for(state="detached")
        page.keyboard.press("Escape")  # and the preview
    assert buttons.count() >= 2
    page.screenshot(path=str(ARTIFACTS / "hostile-answers.png"), full_page=True)
    assert_nothing_ran(page)


def test_evaluate_page_drafts_runs_and_shows_the_chart(page) -> None:
    page.get_by_role("link", name="Evaluate").click()
    page.get_by_text("Draft questions from the documents").click()
    number = page.get_by_label("Draft N questions from the indexed documents")
    number.fill("5")
    number.press("Enter")
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
    page.get_by_role("button", name="Run the evaluation").click()
    chart = page.locator("[data-testid='stImage'] img")
    chart.wait_for(timeout=240_000)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
    assert chart.evaluate("img => img.complete && img.naturalWidth > 0")
    assert "5 questions" in page.locator("[data-testid='stMain']").inner_text()
    assert page.get_by_role("button", name="report.md").count() == 1
    assert page.fn_outside == []
    page.screenshot(path=str(ARTIFACTS / "evaluate.png"), full_page=True)


def _ledger_pdf(tmp_path: Path) -> bytes:
    """Two pages; the fact stands low on page 2, under lines about other things."""
    weather = ("wet", "dry", "windy", "cold", "mild")
    filler = [f"Ledger entry {i}: the {weather[i % 5]} week brought {i * 3 + 7} visitors to "
              "the farm shop." for i in range(1, 28)]
    return make_pdf(tmp_path / "orchard.pdf", [
        "Orchard ledger of the Hollin estate\nThe estate keeps three orchards.",
        "\n".join([*filler, f"{PEARS}.", "The ledger closes with the winter pruning."]),
    ], title="Orchard ledger").read_bytes()


def test_a_pdf_citation_opens_its_page_with_the_quote_marked(page, tmp_path: Path) -> None:
    upload(page, {"orchard.pdf": ("application/pdf", _ledger_pdf(tmp_path))})
    ask(page, "How many crates of pears did the north orchard harvest in October?",
        timeout_s=240)
    message = last_message(page)
    marker = message.locator("a[href^='#fn-'][title*='orchard.pdf']").first
    preview = marker.get_attribute("title") or ""
    assert PEARS in preview and "page 2" in preview, preview  # page 2, where the quote is
    n = marker.inner_text().strip("[] ")
    open_citation(page, message.get_by_role("button", name=f"[{n}]"))
    dialog = page.get_by_role("dialog", name="Source document")
    sheet = dialog.locator("[data-testid='fn-pdf-page']")
    boxes = sheet.locator("[data-testid='fn-pdf-box']")
    boxes.first.wait_for(timeout=60_000)
    assert "Page 2 of 2 · the cited page" in dialog.inner_text()
    image = sheet.locator("img")
    assert image.evaluate("img => img.complete && img.naturalWidth >= 1000")
    assert image.get_attribute("src").startswith("data:image/png;base64,")
    page.wait_for_timeout(1800)  # snapped to the quote, then free to scroll
    view, box, img = sheet.bounding_box(), boxes.first.bounding_box(), image.bounding_box()
    assert view and box and img
    assert view["y"] <= box["y"] and box["y"] + box["height"] <= view["y"] + view["height"]
    assert sheet.evaluate("e => e.scrollTop") > 0  # low on the page: scrolled to it
    # the box is on the quote's line, the 28th drawn from 800 pt down in steps of 16 pt:
    # its top is 55 % down the 842 pt page
    relative_top = (box["y"] - img["y"]) / img["height"]
    assert 0.53 < relative_top < 0.57, relative_top
    assert page.fn_outside == []
    page.screenshot(path=str(ARTIFACTS / "pdf-page.png"))

    dialog.get_by_role("button", name="Previous page").click()
    dialog.get_by_text("Page 1 of 2").wait_for()
    expect(boxes).to_have_count(0)  # the quote is not on page 1
    expect(sheet.locator("img")).to_have_attribute("alt", "Page 1 of orchard.pdf")
    dialog.get_by_text("Text", exact=True).click()
    quote = dialog.locator("[data-testid='fn-document'] mark")
    quote.wait_for(timeout=30_000)
    assert PEARS in quote.inner_text()


def test_phone_width_has_no_sideways_scrolling(browser, server: str) -> None:
    """At 390 px (a phone): the answer's status is one chip on one line, the sources show the
    quote first with the file's name in view, and nothing scrolls sideways."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    page = context.new_page()
    open_app(page, server, timeout_s=400)
    ask(page, Q_TONOYAN, timeout_s=240)
    message = last_message(page)
    chip = message.locator(".stMarkdownBadge:visible", has_text="Answered from the documents")
    assert chip.bounding_box()["height"] < 40  # one line, not a five-line banner
    card = message.locator("[id^='fn-'][id$='-1']")
    assert TONOYAN_QUOTE in card.locator("mark").inner_text()
    name = message.get_by_text("001_azerbaijan-enters-aghdam.txt", exact=False).first
    box = name.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + min(box["width"], 200) <= 390
    overflow = page.evaluate("""() => [document.documentElement.scrollWidth,
        document.documentElement.clientWidth,
        [...document.querySelectorAll('[data-testid="stMain"] *')]
          .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                       && getComputedStyle(e).position !== 'fixed')
          .slice(0, 5).map(e => e.tagName + '.' + e.className)]""")
    assert overflow[0] <= overflow[1], overflow
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "phone.png"), full_page=True)
    message.get_by_role("button", name="[1]").tap()  # the quote, in place, without a dialog
    preview = page.locator("[data-testid='stPopoverBody']:visible")
    assert TONOYAN_QUOTE in preview.inner_text()
    assert page.get_by_role("dialog", name="Source document").count() == 0
    shown = preview.bounding_box()
    assert shown and shown["x"] >= 0 and shown["x"] + shown["width"] <= 391
    page.screenshot(path=str(ARTIFACTS / "phone-preview.png"))
    context.close()


def test_the_answer_stays_in_view_after_it_is_checked(browser, server: str) -> None:
    """Streaming scrolls down with the draft; the checked answer, drawn with its sources under
    it (taller than this short window), is brought back into view at its start."""
    context = browser.new_context(viewport={"width": 1280, "height": 560})
    page = context.new_page()
    open_app(page, server, timeout_s=400)
    ask(page, Q_TONOYAN, timeout_s=240)
    page.wait_for_timeout(1000)
    message = last_message(page)
    chip = message.locator(".stMarkdownBadge:visible").first
    box = chip.bounding_box()  # was 152 px above the window before the scroll back
    assert box and 0 <= box["y"] < 560 * 0.5, box
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "answer-in-view.png"))
    context.close()
