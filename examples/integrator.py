"""一个集成方的脚本：判定申请、认定公文，读取有类型的字段 / An integrator's script: decide requests,
classify documents, read typed fields.

The package ships ``py.typed``: mypy checks code like this against the library's own types, and the test
suite does (``tests/test_types.py``: ``mypy --strict examples/integrator.py``). Run it:

    python examples/integrator.py
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

import zwgk_rules
from zwgk_rules import (Classification, Decision, DisclosureRequest, Document, Engine, Item, Submission,
                        ThirdParty, ZwgkError)


def request_for(case_no: str, asked: Iterable[str], received: dt.date) -> DisclosureRequest:
    """A typed request built in code: mypy checks the field names, the codes (``channel``) and the dates."""
    return DisclosureRequest(
        id=case_no,
        submission=Submission(channel="online", submitted_on=received, confirmed_on=received),
        items=tuple(Item(description=text) for text in asked),
    )


def reply_due(decision: Decision) -> dt.date | None:
    """The reply deadline: ``None`` while no period runs (a 补正 is awaited)."""
    return decision.deadline.due


def summary(decision: Decision) -> str:
    """One line for a case-handling screen."""
    due = reply_due(decision)
    when = due.isoformat() if due is not None else "（暂不计算 / not running）"
    articles = "、".join(c.label for c in decision.basis)
    todo = ", ".join(decision.actions) or "-"
    return f"{decision.id}: {decision.disposition} · 期限 {when} · 须先 {todo} · 依据 {articles}"


def must_publish_by(c: Classification) -> dt.date | None:
    """A proactive document's last day to publish; the attribute is a Literal of three codes."""
    if c.attribute == "proactive":
        return c.publish_by
    return None


def decide_batch(engine: Engine, lines: Iterable[str]) -> list[str]:
    """JSON lines in, one summary or error per line out (the batch goes on after a bad line)."""
    out: list[str] = []
    for result in engine.decide_many(json.loads(line) for line in lines):
        if isinstance(result, ZwgkError):
            out.append(f"错误 / error: {result.message}")
        else:
            out.append(summary(result))
    return out


def main() -> None:
    national = Engine()
    d = national.decide(request_for("2026-0001", ["2025年度行政事业性收费项目"], dt.date(2026, 9, 28)))
    assert d.disposition == "disclose" and reply_due(d) == dt.date(2026, 10, 30)
    print(summary(d))

    # a dict works as well as a model; an item with a third party's consent
    item = Item(description="某企业报送的工艺资料", categories=("trade_secret",), third_party=ThirdParty(consent=True))
    d2 = national.decide({"id": "2026-0002", "submission": {"channel": "in_person", "submitted_on": "2026-03-02"},
                          "items": [item.model_dump()]})
    assert [it.disposition for it in d2.items] == ["disclose"]
    print(summary(d2))

    for line in decide_batch(national, ['{"submission": {"channel": "fax"}}']):
        print(line)

    zhongwei = Engine("cn-nx-zhongwei-sfj")
    # no jurisdiction in the input: the engine's pack decides it
    c = zhongwei.classify(Document(title="关于公证收费标准的通知", formed_on=dt.date(2026, 4, 30), flags=("public_interest",)))
    assert must_publish_by(c) == dt.date(2026, 5, 25)
    print(c.attribute, must_publish_by(c), [step.step for step in c.review])

    schema = zwgk_rules.json_schema("decide", "output")
    print(len(schema["properties"]["disposition"]["enum"]), "disposition codes")


if __name__ == "__main__":
    main()
