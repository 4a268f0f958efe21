#!/usr/bin/env python3
"""Serves one directory on 127.0.0.1:PORT for the collect benchmark.
`--no-validators` leaves out Last-Modified, so every request is a 200 with
the same content (the content-hash skip is what is measured then)."""
import http.server
import sys

port = int(sys.argv[1])
directory = sys.argv[2]
no_validators = "--no-validators" in sys.argv


class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=directory, **kwargs)

    def send_header(self, key, value):
        if no_validators and key.lower() == "last-modified":
            return
        super().send_header(key, value)

    def send_head(self):
        if no_validators and "If-Modified-Since" in self.headers:
            del self.headers["If-Modified-Since"]
        return super().send_head()

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
