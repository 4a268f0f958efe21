"""Blocking calls release the GIL, two threads can call at once, and a
forked child gets a runtime of its own."""

import os
import threading
import time

import exist


def test_two_threads_call_at_once(ipsum_db):
    errors, results = [], []
    found = len(ipsum_db.search("77.90", limit=3))
    assert found >= 1

    def work(n):
        try:
            for _ in range(20):
                results.append(("lookup", ipsum_db.lookup("77.90.185.20")["local"]["groups"][0]["source"]))
                results.append(("search", len(ipsum_db.search("77.90", limit=3))))
                results.append(("extract", exist.extract("x 198.51.100.%d y" % n)[0]["value"]))
        except Exception as e:  # noqa: BLE001 (reported below)
            errors.append(e)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert results.count(("lookup", "ipsum")) == 40
    assert results.count(("search", found)) == 40
    assert results.count(("extract", "198.51.100.0")) == 20
    assert results.count(("extract", "198.51.100.1")) == 20


def test_a_slow_call_lets_other_threads_run(db, web):
    web.routes["/slow"] = (200, "text/html", b"<title>slow</title>", 1.0)
    ticks = []
    done = threading.Event()

    def tick():
        while not done.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.01)

    t = threading.Thread(target=tick)
    t.start()
    started = time.monotonic()
    db.inspect_url(web.url("/slow"))
    ended = time.monotonic()
    done.set()
    t.join()
    assert ended - started >= 1.0
    during = [x for x in ticks if started < x < ended]
    assert len(during) > 20, "the other thread ran while the call waited"


def test_a_forked_child_opens_its_own_exist(ipsum_db):
    ipsum_db.lookup("77.90.185.20")  # the parent's runtime exists now
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            try:
                ipsum_db.lookup("77.90.185.20")
                code = 3  # the parent's handle must refuse
            except exist.ExistError as e:
                if "opened in the parent process" in str(e):
                    mine = exist.Exist.open(home=ipsum_db.home)
                    source = mine.lookup("77.90.185.20")["local"]["groups"][0]["source"]
                    same = exist.normalize("evil[.]example")["value"] == "evil.example"
                    code = 0 if source == "ipsum" and same else 4
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0
    assert ipsum_db.lookup("77.90.185.20")["local"]["groups"], "the parent goes on"
