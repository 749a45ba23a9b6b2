"""Loading the bundled rules once: statutes, regimes, decision tables, deadline parameters, calendars."""
from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Mapping
from msgspec import Struct
from pathlib import Path

from pydantic import ValidationError

from ._calendar import Calendar, load_calendars
from ._errors import InputError, RuleFileError
from ._gc import paused
from ._facts import SCOPES, FieldType
from ._limits import MAX_PACK_RULES, closest


def _ft(values):
    return FieldType("scalar", tuple(values))

from ._resources import contained, load_yaml, relative, rules_root
from ._schema import (ClassifyFile, PackFile, DeadlineFile, DispositionFile, RegimeFile, RegimesFile,
                      TableFile)
from ._jurisdiction import Jurisdiction, Param, ParamValue, check_local_parameters, compile_jurisdiction
from ._statutes import Citation, Statutes
from ._tables import CompiledTable
from ._yaml import load as _load
from . import _snapshot


_READ = object()


def _validate(model, path: Path, data=_READ, *, every: list | None = None, shipped: bool = False,
              real: Path | None = None):
    """``data`` (default: the file read, from ``real`` when given) as ``model``, or one RuleFileError naming the
    file and the field. With ``every`` (a list), each schema error is appended to it as its own RuleFileError
    and None is returned when there is any (``zwgk check`` reports them all).

    ``shipped``: a file of the rules shipped with the package (``Rulebook()``), whose validated object the
    snapshot may hold for its bytes (``_snapshot.validated``): then that object, rebuilt without validating."""
    if shipped:
        obj = _snapshot.validated(model, real or path)
        if obj is not _snapshot.MISSING:
            return obj
    if data is _READ:
        data = load_yaml(path) if real is None else _load(real, file=relative(path))
    if not isinstance(data, dict):
        kind = "空文件 / empty" if data is None else f"{type(data).__name__}"
        raise RuleFileError(f"文件内容须为映射（键: 值），而不是 {kind} / the file must be a mapping",
                            file=relative(path), field="(root)")
    try:
        obj = model.model_validate(data)
    except ValidationError as exc:
        errors = [_schema_error(model, path, data, e) for e in exc.errors()]
        if every is None:
            raise errors[0] from None
        every.extend(errors)
        return None
    if shipped and _snapshot.recording is not None:
        _snapshot.recording.append((real or path, model, obj))      # the snapshot's maker (``_snapshot.build``)
    return obj


def _schema_error(model, path: Path, data: dict, e: dict) -> RuleFileError:
    loc = ".".join(str(p) for p in e["loc"])
    rid = None
    if e["loc"][:1] == ("rules",) and len(e["loc"]) > 1 and isinstance(data, dict):
        try:
            rid = data["rules"][e["loc"][1]].get("id")
        except (IndexError, KeyError, TypeError, AttributeError):
            rid = None
    sugg = None
    if e["type"] == "extra_forbidden":
        fields = list(model.model_fields) if len(e["loc"]) == 1 else None
        if fields is None and rid is not None:
            from ._schema import RuleSpec
            fields = list(RuleSpec.model_fields) + ["when", "then"]
        if fields:
            sugg = closest(e["loc"][-1], fields)
    return RuleFileError(f"{e['msg']}", file=relative(path), rule_id=rid, field=loc, suggestion=sugg)


class ReceiptRule(Struct, frozen=True):
    field: str
    basis: tuple[Citation, ...]
    note: str | None


class Step(Struct, frozen=True):
    """A step of the deadline procedure, or the rule behind a warning code: its id in ``trace``, its
    title and its resolved citations (``deadlines.yaml`` ``steps`` / ``warnings``)."""

    id: str
    title: str
    basis: tuple[Citation, ...]


class Regime(Struct, frozen=True):
    id: str
    title: str
    start: dt.date
    end: dt.date | None
    request_table: CompiledTable
    item_tables: tuple[CompiledTable, ...]
    receipt: dict
    params: dict
    file: str
    steps: dict = None            # name -> Step (reply_period, agreed_due)
    warnings: dict = None         # warning code -> Step
    correction_action: str = ""   # the request table's action asking for a 补正 (deadlines.yaml `correction`)

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


class ClassifyRules(Struct, frozen=True):
    start: dt.date
    tables: tuple
    doc_types: tuple[str, ...]
    recognise_from_title_end: bool
    reason_required: frozenset
    reason_basis: tuple              # ((first day, citations), …) by first day
    params: dict
    file: str
    publish_attribute: str = ""      # documents of this attribute get publish_by …
    publish_period: str = ""         # … within this parameter's working days
    regimes: tuple = ()              # the regimes (Regime) whose rules the tables hold, by date

    def reason_basis_at(self, day: dt.date) -> tuple:
        """The citations behind ``reason_required`` for a document formed on ``day``."""
        best = ()
        for start, basis in self.reason_basis:
            if start <= day:
                best = basis
        return best


class Pack(Struct, frozen=True):
    id: str
    title: str
    calendar: str
    spec: object          # PackFile, or None for the national rules alone
    file: str | None
    #: the pack's folder (``pack.yaml``, ``statutes/``, ``cases.yaml``, ``README.md``), bundled or not
    folder: Path | None = None


class Rulebook:
    """Everything under ``rules/``, validated and compiled once. Immutable, picklable, thread-safe."""

    def __init__(self, root: Path | None = None, *, packs=()) -> None:
        """Load the bundled rules (or those under ``root``), plus any extra pack folders given in
        ``packs``. A pack folder, bundled (``rules/packs/<id>/``) or given, holds a ``pack.yaml`` and, in
        ``statutes/``, the text of its own instrument(s); both kinds are opened by the same code."""
        with paused():               # much is built, almost nothing thrown away (``_gc``)
            self._load(root, packs)

    def _load(self, root, packs) -> None:
        # the rules shipped with the package: bundled packs read on first use, validated objects from the snapshot
        self._shipped = shipped = root is None
        root = Path(root) if root is not None else rules_root()
        self.root = root
        self.statutes = Statutes(root / "statutes", shipped=shipped)
        nat = root / "national"
        disp = _validate(DispositionFile, nat / "dispositions.yaml", shipped=shipped)
        self.dispositions = tuple(c.code for c in disp.codes)
        self.disposition_info = {c.code: c for c in disp.codes}
        #: codes that are not yet an answer (``final`` false in a decision): ``pending``
        self.not_final = frozenset(c.code for c in disp.codes if not c.final)
        #: codes that give the applicant (some of) the information: ``disclose``, ``partial``
        self.disclosing = frozenset(c.code for c in disp.codes if c.discloses)
        dfile = relative(nat / "dispositions.yaml")
        for k, step in enumerate(disp.combination):
            for code in (*step.of, step.then):
                if code not in self.disposition_info and code != "earliest_row":
                    raise RuleFileError(f"{code!r} 不是处理代码", file=dfile, field=f"combination.{k}",
                                        suggestion=closest(code, self.disposition_info))
        if not disp.combination or disp.combination[-1].when != "otherwise":
            raise RuleFileError("combination 的最后一条须为 when: otherwise", file=dfile, field="combination")
        self.combination = disp.combination
        regs = _validate(RegimesFile, nat / "regimes.yaml", shipped=shipped)
        for b in regs.basis:
            self.statutes.resolve(b, file=relative(nat / "regimes.yaml"), field="basis")
        self.earliest = regs.earliest
        self.regimes_note = regs.unconfirmed
        regimes = []
        for span in regs.regimes:
            regimes.append(self._load_regime(nat / span.folder, span))
        regimes.sort(key=lambda r: r.start)
        for a, b in zip(regimes, regimes[1:]):
            if a.end is None or a.end >= b.start:
                raise RuleFileError(f"法规版本 {a.id} 与 {b.id} 的施行期间重叠", file=relative(nat / "regimes.yaml"),
                                    field="regimes")
            if (b.start - a.end).days != 1:
                raise RuleFileError(f"法规版本 {a.id} 与 {b.id} 之间有空档", file=relative(nat / "regimes.yaml"),
                                    field="regimes")
        self.regimes = tuple(regimes)
        self.classify = self._load_classify(nat / "classify")
        linked = [t for reg in regimes for t in (reg.request_table, *reg.item_tables)] + list(self.classify.tables)
        ids = {r.id for t in linked for r in t.rules}
        for t in linked:
            for r in t.rules:
                for other in r.spec.corresponds_to:
                    if other not in ids:
                        raise RuleFileError(f"corresponds_to 指向不存在的规则 {other!r}", file=r.file, rule_id=r.id,
                                            field="corresponds_to", suggestion=closest(other, ids))
        self.calendars: dict[str, Calendar] = load_calendars(root / "calendars")
        cal_file = relative(root / "calendars" / "calendars.yaml")
        for spec in load_yaml(root / "calendars" / "calendars.yaml")["calendars"]:
            cid = spec["id"]
            for key in ("weekend_basis", "holiday_basis"):
                if spec.get(key):
                    self.statutes.resolve(spec[key], file=cal_file, rule_id=cid, field=key)
        self._jurisdictions: dict = {}
        # One pack = one folder, bundled (rules/packs/<id>/) or given: the same layout, read the same way. Every
        # pack's texts are bundled now, before any pack is read; the shipped packs are read when first used
        # (``PackShelf``), those of a rules folder the caller names and the folders given, now.
        national = Pack("cn", "全国（仅国家法规）", "cn", None, None)
        bundled = {folder.name: _open_pack_folder(folder, self.statutes, shipped=shipped)
                   for folder in bundled_pack_folders(root)}
        opened = [_open_pack_folder(Path(folder), self.statutes) for folder in packs]
        self.packs = PackShelf(self, national, bundled)
        if not shipped:
            self.packs.read_all()
        for path, real in opened:
            pk = self._load_pack(path, real)
            if pk.id in self.packs:
                raise RuleFileError(f"规则包 {pk.id!r} 重复", file=relative(path), field="pack")
            self.packs.add(pk)
        if national.calendar not in self.calendars:
            raise RuleFileError(f"规则包 {national.id} 的日历 {national.calendar!r} 不存在", field="calendar")

    def _load_regime(self, folder: Path, span) -> Regime:
        rfile = folder / "regime.yaml"
        spec = _validate(RegimeFile, rfile, shipped=self._shipped)
        if spec.statute not in self.statutes.instruments:
            raise RuleFileError(f"statute {spec.statute!r} 未收录于 rules/statutes/", file=relative(rfile), field="statute",
                                suggestion=closest(spec.statute, self.statutes.instruments))
        if spec.regime != span.id or spec.in_force != span.in_force:
            raise RuleFileError("regime.yaml 与 regimes.yaml 的编号或施行期间不一致", file=relative(rfile),
                                field="in_force")
        tables: dict[str, CompiledTable] = {}
        upstream: dict[str, tuple[str, ...]] = {}
        for name in (spec.request_table, *spec.item_tables):
            path = folder / f"{name}.yaml"
            if not path.exists():
                raise RuleFileError(f"找不到决策表文件 {name}.yaml", file=relative(rfile), field="item_tables")
            t = _validate(TableFile, path, shipped=self._shipped)
            if t.table != name or t.regime != spec.regime:
                raise RuleFileError("table/regime 与文件名或所属版本不一致", file=relative(path), field="table")
            ups = upstream if t.scope == "item" else {}
            tables[name] = CompiledTable(t, relative(path), SCOPES[t.scope], dict(ups), self.statutes)
            if t.scope == "item":
                upstream[name] = t.outputs
        for name in spec.item_tables[-1:]:
            bad = set(tables[name].spec.outputs) - set(self.dispositions)
            if bad:
                raise RuleFileError(f"最终决策表的结论不是合同中的处理代码：{sorted(bad)}",
                                    file=tables[name].file, field="outputs")
        req_out = set(tables[spec.request_table].spec.outputs) - {"proceed"}
        if req_out - set(self.dispositions):
            raise RuleFileError(f"申请层面决策表的结论不是处理代码：{sorted(req_out - set(self.dispositions))}",
                                file=tables[spec.request_table].file, field="outputs")
        dfile = folder / spec.deadline_rules
        dl = _validate(DeadlineFile, dfile, shipped=self._shipped)
        drel = relative(dfile)
        receipt = {}
        for ch, rr in dl.receipt_date.items():
            receipt[ch] = ReceiptRule(rr.field, tuple(self.statutes.resolve(b, file=drel, rule_id=f"receipt_date.{ch}")
                                                      for b in rr.basis), rr.note)
        params = {}
        for name, p in dl.parameters.items():
            if p.at(spec.in_force.from_) is None:
                raise RuleFileError(f"参数 {name} 在 {spec.in_force.from_} 没有取值", file=drel, field=f"parameters.{name}")
            params[name] = self._param(f"{spec.regime}.{name}", p, drel)
        needed = {"reply_period", "max_extension", "correction_notice_period", "restart_on_correction",
                  "excluded_consultations", "consultation_limit_third_party", "consultation_limit_agency",
                  "agreed_due_replaces_due", "receipt_day_counted"}
        missing = needed - set(params)
        if missing:
            raise RuleFileError(f"缺少期限参数：{sorted(missing)}", file=drel, field="parameters")
        def step(kind: str, name: str, st) -> Step:
            return Step(st.id, st.title, tuple(self.statutes.resolve(b, file=drel, rule_id=st.id,
                                                                     field=f"{kind}.{name}.basis") for b in st.basis))

        steps = {name: step("steps", name, st) for name, st in dl.steps.items()}
        warnings = {code: step("warnings", code, st) for code, st in dl.warnings.items()}
        for kind, have, want in (("steps", steps, ("reply_period", "agreed_due")),
                                 ("warnings", warnings, ("correction_notice_late", "extension_after_due"))):
            missing = [w for w in want if w not in have]
            if missing:
                raise RuleFileError(f"缺少 {kind}：{missing}", file=drel, field=kind)
        req_actions = {a for w in tables[spec.request_table].spec.rules for a in w.then.actions}
        if dl.correction.requested_by not in req_actions:
            raise RuleFileError(f"correction.requested_by {dl.correction.requested_by!r} 不是申请层面决策表的 action"
                                f"（有：{sorted(req_actions)}）", file=drel, field="correction.requested_by",
                                suggestion=closest(dl.correction.requested_by, req_actions))
        for b in dl.correction.basis:
            self.statutes.resolve(b, file=drel, field="correction.basis")
        return Regime(spec.regime, spec.title, spec.in_force.from_, spec.in_force.to,
                      tables[spec.request_table], tuple(tables[n] for n in spec.item_tables), receipt, params,
                      relative(rfile), steps, warnings, dl.correction.requested_by)

    def _load_classify(self, folder: Path) -> "ClassifyRules":
        mfile = folder / "classify.yaml"
        spec = _validate(ClassifyFile, mfile, shipped=self._shipped)
        rel = relative(mfile)
        tables: dict[str, CompiledTable] = {}
        upstream: dict[str, tuple[str, ...]] = {}
        for name in spec.tables:
            path = folder / f"{name}.yaml"
            t = _validate(TableFile, path, shipped=self._shipped)
            if t.table != name or t.scope != "document":
                raise RuleFileError("table 与文件名不一致或 scope 不是 document", file=relative(path), field="table")
            tables[name] = CompiledTable(t, relative(path), SCOPES["document"], dict(upstream), self.statutes)
            upstream[name] = t.outputs
            # the tables hold the rules of several regulations: a rule cites only what is in force while it is
            for r, (a, b) in zip(tables[name].rules, tables[name].spans):
                for c in r.basis:
                    f = self.statutes.in_force(c.regulation)
                    if f is not None and (a < f.from_ or (f.to is not None and (b is None or b > f.to))):
                        raise RuleFileError(f"规则施行期间 {a}..{b or ''} 引用了不在施行中的 {c.key}（{f.from_}..{f.to or ''}）"
                                            f" / the rule cites a text not in force throughout its dates",
                                            file=r.file, rule_id=r.id, field="in_force")
        params = {name: self._param(f"classify.{name}", p, rel) for name, p in spec.parameters.items()}
        # the regimes the classify rules follow: known, and their first day is the rules' first day
        known = {r.id: r for r in self.regimes}
        for k, rid in enumerate(spec.regimes):
            if rid not in known:
                raise RuleFileError(f"regimes 中的 {rid!r} 不是 regimes.yaml 中的条例版本", file=rel,
                                    field=f"regimes.{k}", suggestion=closest(rid, known))
        regimes = tuple(sorted((known[r] for r in spec.regimes), key=lambda r: r.start))
        if spec.in_force.from_ != regimes[0].start:
            raise RuleFileError(f"in_force.from {spec.in_force.from_} 须为最早的条例版本 {regimes[0].id} 的施行之日 "
                                f"{regimes[0].start}", file=rel, field="in_force")
        rb_in = spec.reason_required.basis
        dated = sorted(rb_in.items()) if isinstance(rb_in, dict) else [(spec.in_force.from_, rb_in)]
        if dated[0][0] > spec.in_force.from_:
            raise RuleFileError(f"reason_required.basis 在 {spec.in_force.from_} 没有依据", file=rel,
                                field="reason_required.basis")
        reason_basis = tuple((day, tuple(self.statutes.resolve(b, file=rel, field=f"reason_required.basis.{day}")
                                         for b in refs)) for day, refs in dated)
        attrs = next((t.spec.outputs for n, t in tables.items() if n == "attribute"), ())
        # the rule files name the contract's vocabularies (_facts): they must agree with it, not rival it
        from ._facts import ATTRIBUTES, DOC_TYPES
        for what, have, want, field in (("文种", spec.doc_types.names, DOC_TYPES, "doc_types.names"),
                                        ("公开属性", attrs, ATTRIBUTES, "attribute.outputs")):
            if set(have) != set(want):
                raise RuleFileError(f"{what} 与输入合同的取值不一致：多 {sorted(set(have) - set(want))}，"
                                    f"缺 {sorted(set(want) - set(have))}", file=rel, field=field)
        if spec.publish.attribute not in attrs:
            raise RuleFileError(f"publish.attribute {spec.publish.attribute!r} 不是公开属性之一：{list(attrs)}", file=rel,
                                field="publish.attribute", suggestion=closest(spec.publish.attribute, attrs))
        if spec.publish.period not in params:
            raise RuleFileError(f"publish.period {spec.publish.period!r} 不是本文件的参数", file=rel,
                                field="publish.period", suggestion=closest(spec.publish.period, params))
        return ClassifyRules(spec.in_force.from_, tuple(tables[n] for n in spec.tables),
                             tuple(spec.doc_types.names), spec.doc_types.recognise_from_title_end,
                             frozenset(spec.reason_required.attributes), reason_basis,
                             params, rel, spec.publish.attribute, spec.publish.period, regimes)

    def _param(self, address: str, p, rel: str) -> Param:
        """A national parameter with every dated value of its rule file, citations resolved."""
        name = address.partition(".")[2]
        values = tuple(ParamValue(day, v.value, tuple(self.statutes.resolve(b, file=rel, rule_id=name,
                                                                            field=f"parameters.{name}.values.{day}.basis")
                                                      for b in v.basis), "national", v.unconfirmed)
                       for day, v in sorted(p.values.items()))
        return Param(address, p.description, p.unit, p.stricter, p.reported_as, values, rel)

    def national_parameters(self) -> dict[str, Param]:
        """Every national parameter by address: ``<regime>.<name>`` and ``classify.<name>`` (built once)."""
        out = self.__dict__.get("_national_params")
        if out is None:
            out = {f"classify.{n}": p for n, p in self.classify.params.items()}
            for r in self.regimes:
                out.update((f"{r.id}.{n}", p) for n, p in r.params.items())
            self._national_params = out
        return out

    def jurisdiction(self, pack_id: str = "cn") -> Jurisdiction:
        """The compiled law of one pack (national rules with the pack's differences), built once."""
        law = self._jurisdictions.get(pack_id)
        if law is None:
            law = self._jurisdictions[pack_id] = compile_jurisdiction(self, self.pack(pack_id))
        return law

    def __getstate__(self):
        d = self.__dict__.copy()
        d["_jurisdictions"] = {}        # compiled again on demand
        return d

    def table(self, address: str) -> CompiledTable:
        """A national table by address: ``classify.<name>`` or ``<regime>.<name>``."""
        head, _, name = address.partition(".")
        tables = self.classify.tables if head == "classify" else next(
            (r.item_tables + (r.request_table,) for r in self.regimes if r.id == head), ())
        for t in tables:
            if t.name == name:
                return t
        options = [f"classify.{t.name}" for t in self.classify.tables] + [
            f"{r.id}.{t.name}" for r in self.regimes for t in (r.request_table, *r.item_tables)]
        raise KeyError(closest(address, options))

    def parameter(self, address: str) -> Param | None:
        """A national parameter by address (``ogi-2019.reply_period``), or None."""
        return self.national_parameters().get(address)

    @property
    def attribute_values(self) -> tuple[str, ...]:
        """The disclosure attributes, as the classify attribute table declares them."""
        return next(t for t in self.classify.tables if t.name == "attribute").spec.outputs

    def _load_pack(self, path: Path, real: Path, every: list | None = None, shipped: bool = False) -> Pack | None:
        """The pack in ``path`` (named so in errors), read from ``real`` (its resolved path); ``shipped``: a
        pack shipped with the package, whose validated ``pack.yaml`` the snapshot may hold (``_validate``).

        Without ``every``, the first problem raises. With ``every`` (a list), every problem that can be
        found is appended to it (each parameter, provision and rule is checked on its own), and None is
        returned if there was any: ``zwgk check`` reports them all."""
        rel = relative(path)

        class _Each:                    # `with each:` — a problem is raised, or collected and the check goes on
            def __enter__(self):
                return self

            def __exit__(self, kind, exc, tb):
                if every is not None and isinstance(exc, RuleFileError):
                    every.append(exc)
                    return True
                return False

        each = _Each()
        before = len(every) if every is not None else 0
        spec = _snapshot.validated(PackFile, real) if shipped and every is None else _snapshot.MISSING
        if spec is _snapshot.MISSING:
            data = _load(real, file=rel)
            rules = data.get("rules") if isinstance(data, dict) else None
            count = len(rules) if isinstance(rules, list) else 0
        else:
            count = len(spec.rules)
        if count > MAX_PACK_RULES:      # before validating them one by one
            raise RuleFileError(f"规则包有 {count} 条规则，上限为 {MAX_PACK_RULES} 条 / more than {MAX_PACK_RULES} rules",
                                file=rel, field="rules")
        if spec is _snapshot.MISSING:
            spec = _validate(PackFile, path, data, every=every)
            if spec is not None and shipped and _snapshot.recording is not None:
                _snapshot.recording.append((real, PackFile, spec))
        if spec is None:
            return None
        with each:
            if spec.pack != path.parent.name:
                raise RuleFileError(f"pack {spec.pack!r} 与目录名 {path.parent.name!r} 不一致", file=rel, field="pack")
        with each:
            if not spec.instrument:
                raise RuleFileError("instrument 不能为空：写明本机关制度原文的法规编号 / name the pack's own text",
                                    file=rel, field="instrument")
            for k, iid in enumerate(spec.instrument):
                if iid not in self.statutes.instruments:
                    where = "instrument" if len(spec.instrument) == 1 else f"instrument.{k}"
                    raise RuleFileError(f"instrument {iid!r} 未收录：规则包的 statutes/ 与 rules/statutes/ 中都没有"
                                        f"以它为 id 的法规文件 / no statute file has this id", file=rel, field=where,
                                        suggestion=closest(iid, self.statutes.instruments))
        with each:
            if spec.calendar not in self.calendars:
                raise RuleFileError(f"日历 {spec.calendar!r} 不存在", file=rel, field="calendar",
                                    suggestion=closest(spec.calendar, self.calendars))
        with each:
            if spec.regime not in [r.id for r in self.regimes]:
                raise RuleFileError(f"regime {spec.regime!r} 不存在", file=rel, field="regime")
        res = self.statutes.resolve
        for k, prm in enumerate(spec.parameters):
            f = f"parameters.{k}"
            with each:
                for b in prm.national:
                    res(b, file=rel, rule_id=prm.target, field=f"{f}.national")
            with each:
                for day, v in prm.values.items():
                    for b in v.basis:
                        res(b, file=rel, rule_id=prm.target, field=f"{f}.values.basis")
            with each:
                if prm.applies_when is not None:
                    from ._conditions import parse
                    parse(prm.applies_when, SCOPES["document"], file=rel, rule_id=prm.target, extra={
                        "attribute": _ft(self.attribute_values)}, root=f"{f}.applies_when")
            with each:
                check_local_parameters(self, spec, rel, only=k)
        for k, pv in enumerate(spec.provisions):
            with each:
                for b in pv.cite:
                    res(b, file=rel, rule_id=pv.id, field=f"provisions.{k}.cite")
                for b in pv.national:
                    res(b, file=rel, rule_id=pv.id, field=f"provisions.{k}.national")
        seen_ids: set[str] = set()
        for k, r in enumerate(spec.rules):
            with each:
                if r.id in seen_ids:
                    raise RuleFileError(f"规则编号 {r.id!r} 重复 / duplicate rule id", file=rel, rule_id=r.id,
                                        field=f"rules.{k}.id")
                seen_ids.add(r.id)
                try:
                    self.table(r.table)
                except KeyError as exc:
                    raise RuleFileError(f"rules.{k}.table 指向不存在的决策表 {r.table!r}", file=rel, rule_id=r.id,
                                        field="table", suggestion=exc.args[0]) from None
        for k, dc in enumerate(spec.document_checks):
            with each:
                for b in dc.basis:
                    res(b, file=rel, rule_id=dc.id, field=f"document_checks.{k}.basis")
        for address in spec.sequences:
            with each:
                try:
                    table = self.table(address)
                except KeyError as exc:
                    raise RuleFileError(f"sequences 指向不存在的决策表 {address!r}", file=rel,
                                        field=f"sequences.{address}", suggestion=exc.args[0]) from None
                if table.hit_policy != "collect":
                    raise RuleFileError(f"sequences 只用于 collect 决策表（如审查步骤），{address} 不是",
                                        file=rel, field=f"sequences.{address}")
        if spec.interaction is not None:
            for kd in spec.interaction.kinds:
                with each:
                    for b in kd.basis:
                        res(b, file=rel, rule_id=kd.kind, field="interaction.kinds.basis")
                for fname in ("due_days", "min_days", "extended_days"):
                    given = getattr(kd, fname)
                    if not isinstance(given, dict):
                        continue
                    with each:
                        inf = spec.in_force
                        days = sorted(given)
                        if not days or days[0] != inf.from_ or (inf.to is not None and days[-1] > inf.to):
                            raise RuleFileError(f"dated {fname} 须自规则包施行之日 {inf.from_} 起，且不晚于其失效之日"
                                                f" / dated periods start on the pack's first day and stay within it",
                                                file=rel, rule_id=kd.kind, field=f"interaction.kinds.{fname}")
        if every is not None and len(every) > before:
            return None
        return Pack(spec.pack, spec.title, spec.calendar, spec, rel, path.parent)

    def pack_problems(self, folder) -> list[RuleFileError]:
        """Every problem of the pack in ``folder`` that can be found, checked against these rules (which are
        not changed: the pack's statute texts are read into a copy of the statutes). Empty when it loads
        and compiles."""
        import copy
        folder = Path(folder)
        problems: list[RuleFileError] = []
        saved, self.statutes = self.statutes, copy.deepcopy(self.statutes)
        try:
            try:
                path, real = _open_pack_folder(folder, self.statutes, problems)
                pack = self._load_pack(path, real, every=problems)
                if pack is not None:
                    compile_jurisdiction(self, pack)        # the tables: the first problem there, if any
            except RuleFileError as exc:
                problems.append(exc)
        finally:
            self.statutes = saved
        return problems

    def regime_for(self, received: dt.date) -> Regime:
        for r in self.regimes:
            if r.covers(received):
                return r
        raise InputError(f"收到申请之日 {received.isoformat()} 早于 {self.earliest.isoformat()}"
                         f"（2008年条例施行之日），本库不适用 / before the first regulation took effect",
                         field="submission")

    def pack(self, pack_id: str) -> Pack:
        p = self.packs.get(pack_id) if isinstance(pack_id, str) else None
        if p is None:
            from ._limits import MAX_CODE, echo
            if not isinstance(pack_id, str) or len(pack_id) > MAX_CODE:
                raise InputError(f"未知的规则包 jurisdiction={echo(pack_id)}；可用：{sorted(self.packs)}",
                                 field="jurisdiction")
            close = closest(pack_id, self.packs)
            hint = f"（是否应为 {close!r}）" if close else ""
            raise InputError(f"未知的规则包 jurisdiction={pack_id!r}{hint}；可用：{sorted(self.packs)}",
                             field="jurisdiction")
        return p

    def tables(self):
        for r in self.regimes:
            yield r, r.request_table
            for t in r.item_tables:
                yield r, t


class PackShelf(Mapping):
    """规则包，按编号 / The packs by id: ``cn`` (the national rules alone), the bundled packs
    (``rules/packs/<id>/``, in name order) and the folders the caller gave, in that order.

    The packs shipped with the package (``Rulebook()`` without ``root``) are read and checked when first
    used (looked up, or listed with ``values()`` / ``items()``), not when the rules load: a fresh ``zwgk
    decide`` of a national request reads none of them (38 M instructions, 4.5 % of its start). They are the
    package's own files, checked by its tests and by ``zwgk check``; reading one is the same ``_load_pack``
    with the same errors (``RuleFileError``). Their texts (``statutes/``) are bundled when the rules load,
    as before, so every instrument resolves from the start. A pack's id is known without reading it: it must
    be its folder's name (``_load_pack`` checks it). The packs of a rules folder the caller names
    (``Rulebook(root)``) and pack folders given (``packs=``) are read at load: their problems are the
    caller's to see at once. Thread-safe: a pack is read once, under a lock."""

    def __init__(self, rb: "Rulebook", national: Pack, bundled: dict[str, tuple[Path, Path]]) -> None:
        """``bundled``: pack id -> (its ``pack.yaml``, that file's resolved path), texts already bundled."""
        self._rb = rb
        self._loaded: dict = {national.id: national}
        self._order: list[str] = [national.id, *bundled]
        self._waiting = dict(bundled)
        self._lock = threading.RLock()

    def read_all(self) -> None:
        """Read every bundled pack now, in name order (the first problem raises)."""
        for pack_id in list(self._waiting):
            self[pack_id]

    def add(self, pack: Pack) -> None:
        self._loaded[pack.id] = pack
        self._order.append(pack.id)

    def __getitem__(self, pack_id):
        pk = self._loaded.get(pack_id)
        if pk is None:
            if pack_id not in self._waiting:
                raise KeyError(pack_id)
            with self._lock, paused():
                pk = self._loaded.get(pack_id)
                if pk is None:
                    path, real = self._waiting[pack_id]
                    self._loaded[pack_id] = pk = self._rb._load_pack(     # checks its calendar too
                        path, real, shipped=self._rb.__dict__.get("_shipped", False))
        return pk

    def __contains__(self, pack_id) -> bool:
        return pack_id in self._loaded or pack_id in self._waiting

    def __iter__(self):
        return iter(tuple(self._order))

    def __len__(self) -> int:
        return len(self._order)

    def __getstate__(self):
        d = self.__dict__.copy()
        del d["_lock"]
        return d

    def __setstate__(self, d) -> None:
        self.__dict__.update(d)
        self._lock = threading.RLock()


def bundled_pack_folders(root: Path | None = None) -> list[Path]:
    """The folders of the bundled packs, ``rules/packs/<id>/``, in name order."""
    packs = (Path(root) if root is not None else rules_root()) / "packs"
    if not packs.is_dir():
        return []
    return sorted(p for p in packs.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def _open_pack_folder(folder: Path, statutes: Statutes, problems: list | None = None, *,
                      shipped: bool = False) -> tuple[Path, Path]:
    """``(pack.yaml, its resolved path)`` of the pack in ``folder``, after bundling the texts in its
    ``statutes/`` folder into ``statutes``. The same for a bundled pack and a pack folder given by the
    caller: nothing outside the folder is read (``pack.yaml`` and ``statutes/`` may not lead out of it).
    A ``statutes`` that is not a folder is raised, or appended to ``problems`` when given."""
    path = folder / "pack.yaml"
    if not path.is_file():
        raise RuleFileError("规则包目录中没有 pack.yaml / no pack.yaml in the pack folder", file=str(folder),
                            field="pack")
    real = contained(path, folder)
    texts = folder / "statutes"
    if texts.is_dir():
        statutes.add_folder(texts, within=folder, shipped=shipped)
    elif texts.exists():
        exc = RuleFileError("statutes 须为目录（其中放本机关制度的原文）/ statutes must be a folder",
                            file=str(texts), field="file")
        if problems is None:
            raise exc
        problems.append(exc)
    return path, real


@functools.lru_cache(maxsize=1)
def default_rulebook() -> Rulebook:
    """The bundled rules, loaded once per process from the rule files shipped with the package.

    Nothing is read from, or written to, a cache folder: a compiled rulebook is never read back from a
    file another user could have written (issue 8)."""
    return Rulebook()
