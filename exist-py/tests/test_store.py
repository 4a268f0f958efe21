"""An opened Exist on real fixture data: import, lookup, search, stats,
sources, collect, inspection, enrichment."""

import json

import pytest

import exist
from conftest import FIXTURES


def test_import_lookup_search_and_stats(ipsum_db):
    db = ipsum_db
    report = db.lookup("77[.]90[.]185[.]20")
    assert report["indicator"] == {"kind": "ipv4", "value": "77.90.185.20"}
    group = report["local"]["groups"][0]
    assert (group["kind"], group["source"]) == ("reputation", "ipsum")
    assert group["reputation"][0]["relation"] == "exact"
    assert db.lookup("198.51.100.250")["local"]["groups"] == []
    hits = db.search("77.90.185", limit=5)
    assert hits and hits[0]["title"] == "77.90.185.20" and hits[0]["kind"] == "reputation"
    assert set(hits[0]) == {"kind", "source", "title", "last_seen"}
    stats = db.stats()
    assert stats["indicators"] == 393
    assert stats["records_by_kind"] == {"reputation": 393}
    json.dumps([report, hits, stats])


def test_import_report_and_a_missing_file(db, tmp_path):
    listing = tmp_path / "list.txt"
    listing.write_text("# mine\n198.51.100.7\nevil[.]example\nnot an indicator\n")
    report = db.import_list(str(listing), "mine")
    assert (report["new"], report["rejected"]) == (2, 1)
    assert report["rejected_samples"][0]["line"] == 4
    with pytest.raises(OSError):
        db.import_list(tmp_path / "absent.txt", "mine")


def test_sources_and_collect(db):
    sources = db.sources()
    assert len(sources) == 17
    cins = next(s for s in sources if s["name"] == "cins")
    assert cins["entries"] == 0 and "last_run" not in cins
    runs = db.collect("cins")
    assert list(runs) == ["cins"]
    assert (runs["cins"]["outcome"], runs["cins"]["new"]) == ("ok", 40)
    assert next(s for s in db.sources() if s["name"] == "cins")["entries"] == 40
    with pytest.raises(exist.ConfigError, match="nope"):
        db.collect("nope")


def test_enrichment_and_unknown_indicator(db):
    report = db.lookup("81.2.69.142", enrich=True)
    assert report["geoip"]["status"] == "ok"
    assert "London" in json.dumps(report["geoip"]["data"])
    off = report["virustotal"]
    assert (off["status"], off["error"]) == ("not_configured", "disabled in exist.toml")
    with pytest.raises(exist.InvalidIndicator):
        db.lookup("invoice.pdf")


def test_inspect_url_and_the_guard(db, web):
    web.routes["/page"] = (200, "text/html", b"<html><head><title>Verify &amp; pay</title></head></html>", 0)
    url = web.url("/page")
    first = db.inspect_url(url)
    assert (first["status"], first["title"], first["cached"]) == (200, "Verify & pay", False)
    assert len(first["sha256"]) == 64
    assert db.inspect_url(url)["cached"] is True
    with pytest.raises(exist.InspectError):
        db.inspect_url("http://169.254.169.254/latest/meta-data/")


def test_errors_map_to_their_classes(tmp_path):
    (tmp_path / "exist.toml").write_text("[sources.nope]\nurl = 'x'\n")
    with pytest.raises(exist.ConfigError):
        exist.Exist.open(home=tmp_path)
    with pytest.raises(exist.StoreError):
        exist.Exist.open(database_url="postgres://nobody@127.0.0.1:1/none", home=tmp_path / "h")
    assert issubclass(exist.StoreError, exist.ExistError)


def test_results_go_straight_into_pandas(ipsum_db):
    import pandas as pd

    hits = pd.DataFrame(ipsum_db.search("77.", limit=10))
    assert list(hits.columns) == ["kind", "source", "title", "last_seen"]
    assert len(hits) == 10 and set(hits["source"]) == {"ipsum"}
    assert hits["title"].str.contains("77.", regex=False).all()
    sources = pd.DataFrame(ipsum_db.sources())
    assert {"name", "enabled", "entries"} <= set(sources.columns)
    assert int(sources.loc[sources["name"] == "ipsum", "entries"].iloc[0]) == 393
    per_day = pd.DataFrame(ipsum_db.stats()["by_source_day"])
    assert list(per_day["source"]) == ["ipsum"] and int(per_day["count"].sum()) == 393
