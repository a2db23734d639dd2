"""The upload endpoint on the open port: Streamlit stores whatever a connected session PUTs to
`/_stcore/upload_file/<session>/<file>` in server memory. Behind `python -m segdash serve` only
a session with a signed-in analyst may store a file; a viewer's, or an analyst's after signing
out, is refused with 403 and nothing is kept."""

from __future__ import annotations

import asyncio
import threading
import uuid

import pytest
import requests
from playwright.sync_api import expect
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from segdash.upload_guard import REFUSED_DETAIL

from .harness import (
    XLSX,
    goto,
    main_area,
    rerun,
    server_log,
    sidebar,
    sign_in,
)

pytestmark = pytest.mark.e2e

PAYLOAD = b"PK\x03\x04" + b"x" * 200_000  # what the bytes are does not matter: they are refused


async def _viewer_session(url: str, cookie: str) -> str:
    """Connect as a raw websocket client, run the app once, and return the session's id."""
    import websockets

    address = url.replace("http://", "ws://") + "/_stcore/stream"
    async with websockets.connect(
        address, subprotocols=["streamlit"], origin=url, additional_headers={"Cookie": cookie}
    ) as ws:
        message = BackMsg()
        message.rerun_script.query_string = ""
        message.rerun_script.page_script_hash = ""
        await ws.send(message.SerializeToString())
        session_id = None
        async with asyncio.timeout(60):
            while True:
                incoming = ForwardMsg()
                incoming.ParseFromString(await ws.recv())
                kind = incoming.WhichOneof("type")
                if kind == "new_session":
                    session_id = incoming.new_session.initialize.session_id
                elif kind == "script_finished" and session_id:
                    break
        # The session must still be open when the upload comes: upload inside the connection.
        status = await asyncio.to_thread(_put, url, session_id, cookie)
        return session_id, status


def _put(url: str, session_id: str, cookie: str) -> requests.Response:
    token = cookie.split("=", 1)[1]
    return requests.put(
        f"{url}/_stcore/upload_file/{session_id}/{uuid.uuid4()}",
        files={"file": ("stor.xlsx", PAYLOAD, XLSX)},
        headers={"X-Xsrftoken": token, "Cookie": cookie},
        timeout=30,
    )


def test_a_viewer_session_cannot_store_an_upload(server):
    url, workdir = server.url, server.workdir
    # Any client gets the XSRF cookie the way the browser does, from the health check.
    first = requests.get(url + "/_stcore/health", timeout=30)
    cookie = f"_streamlit_xsrf={first.cookies['_streamlit_xsrf']}"
    result: dict = {}
    worker = threading.Thread(
        target=lambda: result.update(
            zip(("session", "response"), asyncio.run(_viewer_session(url, cookie)), strict=True)
        )
    )
    worker.start()
    worker.join(timeout=90)
    response = result["response"]
    assert response.status_code == 403
    assert REFUSED_DETAIL in response.text
    assert f"upload refused: session {result['session']} has no signed-in analyst" in server_log(
        workdir
    )


def test_an_analyst_uploads_and_after_signing_out_the_same_session_cannot(page, server):
    uploads: list[tuple[str, int]] = []
    page.on(
        "response",
        lambda r: (
            uploads.append((r.url, r.status))
            if "/_stcore/upload_file/" in r.url and r.request.method == "PUT"
            else None
        ),
    )
    goto(page, "/ladda-upp")
    sign_in(page, main_area(page))
    uploader = main_area(page).locator('[data-testid="stFileUploaderDropzoneInput"]')
    with rerun(page):
        uploader.set_input_files(files=[{"name": "plan.xlsx", "mimeType": XLSX, "buffer": PAYLOAD}])
    expect(main_area(page).get_by_text("plan.xlsx").first).to_be_visible()
    assert [status for _, status in uploads] == [204]  # the analyst's file was stored

    with rerun(page):
        sidebar(page).get_by_role("button", name="Logga ut").click()
    expect(main_area(page).locator('[data-testid="stFileUploader"]')).to_have_count(0)
    # Replay the upload in the same browser session, now signed out.
    upload_url = uploads[0][0].rsplit("/", 1)[0] + f"/{uuid.uuid4()}"
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "_streamlit_xsrf")
    replay = page.request.put(
        upload_url,
        headers={"X-Xsrftoken": token},
        multipart={"file": {"name": "igen.xlsx", "mimeType": XLSX, "buffer": PAYLOAD}},
    )
    assert replay.status == 403
    assert REFUSED_DETAIL in replay.text()
