"""Bundled statute text and the one parser/formatter of citations.

A citation string is ``<instrument>:<article>[:p<paragraph>][:i<item>]``, e.g. ``ogi-2019:36:i3``
(第三十六条第（三）项), ``ogi-2019:33:p2`` (第三十三条第二款). Every citation in a rule file must
resolve to text bundled under ``rules/statutes/`` (what the national rules cite) or in a pack's own
``statutes/`` folder when the rules load.
"""
from __future__ import annotations

import re
from msgspec import Struct
from pathlib import Path

from ._errors import CitationError, RuleFileError
from ._resources import relative, yaml_files
from ._schema import StatuteFile

# numbers are bounded as in statute files (MAX_ARTICLE, MAX_PARAGRAPH): a citation of 5,000 digits is a format error
_CITE = re.compile(r"^(?P<inst>[a-z0-9][a-z0-9\-]*):(?P<art>\d{1,4})(?::p(?P<para>\d{1,3}))?(?::i(?P<item>\d{1,3}))?$")

_CN_DIGITS = "零一二三四五六七八九"


def _cn_number(n: int) -> str:
    """1 → 一, 15 → 十五, 110 → 一百一十, 1102 → 一千一百零二 (up to 9999, the highest article number)."""
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n >= 10_000:
        return str(n)
    big, unit = (1000, "千") if n >= 1000 else (100, "百")
    head, rest = divmod(n, big)
    if not rest:
        return _CN_DIGITS[head] + unit
    tail = _cn_number(rest)
    if 10 <= rest < 20:
        tail = "一" + tail            # 一百一十, not 一百十
    return _CN_DIGITS[head] + unit + ("零" if rest < big // 10 else "") + tail


class Citation(Struct, frozen=True):
    """A resolved citation: instrument, article, paragraph, item and the bundled text."""

    regulation: str
    article: int
    paragraph: int | None
    item: int | None
    text: str
    title: str
    verbatim: bool
    article_label: str | None = None     # a local text's own heading, e.g. "一、扎实推动五公开"

    @property
    def key(self) -> str:
        s = f"{self.regulation}:{self.article}"
        if self.paragraph is not None:
            s += f":p{self.paragraph}"
        if self.item is not None:
            s += f":i{self.item}"
        return s

    @property
    def label(self) -> str:
        """Human form, e.g. 《中华人民共和国政府信息公开条例（2019年修订）》第三十六条第（三）项."""
        s = f"《{self.title}》" + (self.article_label or f"第{_cn_number(self.article)}条")
        if self.paragraph is not None:
            s += f"第{_cn_number(self.paragraph)}款"
        if self.item is not None:
            s += f"第（{_cn_number(self.item)}）项"
        return s

    def to_dict(self) -> dict:
        return {"regulation": self.regulation, "article": self.article, "paragraph": self.paragraph,
                "item": self.item, "text": self.text, "label": self.label, "verbatim": self.verbatim}


class Statutes:
    """All bundled instruments, indexed for citation lookup. Immutable after load."""

    def __init__(self, folder: Path, *, shipped: bool = False) -> None:
        self._inst: dict[str, dict] = {}
        self._cache: dict[str, Citation] = {}
        self.add_folder(folder, shipped=shipped)

    def add_folder(self, folder: Path, *, within: Path | None = None, shipped: bool = False) -> None:
        """Bundle every instrument file under ``folder`` (an agency's own pack brings its own text).

        Each file is validated against :class:`~zwgk_rules._schema.StatuteFile`; a number given twice
        (article, paragraph or item) is an error, never silently the last one. Nothing outside ``within``
        (default: ``folder``; for a pack, the pack's folder) is read, whatever symbolic links say. ``shipped``: texts
        shipped with the package, whose validated objects the snapshot may hold (``_rulebook._validate``)."""
        from ._rulebook import _validate      # (_rulebook imports this module)
        for path, real in yaml_files(folder, folder if within is None else within):
            rel = relative(path)
            doc = _validate(StatuteFile, path, real=real, shipped=shipped)
            iid = doc.id
            if iid in self._inst:
                raise CitationError(f"法规编号 {iid!r} 重复（已见于 {self._inst[iid]['file']}）/ duplicate statute id",
                                    file=rel, field="id")
            arts = {}
            for k, a in enumerate(doc.articles):
                where = f"articles.{k}"
                if a.article in arts:
                    raise RuleFileError(f"第{a.article}条重复 / article {a.article} given twice", file=rel,
                                        field=f"{where}.article")
                paras = {}
                para_verbatim = {}
                for pos, p in enumerate(a.paragraphs, start=1):
                    n = pos if p.n is None else p.n
                    if n in paras:
                        raise RuleFileError(f"第{a.article}条第{n}款重复 / paragraph {n} given twice", file=rel,
                                            field=f"{where}.paragraphs.{pos - 1}.n")
                    items = {}
                    for j, i in enumerate(p.items):
                        if i.n in items:
                            raise RuleFileError(f"第{a.article}条第{n}款第{i.n}项重复 / item {i.n} given twice",
                                                file=rel, field=f"{where}.paragraphs.{pos - 1}.items.{j}.n")
                        items[i.n] = i.text
                    paras[n] = (p.text, items)
                    art_verbatim = doc.verbatim if a.verbatim is None else a.verbatim
                    para_verbatim[n] = art_verbatim if p.verbatim is None else p.verbatim
                arts[a.article] = {"paragraphs": paras, "label": a.label, "para_verbatim": para_verbatim,
                                   "verbatim": all(para_verbatim.values())}
            self._inst[iid] = {"title": doc.title, "articles": arts, "file": rel, "in_force": doc.in_force,
                               "path": path, "source": doc.source, "promulgation": doc.promulgation,
                               "verbatim": doc.verbatim}

    @property
    def instruments(self) -> tuple[str, ...]:
        return tuple(self._inst)

    def title(self, instrument: str) -> str:
        return self._inst[instrument]["title"]

    def in_force(self, instrument: str):
        """The instrument's ``in_force`` (``InForce``), or None where its file gives none."""
        return self._inst[instrument]["in_force"]

    def about(self, instrument: str) -> dict:
        """What its file says of an instrument: ``title``, ``path`` (of the file), ``source``,
        ``promulgation``, ``verbatim`` (the file's default) and ``in_force``."""
        inst = self._inst[instrument]
        return {k: inst[k] for k in ("title", "path", "source", "promulgation", "verbatim", "in_force")}

    def resolve(self, ref: str, *, file: str | None = None, rule_id: str | None = None,
                field: str = "basis") -> Citation:
        """Resolve a citation string, or raise CitationError naming file, rule and field."""
        hit = self._cache.get(ref)
        if hit is not None:
            return hit
        m = _CITE.match(ref) if isinstance(ref, str) else None
        if not m:
            raise CitationError(f"引用格式不正确 {ref!r}，应为 法规:条[:p款][:i项]，如 ogi-2019:36:i3",
                                file=file, rule_id=rule_id, field=field)
        inst = self._inst.get(m["inst"])
        if inst is None:
            import difflib
            close = difflib.get_close_matches(m["inst"], list(self._inst), n=1)
            raise CitationError(f"引用的法规 {m['inst']!r} 未收录", file=file, rule_id=rule_id,
                                field=field, suggestion=close[0] if close else None)
        art_no = int(m["art"])
        art = inst["articles"].get(art_no)
        if art is None:
            raise CitationError(f"引用 {ref!r}：{m['inst']} 第{art_no}条的条文未收录于 {inst['file']}",
                                file=file, rule_id=rule_id, field=field)
        paras = art["paragraphs"]
        para_no = int(m["para"]) if m["para"] else None
        item_no = int(m["item"]) if m["item"] else None
        if para_no is not None and para_no not in paras:
            raise CitationError(f"引用 {ref!r}：第{art_no}条没有第{para_no}款", file=file,
                                rule_id=rule_id, field=field)
        if item_no is not None:
            if para_no is None:
                with_items = [n for n, (_, its) in paras.items() if item_no in its]
                if len(with_items) != 1:
                    raise CitationError(f"引用 {ref!r}：第{art_no}条找不到唯一的第{item_no}项，请写明款号",
                                        file=file, rule_id=rule_id, field=field)
                para_key = with_items[0]
            else:
                para_key = para_no
            if item_no not in paras[para_key][1]:
                raise CitationError(f"引用 {ref!r}：第{art_no}条第{para_key}款没有第{item_no}项",
                                    file=file, rule_id=rule_id, field=field)
            text = paras[para_key][0] + paras[para_key][1][item_no]
        elif para_no is not None:
            ptext, items = paras[para_no]
            text = ptext + "".join(items[k] for k in sorted(items))
        else:
            text = "\n".join(p[0] + "".join(p[1][k] for k in sorted(p[1])) for _, p in sorted(paras.items()))
        # A paragraph number is shown only where the article has more than one paragraph.
        shown_para = para_no if (para_no is not None and len(paras) > 1) else None
        # verbatim: the paragraph's own flag where one paragraph is cited (a text read in part), else the article's
        cited_para = para_no if para_no is not None else (para_key if item_no is not None else None)
        verbatim = art["para_verbatim"][cited_para] if cited_para is not None else art["verbatim"]
        cit = Citation(m["inst"], art_no, shown_para, item_no, text, inst["title"], bool(verbatim), art["label"])
        self._cache[ref] = cit
        return cit
