"""Documents in the sidebar: upload several files and index them with a progress bar and a
result per file; the list of indexed documents, each with a remove action."""

from __future__ import annotations

import math
from functools import partial
from pathlib import Path

import streamlit as st  # noqa: TID251

from app.safe_text import escape_markdown, plain_label
from app.ui import session
from app.ui.progress import BarProgress
from app.ui.seeding import SEEDS, index_seeds
from app.ui.uploads import ALLOWED_TYPES, UploadResult, ingest_uploads, remove_document
from common.config import Settings
from common.errors import FootnoteError
from vectorstore.access import read_only_error
from vectorstore.index import Index, SourceInfo

RESULTS = "fn_upload_results"
SHOWN = 100
_ICONS = {"added": ":material/check_circle:", "updated": ":material/sync:",
          "unchanged": ":material/check:", "failed": ":material/error:"}


def uploads_dir(settings: Settings) -> Path:
    return settings.data_dir / "uploads"


def documents_panel(index: Index, settings: Settings, manage: bool) -> None:
    """`manage`: may upload and remove (everyone without logins; admins with them). Without it
    no uploader, remove or re-index control is drawn, so none can be used."""
    st.markdown("**Documents**")
    if index.read_only:
        st.caption(f"{read_only_error(settings)} Chats are kept only until the server stops.")
        manage = False
    elif manage:
        _uploader(index, settings)
    else:
        st.caption("Only an admin can add or remove documents.")
    _document_list(index, settings, manage)


def _uploader(index: Index, settings: Settings) -> None:
    round_ = st.session_state.get(session.UPLOADER, 0)
    files = st.file_uploader(
        "Add documents", type=[t.lstrip(".") for t in ALLOWED_TYPES], key=f"uploader-{round_}",
        accept_multiple_files=True, max_upload_size=max(1, math.ceil(settings.max_file_mb)),
        help=f"{', '.join(ALLOWED_TYPES)}; at most {settings.max_file_mb:g} MB each. "
             "Checked by content on the server.")
    if files and st.button(f"Index {len(files)} file{'s' if len(files) > 1 else ''}",
                           type="primary", key="fn_index_uploads", icon=":material/upload:"):
        bar = st.progress(0.0, text="Checking the files…")
        results = ingest_uploads(index, [(f.name, f.getvalue()) for f in files],
                                 uploads_dir(settings), BarProgress(bar))
        st.session_state[RESULTS] = results
        st.session_state[session.UPLOADER] = round_ + 1  # a fresh, empty uploader
        st.rerun()
    for result in st.session_state.get(RESULTS, []):
        _show_result(result)


def _show_result(r: UploadResult) -> None:
    text = f"{plain_label(r.name, 60)}: {r.status}"
    if r.detail:
        text += f" ({escape_markdown(r.detail)})"
    if r.status == "failed":
        st.error(text, icon=_ICONS["failed"])
    else:
        st.success(text, icon=_ICONS.get(r.status))


def _document_list(index: Index, settings: Settings, manage: bool) -> None:
    infos = index.sources()
    if not infos:
        st.caption("Nothing is indexed.")
        if manage and SEEDS.is_dir() and st.button("Index the demo documents", key="fn_reseed"):
            index_seeds(index, "Indexing the demo documents…")
            st.rerun()
        return
    with st.expander(f"Indexed documents ({len(infos)})", expanded=len(infos) <= 8):
        query = st.text_input("Filter", key="fn_doc_filter", placeholder="Filter by name or title",
                              label_visibility="collapsed") if len(infos) > SHOWN else ""
        shown = [i for i in infos if not query
                 or query.lower() in f"{i.source} {i.title}".lower()][:SHOWN]
        kept = index.original_shas()
        for info in shown:
            with st.container(horizontal=True, vertical_alignment="center", gap="small",
                              wrap=False):
                passages = "1 passage" if info.chunks == 1 else f"{info.chunks} passages"
                st.markdown(f"{plain_label(info.title or info.source, 60)}  \n"
                            f":small[:gray[{escape_markdown(info.source)} · {passages}]]",
                            width="stretch")
                _download(index, info, kept)
                if not manage:
                    continue
                # Removing asks first: one stray click must not drop a document.
                with st.popover("", icon=":material/delete:", type="tertiary",
                                help=f"Remove {escape_markdown(info.source)}"):
                    st.markdown(f"Remove **{plain_label(info.title or info.source, 60)}** "
                                f"({escape_markdown(info.source)}) from the index?")
                    st.button("Remove", key=f"remove-{info.source}", type="primary",
                              on_click=_remove, args=(index, info.source, settings))
        if len(infos) > len(shown):
            st.caption(f"{len(infos) - len(shown)} more; filter to find them.")


def _download(index: Index, info: SourceInfo, kept: set[str]) -> None:
    """The original file: an upload's bytes from the database (on any app server), else the
    ingested file itself when this server can read it."""
    local = Path(info.path)
    if info.sha256 in kept:
        data = partial(index.original, info.sha256)
    elif local.is_file():
        data = local.read_bytes
    else:
        return
    st.download_button("", data=data, file_name=local.name, key=f"download-{info.source}",
                       icon=":material/download:", type="tertiary", on_click="ignore",
                       help=f"Download {escape_markdown(info.source)}")


def _remove(index: Index, source: str, settings: Settings) -> None:
    try:
        remove_document(index, source, uploads_dir(settings))
        session.flash("success", f"Removed {source} from the index.")
    except FootnoteError as exc:
        session.flash("error", str(exc))
