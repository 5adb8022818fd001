"""How fast the emulator answers on loopback, and what the client adds to each call.

Prints:
- requests per second the emulator serves for `list` (a page of 50 actions) and `get` (one action),
  one keep-alive connection, sequential requests;
- the client's overhead per call: `Client.get_action` (pacing, error mapping, JSON) next to a bare
  httpx request to the same URL, as a median per call and a ratio — with the in-memory pacer, and
  with the shared pacing ledger file the CLI uses (so separate commands pace together).
Run: python bench/remote.py [--requests N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

CODE = "async function execute(context) {\n  return { ok: true };\n}\n"
TOKEN = "bench-token"


def timed(call, count: int) -> list[float]:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()

    import httpx

    from actionctl.emulator import EmulatorOptions, serve
    from actionctl.remote.client import Client
    from actionctl.remote.pacing import Ledger, Pacer

    unlimited = {"crud": 10**9, "run": 10**9, "publish": 10**9}
    with tempfile.TemporaryDirectory() as folder, \
            serve(EmulatorOptions(db=Path(folder) / "bench.sqlite3", token=TOKEN, rate_limits=unlimited)) as server:
        client = Client(server.url, TOKEN, 1, pacer=Pacer(unlimited))
        for index in range(50):
            client.create_action({"name": f"bench-{index}", "code": CODE, "active": True,
                                  "triggers": [{"trigger": "manual"}]})
        first = client.list_actions()[0]["id"]
        raw = httpx.Client(base_url=server.url, headers={"Auth-token": TOKEN})
        list_url, get_url = "v3/apps/1/actions?limit=50&offset=0", f"v3/apps/1/actions/{first}"
        for _ in range(50):  # warm up connections and caches
            raw.get(list_url)
            client.get_action(first)

        listing = timed(lambda: raw.get(list_url).raise_for_status(), args.requests)
        getting = timed(lambda: raw.get(get_url).raise_for_status(), args.requests)
        through_client = timed(lambda: client.get_action(first), args.requests)
        # The CLI paces to 60 CRUD requests a window, so its ledger holds up to 60 stamps. A limit of 60
        # over a window shorter than the margin keeps the file that size without ever waiting long.
        pacer = Pacer({"crud": 60}, window=0.0, ledger=Ledger(Path(folder) / "pacing.json"))
        ledgered = Client(server.url, TOKEN, 1, pacer=pacer)
        through_ledger = timed(lambda: ledgered.get_action(first), args.requests)
        ledgered.close()
        client.close()
        raw.close()

    bare, ours = statistics.median(getting), statistics.median(through_client)
    shared = statistics.median(through_ledger)
    print(f"emulator, list (page of 50):   {len(listing) / sum(listing):8.0f} requests/s   "
          f"median {statistics.median(listing) * 1000:.2f} ms")
    print(f"emulator, get (one action):    {len(getting) / sum(getting):8.0f} requests/s   "
          f"median {bare * 1000:.2f} ms")
    print(f"client get_action per call:    {ours * 1000:8.2f} ms   bare httpx {bare * 1000:.2f} ms   "
          f"overhead {(ours - bare) * 1000:.3f} ms ({ours / bare:.2f}×)")
    print(f"  … with the pacing ledger:    {shared * 1000:8.2f} ms   "
          f"overhead {(shared - bare) * 1000:.3f} ms ({shared / bare:.2f}×)")


if __name__ == "__main__":
    sys.exit(main())
