"""Only a signed-in analyst's session may store an uploaded file on the server.

Streamlit accepts `PUT /_stcore/upload_file/<session>/<file>` from any session that is
connected, and keeps the bytes in memory until the session ends: without a guard an anonymous
viewer could fill the server's memory with files no page ever reads. Streamlit has no hook for
this, so `install()` wraps the in-memory upload manager's `add_file`, the one place every
upload passes through, and refuses with 403 unless the session was permitted.

The app permits a session on each run in which an analyst is signed in (`permit`) and revokes
it on every other run (`revoke`). Between runs the guard applies the same rules itself: an
analyst idle past the limit, or (local accounts) removed from the accounts file, is refused at
the moment of the upload, not at the next rerun. The state is module-level, not in a Streamlit
cache that any client can clear.

`python -m segdash serve` installs the guard before the server starts; `app.py` installs it too
(idempotent), for a server started with `streamlit run app.py`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from segdash import auth, config

log = logging.getLogger(__name__)

REFUSED_DETAIL = "Bara en inloggad analytiker kan ladda upp filer."


@dataclass
class _Permit:
    identity: str
    local: bool  # a local account: re-checked against the accounts file at upload time
    seen: float


_permits: dict[str, _Permit] = {}
_lock = threading.Lock()
_installed = False


def permit(session_id: str, identity: str, *, local: bool) -> None:
    """This session's analyst may upload until revoked, idle past the limit or removed."""
    with _lock:
        _permits[session_id] = _Permit(identity, local, time.monotonic())
        _forget_ended_sessions()


def revoke(session_id: str) -> None:
    with _lock:
        _permits.pop(session_id, None)


def permitted(session_id: str, *, now: float | None = None) -> bool:
    """Whether an upload from this session may be stored now."""
    with _lock:
        grant = _permits.get(session_id)
    if grant is None:
        return False
    now = time.monotonic() if now is None else now
    if now - grant.seen > config.settings().idle_seconds:
        revoke(session_id)
        return False
    if grant.local:
        try:
            still_there = grant.identity in auth.analyst_names()
        except auth.AuthError:
            still_there = False
        if not still_there:
            revoke(session_id)
            return False
    return True


def _forget_ended_sessions() -> None:
    """Keeps the table as small as the number of analysts' open sessions (call under _lock)."""
    is_active = _session_checker()
    if is_active is None:
        return
    for session_id in [s for s in _permits if not is_active(s)]:
        del _permits[session_id]


def _session_checker() -> Callable[[str], bool] | None:
    from streamlit.runtime import Runtime

    return Runtime.instance().is_active_session if Runtime.exists() else None


def install() -> None:
    """Wrap the upload manager so that every stored upload passes `permitted` (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager

        store_file = MemoryUploadedFileManager.add_file

        def add_file(self, session_id, file):  # noqa: ANN001 - Streamlit's own signature
            # Only the server's own manager is guarded: streamlit.testing's AppTest keeps a
            # manager of its own, with no Runtime, and stays as it is.
            if _session_checker() is not None and not permitted(session_id):
                from starlette.exceptions import HTTPException

                log.warning("upload refused: session %s has no signed-in analyst", session_id)
                raise HTTPException(status_code=403, detail=REFUSED_DETAIL)
            return store_file(self, session_id, file)

        add_file.__wrapped__ = store_file  # type: ignore[attr-defined]
        MemoryUploadedFileManager.add_file = add_file  # type: ignore[method-assign]
        _installed = True
