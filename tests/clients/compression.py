"""permessage-deflate with Python's `websockets` client (Debian's python3-websockets), which
offers it by default. Subscribes, has the test worker broadcast MESSAGE to the channel, sends
the same message to be echoed (compressed by the client), then prints one JSON line: the
negotiated extensions and what came back. tests/compression_clients.rs judges it.

Usage: python3 compression.py WS_URL MESSAGE
"""
import asyncio
import json
import sys

import websockets


async def main(url, message):
    async with websockets.connect(url, max_size=None) as ws:
        extensions = ws.response_headers.get("Sec-WebSocket-Extensions")
        await ws.send(json.dumps({"action": "subscribe", "channel": "prices"}))
        replies = [await ws.recv()]
        await ws.send(f"broadcast:prices:{message}")
        await ws.send(f"echo:{message}")
        replies.append(await ws.recv())
        replies.append(await ws.recv())
        negotiated = [type(e).__name__ for e in ws.extensions]
    print(json.dumps({"extensions": extensions, "negotiated": negotiated, "replies": replies}))


asyncio.run(asyncio.wait_for(main(sys.argv[1], sys.argv[2]), 30))
