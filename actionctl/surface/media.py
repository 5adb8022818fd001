"""`Fliplet.Media` (package fliplet-media): folders and files answered from fixtures/media.yaml; writes
captured, never made."""

from __future__ import annotations

from actionctl.surface.model import DEVICE_ONLY, Method, Namespace

DOC = "docs/API/fliplet-media.md"
_STORAGE = "downloads files to a device"

NAMESPACES: tuple[Namespace, ...] = (
    Namespace("Media", "fliplet-media", DOC, (
        Method("authenticate", "authenticate(urlOrHtml)", "the text unchanged: a local run has no token to add"),
        Method("capture", "capture({source})", "takes a photo with the device's camera", DEVICE_ONLY),
    )),
    Namespace("Media.Folders", "fliplet-media", DOC, (
        Method("get", "get({folderId, appId, organizationId})", "{folders, files} of fixtures/media.yaml in that "
               "folder (top level without folderId)"),
        Method("create", "create({name, parentId})", "the new folder; captured as a `media` effect"),
        Method("delete", "delete(id)", "nothing; captured as a `media` effect"),
        Method("search", "search({name, folderId})", "the folders and files whose name contains `name`, each "
               "with `type`"),
    )),
    Namespace("Media.Files", "fliplet-media", DOC, (
        Method("upload", "upload({data, folderId})", "[the new file]; captured as a `media` effect"),
        Method("delete", "delete(id)", "nothing; captured as a `media` effect"),
        Method("getContents", "getContents(id, {size, format, quality})", "the file's `contents` in "
               "fixtures/media.yaml"),
    )),
    Namespace("Media.Files.Storage", "fliplet-media", DOC, tuple(
        Method(name, call, _STORAGE, DEVICE_ONLY) for name, call in (
            ("get", "get()"), ("getDownloaded", "getDownloaded(filter)"), ("getDownloading", "getDownloading()"),
            ("download", "download(url)"), ("ready", "ready()"), ("resolve", "resolve(url)"),
            ("getFile", "getFile(name)"), ("delete", "delete(name)"), ("deleteAll", "deleteAll()"),
            ("cancelDownload", "cancelDownload(url)")))),
)
