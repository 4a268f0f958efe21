"""Shared fixtures: the repository's real sample data, and a fresh exist home
whose configuration keeps every test on this machine (no enricher reaches
the network; GeoIP reads MaxMind's test databases; the `cins` source reads
its sample from a file; inspection may fetch from 127.0.0.1)."""

import http.server
import pathlib
import threading

import pytest

import exist

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "tests" / "fixtures"

NETWORK_ENRICHERS = [
    "dns", "rdns", "rdap", "whois", "virustotal", "abuseipdb", "shodan",
    "censys", "greynoise", "urlscan", "otx", "malwarebazaar", "crtsh",
]


def config_toml() -> str:
    lines = [
        "[sources.cins]",
        f'url = "file://{FIXTURES / "feeds/cins/ci-badguys.sample.txt"}"',
        "",
        "[inspect]",
        'allow = ["127.0.0.1/32"]',
        "screenshot = false",
        "",
        "[enrich.geoip]",
        f'city_db = "{FIXTURES / "geoip/GeoIP2-City-Test.mmdb"}"',
        f'asn_db = "{FIXTURES / "geoip/GeoLite2-ASN-Test.mmdb"}"',
    ]
    for name in NETWORK_ENRICHERS:
        lines += ["", f"[enrich.{name}]", "enabled = false"]
    return "\n".join(lines) + "\n"


@pytest.fixture
def home(tmp_path):
    (tmp_path / "exist.toml").write_text(config_toml())
    return tmp_path


@pytest.fixture
def db(home):
    return exist.Exist.open(home=home)


@pytest.fixture
def ipsum_db(db):
    db.import_list(FIXTURES / "feeds/ipsum/ipsum.txt", "ipsum")
    return db


@pytest.fixture
def web():
    """A local web server: {path: (status, content_type, body, delay_s)}."""
    routes = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the stdlib's name)
            status, ctype, body, delay = routes.get(self.path, (404, "text/plain", b"no", 0))
            if delay:
                threading.Event().wait(delay)
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.routes = routes
    server.url = lambda path: f"http://127.0.0.1:{server.server_port}{path}"
    yield server
    server.shutdown()
