# A service that is not Node, for the perf record capture: Python's http.server answering every GET after hashing in
# native code (hashlib's PBKDF2: OpenSSL's SHA-256, in libcrypto) BASE_ROUNDS rounds and, when ADDED_KB is set, an
# MD5 of that many KiB in CPython's own _md5 module (md5_compress, a named symbol in _md5.*.so): the head's added
# native function.
import _md5
import hashlib
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BASE_ROUNDS = int(os.environ.get("BASE_ROUNDS", "500"))
ADDED = bytes(int(os.environ.get("ADDED_KB", "0")) * 1024)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        digest = hashlib.pbkdf2_hmac("sha256", b"perfgate", b"salt", BASE_ROUNDS)
        if ADDED:
            digest = _md5.md5(digest + ADDED).digest()
        body = digest.hex()[:8].encode()
        # one write: headers and body apart would wait on Nagle and the client's delayed ACK
        head = f"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: {len(body)}\r\n\r\n"
        self.wfile.write(head.encode() + body)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
