"""A small OpenAI-compatible HTTP server on 127.0.0.1 for tests of the OpenAI client path.

It serves `/v1/embeddings` with deterministic bag-of-words vectors, records every request, and
can be told to fail with a status code, as real servers do under load or misconfiguration.
"""

from __future__ import annotations

import base64
import json
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from vectorstore.embeddings import HashingEmbedder


class OpenAICompatibleServer:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.fail_with: int | None = None
        self._embedder = HashingEmbedder()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append({"path": self.path, "body": body})
                if server.fail_with is not None:
                    self._reply(server.fail_with, {"error": {"message": "server is unhappy",
                                                             "type": "server_error"}})
                elif self.path.endswith("/embeddings"):
                    self._reply(200, server._embeddings(body))
                else:
                    self._reply(404, {"error": {"message": f"no route {self.path}"}})

            def _reply(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

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
        self._httpd.shutdown()
        self._httpd.server_close()
