"""The Streamlit web chat, split by job: rendering and session glue only, no answering logic.

Modules that draw on the page import Streamlit; the pure helpers (`highlight`,
`uploads`, `question_file`, `export`, `examples`, `record`) do not, so they are tested without
a browser.
"""
