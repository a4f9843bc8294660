"""A small OpenAI-compatible HTTP server on 127.0.0.1 for tests of the OpenAI client path.

`/v1/embeddings` returns deterministic bag-of-words vectors; `/v1/chat/completions` streams a
scripted reply; `/v1/models` lists `models`. `mode` makes it misbehave the ways real servers
do: "429" and "500" answer with that status, "401" rejects the key, "stall" sends nothing for
`stall_seconds`, "stall-midway" stops after a few tokens, "cut" closes the connection in the
middle of the stream. Every request is recorded, so tests can count retries.
"""

from __future__ import annotations

import base64
import json
import struct
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from vectorstore.embeddings import HashingEmbedder

Reply = Callable[[list[dict]], str]


class OpenAICompatibleServer:
    def __init__(self, reply: Reply | None = None) -> None:
        self.requests: list[dict] = []
        self.mode = "ok"
        self.models = ["test-large", "test-small"]  # what GET /v1/models lists
        self.stall_seconds = 5.0
        self.reply: Reply = reply or (lambda messages: "NOT FOUND")
        self._embedder = HashingEmbedder()
        self._stop = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def count(self, suffix: str) -> int:
        return sum(r["path"].endswith(suffix) for r in self.requests)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append({"path": self.path, "body": body})
                mode = server.mode
                if mode in {"429", "500", "401"}:
                    self._json(int(mode), {"error": {"message": f"test server says {mode}",
                                                     "type": "test", "code": mode}})
                elif mode == "stall":
                    server._stop.wait(server.stall_seconds)
                    self._json(500, {"error": {"message": "stalled"}})
                elif self.path.endswith("/embeddings"):
                    self._json(200, server._embeddings(body))
                elif self.path.endswith("/chat/completions"):
                    self._stream(server.reply(body["messages"]), mode)
                else:
                    self._json(404, {"error": {"message": f"no route {self.path}"}})

            def do_GET(self) -> None:  # noqa: N802
                server.requests.append({"path": self.path, "body": None,
                                        "authorization": self.headers.get("Authorization")})
                if server.mode == "401":
                    self._json(401, {"error": {"message": "Incorrect API key provided"}})
                elif self.path.endswith("/models"):
                    self._json(200, {"object": "list", "data": [
                        {"id": model, "object": "model", "created": 0, "owned_by": "test"}
                        for model in server.models]})
                else:
                    self._json(404, {"error": {"message": f"no route {self.path}"}})

            def _json(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, text: str, mode: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                words = text.split(" ")
                for i, word in enumerate(words):
                    if i == 3 and mode == "cut":
                        self.wfile.flush()
                        self.connection.close()  # no final chunk: an incomplete body
                        return
                    if i == 3 and mode == "stall-midway":
                        server._stop.wait(server.stall_seconds)
                        return
                    self._event({"choices": [{"index": 0, "finish_reason": None, "delta": {
                        "content": word if i == 0 else " " + word}}]})
                self._event({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
                self._chunk(b"data: [DONE]\n\n")
                self._chunk(b"")

            def _event(self, payload: dict) -> None:
                payload = {"id": "chatcmpl-test", "object": "chat.completion.chunk",
                           "created": int(time.time()), "model": "test", **payload}
                self._chunk(f"data: {json.dumps(payload)}\n\n".encode())

            def _chunk(self, data: bytes) -> None:
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()

        return Handler

    def _embeddings(self, body: dict) -> dict:
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        if not all(isinstance(text, str) for text in inputs):
            raise ValueError("this server, like most local ones, only accepts text input")
        data = []
        for i, text in enumerate(inputs):
            vector = self._embedder.embed_query(text)
            if body.get("encoding_format") == "base64":
                encoded = base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
                data.append({"object": "embedding", "index": i, "embedding": encoded})
            else:
                data.append({"object": "embedding", "index": i, "embedding": vector})
        return {"object": "list", "data": data, "model": body.get("model", "test"),
                "usage": {"prompt_tokens": 0, "total_tokens": 0}}

    def __enter__(self) -> OpenAICompatibleServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()
