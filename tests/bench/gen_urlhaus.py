#!/usr/bin/env python3
"""Writes N rows of a URLhaus `csv_recent`-format feed (the layout of
tests/fixtures/feeds/abusech/urlhaus/csv_recent.sample.csv) for the collect
benchmark: distinct URLs over a mix of IP and domain hosts, ports and paths."""
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
out = sys.argv[2] if len(sys.argv) > 2 else "urlhaus-1m.csv"
rnd = random.Random(2026)
threats = ["malware_download"] * 9 + ["phishing"]
tags = ["32-bit,elf,mips,Mozi", "elf", "exe,AgentTesla", "", "Formbook,exe", "zip"]
files = ["Mozi.m", "Mozi.a", "bins.sh", "i", "x86", "invoice.exe", "doc.zip", "update.ps1"]
words = ["cdn", "update", "files", "static", "dl", "get", "mirror", "img"]
with open(out, "w") as f:
    f.write("################################################################\n")
    f.write("# abuse.ch URLhaus Database Dump (CSV - recent URLs)           #\n")
    f.write("################################################################\n#\n")
    f.write("# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n")
    for i in range(n):
        uid = 3_000_000 + i
        if i % 2:
            host = f"{rnd.randint(1, 223)}.{rnd.randint(0, 255)}.{rnd.randint(0, 255)}.{rnd.randint(1, 254)}:{rnd.randint(1024, 65535)}"
        else:
            host = f"{rnd.choice(words)}{i}.{rnd.choice(words)}-{rnd.randint(0, 99999)}.example"
        url = f"http://{host}/{rnd.choice(words)}/{i}/{rnd.choice(files)}"
        day = 1 + i % 28
        date = f"2026-10-{day:02d} {i % 24:02d}:{i % 60:02d}:{(i * 7) % 60:02d}"
        status = "online" if i % 3 else "offline"
        last = date if status == "online" else ""
        f.write(
            f'"{uid}","{date}","{url}","{status}","{last}","{rnd.choice(threats)}",'
            f'"{rnd.choice(tags)}","https://urlhaus.abuse.ch/url/{uid}/","bench"\n'
        )
