"""`Fliplet.Communicate` (package fliplet-communicate): what an action sends is captured, never sent."""

from __future__ import annotations

from actionctl.surface.model import DEVICE_ONLY, Method, Namespace

NAMESPACES: tuple[Namespace, ...] = (
    Namespace("Communicate", "fliplet-communicate", "docs/API/fliplet-communicate.md", (
        Method("sendEmail", "sendEmail(options, data)", "{}; `{{ name }}` in the options filled from `data`; "
               "captured as an `emails` effect (needs `to`, each with an `email`)"),
        Method("batchSendEmail", "batchSendEmail([{options, data}])", "{}; each email as `sendEmail` would; "
               "captured as `emails` effects", source="observed"),
        Method("sendSMS", "sendSMS({data: {to, body}})", "{}; captured as an `sms` effect"),
        Method("sendPushNotification", "sendPushNotification(appId, {title, body})",
               "{}; captured as a `pushes` effect (needs `title` and `body`)"),
        Method("composeEmail", "composeEmail(options, data)", "opens the device's mail app", DEVICE_ONLY),
        Method("shareURL", "shareURL(url | options)", "opens the device's share sheet", DEVICE_ONLY),
    )),
)
