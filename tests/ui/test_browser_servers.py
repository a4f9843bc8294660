"""Two app servers (`footnote serve` on two ports, two data folders, as on two machines) sharing
one real PostgreSQL and one real `chroma run` server, driven in Chromium: a document uploaded
through one server is asked about, cited, and downloaded as it was uploaded on the other."""

from __future__ import annotations

from pathlib import Path

from tests.ui.browser import (
    BROWSER_TEST,
    app_env,
    ask,
    chromium,
    last_message,
    open_app,
    streamlit_server,
    upload,
)

pytestmark = BROWSER_TEST


def test_an_upload_on_one_server_is_asked_about_on_the_other(
        tmp_path: Path, database_url: str, chroma_port: int) -> None:
    def env(name: str) -> dict[str, str]:
        return app_env(tmp_path / name, embeddings="fake", llm="extractive") | {
            "FOOTNOTE_DATABASE_URL": database_url, "CHROMA_HOST": "127.0.0.1",
            "CHROMA_PORT": str(chroma_port), "FOOTNOTE_SERVE_ADDRESS": "127.0.0.1"}

    with (streamlit_server(env("a"), tmp_path / "a.log", footnote_serve=True) as url_a,
          streamlit_server(env("b"), tmp_path / "b.log", footnote_serve=True) as url_b,
          chromium() as browser):
        first = browser.new_page()
        open_app(first, url_a, timeout_s=400)  # the first start indexes the seeds
        body = ("The Zorblat festival\n\nThe Zorblat festival is held in the town of Quillon "
                "every April, when the fishermen paint their boats orange.")
        upload(first, {"zorblat-festival.txt": ("text/plain", body)})
        second = browser.new_page()
        open_app(second, url_b)
        ask(second, "When is the Zorblat festival held?", timeout_s=240)
        text = last_message(second).inner_text()
        assert "Quillon every April" in text and "zorblat-festival.txt" in text
        # The uploaded file itself comes from the database: server b never saw it on disk.
        assert not (tmp_path / "b" / "uploads").exists()
        with second.expect_download() as download:
            second.locator(".st-key-download-zorblat-festival-txt button").first.click()
        assert Path(download.value.path()).read_text() == body
