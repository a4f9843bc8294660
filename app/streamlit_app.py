"""Footnote's web chat: `streamlit run app/streamlit_app.py` (or `footnote serve`).

Only the entry point lives here; the page is drawn by `app.ui` (one small module per job).
The project must be installed (`pip install -e .`): Streamlit puts only this folder on sys.path.
"""

from app.ui.page import run

run()
