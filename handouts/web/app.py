"""The front desk as an ASGI app (Starlette), served by `handouts serve` through uvicorn.

    GET  /                                   the library: search, filters, states; choose, preview, print
    GET  /preview?topic=..&audience=..       the web edition as it will print (the desk's preview)
    GET  /pdf?topic=..&audience=..           the PDF as it will be handed out
    POST /api/give                           record what is being printed or downloaded (JSON, CSRF token)
    GET  /api/changes                        the content hash now (the live preview polls it with --watch)
    GET  /<lang>/                            the online copies: every handout in a language
    GET  /<lang>/<audience>/<topic>          the online copy (web edition) the QR code points to
    GET  /<lang>/<audience>/<topic>.pdf      its PDF; <topic>-large-print.pdf the large-print PDF

Security: see `Guard`. Nothing in a request is used as a file path: names are
matched against the library, and every page is made from memory.
"""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ..choices import Audience, PageSize
from ..errors import ContentError, HandoutsError, UsageError
from ..library import TOPIC_ID
from ..model import Job
from .desk import Choice, Desk, approval_words, job_for, parse_choice, safe_name
from .pages import Link, asset, index_sections, language_name, online_page, render, words
from .site import copy_links

LOOPBACK = ("127.0.0.1", "localhost", "::1")
COOKIE = "handouts_desk"
CSRF_HEADER = "x-csrf-token"
ONLINE = re.compile(r"^/[a-z]{2}(/|/(parents|adults|clinicians)/[a-z0-9][a-z0-9-]*(/.*|\.pdf)?|/(parents|adults|clinicians)/packets/[a-z0-9][a-z0-9-]*(/.*|\.pdf)?)?$")
# Pages load nothing from elsewhere and run only the desk's own script (the web edition's
# styles and logo are inline). PDFs get no policy: the browser's PDF viewer draws them.
CSP = (b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       b"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'")
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"SAMEORIGIN"),
]


def is_loopback(host: str) -> bool:
    return host in LOOPBACK or host.startswith("127.")


def _host_name(header: str) -> str:
    """'localhost:8000' -> 'localhost'; '[::1]:8000' -> '::1'."""
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


@dataclass(frozen=True)
class Guard:
    """Who may use the desk.

    - Bound to this computer only (the default), requests must name it as their host
      (127.0.0.1, localhost or ::1), which stops another web site from reaching the
      desk through DNS rebinding.
    - Bound to any other address, every desk page needs the token: `?token=` once
      (then a cookie, HttpOnly and SameSite=Strict) or `Authorization: Bearer`.
      The online copies (/<lang>/...) stay open, as a QR code carries no token.
    - Every POST needs the page's CSRF token in a header and a JSON body, and an
      Origin, if sent, that names this host.
    """

    token: str | None = None
    local_only: bool = True
    csrf: str = ""

    def authorised(self, request: Request) -> bool:
        if not self.token:
            return True
        offered = request.cookies.get(COOKIE) or ""
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            offered = header[7:].strip()
        return hmac.compare_digest(offered.encode(), self.token.encode())


class GuardMiddleware:
    def __init__(self, app: ASGIApp, guard: Guard):
        self.app, self.guard = app, guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        guard = self.guard
        if guard.local_only and not is_loopback(_host_name(request.headers.get("host", ""))):
            response: Response = PlainTextResponse(
                "This desk answers only addresses on this computer (127.0.0.1 or localhost).", 421)
            await response(scope, receive, send)
            return
        path = scope["path"]
        public = bool(ONLINE.match(path)) or path in ("/desk.css", "/favicon.ico")
        if guard.token and not public:
            offered = request.query_params.get("token")
            if offered is not None and hmac.compare_digest(offered.encode(), guard.token.encode()):
                response = RedirectResponse(path, 303)  # drop the token from the address bar and history
                response.set_cookie(COOKIE, guard.token, httponly=True, samesite="strict", path="/")
                await response(scope, receive, send)
                return
            if not guard.authorised(request):
                response = HTMLResponse(render("problem.html", title="This desk needs its access token",
                                               problems=["Open the address that 'handouts serve' printed when it "
                                                         "started (it ends in ?token=...), or ask whoever runs it."],
                                               watch=False), 401)
                await response(scope, receive, send)
                return
        if scope["method"] == "POST":
            refused = self._refuse_post(request)
            if refused:
                await PlainTextResponse(refused, 403)(scope, receive, send)
                return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), *SECURITY_HEADERS]
                if any(k == b"content-type" and v.startswith(b"text/html") for k, v in headers):
                    headers.append((b"content-security-policy", CSP))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _refuse_post(self, request: Request) -> str:
        offered = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(offered.encode(), self.guard.csrf.encode()):
            return "refused: this request did not come from the desk's own page (missing CSRF token); reload the page"
        if not request.headers.get("content-type", "").startswith("application/json"):
            return "refused: the desk accepts JSON only"
        origin = request.headers.get("origin")
        if origin and origin.split("://", 1)[-1] != request.headers.get("host", ""):
            return "refused: this request came from another site"
        return ""


# --- the app -----------------------------------------------------------------------


def _problem_page(error: HandoutsError, desk: Desk, status: int = 422) -> HTMLResponse:
    return HTMLResponse(render("problem.html", title="This handout cannot be shown",
                               problems=[str(d) for d in error.diagnostics], watch=desk.watch), status)


def _topics(request: Request) -> list[str]:
    return request.query_params.getlist("topic")


def create_app(desk: Desk, token: str | None = None, local_only: bool = True) -> Starlette:
    """The desk's ASGI app. `local_only`: answer only requests addressed to this computer."""
    guard = Guard(token=token, local_only=local_only, csrf=secrets.token_urlsafe(24))

    def choice_of(request: Request) -> tuple[Choice, Job]:
        library, clinic = desk.library()
        size = clinic.default_page_size if clinic else None
        choice = parse_choice(library, request.query_params, _topics(request), *(size,) if size else ())
        return choice, job_for(library, choice)

    def home(request: Request) -> Response:
        snapshot = desk.refresh()
        if snapshot.library is None:
            return _problem_page(ContentError(list(snapshot.problems)), desk)
        library, clinic = snapshot.library, snapshot.clinic
        language = clinic.default_language if clinic and clinic.default_language in library.languages() else "en"
        return HTMLResponse(render(
            "desk.html", entries=snapshot.entries, languages=library.languages(), language=language,
            audiences=[a.value for a in Audience], clinic=clinic, csrf=guard.csrf, watch=desk.watch,
            digest=snapshot.digest, approval_words=approval_words, log_path=str(desk.log_path),
            page_size=(clinic.default_page_size.value if clinic else "a4"),
            packets=sorted(library.packets.items())))

    def preview(request: Request) -> Response:
        try:
            _, job = choice_of(request)
            page = desk.render(job, "html")
        except ContentError as error:
            return _problem_page(error, desk)
        except UsageError as error:
            return _problem_page(error, desk, 400)
        return HTMLResponse(page)

    def pdf(request: Request) -> Response:
        try:
            _, job = choice_of(request)
            data = desk.render(job, "pdf", strict=True)
        except ContentError as error:
            return _problem_page(error, desk, 409)
        except UsageError as error:
            return _problem_page(error, desk, 400)
        name = safe_name(job.file_name.removesuffix(".pdf")) + ".pdf"
        disposition = "attachment" if request.query_params.get("download") else "inline"
        return Response(data, media_type="application/pdf",
                        headers={"content-disposition": f'{disposition}; filename="{name}"'})

    async def give(request: Request) -> Response:
        try:
            body = await request.json()
        except (ValueError, UnicodeDecodeError):
            return JSONResponse({"error": "the request was not JSON"}, 400)
        if not isinstance(body, dict) or not isinstance(body.get("topics"), list):
            return JSONResponse({"error": "say which handouts: {\"topics\": [...]}"}, 400)

        def run() -> dict[str, Any]:
            library, clinic = desk.library()
            size = clinic.default_page_size if clinic else None
            choice = parse_choice(library, body, body["topics"], *(size,) if size else ())
            job, said = desk.give(choice)
            query = Choice(job.topics, job.audience, job.language, job.page_size, job.large_print).query()
            return {"message": " ".join(said), "pdf": f"/pdf?{query}",
                    "download": f"/pdf?{query}&download=1", "file": job.file_name}

        try:
            return JSONResponse(await run_in_threadpool(run))
        except HandoutsError as error:
            status = 400 if isinstance(error, UsageError) else 409
            return JSONResponse({"error": "\n".join(str(d) for d in error.diagnostics)}, status)

    def changes(request: Request) -> Response:
        snapshot = desk.refresh()
        return JSONResponse({"digest": snapshot.digest, "ok": snapshot.library is not None},
                            headers={"cache-control": "no-store"})

    def static(name: str, media_type: str):
        text = asset(name)

        def serve(request: Request) -> Response:
            return Response(text, media_type=media_type, headers={"cache-control": "no-cache"})

        return serve

    # -- the online copies ----------------------------------------------------------

    def online_job(request: Request) -> tuple[Job, str] | Response:
        params = request.path_params
        language, audience_name, name = params["lang"], params["audience"], params["name"]
        library, clinic = desk.library()
        large = name.endswith("-large-print")
        name = name.removesuffix("-large-print")
        packet = params.get("packets")
        if (audience_name not in {a.value for a in Audience} or packet not in (None, "packets")
                or language not in library.languages() or not TOPIC_ID.match(name)):
            return _not_found()
        audience = Audience(audience_name)
        page_size = clinic.default_page_size if clinic else PageSize.A4
        if packet:
            preset = library.packets.get(name)
            if preset is None or audience not in preset.audiences:
                return _not_found()
            served = tuple(t for t in preset.topics if (t, language) in library.topics
                           and audience in library.topics[(t, language)].meta.audiences)
            if not served:
                return _not_found()
            return Job(served, audience, language, page_size, packet=name, packet_title=preset.title_in(language),
                       large_print=large), name
        source = library.topics.get((name, language))
        if source is None or audience not in source.meta.audiences:
            return _not_found()
        return Job((name,), audience, language, page_size, large_print=large), name

    def online(request: Request) -> Response:
        try:
            found = online_job(request)
            if isinstance(found, Response):
                return found
            job, _ = found
            if job.large_print:
                return _not_found()
            library, _ = desk.library()
            page = desk.render(job, "html", strict=True)
        except ContentError as error:
            return _problem_page(error, desk, 409)
        depth = 3 if job.packet else 2
        copies, others = copy_links(library, job, "../" * depth)
        others = [Link(x.label, x.href.rstrip("/"), x.lang) for x in others]
        return HTMLResponse(online_page(page, copies, others, library, job.language))

    def online_pdf(request: Request) -> Response:
        try:
            found = online_job(request)
            if isinstance(found, Response):
                return found
            job, _ = found
            data = desk.render(job, "pdf", strict=True)
        except ContentError as error:
            return _problem_page(error, desk, 409)
        return Response(data, media_type="application/pdf",
                        headers={"content-disposition": f'inline; filename="{job.file_name}"'})

    def online_slash(request: Request) -> Response:
        return RedirectResponse(request.url.path.rstrip("/"), 308)

    def online_file(request: Request) -> Response:
        """/<lang>/<audience>/<topic>/<topic>.pdf: the static site's layout, answered here too."""
        name, file = request.path_params["name"], request.path_params["file"]
        if file not in (f"{name}.pdf", f"{name}-large-print.pdf"):
            return _not_found()
        request.path_params["name"] = file.removesuffix(".pdf")
        return online_pdf(request)

    def language_index(request: Request) -> Response:
        library, clinic = desk.library()
        language = request.path_params["lang"]
        if language not in library.languages():
            return _not_found()
        said = words(library, language)
        links = [Link(language_name(library, lang), f"../{lang}/", lang) for lang in library.languages()]
        return HTMLResponse(render("index.html", language=language, title=said["index_title"], words=said,
                                   publisher=clinic.name if clinic else "",
                                   sections=index_sections(library, language), languages=links))

    def packet(endpoint):
        def answer(request: Request) -> Response:
            request.path_params["packets"] = "packets"
            return endpoint(request)

        return answer

    audiences = "{audience:str}"
    routes = [
        Route("/", home),
        Route("/preview", preview),
        Route("/pdf", pdf),
        Route("/api/give", give, methods=["POST"]),
        Route("/api/changes", changes),
        Route("/desk.js", static("desk.js", "text/javascript")),
        Route("/desk.css", static("desk.css", "text/css")),
        Route("/{lang:str}/", language_index),
        Route("/{lang:str}", lambda request: RedirectResponse(f"{request.url.path}/", 308)),
        Route(f"/{{lang:str}}/{audiences}/packets/{{name:str}}.pdf", packet(online_pdf)),
        Route(f"/{{lang:str}}/{audiences}/packets/{{name:str}}/", online_slash),
        Route(f"/{{lang:str}}/{audiences}/packets/{{name:str}}/{{file:str}}", packet(online_file)),
        Route(f"/{{lang:str}}/{audiences}/packets/{{name:str}}", packet(online)),
        Route(f"/{{lang:str}}/{audiences}/{{name:str}}.pdf", online_pdf),
        Route(f"/{{lang:str}}/{audiences}/{{name:str}}/", online_slash),
        Route(f"/{{lang:str}}/{audiences}/{{name:str}}/{{file:str}}", online_file),
        Route(f"/{{lang:str}}/{audiences}/{{name:str}}", online),
    ]
    app = Starlette(routes=routes)
    app.add_middleware(GuardMiddleware, guard=guard)  # type: ignore[arg-type]
    app.state.guard = guard
    app.state.desk = desk
    return app


def _not_found() -> Response:
    return HTMLResponse(render("problem.html", title="There is no handout at this address",
                               problems=["Check the address, or ask the clinic for a printed copy."], watch=False), 404)


def startup_lines(host: str, port: int, token: str | None, desk: Desk) -> list[str]:
    """What `serve` prints: the address to open (with its token), who can reach it, where the log is."""
    import socket  # noqa: PLC0415

    if host in ("0.0.0.0", "::"):  # every address of this computer: name it as others will reach it
        host = socket.gethostname()
    shown = f"[{host}]" if ":" in host else host
    address = f"http://{shown}:{port}/"
    lines = [f"The front desk is open at {address}" + (f"?token={token}" if token else "")]
    if token:
        lines.append("Anyone on the network who has that address (with its token) can use the desk; "
                     f"the online copies ({address}<lang>/...) are open to all.")
    lines.append(f"Handouts given out are recorded in {desk.log_path}. Press Ctrl-C to stop.")
    if desk.watch:
        lines.append("Watching the content and template folders: saved changes show in the open preview.")
    return lines
