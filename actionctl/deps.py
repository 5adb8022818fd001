"""URL dependencies: scripts an action loads before its code, kept in a local cache for offline runs.

The service loads each http(s) dependency before running the action. Locally we never reach the
network while running: `actionctl deps fetch` downloads them into `.actionctl/cache/deps/` (git-ignored),
and runs read them from there.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from actionctl.atomicfile import write_atomic
from actionctl.errors import DependencyNotCachedError

CACHE_DIR = Path(".actionctl") / "cache" / "deps"
MAX_SCRIPT_BYTES = 20 * 1024 * 1024


@dataclass
class Fetched:
    url: str
    path: Path | None
    error: str | None = None
    cached: bool = False  # already there, nothing downloaded


def is_url(dependency: str) -> bool:
    return dependency.startswith(("http://", "https://"))


def cache_path(root: Path, url: str) -> Path:
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]
    return root / CACHE_DIR / f"{digest}.js"


def cached_scripts(root: Path, dependencies: list[str]) -> list[dict]:
    """The sources of the URL dependencies, in order; DependencyNotCachedError names the missing ones."""
    urls = [d for d in dependencies if is_url(d)]
    missing = [url for url in urls if not cache_path(root, url).is_file()]
    if missing:
        raise DependencyNotCachedError(missing)
    return [{"url": url, "source": cache_path(root, url).read_text(encoding="utf-8", errors="replace")}
            for url in urls]


def fetch(root: Path, urls: list[str], *, refresh: bool = False, timeout: float = 30.0) -> list[Fetched]:
    """Download each URL into the cache (skipping cached ones unless `refresh`)."""
    import httpx

    results = []
    with httpx.Client(timeout=timeout, follow_redirects=True) as client:
        for url in dict.fromkeys(urls):
            path = cache_path(root, url)
            if path.is_file() and not refresh:
                results.append(Fetched(url, path, cached=True))
                continue
            results.append(_download(client, url, path))
    return results


def _download(client, url: str, path: Path) -> Fetched:
    import httpx

    try:
        response = client.get(url)
    except httpx.HTTPError as exc:
        return Fetched(url, None, f"{type(exc).__name__}: {exc}")
    if response.status_code != 200:
        return Fetched(url, None, f"HTTP {response.status_code}")
    if len(response.content) > MAX_SCRIPT_BYTES:
        return Fetched(url, None, f"larger than {MAX_SCRIPT_BYTES // (1024 * 1024)} MB")
    write_atomic(path, response.content.decode("utf-8", errors="replace"))
    return Fetched(url, path)
