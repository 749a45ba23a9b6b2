"""规则文件的快照：已读过的 YAML，按文件内容的散列保存，启动时不必再解析 / The bundled rule files, read once.

Reading the rules is most of a fresh ``zwgk decide``'s start-up, and most of that is parsing YAML (88
files, about 260 KB: libyaml's node graph, then ``_yaml``'s strict walk over it). The snapshot
(``_rules.snapshot.json`` beside this module, shipped in the wheel) holds, for each bundled rule file, the
tree that ``_yaml.loads`` gives for it, as JSON text, keyed by the SHA-256 of the file's bytes.

``_yaml.load`` hashes the bytes it has read and looks them up here: the same bytes always give the same
tree (reading is a pure function of them), so an entry is used only for exactly the bytes it was made
from. A rule file changed since the snapshot was made, or any file that was never in it (an agency's own
pack), is parsed as YAML, strictly, as before. The snapshot is therefore not a second source of the law:
like a ``.pyc`` checked by hash (PEP 552), it is made from ``rules/`` by::

    python -m zwgk_rules._snapshot          # writes src/zwgk_rules/_rules.snapshot.json

and ``tests/test_snapshot.py`` fails while it is out of date (the rules then load correctly, only slower).
Only JSON is read (no pickle, nothing executed); each lookup returns a tree of its own.

JSON has no dates and only string keys: a date is written ``{"\\u0000date": "2019-05-15"}`` and a mapping
with other keys (dates, numbers) ``{"\\u0000map": [[key, value], …]}``. A file whose tree holds anything
else, or a key starting with NUL, is left out of the snapshot (and so parsed as YAML).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

FORMAT = 1
PATH = Path(__file__).with_name("_rules.snapshot.json")
_DATE, _MAP = "\x00date", "\x00map"

_entries: dict | None = None        # sha256 hex -> [file, JSON text]; read on first use


class _NotPlain(ValueError):
    pass


def _hook(obj: dict):
    if len(obj) == 1:
        if _DATE in obj:
            return dt.date.fromisoformat(obj[_DATE])
        if _MAP in obj:
            return {k: v for k, v in obj[_MAP]}
    return obj


def _read() -> dict:
    global _entries
    if _entries is None:
        import msgspec                       # the outer document: 410 KB of JSON text, read 2.6 times faster than json
        try:
            doc = msgspec.json.decode(PATH.read_bytes())
            entries = doc["files"] if doc.get("format") == FORMAT else {}
        except (OSError, msgspec.MsgspecError, ValueError, KeyError, TypeError, AttributeError):
            entries = {}                     # no snapshot, or an unreadable one: every file is parsed as YAML
        _entries = entries
    return _entries


def tree(data: bytes):
    """The tree of a rule file whose bytes are ``data``, from the snapshot; ``MISSING`` when not in it."""
    entry = _read().get(hashlib.sha256(data).hexdigest())
    if entry is None:
        return MISSING
    return json.loads(entry[1], object_hook=_hook)


MISSING = object()


def _encode(value):
    """A tree from ``_yaml.loads`` as plain JSON values (see the module's docstring)."""
    kind = type(value)
    if kind is dict:
        if all(type(k) is str and not k.startswith("\x00") for k in value):
            return {k: _encode(v) for k, v in value.items()}
        if any(type(k) is str and k.startswith("\x00") for k in value):
            raise _NotPlain("key starting with NUL")
        return {_MAP: [[_encode(k), _encode(v)] for k, v in value.items()]}
    if kind is list:
        return [_encode(v) for v in value]
    if kind is dt.date:
        return {_DATE: value.isoformat()}
    if value is None or kind in (str, int, float, bool):
        return value
    raise _NotPlain(kind.__name__)


def build(root: Path | None = None) -> str:
    """The snapshot of every rule file under ``root`` (default: the bundled rules), as the file's text."""
    from ._errors import RuleFileError
    from ._resources import rules_root
    from ._yaml import loads

    root = Path(root) if root is not None else rules_root()
    lines = []
    seen = set()
    for path in sorted(root.rglob("*.yaml")):
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest in seen:
            continue
        try:
            text = data.decode("utf-8")
            encoded = _encode(loads(text.removeprefix("\ufeff"), file=str(path)))
        except (UnicodeDecodeError, RuleFileError, _NotPlain):
            continue                          # parsed as YAML when loaded, and refused there as it should be
        seen.add(digest)
        entry = [path.relative_to(root).as_posix(), json.dumps(encoded, ensure_ascii=False, separators=(",", ":"))]
        lines.append(f"{json.dumps(digest)}:{json.dumps(entry, ensure_ascii=False)}")
    return ('{"format":%d,\n"files":{\n' % FORMAT) + ",\n".join(lines) + "\n}}\n"


def main() -> None:               # pragma: no cover - a maintainer's command, checked by tests/test_snapshot.py
    text = build()
    PATH.write_text(text, encoding="utf-8")
    print(f"{PATH}: {text.count(chr(10)) - 3} files, {len(text.encode())} bytes")


if __name__ == "__main__":        # pragma: no cover
    main()
