"""The `footnote` command: a thin layer that parses arguments and prints what the core returns."""

from __future__ import annotations

import argparse
import ipaddress
import json
import logging
import os
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from app.logs import route_library_warnings
from common.config import Settings, load_settings
from common.errors import FootnoteError

EXIT_OK, EXIT_FAILED_FILES, EXIT_ERROR, EXIT_BUG, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        route_library_warnings(settings.data_dir, verbose=args.verbose)
        return args.run(args, settings)
    except FootnoteError as exc:
        print(f"footnote: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("footnote: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `footnote search ... | head` stopped reading: nothing is wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # a bug: one line for the user, details only on request
        if os.environ.get("FOOTNOTE_DEBUG"):
            raise
        print(f"footnote: unexpected error ({type(exc).__name__}: {exc}). "
              "Run again with FOOTNOTE_DEBUG=1 for details.", file=sys.stderr)
        return EXIT_BUG


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="footnote", description="Answers about your documents, every claim cited.")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    p = _command(sub, "ingest", _ingest, "index files and folders; keeps the index in step")
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="files or folders; none: only check and repair the index")
    p.add_argument("--json", action="store_true", help="print one JSON object, no progress bar")
    p.add_argument("--reindex", action="store_true",
                   help="drop the index and rebuild it (after changing the embedder)")
    p.add_argument("--if-empty", action="store_true",
                   help="do nothing when the index already holds documents")
    p.add_argument("--rebuild", action="store_true",
                   help="move a damaged catalog aside (kept) and build the index again from "
                        "PATH...")

    p = _command(sub, "sources", _sources, "list what is indexed")
    p.add_argument("--json", action="store_true")

    p = _command(sub, "remove", _remove, "remove one source from the index")
    p.add_argument("source", help="its name as `footnote sources` shows it, or its path")

    p = _command(sub, "search", _search, "show the passages that best match a query")
    p.add_argument("query")
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--mode", choices=["hybrid", "dense", "keyword"], default="hybrid")
    p.add_argument("--source", action="append", help="only search this source (repeatable)")
    p.add_argument("--json", action="store_true")

    p = _command(sub, "ask", _ask, "answer questions; several questions form one conversation")
    p.add_argument("questions", nargs="+", metavar="QUESTION")
    _answer_options(p)
    p.add_argument("--json", action="store_true", help="print the answer object(s) as JSON")

    p = _command(sub, "chat", _chat, "an interactive conversation with streamed answers")
    _answer_options(p)

    p = _command(sub, "eval", _eval, "measure retrieval, answers, citations and refusals on a "
                 "question set")
    p.add_argument("questions_file", nargs="?", type=Path, metavar="QA.jsonl",
                   help='one JSON object per line: {"question", "answers", "gold_sources"}')
    p.add_argument("--make-questions", type=int, metavar="N",
                   help="draft N questions from the indexed documents and evaluate on them")
    p.add_argument("--seed", type=int, default=0, help="for --make-questions")
    p.add_argument("--llm", choices=["auto", "openai", "local", "extractive"],
                   help="answer backend (default: FOOTNOTE_LLM)")
    p.add_argument("--k", type=int, help="passages per answer (default: FOOTNOTE_TOP_K)")
    p.add_argument("--out", type=Path, help="report folder (default: a new folder under "
                   "FOOTNOTE_DATA_DIR/reports)")
    p.add_argument("--json", action="store_true", help="print the figures as one JSON object")

    p = _command(sub, "convert-squad", _convert_squad,
                 "turn a SQuAD v1.1 JSON file into a corpus folder and a question file")
    p.add_argument("squad_file", type=Path, metavar="SQUAD.json")
    p.add_argument("out", type=Path, metavar="OUT", help="gets corpus/ and questions.jsonl")
    p.add_argument("--paragraphs", type=int, help="sample this many paragraphs (whole articles "
                   "first; default: all)")
    p.add_argument("--questions", type=int, help="sample this many of their questions")
    p.add_argument("--unanswerable", type=int, default=0,
                   help="add this many questions from articles left out of the corpus")
    p.add_argument("--seed", type=int, default=0)

    p = _command(sub, "serve", _serve, "start the chat app at http://localhost:PORT")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--address", "--host", dest="address",
                   help="address to listen on (default: FOOTNOTE_SERVE_ADDRESS, 127.0.0.1; "
                        "beyond loopback only with FOOTNOTE_AUTH=password)")

    users = sub.add_parser("users", help="accounts of the app with FOOTNOTE_AUTH=password",
                           description="Accounts of the app with FOOTNOTE_AUTH=password, kept "
                                       "in the database (FOOTNOTE_DATABASE_URL).")
    users_sub = users.add_subparsers(required=True, metavar="ACTION")
    for action, help_ in (("add", "add a user (asks for the password)"),
                          ("set-password", "give a user a new password; ends their sessions"),
                          ("remove", "remove a user (their chats stay in the database)"),
                          ("list", "list the users and their roles")):
        p = _command(users_sub, action, _users, help_)
        if action != "list":
            p.add_argument("name")
        if action in ("add", "set-password"):
            p.add_argument("--password-stdin", action="store_true",
                           help="read the password from the first line of standard input")
        if action == "add":
            p.add_argument("--admin", action="store_true",
                           help="may upload and remove documents")
    return parser


def _answer_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--llm", choices=["auto", "openai", "local", "extractive"],
                        help="answer backend (default: FOOTNOTE_LLM)")
    parser.add_argument("--k", type=int, help="passages to retrieve (default: FOOTNOTE_TOP_K)")
    parser.add_argument("--source", action="append", help="only use this source (repeatable)")


def _command(sub, name: str, run: Callable[[argparse.Namespace, Settings], int], help_: str):
    parser = sub.add_parser(name, help=help_, description=help_)
    parser.set_defaults(run=run, run_name=name)
    parser.add_argument("--verbose", action="store_true",
                        help="also show library warnings here (they are always in "
                             "FOOTNOTE_DATA_DIR/footnote.log)")
    return parser


def _open(settings: Settings):
    from vectorstore.index import Index

    return Index(settings)


def _load_meanwhile(index) -> None:
    """Load the embedding model in another thread while the command goes on: in a cold process
    the model's load (native code) and Chroma's import overlap. The libraries both threads use
    are imported here first (numpy imported from two threads at once fails). Not a daemon: a
    process that ends early waits for the load, as native code torn down mid-load aborts."""
    if index.embedder.runtime != "onnx":
        return
    import numpy  # noqa: F401
    import onnxruntime  # noqa: F401
    import tokenizers  # noqa: F401

    threading.Thread(target=_warm_up, args=(index.embedder,)).start()


def _warn_if_unhealthy(index) -> None:
    try:
        problem = index.health()
    except FootnoteError as exc:  # the vector store cannot even be opened: say so, go on
        problem = str(exc)
    if problem:
        print(f"footnote: warning: {problem}", file=sys.stderr)


def _warm_up(embedder) -> None:
    try:
        embedder.warm_up()
    except Exception:  # met again, and reported, by the question's own use of the model
        logging.getLogger(__name__).debug("model warm-up failed", exc_info=True)


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    from app.progress import progress_bar
    from ingest.sync import Indexer
    from vectorstore.access import ensure_writable

    ensure_writable(settings)  # before --rebuild's lock or any repair
    if (args.rebuild or args.reindex) and not args.paths:
        raise FootnoteError("--rebuild and --reindex build the index again from PATH...: name "
                            "the files and folders to index.")
    if args.rebuild:
        _set_aside_catalog(settings)
    index = _open(settings)
    if args.rebuild:
        index.store.drop(claim=False)  # its catalog is gone: its vectors cannot be trusted
    if args.if_empty and not index.is_empty():
        if args.json:
            print(json.dumps({"skipped_because": "index not empty"}))
        return EXIT_OK
    with progress_bar(enabled=not args.json and sys.stderr.isatty()) as bar:
        report = Indexer(index).ingest(args.paths, progress=bar, reindex=args.reindex)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        print(f"{report.added} added, {report.updated} updated, {report.skipped} unchanged, "
              f"{report.removed} removed, {len(report.failed)} failed; {report.chunks} chunks "
              f"embedded in {report.seconds:.1f} s")
        if report.restored:
            print(f"{report.restored} passages were missing from the vector store and were "
                  "embedded again from the catalog")
        for failure in report.failed:
            print(f"  failed: {failure.path}: {failure.reason}", file=sys.stderr)
    return EXIT_FAILED_FILES if report.failed else EXIT_OK


def _set_aside_catalog(settings: Settings) -> None:
    from common.errors import CatalogDamagedError
    from vectorstore.catalog import make_catalog, set_aside

    try:
        make_catalog(settings).close()
    except CatalogDamagedError:
        moved = set_aside(settings)
        print(f"The damaged catalog was moved to {moved}; building a new one.", file=sys.stderr)
        return
    raise FootnoteError("The catalog opens fine: nothing to rebuild. To build the index again "
                        "from scratch, use: footnote ingest --reindex PATH...")


def _sources(args: argparse.Namespace, settings: Settings) -> int:
    index = _open(settings)
    _warn_if_unhealthy(index)
    infos = index.sources()
    if args.json:
        print(json.dumps([{"source": i.source, "title": i.title, "chunks": i.chunks,
                           "sha256": i.sha256} for i in infos], ensure_ascii=False))
        return EXIT_OK
    if not infos:
        print("Nothing is indexed yet. Add documents with: footnote ingest PATH")
    for info in infos:
        print(f"{info.source}\t{info.chunks} chunks\t{info.sha256[:12]}\t{info.title}")
    return EXIT_OK


def _remove(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.sync import Indexer

    count = Indexer(_open(settings)).remove(args.source)
    print(f"removed {args.source} ({count} file{'s' if count != 1 else ''})")
    return EXIT_OK


def _search(args: argparse.Namespace, settings: Settings) -> int:
    from vectorstore.retrieval import Retriever

    index = _open(settings)
    _load_meanwhile(index)
    _warn_if_unhealthy(index)
    passages = Retriever(index).search(args.query, k=args.k, mode=args.mode, sources=args.source)
    if args.json:
        print(json.dumps([{"source": p.source, "title": p.title, "page": p.page,
                           "start": p.start, "end": p.end, "score": round(p.score, 4),
                           "text": p.text} for p in passages], ensure_ascii=False))
    else:
        _print_passages(passages)
    return EXIT_OK


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from app.render import render_answer

    answerer = _answerer(args, settings)
    history: list[tuple[str, str]] = []
    answers = []
    for question in args.questions:
        answer = answerer.ask(question, history, k=args.k, sources=args.source)
        history.append((answer.standalone_question, answer.answer))
        answers.append(answer)
        if not args.json:
            print(render_answer(answer, bold=sys.stdout.isatty()))
    if args.json:
        payload = [a.to_dict() for a in answers]
        print(json.dumps(payload[0] if len(payload) == 1 else payload, ensure_ascii=False))
    return EXIT_OK


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    from app.answering.types import Done, Step, Token
    from app.render import render_answer

    answerer = _answerer(args, settings)
    print("Footnote: ask about your documents; every claim is cited. "
          "Empty line or Ctrl-D to quit.")
    history: list[tuple[str, str]] = []
    while True:
        try:
            question = input("\n? ").strip()
        except EOFError:
            return EXIT_OK
        if not question:
            return EXIT_OK
        streamed = ""
        for event in answerer.ask_stream(question, history, k=args.k, sources=args.source):
            if isinstance(event, Step) and event.name == "rewriting" and event.detail:
                print(f"  (searching for: {event.detail})")
            elif isinstance(event, Step) and event.name == "generating":
                print("  ", end="", flush=True)
            elif isinstance(event, Token):
                streamed += event.text
                print(event.text, end="", flush=True)
            elif isinstance(event, Done):
                print("\n\n" + render_answer(event.answer, streamed=streamed))
                history.append((event.answer.standalone_question, event.answer.answer))


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    from app.evaluation.drafting import DRAFTED, draft_questions
    from app.evaluation.evaluate import evaluate, report_folder
    from app.evaluation.questions import load_questions
    from app.evaluation.report import table
    from app.progress import counting_bar

    if (args.questions_file is None) == (args.make_questions is None):
        raise FootnoteError("Give a question file (QA.jsonl) or --make-questions N, not both.")
    answerer = _answerer(args, settings)
    if args.out is None and answerer.index.read_only:
        raise FootnoteError(f"The data folder {settings.data_dir} is read-only, so the report "
                            "cannot be kept there: name a folder you can write with --out.")
    if args.questions_file is not None:
        questions, source = load_questions(args.questions_file), str(args.questions_file)
    else:
        questions = draft_questions(answerer.index, args.make_questions, seed=args.seed)
        if not questions:
            raise FootnoteError("No question could be drafted from the indexed documents "
                                "(it needs sentences stating a name, a year or a count).")
        source = f"{len(questions)} {DRAFTED} (seed {args.seed})"
    folder = args.out or report_folder(settings.data_dir)
    with counting_bar(not args.json and sys.stderr.isatty(), "question", "evaluating") as bar:
        outcome = evaluate(answerer, questions, folder, source, k=args.k, progress=bar)
    if args.json:
        print(json.dumps(outcome.summary))
    else:
        print(table(outcome.summary))
        print(f"report: {outcome.report}")
    return EXIT_OK


def _convert_squad(args: argparse.Namespace, settings: Settings) -> int:
    from app.evaluation.squad import convert

    done = convert(args.squad_file, args.out, paragraphs=args.paragraphs,
                   questions=args.questions, unanswerable=args.unanswerable, seed=args.seed)
    print(f"{done.paragraphs} paragraphs in {done.corpus}; {done.questions} questions "
          f"(+{done.unanswerable} unanswerable) in {done.questions_file}")
    print(f"next: footnote ingest {done.corpus} && footnote eval {done.questions_file}")
    return EXIT_OK


def _users(args: argparse.Namespace, settings: Settings) -> int:
    from app.accounts import Accounts
    from vectorstore.users import make_user_store

    action = args.run_name
    if action != "list":
        from vectorstore.access import ensure_writable

        ensure_writable(settings)
    accounts = Accounts(make_user_store(settings), settings)
    if action == "list":
        for user in accounts.users():
            print(f"{user.name}\t{user.role}")
        return EXIT_OK
    if action == "remove":
        accounts.remove(args.name)
        print(f"removed {args.name}")
        return EXIT_OK
    password = _read_password(args.password_stdin)
    if action == "add":
        accounts.add(args.name, password, "admin" if args.admin else "user")
        print(f"added {args.name} ({'admin' if args.admin else 'user'})")
    else:
        accounts.set_password(args.name, password)
        print(f"new password set for {args.name}; their open sessions have ended")
    if settings.auth != "password":
        print("note: logins are off until FOOTNOTE_AUTH=password", file=sys.stderr)
    return EXIT_OK


def _read_password(from_stdin: bool) -> str:
    """From standard input's first line, or typed twice without echo."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    password = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != password:
        raise FootnoteError("The two passwords differ; nothing was changed.")
    return password


def _serve(args: argparse.Namespace, settings: Settings) -> NoReturn:
    """Run the Streamlit app; it indexes seeds/ itself on a first start. This process becomes
    the server (exec), so a SIGTERM or Ctrl-C to `footnote serve` stops the server itself."""
    app = Path(__file__).with_name("streamlit_app.py")
    address = args.address or settings.serve_address
    if settings.auth == "none" and not _is_loopback(address):
        raise FootnoteError(
            f"Refusing to listen on {address}: without logins anyone who can reach it could "
            "upload and remove documents. Set FOOTNOTE_AUTH=password and add users with "
            "`footnote users add NAME --admin`, or listen on 127.0.0.1.")
    shown = "localhost" if address in ("127.0.0.1", "0.0.0.0") else address
    print(f"Footnote: http://{shown}:{args.port}", flush=True)
    # The same values as .streamlit/config.toml, which Streamlit reads only from the folder it
    # starts in: no tracebacks, no developer menu, no telemetry, from any folder.
    os.execv(sys.executable, [
        sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(args.port),
        "--server.address", address, "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--client.showErrorDetails", "none", "--client.toolbarMode", "minimal",
        "--runner.magicEnabled", "false",
    ])


def _is_loopback(address: str) -> bool:
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


def _answerer(args: argparse.Namespace, settings: Settings):
    from app.answering.pipeline import Answerer

    index = _open(settings)
    if index.is_empty():
        raise FootnoteError("The index is empty. Add documents with: footnote ingest PATH")
    _load_meanwhile(index)
    _warn_if_unhealthy(index)
    return Answerer(settings, index, llm=args.llm)


def _print_passages(passages) -> None:
    if not passages:
        print("No passage matches.")
    for n, p in enumerate(passages, 1):
        page = f", page {p.page}" if p.page else ""
        where = f"{p.source}{page}, chars {p.start}-{p.end}"
        print(f"[{n}] {p.title} ({where}; score {p.score:.2f})")
        print("    " + " ".join(p.text.split())[:400])


if __name__ == "__main__":
    sys.exit(main())
