"""How an online message (政民互动留言) is routed: the pack's ``interaction`` rules, read at the day received.

The 条例 and national rules set no period for answering online messages; a pack that has its own rules
declares each kind of message with its periods, office and route. No legal content here.
"""
from __future__ import annotations

from ._errors import InputError, UnsupportedInputError
from ._limits import closest


def route(message, *, law, calendar, resolve, cite) -> dict:
    """The routing of ``message`` (a validated ``Message``) as a JSON-ready dict."""
    spec = law.pack.spec
    inter = spec.interaction if spec is not None else None
    if inter is None:
        raise UnsupportedInputError(f"jurisdiction: 规则包 {law.id} 没有政民互动（网上留言）办理规定",
                                    field="jurisdiction")
    kinds = {k.kind: k for k in inter.kinds}
    kd = kinds.get(message.kind)
    if kd is None:
        close = closest(message.kind, kinds)
        hint = f"（是否应为 {close!r}）" if close else ""
        raise InputError(f"kind: 未知的留言类别 {message.kind!r}{hint}；可选：{list(kinds)}", field="kind")
    received = message.received_on
    due = calendar.add_working_days(received, kd.due_days)
    earliest = calendar.add_working_days(received, kd.min_days) if kd.min_days else None
    ext = calendar.add_working_days(received, kd.extended_days) if kd.extended_days else None
    last = max(d for d in (due, ext) if d is not None)
    out = {"jurisdiction": law.id, "kind": kd.kind, "label": kd.label, "office": kd.office,
           "route": list(kd.route), "due": due, "earliest": earliest, "extended_due": ext,
           "provisional": calendar.provisional(received, last),
           "basis": [cite(resolve(b)) for b in kd.basis], "note": kd.note}
    if message.id is not None:
        out = {"id": message.id, **out}
    return out
