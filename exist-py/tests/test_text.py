"""exist.extract and exist.normalize on real text."""

import json

import pytest

import exist
from conftest import FIXTURES


def test_extract_gives_canonical_values_and_python_spans():
    text = "Beacon to évil: evil[.]example then hxxps://198.51.100[.]7:443/a?b=C and CVE‑2021‑44228."
    found = exist.extract(text)
    assert [(f["kind"], f["value"]) for f in found] == [
        ("domain", "evil.example"),
        ("url", "https://198.51.100.7/a?b=C"),
        ("ipv4", "198.51.100.7"),
        ("cve", "CVE-2021-44228"),
    ]
    for f in found:
        assert set(f) == {"kind", "value", "start", "end"}
    # Spans index the Python string (é and the non-breaking hyphens are one each).
    assert text[found[0]["start"]:found[0]["end"]] == "evil[.]example"
    assert text[found[1]["start"]:found[1]["end"]].startswith("hxxps://198.51.100[.]7")
    assert text[found[3]["start"]:found[3]["end"]] == "CVE‑2021‑44228"
    json.dumps(found)


def test_extract_on_a_real_misp_event_and_tweets():
    event = json.loads((FIXTURES / "misp/event_galaxy_objects_tags.json").read_text())["Event"]
    text = "\n".join(a["value"] for a in event["Attribute"])
    values = {f["value"] for f in exist.extract(text)}
    assert any(v.startswith("https://www.bleepingcomputer.com/news/security/pubg-ransomware") for v in values)
    tweets = json.loads((FIXTURES / "social/twitter/search_tweets.json").read_text())
    urls = [f for t in tweets["statuses"] for f in exist.extract(t["text"]) if f["kind"] == "url"]
    assert urls and all(u["value"].startswith("https://t.co/") for u in urls)
    assert exist.extract("") == []


def test_normalize_and_invalid_input():
    assert exist.normalize("hxxps://Evil[.]Example:443/Login.php") == {
        "kind": "url",
        "value": "https://evil.example/Login.php",
    }
    assert exist.normalize("AS 13335") == {"kind": "asn", "value": "AS13335"}
    idn = exist.normalize("bücher.example")
    assert idn["value"] == "xn--bcher-kva.example" and idn["display"] == "bücher.example"
    with pytest.raises(exist.InvalidIndicator, match="invoice.pdf") as e:
        exist.normalize("invoice.pdf")
    assert isinstance(e.value, exist.ExistError)
