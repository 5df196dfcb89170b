"""Sign in with OpenRouter (OAuth PKCE) from a web app, with the standard library's http.server.

The app sends the user to OpenRouter's sign-in page with a PKCE challenge; OpenRouter sends them
back to the app's callback URL with a ``code``; the callback exchanges the code and the verifier
for the user's own API key. Here the emulator plays OpenRouter (its sign-in page approves at
once) and a urllib "browser" plays the user, so the whole flow runs offline:

    python examples/oauth_callback.py

In a real app, keep the verifier in the user's session (never in the URL), serve the callback
over https, and store the user's key as you would a password.
"""

from __future__ import annotations

import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

from openrouter_kit import Client, Pkce
from openrouter_kit.testing import Emulator


class Callback(BaseHTTPRequestHandler):
    """The app's ``/callback``: exchanges the code for the user's key."""

    client: ClassVar[Client]
    pending: ClassVar[dict[str, Pkce]] = {}  # a session store, by session id
    keys: ClassVar[dict[str, str]] = {}  # the signed-in users' keys, by session id

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        session = self.headers.get("X-Session", "")
        pkce = self.pending.pop(session, None)
        if url.path != "/callback" or "code" not in query or pkce is None:
            self.send_error(400, "unexpected callback")
            return
        user = self.client.exchange_auth_code(query["code"][0], code_verifier=pkce.verifier)
        self.keys[session] = user.key or ""
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"Signed in. You can close this tab.\n")

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the example prints what matters."""


def main() -> None:
    with Emulator() as emu, Client(api_key=emu.api_key, base_url=emu.base_url) as client:
        print("OpenRouter is played by the local emulator:", emu.base_url)
        app = ThreadingHTTPServer(("127.0.0.1", 0), Callback)
        Callback.client = client
        threading.Thread(target=app.serve_forever, daemon=True).start()
        callback_url = f"http://localhost:{app.server_address[1]}/callback"

        # 1. the "Sign in with OpenRouter" button: a PKCE pair per sign-in, kept in the session
        pkce = Pkce.create()
        Callback.pending["session-1"] = pkce
        sign_in = client.authorization_url(callback_url, pkce.challenge)
        print("sign-in URL:", sign_in.split("?")[0], "(callback_url, code_challenge, S256)")

        # 2. the user's browser: OpenRouter's page, then the redirect to the callback
        browser = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        browser.addheaders = [("X-Session", "session-1")]
        with browser.open(sign_in, timeout=10) as page:
            print("callback answered:", page.read().decode().strip())
        app.shutdown()

        # 3. the app calls OpenRouter with the user's own key
        user_key = Callback.keys["session-1"]
        with Client(api_key=user_key, base_url=emu.base_url) as as_user:
            label = as_user.key_info().label
        print("signed in; the user's key is", label)


if __name__ == "__main__":
    main()
