"""The web app: server-rendered pages over a library store, and their JSON twins under /api/.

Every page is built from one function of :mod:`storylens.web.views`; the HTML route renders it
with a Jinja2 template and the ``/api/`` route returns it as JSON (OpenAPI at
``/api/openapi.json``). The app only reads the store, except for ``POST /add`` and
``POST /api/runs``, which queue a library update that a background thread runs.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import json
import logging
import threading
from pathlib import Path
from typing import Any, AsyncIterator, Callable

import jinja2
from fastapi import Depends, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from markupsafe import Markup, escape
from pydantic import BaseModel, Field, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from storylens._version import __version__
from storylens.render import format_when, plural
from storylens.settings import Settings
from storylens.store import Store, StoreError
from storylens.web import views
from storylens.web.jobs import JobRunner
from storylens.web.security import SECURITY_HEADERS, BodyLimit, CsrfToken, cross_site_reason

__all__ = ["create_app", "MAX_UPLOAD_FILES", "MAX_UPLOAD_BYTES", "MAX_BODY_BYTES", "LOOPBACK_HOSTS"]

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
# Upload limits: a newsroom adds a handful of articles at a time; bigger batches go through the
# CLI. Per file as the ingest default for one article page; the body cap covers the form around.
MAX_UPLOAD_FILES = 20
MAX_UPLOAD_BYTES = 5_000_000
MAX_BODY_BYTES = 25_000_000
MAX_URLS = 50
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
_MAX_ID = 2**62  # SQLite integers are 64-bit


class RunIn(BaseModel):
    """Inputs of a library update started through the API."""

    urls: list[str] = Field(default_factory=list, max_length=MAX_URLS,
                            description="http(s) URLs of article pages or RSS/Atom feeds")
    articles: list[dict[str, Any]] = Field(
        default_factory=list, max_length=MAX_UPLOAD_FILES,
        description='Article records as in JSONL input: {"outlet", "title", "url", "published", "text"}',
    )
    outlet: str | None = Field(None, max_length=200, description="Outlet of inputs that name none")


def create_app(
    store_path: str | Path,
    *,
    settings: Settings | None = None,
    allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS,
    max_body_bytes: int = MAX_BODY_BYTES,
) -> FastAPI:
    """The app over the library in ``store_path`` (created if missing).

    ``settings`` are used for runs started from the app (fetch rules included: private
    addresses are refused unless ``settings.allow_private``). ``allowed_hosts`` are the Host
    names answered (DNS-rebinding protection; ``("*",)`` answers any).
    """
    store_path = str(store_path)
    Store.open(store_path).close()  # create or upgrade it now, so that errors show at start-up
    settings = settings or Settings()
    csrf = CsrfToken()
    jobs = JobRunner(store_path, settings)
    local = threading.local()

    def store() -> Store:
        # one connection per worker thread: a Store is used from the thread that opened it
        s = getattr(local, "store", None)
        if s is None:
            s = local.store = Store.open(store_path)
        return s

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        # queued runs are finished (a run is one transaction at a time: stopping is safe)
        await run_in_threadpool(lambda: jobs.stop(timeout=5.0))

    app = FastAPI(
        lifespan=lifespan,
        title="storylens",
        version=__version__,
        description="A library of news stories compared across outlets; every finding points to its characters.",
        docs_url=None,  # the interactive docs load scripts from a CDN; the schema is enough
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.jobs = jobs
    app.state.store_path = store_path
    app.mount("/static", StaticFiles(packages=[("storylens.web", "static")]), name="static")
    env = _environment()

    @app.middleware("http")
    async def headers(request: Request, call_next: Callable[[Request], Any]) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    def page(request: Request, template: str, data: dict[str, Any], status: int = 200) -> HTMLResponse:
        html = env.get_template(template).render(data=data, request=request, csrf=csrf.value,
                                                 path=request.url.path, version=__version__)
        return HTMLResponse(html, status_code=status)

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    def error(request: Request, status: int, message: str) -> Response:
        if wants_json(request):
            return JSONResponse({"detail": message}, status_code=status)
        return page(request, "error.html.j2", {"status": status, "message": message}, status)

    @app.exception_handler(views.BadParameter)
    async def bad_parameter(request: Request, exc: views.BadParameter) -> Response:
        return error(request, 422, str(exc))

    @app.exception_handler(views.NotFound)
    async def not_found(request: Request, exc: views.NotFound) -> Response:
        return error(request, 404, str(exc))

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> Response:
        log.error("store error on %s: %s", request.url.path, exc)
        return error(request, 503, f"the library cannot be read: {exc}")

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: {e.get('msg')}" for e in exc.errors()
        )
        return error(request, 422, problems or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "error"
        if exc.status_code == 404 and message == "Not Found":
            message = f"no page at {request.url.path}"
        return error(request, exc.status_code, message)

    async def call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await run_in_threadpool(lambda: fn(store(), *args, **kwargs))

    def moved(request: Request, story_id: str) -> Response | None:
        """A superseded story id redirects to the story that holds its articles now."""
        current = store().resolve_story(story_id)
        if current is None or current == story_id:
            return None
        url = request.url.path.replace(story_id, current, 1)
        return RedirectResponse(url + (f"?{request.url.query}" if request.url.query else ""), status_code=307)

    # --- stories list ---------------------------------------------------------------------

    def list_params(
        q: str | None = Query(None, max_length=500, description="words that facts or articles of the story contain"),
        outlet: str | None = Query(None, max_length=200, description="only stories with an article by this outlet"),
        since: str | None = Query(None, max_length=40, description="ISO 8601 date or date-time: stories with an article from then on"),
        until: str | None = Query(None, max_length=40, description="ISO 8601 date or date-time: stories with an article before then"),
        conflicts: str | None = Query(None, max_length=10, description="true: only stories with a conflict; false: only those without"),
        limit: int = Query(50, ge=1, le=200),
        offset: int = Query(0, ge=0, le=1_000_000),
    ) -> dict[str, Any]:
        return dict(q=q, outlet=outlet, since=since, until=until, conflicts=conflicts, limit=limit, offset=offset)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def stories_page(request: Request, params: dict[str, Any] = Depends(list_params)) -> Response:
        data = views.stories_view(store(), **params)
        data["runs"] = [_run_json(r) for r in store().list_runs(5)]
        return page(request, "stories.html.j2", data)

    @app.get("/api/stories", tags=["stories"], summary="Stories of the library, newest first")
    def stories_api(params: dict[str, Any] = Depends(list_params)) -> Any:
        return jsonable_encoder(views.stories_view(store(), **params))

    # --- one story ----------------------------------------------------------------------------

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, story_id: str, show: str = Query("all", max_length=20)) -> Response:
        return moved(request, story_id) or page(request, "story.html.j2", views.story_view(store(), story_id, show=show))

    @app.get("/api/stories/{story_id}", tags=["stories"], summary="One story in the JSON report's shape")
    def story_api(request: Request, story_id: str,
                  with_text: bool = Query(False, description="include every article's full text")) -> Any:
        """The story as one element of ``stories`` in ``report.schema.json``; a superseded id
        redirects (307) to the story now holding its articles."""
        return moved(request, story_id) or views.story_json(store(), story_id, with_text=with_text)

    @app.get("/api/stories/{story_id}/page", tags=["stories"], summary="The story page's data (summary, matrix, sections)")
    def story_page_api(request: Request, story_id: str, show: str = Query("all", max_length=20,
                       description="all | shared | conflicts | single")) -> Any:
        return moved(request, story_id) or jsonable_encoder(views.story_view(store(), story_id, show=show))

    @app.get("/api/stories/{story_id}/facts.csv", tags=["stories"], summary="The facts x outlets table as CSV",
             response_class=Response, responses={200: {"content": {"text/csv": {}}}})
    def facts_csv(request: Request, story_id: str) -> Response:
        redirect = moved(request, story_id)
        if redirect is not None:
            return redirect
        sid, rows = views.facts_csv_rows(store(), story_id)
        buf = io.StringIO()
        csv.writer(buf).writerows(rows)
        return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="story-{sid}-facts.csv"'})

    # --- articles -----------------------------------------------------------------------------

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, article_id: str, span: str | None = Query(None, max_length=40)) -> Response:
        return page(request, "article.html.j2", views.article_view(store(), article_id, span=span))

    @app.get("/api/articles/{article_id}", tags=["articles"], summary="An article, its story and the facts it supports")
    def article_api(article_id: str, span: str | None = Query(None, max_length=40,
                    description="START-END: the evidence to single out; claims_at_span lists the facts there")) -> Any:
        return jsonable_encoder(views.article_view(store(), article_id, span=span))

    # --- outlets ------------------------------------------------------------------------------

    @app.get("/outlets", response_class=HTMLResponse, include_in_schema=False)
    def outlets_page(request: Request) -> Response:
        return page(request, "outlets.html.j2", views.outlets_view(store()))

    @app.get("/api/outlets", tags=["outlets"], summary="Every outlet with its totals")
    def outlets_api() -> Any:
        return views.outlets_view(store())

    @app.get("/outlets/{name:path}", response_class=HTMLResponse, include_in_schema=False)
    def outlet_page(request: Request, name: str) -> Response:
        return page(request, "outlet.html.j2", views.outlet_view(store(), name))

    @app.get("/api/outlets/{name:path}", tags=["outlets"], summary="One outlet across stories: first, exclusives, omissions, sourcing")
    def outlet_api(name: str) -> Any:
        return jsonable_encoder(views.outlet_view(store(), name))

    # --- search -------------------------------------------------------------------------------

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request, q: str | None = Query(None, max_length=500)) -> Response:
        return page(request, "search.html.j2", views.search_view(store(), q))

    @app.get("/api/search", tags=["search"], summary="Facts and articles containing all the words of q")
    def search_api(q: str = Query(..., min_length=1, max_length=500), limit: int = Query(20, ge=1, le=100)) -> Any:
        data = views.search_view(store(), q, limit=limit)
        for hit in (*data["facts"], *data["articles"]):
            hit["snippet"] = hit["snippet"].replace(views.MARK_OPEN, "[").replace(views.MARK_CLOSE, "]")
        return data

    # --- adding articles ----------------------------------------------------------------------

    @app.get("/add", response_class=HTMLResponse, include_in_schema=False)
    def add_page(request: Request) -> Response:
        return page(request, "add.html.j2", _add_data([], "", ""))

    def _add_data(errors: list[str], urls: str, outlet: str) -> dict[str, Any]:
        return {"errors": errors, "urls": urls, "outlet": outlet, "max_files": MAX_UPLOAD_FILES,
                "max_bytes": MAX_UPLOAD_BYTES, "runs": [_run_json(r) for r in store().list_runs(10)]}

    @app.post("/add", response_class=HTMLResponse, include_in_schema=False)
    async def add_submit(request: Request) -> Response:
        refused = cross_site_reason(request.headers, request.headers.get("host"), request.url.scheme)
        if refused:
            return error(request, 403, refused)
        try:
            form = await request.form(max_files=MAX_UPLOAD_FILES + 1, max_fields=10)
        except Exception as exc:  # the multipart parser's own errors (too many parts, bad encoding)
            return error(request, 400, f"the form could not be read: {exc}")
        if not csrf.check(form.get("csrf") if isinstance(form.get("csrf"), str) else None):
            return error(request, 403, "the form has expired or did not come from this app; reload the page and send it again")
        urls_text = str(form.get("urls") or "")
        outlet = str(form.get("outlet") or "").strip()[:200]
        errors: list[str] = []
        urls = _urls(urls_text, errors)
        files: list[tuple[str, bytes]] = []
        uploads = [f for f in form.getlist("files") if hasattr(f, "read") and getattr(f, "filename", "")]
        if len(uploads) > MAX_UPLOAD_FILES:
            errors.append(f"{len(uploads)} files: at most {MAX_UPLOAD_FILES} at a time")
            uploads = []
        for upload in uploads:
            data = await upload.read(MAX_UPLOAD_BYTES + 1)
            if len(data) > MAX_UPLOAD_BYTES:
                errors.append(f"{upload.filename}: larger than {MAX_UPLOAD_BYTES:,} bytes")
            elif not data:
                errors.append(f"{upload.filename}: empty file")
            else:
                files.append((upload.filename, data))
        if not urls and not files and not errors:
            errors.append("nothing to add: paste URLs or choose files")
        if errors:
            data = await run_in_threadpool(lambda: _add_data(errors, urls_text, outlet))
            return page(request, "add.html.j2", data, status=422)
        run_id = await run_in_threadpool(lambda: jobs.submit(store(), urls, files, outlet))
        return RedirectResponse(f"/runs/{run_id}", status_code=303)

    @app.post("/api/runs", tags=["runs"], summary="Add articles: fetch URLs or take records, in the background",
              status_code=202, openapi_extra={"requestBody": {"required": True, "content": {
                  "application/json": {"schema": RunIn.model_json_schema(ref_template="#/components/schemas/{model}")}}}})
    async def runs_create(request: Request) -> Any:
        """Queues a library update and returns its run (poll ``/api/runs/{id}``). Only JSON
        bodies are accepted, and browsers' cross-site requests are refused."""
        if not request.headers.get("content-type", "").split(";")[0].strip() == "application/json":
            return error(request, 415, "send the inputs as application/json")
        refused = cross_site_reason(request.headers, request.headers.get("host"), request.url.scheme)
        if refused:
            return error(request, 403, refused)
        try:
            body = RunIn.model_validate_json(await request.body())
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors())
            return error(request, 422, problems)
        errors: list[str] = []
        urls = _urls("\n".join(body.urls), errors)
        files = []
        for k, record in enumerate(body.articles):
            files.append((f"article-{k + 1}.jsonl", (json.dumps(record, ensure_ascii=False) + "\n").encode()))
        if errors:
            return error(request, 422, "; ".join(errors))
        if not urls and not files:
            return error(request, 422, "nothing to add: give urls or articles")
        run_id = await run_in_threadpool(lambda: jobs.submit(store(), urls, files, body.outlet))
        record = await run_in_threadpool(lambda: store().get_run(run_id))
        return JSONResponse(jsonable_encoder(_run_json(record)), status_code=202)

    @app.get("/api/runs", tags=["runs"], summary="The latest library updates")
    def runs_api(limit: int = Query(20, ge=1, le=200)) -> Any:
        return jsonable_encoder({"runs": [_run_json(r) for r in store().list_runs(limit)]})

    @app.get("/runs/{run_id}", response_class=HTMLResponse, include_in_schema=False)
    def run_page(request: Request, run_id: int = PathParam(..., ge=1, le=_MAX_ID)) -> Response:
        return page(request, "run.html.j2", _run_or_404(store(), run_id))

    @app.get("/api/runs/{run_id}", tags=["runs"], summary="One library update: progress, stories, skipped inputs")
    def run_api(run_id: int = PathParam(..., ge=1, le=_MAX_ID)) -> Any:
        return jsonable_encoder(_run_or_404(store(), run_id))

    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    return app


def _urls(text: str, errors: list[str]) -> list[str]:
    """http(s) URLs, one a line; anything else is listed in ``errors`` (the web app reads no
    local paths)."""
    out: list[str] = []
    for line in text.splitlines():
        url = line.strip()
        if not url:
            continue
        if not url.lower().startswith(("http://", "https://")) or any(c.isspace() for c in url):
            errors.append(f"{url[:200]}: not an http(s) URL")
        else:
            out.append(url)
    if len(out) > MAX_URLS:
        errors.append(f"{len(out)} URLs: at most {MAX_URLS} at a time")
        return []
    return out


def _run_json(r: Any) -> dict[str, Any]:
    return {"id": r.id, "kind": r.kind, "status": r.status, "inputs": list(r.inputs), "started_at": r.started_at,
            "finished_at": r.finished_at, "stage": r.stage, "done": r.done, "total": r.total,
            "result": r.result, "error": r.error}


def _run_or_404(store: Store, run_id: int) -> dict[str, Any]:
    record = store.get_run(run_id)
    if record is None:
        raise views.NotFound(f"no run {run_id}")
    return _run_json(record)


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    from storylens.render.html import template_environment

    env = template_environment("storylens.web")
    env.globals.update(when=format_when, plural=plural)
    env.filters["snippet"] = _snippet
    return env


def _snippet(text: str) -> Markup:
    """A search snippet: everything escaped, then the match marks turned into <mark>."""
    safe = str(escape(text))
    return Markup(safe.replace(views.MARK_OPEN, "<mark>").replace(views.MARK_CLOSE, "</mark>"))
