"""How an online message (政民互动留言) is routed: the pack's ``interaction`` rules, read at the day received.

Each kind's periods are dated parameters of the jurisdiction (``interaction.<kind>.due_days``…), read at
``received_on`` like every other period.

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

    def period(name: str):
        """The kind's period ``name`` in force on the day received (``interaction.<kind>.<name>``), or None."""
        prm = law.parameters.get(f"interaction.{kd.kind}.{name}")
        v = prm.at(received) if prm is not None else None
        return None if v is None else v.value

    due_n = period("due_days")
    if due_n is None:
        inf = spec.in_force
        raise UnsupportedInputError(f"received_on: 规则包 {law.id} 的留言办理规定在 {received.isoformat()} 不适用"
                                    f"（适用期间 {inf.from_.isoformat()} 至 {inf.to.isoformat() if inf.to else '今'}）"
                                    f" / the pack's message rules are not in force on that day", field="received_on")
    min_n, ext_n = period("min_days"), period("extended_days")
    due = calendar.add_working_days(received, due_n)
    earliest = calendar.add_working_days(received, min_n) if min_n else None
    ext = calendar.add_working_days(received, ext_n) if ext_n else None
    last = max(d for d in (due, ext) if d is not None)
    out = {"jurisdiction": law.id, "kind": kd.kind, "label": kd.label, "office": kd.office,
           "route": list(kd.route), "due": due, "earliest": earliest, "extended_due": ext,
           "provisional": calendar.provisional(received, last),
           "basis": [cite(resolve(b)) for b in kd.basis], "note": kd.note}
    if message.id is not None:
        out = {"id": message.id, **out}
    return out
