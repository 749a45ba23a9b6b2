"""``zwgk doc``: a pack's page, ``README.md`` in its folder, written from ``pack.yaml`` and ``statutes/``.

Everything on the page comes from the pack: its fields (parameters, rules, sequences, interaction,
provisions), the text of every article it cites (from its ``statutes/``), its cases (``cases.yaml``), and
the prose written for the page in ``pack.yaml`` (``doc.changes``, ``doc.not_expressed``, and ``note_en``
beside each note). The same function writes the page of a bundled pack (``rules/packs/<id>/README.md``,
kept current by a test) and of an agency's own pack folder.
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

PAGE = "README.md"

STATUS = {
    "applied": "已适用 / applied",
    "same": "相同 / same",
    "stricter": "更严 / stricter",
    "looser": "较宽 / looser",
    "contradicts": "抵触 / contradicts",
    "no_national_basis": "无国家依据 / no national basis",
    "restates_repealed": "重述已废止规定 / restates repealed",
    "not_expressible": "不能表达 / not expressible",
}


def _cell(text) -> str:
    """Text for one cell of a Markdown table: one line, no column separator."""
    return str(text).strip().replace("|", "\\|").replace("\n", "<br>")


def _flow(v) -> str:
    """A condition as written in a rule file, in YAML flow style (``{flags: {has: media_release}}``)."""
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_flow(x)}" for k, x in v.items()) + "}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_flow(x) for x in v) + "]"
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def _days(v) -> str:
    """A message period: ``3个工作日``, or dated values ``2019-05-15起 5个工作日；2027-01-01起 3个工作日``."""
    if isinstance(v, dict):
        return "；".join(f"{day.isoformat()}起 {n}个工作日" for day, n in sorted(v.items()))
    return f"{v}个工作日"


def _codes(keys) -> str:
    return "、".join(f"`{k}`" for k in keys) if keys else "—"


class _Page:
    def __init__(self, rb, pack) -> None:
        self.rb, self.pack, self.spec = rb, pack, pack.spec
        self.own = tuple(self.spec.instrument)
        from ._resources import rules_root
        try:
            bundled = pack.folder.resolve().parent == (rules_root() / "packs").resolve()
        except OSError:
            bundled = False
        # the library's documentation is linked from the bundled packs' pages (repository layout)
        self.docs = "../../../docs/" if bundled else None

    def doc_link(self, name: str) -> str:
        return f"[{name}]({self.docs}{name})" if self.docs else f"`docs/{name}`"

    def label(self, cit) -> str:
        """The citation's heading; without the title when it is the pack's only text."""
        full = cit.label
        if len(self.own) == 1 and cit.regulation == self.own[0]:
            title = f"《{cit.title}》"
            if full.startswith(title):
                return full[len(title):]
        return full

    def quote(self, keys) -> str:
        res = self.rb.statutes.resolve
        return "<br><br>".join(f"**{self.label(c)}**（`{k}`）：{_cell(c.text)}" for k in keys for c in [res(k)])

    def is_own(self, key: str) -> bool:
        return key.partition(":")[0] in self.own

    def file_of(self, iid: str) -> str:
        path = self.rb.statutes.about(iid)["path"]
        try:
            rel = path.relative_to(self.pack.folder).as_posix()
        except ValueError:
            from ._resources import relative
            return f"`{relative(path)}`"
        return f"[`{rel}`]({rel})"

    # ------------------------------------------------------------ sections

    def header(self) -> list[str]:
        s, st = self.spec, self.rb.statutes
        title = f"# {s.title}（`{s.pack}`）" + (f" / {s.title_en}" if s.title_en else "")
        texts = []
        for iid in self.own:
            a = st.about(iid)
            how = "逐字" if a["verbatim"] else "非逐字（摘要）"
            src = f"；来源：{_cell(a['source'])}" if a["source"] else ""
            texts.append(f"《{_cell(a['title'])}》，{self.file_of(iid)}（{how}{src}）")
        seed = texts[0] if len(texts) == 1 else f"{len(texts)} 个法规文件，见下文“原文” / {len(texts)} texts, see below"
        proms = list(dict.fromkeys(st.about(i)["promulgation"] for i in self.own if st.about(i)["promulgation"]))
        span = s.in_force.from_.isoformat() + (f" 至 {s.in_force.to.isoformat()}" if s.in_force.to else "")
        rows = [("规则包 / pack", f"`{s.pack}`（输入字段 `jurisdiction`）"),
                ("地区 / region", f"{s.region.name}（{s.region.code}）"),
                ("日历 / calendar", f"`{s.calendar}`（见 {self.doc_link('calendars.md')}）"),
                ("条例版本 / regime", f"`{s.regime}`"),
                ("适用起始日 / in force from", span),
                ("原文 / seed text", seed),
                ("发布 / promulgation", "<br>".join(_cell(p) for p in proms) or "—"),
                ("规则包文件 / pack file", "[`pack.yaml`](pack.yaml)")]
        cases = self.cases()
        if cases:
            rows.append(("用例 / cases", f"[`cases.yaml`](cases.yaml)：{len(cases)} 个"))
        out = [title, "",
               "> 本页由 `zwgk doc` 从本目录的 `pack.yaml`（说明文字见其中的 `doc` 与 `note_en`）和 `statutes/` 生成，请勿手改。",
               "> Generated by `zwgk doc` from this folder's `pack.yaml` (prose in its `doc` and `note_en` fields) and "
               "`statutes/`; do not edit by hand.", "",
               "| 项目 / Item | 值 / Value |", "|---|---|"]
        out += [f"| {k} | {v} |" for k, v in rows]
        return out + [""]

    def texts(self) -> list[str]:
        if len(self.own) < 2:
            return []
        st = self.rb.statutes
        out = ["## 原文 / The texts", "",
               "本包的原文由几个文件组成，每个文件是一个法规（引用为 `<法规>:<条>`，条号是该文件自己的条号）。 / "
               "The text is several documents, each an instrument cited by its own article numbers.", "",
               "| 法规 / instrument | 标题 / title | 文件 / file | 逐字 / verbatim | 来源 / source |", "|---|---|---|---|---|"]
        for iid in self.own:
            a = st.about(iid)
            how = "是 / yes" if a["verbatim"] else "否（摘要）/ no (summary)"
            out.append(f"| `{iid}` | 《{_cell(a['title'])}》 | {self.file_of(iid)} | {how} | {_cell(a['source'] or '—')} |")
        return out + [""]

    def changes(self) -> list[str]:
        doc = self.spec.doc
        if doc is None or not doc.changes:
            return []
        return ["## 本包改变了什么 / What the pack changes", "", doc.changes.strip(), ""]

    def parameters(self) -> list[str]:
        if not self.spec.parameters:
            return []
        out = ["## 参数 / Parameters", "",
               "国家参数按 `target` 改写；只有更短的期限（`relation: stricter`）才 `effect: apply`，其余只记录（`record`），"
               "由国家规则决定。 / Only a shorter period is applied; everything else is recorded and the national value governs.", "",
               "| 参数 / target | 本包的值 / value | 关系 / relation | 效果 / effect | 国家规定 / national | 原文 / seed text | 说明 / note |",
               "|---|---|---|---|---|---|---|"]
        for p in self.spec.parameters:
            values = []
            for day, v in sorted(p.values.items()):
                if v.value is None:
                    shown = "无规定 / none"
                elif isinstance(v.value, (list, tuple)):
                    shown = "、".join(f"`{x}`" for x in v.value)
                else:
                    shown = f"{v.value}" + (f" {p.unit}" if p.unit else "")
                values.append(f"{day.isoformat()}起：{shown}")
            if p.applies_when is not None:
                values.append(f"仅当 / only when `{_flow(p.applies_when)}`")
            basis = list(dict.fromkeys(b for v in p.values.values() for b in v.basis))
            note = _cell(p.note) if p.note else ""
            if p.note_en:
                note += ("<br><br>" if note else "") + f"*{_cell(p.note_en)}*"
            out.append(f"| `{p.target}`<br>{_cell(p.description)} | {'<br>'.join(values)} | {p.relation} | {p.effect} | "
                       f"{_codes(p.national)} | {self.quote(basis) or '—'} | {note or '—'} |")
        return out + [""]

    def rule_row(self, r, review: bool) -> str:
        first = f"`{r.id}`" + (f"<br>替换 / replaces {_codes(r.exception_to)}" if r.exception_to else "")
        when = "一切公文 / every document" if not r.when else f"`{_flow(r.when)}`"
        own = [b for b in r.basis if self.is_own(b)]
        national = [b for b in r.basis if not self.is_own(b)]
        seed = self.quote(own) or "—"
        if national:
            seed += f"<br>国家依据 / national: {_codes(national)}"
        note = _cell(r.title)
        if r.in_force is not None:
            span = r.in_force.from_.isoformat() + (f" 至 {r.in_force.to.isoformat()}" if r.in_force.to else " 起")
            note += f"<br>施行 / in force: {span}"
        if r.note:
            note += f"<br>{_cell(r.note)}"
        if r.note_en:
            note += f"<br><br>*{_cell(r.note_en)}*"
        value = r.then.value if isinstance(r.then.value, str) or r.then.value is None else f"from {r.then.value.from_}"
        if review:
            return f"| {first} | `{value}` | {_cell(r.then.role or '—')} | {when} | {seed} | {note} |"
        return f"| {first} | `{value}` | {when} | {seed} | {note} |"

    def rules(self) -> list[str]:
        tables = list(dict.fromkeys(r.table for r in self.spec.rules))
        out = []
        for address in tables:
            rules = [r for r in self.spec.rules if r.table == address]
            if address == "classify.review":
                out += ["## 增加的审查步骤（`classify.review`） / Review steps added", "",
                        "审查流程表的命中策略为 collect：每一个适用的步骤都列出，按本包的顺序（`sequences`）排列。"
                        "`exception_to` 指向被替换的国家规则。 / Every applicable step is listed, in the pack's order; "
                        "`exception_to` names the national rule a pack rule replaces.", "",
                        "| 规则 / rule | 步骤 / step | 角色 / role | 条件 / when | 原文 / seed text | 说明 / note |",
                        "|---|---|---|---|---|---|"]
                out += [self.rule_row(r, True) for r in rules]
            else:
                out += [f"## 增加的规则（`{address}`） / Rules added to `{address}`", "",
                        "| 规则 / rule | 结论 / value | 条件 / when | 原文 / seed text | 说明 / note |", "|---|---|---|---|---|"]
                out += [self.rule_row(r, False) for r in rules]
            out.append("")
            seq = self.spec.sequences.get(address)
            if seq:
                out += [f"本包的步骤顺序 / order of steps in this pack（`sequences.{address}`）：", "",
                        " → ".join(f"`{v}`" for v in seq), ""]
                national = {r.value for r in self.rb.table(address).rules}
                kept = [v for v in seq if v in national]
                if kept:
                    where = f"（{self.doc_link('classify.md')}）" if address.startswith("classify.") else ""
                    out += [f"其中 {'、'.join(f'`{v}`' for v in kept)} 是国家规则的步骤{where}，未被替换的照样列出。"
                            " / The national steps stay unless replaced.", ""]
        if tables and set(tables) == {"classify.review"}:
            out += ["公开属性（`classify.attribute`）和依申请公开的决策表（`decide`）本包不增加规则：原文与国家规则相同的记为“相同”，"
                    "与国家规定抵触或没有国家依据的只记录，不推翻国家规则。 / No attribute or decide rules are added: "
                    "restatements are recorded as `same`; contradictions and local grounds are recorded and never "
                    "override the national law.", ""]
        return out

    def interaction(self) -> list[str]:
        it = self.spec.interaction
        if it is None:
            return []
        out = ["## 政民互动 / Online messages (`interaction`)", "",
               f"{it.title}。单位：工作日（`working_days`），起算：收到留言之日（`received`，该日不计入）。", ""]
        if it.note:
            out += [it.note.strip(), ""]
        if it.note_en:
            out += [f"*{it.note_en.strip()}*", ""]
        cited = list(dict.fromkeys(b for k in it.kinds for b in k.basis))
        if cited:
            out += ["原文 / seed text：", ""]
            for k in cited:
                out += [f"> {self.quote([k])}", ""]
        out += ["| 类别 / kind | 期限 / period | 办理部门 / office | 路线 / route | 依据 / basis | 说明 / note |",
                "|---|---|---|---|---|---|"]
        for k in it.kinds:
            if any(isinstance(v, dict) for v in (k.due_days, k.min_days, k.extended_days)):
                period = "<br>".join(f"{name}：{_days(v)}" for name, v in (
                    ("due", k.due_days), ("earliest", k.min_days), ("extended_due", k.extended_days)) if v is not None)
            elif k.min_days is not None:
                period = f"{k.min_days}—{k.due_days}个工作日（due {k.due_days}，earliest {k.min_days}）"
            elif k.extended_days is not None:
                period = f"{k.due_days}个工作日；或 {k.extended_days}个工作日（extended_due）"
            else:
                period = f"{k.due_days}个工作日"
            note = _cell(k.note) if k.note else ""
            if k.note_en:
                note += ("<br><br>" if note else "") + f"*{_cell(k.note_en)}*"
            out.append(f"| `{k.kind}`<br>{_cell(k.label)} | {period} | {_cell(k.office or '—')} | "
                       f"{' → '.join(_cell(r) for r in k.route) or '—'} | {_codes(k.basis)} | {note or '—'} |")
        return out + [""]

    def provisions(self) -> list[str]:
        if not self.spec.provisions:
            return []
        out = ["## 记录的条款 / Recorded provisions", "",
               "每条原文规定都有一条记录：与国家规定的关系（`status`）、比较的国家条文（`national`），以及是否、为何未作为规则适用。"
               "一致性检查据此报告抵触和已废止规定的重述。 / Every provision of the seed is recorded with its relation to "
               "the national law and why it is or is not applied; the consistency report reads these.", "",
               "| 编号 / id | 关系 / status | 原文 / seed text | 本包的记录 / summary and note | 国家规定 / national |",
               "|---|---|---|---|---|"]
        for pv in self.spec.provisions:
            text = _cell(pv.summary)
            if pv.note:
                text += f"<br>{_cell(pv.note)}"
            if pv.note_en:
                text += f"<br><br>*{_cell(pv.note_en)}*"
            out.append(f"| `{pv.id}` | {STATUS[pv.status]} | {self.quote(pv.cite) or '—'} | {text} | {_codes(pv.national)} |")
        return out + [""]

    def not_expressed(self) -> list[str]:
        doc = self.spec.doc
        if doc is None or not doc.not_expressed:
            return []
        out = ["## 不能表达的内容及原因 / What could not be expressed, and why", "",
               "| 原文 / seed | 原因 / reason |", "|---|---|"]
        out += [f"| {_cell(n.seed)} | {_cell(n.reason)} |" for n in doc.not_expressed]
        return out + [""]

    def cases(self) -> list[dict]:
        from .testing.cases import CASES_FILE, load_cases
        if self.pack.folder is None or not (self.pack.folder / CASES_FILE).is_file():
            return []
        return load_cases(self.pack.folder)

    def case_list(self) -> list[str]:
        cases = self.cases()
        if not cases:
            return []
        out = ["## 用例 / Cases", "",
               f"[`cases.yaml`](cases.yaml) 中以句子命名、期望值逐日手算的 {len(cases)} 个用例（用 `zwgk_rules.testing.cases` 运行，"
               f"见 {self.doc_link('testing.md')}）： / {len(cases)} literal cases, run with `zwgk_rules.testing.cases`:", ""]
        out += [f"- {_cell(c['name'])}（`{c.get('command', 'decide')}`）" for c in cases]
        return out + [""]

    def render(self) -> str:
        lines = (self.header() + self.texts() + self.changes() + self.parameters() + self.rules()
                 + self.interaction() + self.provisions() + self.not_expressed() + self.case_list())
        return "\n".join(lines).rstrip() + "\n"


def render_pack_doc(rb, pack_id: str) -> str:
    """The page of pack ``pack_id`` of ``rb`` (Markdown), as ``zwgk doc`` writes it to ``README.md``."""
    pack = rb.pack(pack_id)
    if pack.spec is None:
        from ._errors import InputError
        raise InputError("国家规则没有规则包页面 / the national rules have no pack page", field="jurisdiction")
    return _Page(rb, pack).render()


def _targets(folders) -> tuple[object, list]:
    """The rulebook and ``(pack id, folder)`` of every pack to write: the folders given (bundled or not),
    or every bundled pack."""
    from ._errors import RuleFileError
    from ._resources import rules_root
    from ._rulebook import Rulebook, bundled_pack_folders, default_rulebook
    bundled_root = (rules_root() / "packs").resolve()
    given = [Path(f) for f in folders] or bundled_pack_folders()
    own = [f for f in given if f.resolve().parent != bundled_root]
    rb = Rulebook(packs=own) if own else default_rulebook()
    by_folder = {p.folder.resolve(): pid for pid, p in rb.packs.items() if p.folder is not None}
    out = []
    for f in given:
        pid = by_folder.get(f.resolve())
        if pid is None:
            raise RuleFileError("不是规则包目录 / not a pack folder", file=str(f), field="pack")
        out.append((pid, f))
    return rb, out


def run_doc(folders, *, check: bool = False, out=None) -> int:
    """``zwgk doc [PACK_DIR ...] [--check]``: write each pack's ``README.md`` (every bundled pack's when no
    folder is given); with ``check``, write nothing and say which pages are not current (exit status 1)."""
    from ._resources import contained
    out = out or sys.stdout
    rb, targets = _targets(folders)
    stale = []
    for pid, folder in targets:
        text = render_pack_doc(rb, pid)
        path = folder / PAGE
        real = contained(path, folder)       # a README.md leading outside the pack folder is neither read nor written
        current = real.read_text(encoding="utf-8") if real.is_file() else None
        if current == text:
            continue
        if check:
            stale.append(path)
            out.write(f"{path}：与 pack.yaml、statutes/ 不一致 / not current — 运行 / run: zwgk doc {folder}\n")
        else:
            real.write_text(text, encoding="utf-8")
            out.write(f"{path}\n")
    return 1 if stale else 0
