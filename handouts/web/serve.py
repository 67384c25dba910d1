"""`handouts serve`: check the address and the token, read the library, then run the desk under uvicorn."""

from __future__ import annotations

import secrets
import socket
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from ..errors import ContentError, Diagnostic, UsageError

WEB_EXTRA = ("the front desk needs the 'web' extra: in the handouts folder run pip install -e '.[web]' "
             "(or pip install starlette uvicorn)")


def _usage(message: str, code: str = "serve.usage") -> UsageError:
    return UsageError(Diagnostic(None, code, message))


def check_port(host: str, port: int) -> None:
    """Refuse, in one line, a port another program holds, before printing that the desk is open."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise _usage(f"cannot listen on {host} port {port} ({error.strerror}); another program may be "
                         "using it: choose another with --port", "serve.port") from None


def access_token(host: str, clinic_token: str, new_token: bool) -> str | None:
    """None on this computer; beyond it the profile's token, or a new one, or a refusal."""
    from .app import is_loopback  # noqa: PLC0415

    if is_loopback(host):
        return None
    if clinic_token:
        return clinic_token
    if new_token:
        return secrets.token_urlsafe(24)
    raise _usage(f"refusing to listen on {host} without an access token: anyone on the network could use the "
                 "desk; set token = \"...\" (16+ characters) in the clinic profile, or add --new-token to make "
                 "one for this run (or leave out --host to serve this computer only)", "serve.token")


def serve(host: str, port: int, watch: bool = False, new_token: bool = False, clinic: Path | None = None,
          db: Path | None = None, content: Sequence[Path] = (), templates: Sequence[Path] = (),
          say: Callable[[str], None] = print) -> None:
    from ..clinic import find_profile, read_clinic  # noqa: PLC0415

    try:
        import uvicorn  # noqa: PLC0415

        from .app import create_app, startup_lines  # noqa: PLC0415
    except ImportError:
        raise _usage(WEB_EXTRA, "serve.extra") from None
    profile_path = find_profile(clinic)
    profile = read_clinic(profile_path) if profile_path else None
    token = access_token(host, profile.token if profile else "", new_token)
    from .desk import Desk  # noqa: PLC0415

    desk = Desk(content, templates, profile_path, db, watch)
    if desk.snapshot.library is None and not watch:
        raise ContentError(list(desk.snapshot.problems))
    check_port(host, port)
    app = create_app(desk, token=token, local_only=token is None)
    if not watch:  # an editor's desk changes under it: draw on demand only
        threading.Thread(target=desk.prewarm, name="prewarm", daemon=True).start()
    for line in startup_lines(host, port, token, desk):
        say(line)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, server_header=False)
