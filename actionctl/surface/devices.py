"""The packages whose documented methods a server action cannot use: they drive a device's camera, screen,
player or files. Each method is declared so that calling it says why, instead of `… is not a function`."""

from __future__ import annotations

from actionctl.surface.model import DEVICE_ONLY, NOT_EMULATED, Method, Namespace

NAMESPACES: tuple[Namespace, ...] = (
    Namespace("Barcode", "fliplet-barcode", "docs/API/fliplet-barcode.md", (
        Method("scan", "scan(options)", "scans with the device's camera (native apps only)", DEVICE_ONLY),
        Method("show", "show(text, options)", "shows a code on the device's screen", DEVICE_ONLY),
        Method("encode", "encode(text, options)", "draws the code on a canvas, which actionctl does not have",
               NOT_EMULATED),
    )),
    # The page documents `Fliplet.Media.Audio(url)`, a player on the device; the package's namespace has no
    # method of its own in the docs, so none is offered.
    Namespace("Audio", "fliplet-audio", "docs/API/fliplet-audio.md", ()),
    Namespace("CSV", "fliplet-csv", "docs/API/fliplet-csv.md", (
        Method("encode", "encode(data, options)", "Papa Parse's encoder, which actionctl does not bundle",
               NOT_EMULATED),
        Method("decode", "decode(csv, options)", "Papa Parse's decoder, which actionctl does not bundle",
               NOT_EMULATED),
        Method("download", "download(data, options)", "downloads a file in a web app's browser", DEVICE_ONLY),
        Method("email", "email(data, options)", "attaches a file in the device's mail app", DEVICE_ONLY),
    )),
    # The page documents `Fliplet.DataSources.Encryption()`, not methods of `Fliplet.Encryption`.
    Namespace("Encryption", "fliplet-encryption", "docs/API/fliplet-encryption.md", ()),
)
