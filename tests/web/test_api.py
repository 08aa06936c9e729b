"""Every /api/ route over a real library, good and bad parameters: clear 4xx, never a 500."""

from __future__ import annotations

import csv
import io
import json
import time

import httpx
import jsonschema
import pytest

from storylens.render.json import load_schema
from storylens.store import Store

from .conftest import HARBOUR, HOSTILE_TITLE


@pytest.fixture(scope="module")
def server(tmp_path_factory, library_db):
    """One read-only server for the module (tests that write start their own)."""
    from storylens.web import create_app

    from .conftest import LoopbackServer, copy_store

    path = copy_store(library_db, tmp_path_factory.mktemp("api") / "ro.sqlite")
    with LoopbackServer(create_app(path)) as s:
        yield s


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


@pytest.fixture(scope="module")
def ferry(client):
    stories = client.get("/api/stories", params={"outlet": "Coastal Press Agency"}).json()["stories"]
    return stories[0]


def test_stories_list_newest_first_with_counts(client):
    data = client.get("/api/stories").json()
    assert data["total"] == 3 == len(data["stories"])
    dates = [s["last_published"] for s in data["stories"]]
    assert dates == sorted(dates, reverse=True)
    ferry = next(s for s in data["stories"] if "Coastal Press Agency" in s["outlets"])
    assert ferry["articles"] == 3 and ferry["conflicts"] == 0 and ferry["shared"] > 0
    assert set(data["outlets"]) >= {"Bramcote Courier", "Coastal Press Agency", "Northshore Daily"}


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"outlet": "Northshore Daily"}, 1),
        ({"outlet": "Nobody"}, 0),
        ({"since": "2026-03-08"}, 1),
        ({"until": "2026-03-08"}, 2),
        ({"since": "2026-03-01T00:00:00+00:00", "until": "2026-03-31"}, 2),
        ({"conflicts": "false"}, 3),
        ({"conflicts": "true"}, 0),
        ({"q": "Binbot"}, 1),
        ({"q": "lifeboat passengers"}, 1),
        ({"q": "zebra"}, 0),
        ({"q": '"ferry\'s depth'}, 1),  # quote marks and apostrophes are text, not syntax
        ({"limit": 1}, 3),
    ],
)
def test_stories_filters(client, params, expected):
    r = client.get("/api/stories", params=params)
    assert r.status_code == 200
    assert r.json()["total"] == expected


@pytest.mark.parametrize(
    "params, words",
    [
        ({"since": "yesterday"}, "since: not an ISO 8601"),
        ({"until": "2026-13-01"}, "until: not an ISO 8601"),
        ({"since": "2026-03-10", "until": "2026-03-01"}, "since must be before until"),
        ({"conflicts": "maybe"}, "conflicts: expected true or false"),
        ({"limit": 0}, "limit"),
        ({"limit": 100000}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"q": "x" * 501}, "q"),
    ],
)
def test_stories_bad_parameters_are_422_with_the_reason(client, params, words):
    r = client.get("/api/stories", params=params)
    assert r.status_code == 422
    assert words in r.json()["detail"]


def test_story_is_the_json_report_shape_and_validates(client, ferry):
    story = client.get(f"/api/stories/{ferry['id']}").json()
    report = {"storylens": "x", "stories": [story], "skipped": [], "duplicates": {}}
    jsonschema.validate(report, load_schema())
    assert story["id"] == ferry["id"] and story["facts"]
    with_text = client.get(f"/api/stories/{ferry['id']}", params={"with_text": "true"}).json()
    texts = {a["id"]: a["text"] for a in with_text["articles"]}
    for fact in with_text["facts"]:
        for c in fact["claims"]:
            assert texts[c["article_id"]][c["span"][0]:c["span"][1]] == c["text"]


def test_story_page_data_summary_first(client, ferry):
    data = client.get(f"/api/stories/{ferry['id']}/page", params={"show": "single"}).json()
    assert data["summary"]["agreed"] and set(data["summary"]["single"]) <= {o["name"] for o in data["outlets"]}
    shown = [f for f in data["facts"] if f["shown"]]
    assert shown and all("single" in f["kinds"] for f in shown)
    assert client.get(f"/api/stories/{ferry['id']}/page", params={"show": "odd"}).status_code == 422


def test_unknown_and_prefix_story_ids(client, ferry):
    r = client.get("/api/stories/0000000000000000")
    assert r.status_code == 404 and "no story" in r.json()["detail"]
    r = client.get(f"/api/stories/{ferry['id'][:8]}")
    assert r.status_code == 307 and r.headers["location"] == f"/api/stories/{ferry['id']}"
    assert client.get("/api/stories/%3Cscript%3E").status_code == 404


def test_facts_csv(client, ferry):
    r = client.get(f"/api/stories/{ferry['id']}/facts.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text)))
    story = client.get(f"/api/stories/{ferry['id']}").json()
    assert rows[0][:2] == ["fact", "text"] and rows[0][2:2 + len(story["outlets"])] == story["outlets"]
    assert len(rows) == 1 + len(story["facts"])
    first = story["facts"][0]
    assert rows[1][1] == first["text"]
    assert rows[1][2:2 + len(story["outlets"])] == [first["status"][o] for o in story["outlets"]]
    assert client.get("/api/stories/0000000000000000/facts.csv").status_code == 404


def test_article_with_the_claims_at_a_span(client, ferry):
    story = client.get(f"/api/stories/{ferry['id']}").json()
    claim = story["facts"][0]["claims"][0]
    span = f"{claim['span'][0]}-{claim['span'][1]}"
    data = client.get(f"/api/articles/{claim['article_id']}", params={"span": span}).json()
    assert data["span_text"] == claim["text"]
    # one sentence may state several facts: every fact it supports is listed, this one among them
    at_span = [f["id"] for f in data["claims_at_span"]]
    assert story["facts"][0]["id"] in at_span
    assert at_span == [f["id"] for f in story["facts"] if any(c["span"] == claim["span"] and c["article_id"] == claim["article_id"] for c in f["claims"])]
    assert data["story"]["id"] == ferry["id"]
    marked = [run["text"] for para in data["paragraphs"] for run in para if run["marked"]]
    assert "".join(marked) == claim["text"]  # only the evidence is marked


@pytest.mark.parametrize("span, words", [("abc", "START-END"), ("10-5", "not within"), ("0-999999", "not within"), ("1-2-3", "START-END")])
def test_article_bad_span(client, ferry, span, words):
    story = client.get(f"/api/stories/{ferry['id']}").json()
    r = client.get(f"/api/articles/{story['articles'][0]['id']}", params={"span": span})
    assert r.status_code == 422 and words in r.json()["detail"]


def test_unknown_article(client):
    assert client.get("/api/articles/nope").status_code == 404


def test_outlets(client):
    outlets = client.get("/api/outlets").json()["outlets"]
    courier = next(o for o in outlets if o["outlet"] == "Bramcote Courier")
    assert courier["n_stories"] == 2
    data = client.get("/api/outlets/Bramcote Courier").json()
    assert data["totals"]["n_stories"] == 2 and len(data["stories"]) == 2
    assert data["exclusives"] and all(f["outlets"] == ["Bramcote Courier"] for f in data["exclusives"])
    assert data["profile"]["named"] + data["profile"]["unnamed"] > 0
    assert client.get("/api/outlets/No Such Outlet").status_code == 404
    hostile = client.get("/api/outlets/Lowmere <b>Echo</b>")
    assert hostile.status_code == 200 and hostile.json()["outlet"] == "Lowmere <b>Echo</b>"


def test_search(client):
    data = client.get("/api/search", params={"q": "lifeboat"}).json()
    assert data["facts"] and data["articles"]
    assert all("[" in h["snippet"] for h in data["facts"])
    assert client.get("/api/search").status_code == 422
    assert client.get("/api/search", params={"q": ""}).status_code == 422
    assert client.get("/api/search", params={"q": "lifeboat", "limit": 0}).status_code == 422
    r = client.get("/api/search", params={"q": 'AND OR NOT "( *'})  # FTS5 syntax is searched as text
    assert r.status_code == 200


def test_runs_list_and_unknown_run(client):
    assert client.get("/api/runs").json() == {"runs": []}  # the library was built in code
    assert client.get("/api/runs/99999").status_code == 404
    assert client.get("/api/runs/abc").status_code == 422
    assert client.get("/api/runs", params={"limit": -3}).status_code == 422


def test_openapi_documents_every_api_route(client):
    spec = client.get("/api/openapi.json").json()
    documented = set(spec["paths"])
    assert documented == {
        "/api/stories", "/api/stories/{story_id}", "/api/stories/{story_id}/page",
        "/api/stories/{story_id}/facts.csv", "/api/articles/{article_id}", "/api/outlets",
        "/api/outlets/{name}", "/api/search", "/api/runs", "/api/runs/{run_id}",
    }
    assert client.get("/api/nothing").status_code == 404


NASTY = ["", " ", "-1", "0", "1e9", "99999999999999999999", "%00", "\u202e", "<script>", "' OR 1=1 --", "../../etc/passwd", "🙂" * 50]


def test_no_parameter_makes_a_500(client, ferry):
    """Every GET route, every parameter, odd values: always an answer below 500."""
    spec = client.get("/api/openapi.json").json()
    for path, methods in spec["paths"].items():
        get = methods.get("get")
        if not get:
            continue
        params = [p["name"] for p in get.get("parameters", []) if p["in"] == "query"]
        concrete = path.replace("{story_id}", ferry["id"]).replace("{name}", "Bramcote Courier")
        concrete = concrete.replace("{article_id}", client.get(f"/api/stories/{ferry['id']}").json()["articles"][0]["id"])
        concrete = concrete.replace("{run_id}", "1")
        for value in NASTY:
            for name in params:
                r = client.get(concrete, params={name: value})
                assert r.status_code < 500, (path, name, value, r.text[:200])
            for part in ("{story_id}", "{name}", "{article_id}", "{run_id}"):
                if part in path:
                    r = client.get(path.replace(part, value or "x").replace("{story_id}", ferry["id"]).replace("{name}", "x")
                                   .replace("{article_id}", "x").replace("{run_id}", "1"))
                    assert r.status_code < 500, (path, value, r.text[:200])


def test_security_headers_and_host_check(client, ferry):
    r = client.get(f"/stories/{ferry['id']}")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert client.get("/api/stories", headers={"host": "attacker.example"}).status_code == 400


def test_hostile_article_is_escaped_in_html_and_plain_in_json(client):
    [story] = client.get("/api/stories", params={"q": "footbridge"}).json()["stories"]
    assert story["title"] == HOSTILE_TITLE
    html = client.get(f"/stories/{story['id']}").text
    assert "<script>window.__pwned" not in html and "onerror=" not in html.replace("onerror=&#34;", "")
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html
    import re

    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert inline == []


# --- writing: each test gets its own copy of the library and its own server -------------------


def wait_for_run(client: httpx.Client, run_id: int, timeout: float = 240.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = client.get(f"/api/runs/{run_id}").json()
        if run["status"] in ("done", "failed"):
            return run
        time.sleep(0.3)
    raise AssertionError(f"run {run_id} did not finish in {timeout} s")


def test_adding_an_article_through_the_api_joins_its_story(serve, library_copy):
    server = serve(library_copy)
    record = json.loads(HARBOUR.read_text(encoding="utf-8").splitlines()[0])
    with httpx.Client(base_url=server.url, timeout=30) as c:
        before = c.get("/api/stories", params={"outlet": "Coastal Press Agency"}).json()["stories"][0]
        r = c.post("/api/runs", json={"articles": [record], "urls": ["http://127.0.0.1:9/private-page"]})
        assert r.status_code == 202 and r.json()["status"] in ("queued", "running")
        run = wait_for_run(c, r.json()["id"])
        assert run["status"] == "done", run
        assert run["result"]["new_articles"] == 1
        [joined] = run["result"]["stories"]
        assert joined["articles"] == 4
        # the CLI's fetch rules: a loopback address is refused, with the reason
        [skipped] = run["result"]["skipped"]
        assert skipped["source"] == "http://127.0.0.1:9/private-page" and "private" in skipped["reason"]
        story = c.get(f"/api/stories/{joined['id']}").json()
        assert "Harbour FM" in story["outlets"]
        # the old id of the story now leads to the story it became
        moved = c.get(f"/api/stories/{before['id']}")
        assert moved.status_code == 307 and moved.headers["location"].endswith(joined["id"])
    with Store.open(library_copy) as store:
        assert store.integrity_check() == "ok"


@pytest.mark.parametrize(
    "kwargs, status, words",
    [
        (dict(json={"urls": ["file:///etc/passwd"]}), 422, "not an http(s) URL"),
        (dict(json={"urls": ["/etc/passwd"]}), 422, "not an http(s) URL"),
        (dict(json={}), 422, "nothing to add"),
        (dict(json={"urls": "http://x"}), 422, "urls"),
        (dict(json={"urls": ["http://example.org/"] * 51}), 422, "urls"),
        (dict(content=b"urls=http://example.org/", headers={"content-type": "application/x-www-form-urlencoded"}), 415, "application/json"),
        (dict(content=b'{"urls": []}', headers={"content-type": "text/plain"}), 415, "application/json"),
        (dict(json={"urls": ["http://example.org/"]}, headers={"origin": "http://attacker.example"}), 403, "cross-origin"),
        (dict(json={"urls": ["http://example.org/"]}, headers={"sec-fetch-site": "cross-site"}), 403, "cross-site"),
        (dict(json={"urls": ["http://example.org/" + "x" * 3000]}), 413, "over 2000 bytes"),
    ],
)
def test_bad_run_requests_are_refused_before_anything_runs(serve, library_copy, kwargs, status, words):
    server = serve(library_copy, max_body_bytes=2000)
    with httpx.Client(base_url=server.url, timeout=30) as c:
        r = c.post("/api/runs", **kwargs)
        assert r.status_code == status, r.text[:300]
        assert words in r.text
        assert c.get("/api/runs").json()["runs"] == []


def test_uploaded_files_that_cannot_be_read_are_listed_by_their_name(serve, library_copy):
    server = serve(library_copy)
    with httpx.Client(base_url=server.url, timeout=30) as c:
        token = c.get("/add").text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        files = [("files", ("notes.txt", b"Too short.", "text/plain")),
                 ("files", ("photo.txt", bytes(range(256)) * 8, "text/plain"))]
        r = c.post("/add", files=files, data={"csrf": token}, follow_redirects=False)
        assert r.status_code == 303
        run = wait_for_run(c, int(r.headers["location"].rsplit("/", 1)[1]))
        reasons = {s["source"]: s["reason"] for s in run["result"]["skipped"]}
        assert set(reasons) == {"upload: notes.txt", "upload: photo.txt"}
        assert "too short" in reasons["upload: notes.txt"]
        page = c.get(r.headers["location"]).text
        assert "upload: photo.txt" in page and "Skipped inputs (2)" in page


def test_form_posts_need_the_token_and_this_origin(serve, library_copy):
    server = serve(library_copy)
    with httpx.Client(base_url=server.url, timeout=30) as c:
        files = {"files": ("a.txt", b"some text", "text/plain")}
        assert c.post("/add", files=files, data={"csrf": "forged"}).status_code == 403
        assert c.post("/add", files=files).status_code == 403
        page = c.get("/add").text
        token = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        cross = c.post("/add", files=files, data={"csrf": token}, headers={"sec-fetch-site": "cross-site"})
        assert cross.status_code == 403
        many = [("files", (f"f{k}.txt", b"x", "text/plain")) for k in range(21)]
        r = c.post("/add", files=many, data={"csrf": token})
        assert r.status_code == 422 and "at most 20" in r.text
        r = c.post("/add", data={"csrf": token, "urls": "/etc/passwd\nhttp://example.org/a b"})
        assert r.status_code == 422 and "not an http(s) URL" in r.text
        assert c.get("/api/runs").json()["runs"] == []


def test_a_story_that_could_not_be_compared_says_why(serve, tmp_path):
    from storylens.library import add_articles
    from storylens.settings import load_settings

    from .conftest import demo_articles

    path = tmp_path / "failed.sqlite"
    with Store.open(path) as store:
        add_articles(store, demo_articles(), load_settings(max_story_claims=5))
    server = serve(path)
    with httpx.Client(base_url=server.url, timeout=30) as c:
        ferry = c.get("/api/stories", params={"outlet": "Coastal Press Agency"}).json()["stories"][0]
        page = c.get(f"/stories/{ferry['id']}")
        assert page.status_code == 200 and 'id="not-compared"' in page.text
        data = c.get(f"/api/stories/{ferry['id']}/page").json()
        assert data["failed"] and data["facts"] == []
