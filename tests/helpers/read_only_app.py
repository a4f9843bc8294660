"""One app session, run by tests/ui/test_read_only_app.py as a user who cannot write the data
folder: opens the page, asks the questions given as arguments, and prints what was shown as
JSON (AppTest runs the script in this process, so it must be this process that is the reader)."""

from __future__ import annotations

import json
import sys

from streamlit.testing.v1 import AppTest  # noqa: TID251

from tests.ui.conftest import APP, TIMEOUT


def main(questions: list[str]) -> None:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    for question in questions:
        at.chat_input[0].set_value(question).run()
    shown = {kind: [str(e.value) for e in at.get(kind)]
             for kind in ("exception", "error", "warning", "info", "caption", "markdown")}
    shown["status"] = [s.label for s in at.status]
    shown["file_uploader"] = len(at.get("file_uploader"))
    shown["buttons"] = [b.label for b in at.button]
    print(json.dumps(shown))


if __name__ == "__main__":
    main(sys.argv[1:])
