"""exist.extract against the pure-Python extractors ioc-finder and iocextract
on the same text: the repository's real samples (MISP events, tweets,
Mastodon statuses, an RSS feed, a Maltrail list) joined and repeated to
EXIST_BENCH_MB megabytes (default 0.1: the pure-Python extractors take
minutes for half a megabyte of this text). Each extractor runs EXIST_BENCH_RUNS times (default 3); the
best time counts. Throughput is printed as each one finishes.

Run in a venv of its own (the others are not dependencies of exist):

    python3 -m venv /var/tmp/exist-bench-venv
    /var/tmp/exist-bench-venv/bin/pip install ioc-finder iocextract requests ./exist-py
    /var/tmp/exist-bench-venv/bin/python exist-py/bench/extract.py
"""

import json
import os
import pathlib
import time

import exist

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "tests" / "fixtures"


def corpus(megabytes: float) -> str:
    parts = []
    for name in ["misp/event_existing_unwrapped.json", "misp/event_galaxy_objects_tags.json",
                 "misp/event_japanese_text.json", "social/twitter/search_tweets.json",
                 "social/mastodon/timelines_public.json"]:
        parts.append(json.dumps(json.loads((FIXTURES / name).read_text()), ensure_ascii=False, indent=1))
    parts.append((FIXTURES / "news/exist_sample_feed.rss.xml").read_text())
    parts.append((FIXTURES / "feeds/maltrail/emotet.txt").read_text())
    one = "\n".join(parts)
    times = max(1, int(megabytes * 1e6 / len(one.encode())) + 1)
    text = "\n".join([one] * times)
    # Cut at a line end near the size asked for.
    cut = text.rfind("\n", 0, int(megabytes * 1e6))
    return text[:cut] if cut > 0 else text


def best(fn, text, runs):
    out, seconds = None, float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        out = fn(text)
        seconds = min(seconds, time.perf_counter() - t)
    return out, seconds


def main():
    text = corpus(float(os.environ.get("EXIST_BENCH_MB", "0.1")))
    runs = int(os.environ.get("EXIST_BENCH_RUNS", "3"))
    mb = len(text.encode()) / 1e6
    print(f"text: {mb:.2f} MB, best of {runs}", flush=True)
    results = {}

    found, s = best(exist.extract, text, runs)
    results["exist.extract"] = (s, len(found))
    print(f"  exist.extract done: {s:.3f} s", flush=True)

    import iocextract

    found, s = best(lambda t: list(iocextract.extract_iocs(t, refang=True)), text, runs)
    results["iocextract.extract_iocs"] = (s, len(set(found)))
    print(f"  iocextract done: {s:.3f} s", flush=True)

    import ioc_finder

    found, s = best(ioc_finder.find_iocs, text, runs)
    results["ioc_finder.find_iocs"] = (s, sum(len(v) for v in found.values() if isinstance(v, list)))

    base = results["exist.extract"][0]
    for name, (s, n) in results.items():
        print(f"  {name:26} {s * 1e3:9.2f} ms  {mb / s:8.2f} MB/s  {s / base:7.0f}x exist  ({n} found)")


if __name__ == "__main__":
    main()
