"""A hostile client on the open port: any visitor's browser (or a script) can send Streamlit's
`clear_cache` message over the websocket, which empties every Streamlit cache of the server.
The sign-in throttle lives outside them, so such a message does not reset it."""

from __future__ import annotations

import asyncio
import re
import threading

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg

from .harness import (
    ANALYST,
    context_options,
    copy_database,
    goto,
    main_area,
    prepare_context,
    rerun,
    server_log,
    streamlit_server,
    write_analysts,
)

pytestmark = pytest.mark.e2e


async def _send_clear_cache(url: str) -> None:
    """What a raw websocket client sends: no browser, no sign-in, one message."""
    import websockets

    address = url.replace("http://", "ws://") + "/_stcore/stream"
    async with websockets.connect(address, subprotocols=["streamlit"], origin=url) as ws:
        message = BackMsg()
        message.clear_cache = True
        await ws.send(message.SerializeToString())
        await asyncio.sleep(1.0)  # the server handles it before the connection goes


def wrong_password(page) -> None:
    form = main_area(page).locator('[data-testid="stForm"]')
    form.get_by_label("Användarnamn").fill(ANALYST)
    form.get_by_label("Lösenord", exact=True).fill("helt-fel-lösenord")
    with rerun(page):
        form.get_by_role("button", name="Logga in").click()


def test_a_clear_cache_message_does_not_reset_the_sign_in_throttle(browser, demo_path, tmp_path):
    db = copy_database(demo_path, tmp_path)
    with streamlit_server(
        db,
        write_analysts(tmp_path / "analysts.json"),
        tmp_path,
        extra_env={"SEGDASH_SIGNIN_DELAY": "0.01"},
    ) as url:
        context = browser.new_context(**context_options(url))
        prepare_context(context)
        page = context.new_page()
        try:
            goto(page, "/")
            goto(page, "/ladda-upp")
            for _ in range(3):
                wrong_password(page)
            # In a thread of its own: Playwright's sync API holds this thread's event loop.
            sender = threading.Thread(target=lambda: asyncio.run(_send_clear_cache(url)))
            sender.start()
            sender.join(timeout=30)
            wrong_password(page)
        finally:
            context.close()
        counts = [
            int(n)
            for n in re.findall(
                r"failed sign-in for user name 'anna' \(failure "
                r"(\d+) in a row\)",
                server_log(tmp_path),
            )
        ]
    assert counts == [1, 2, 3, 4]  # not [1, 2, 3, 1]: the fourth guess still waits its turn
