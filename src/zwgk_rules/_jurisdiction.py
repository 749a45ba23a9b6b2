"""The law of one jurisdiction, compiled once: national rules with a pack's differences laid over them.

A ``Jurisdiction`` is what ``Rulebook.jurisdiction(pack_id)`` returns and what an ``Engine`` runs on.
It holds, for each regime, the decision tables with the pack's rules added, every parameter with all
its dated values (national, and the pack's applied ones), and the classify tables. Nothing is compiled
after it is built: an engine only reads it.

Parameters are read at a date, as OpenFisca's ``Parameter._get_at_instant`` does: ``law.at(name, day)``
gives the value in force on ``day`` — the pack's applied value where the pack has one in force on that
day, else the national value in force on that day. The date is always the one the computation is about
(the receipt date for a reply period, the corrected application's date after a 补正, ``formed_on`` for a
document), never a regime's first day and never today.
"""
from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from msgspec import Struct

from ._errors import RuleFileError
from ._statutes import Citation


class ParamValue(Struct, frozen=True):
    """One dated value of a parameter: in force from ``start`` until the next value's start."""

    start: dt.date
    value: object
    basis: tuple[Citation, ...]
    source: str                       # "national" or the id of the pack that applies it
    unconfirmed: str | None = None


class Param(Struct, frozen=True):
    """A parameter of the national rules (``ogi-2019.reply_period``, ``classify.proactive_period``) with
    every dated value its rule file gives, read with ``at(day)``."""

    name: str
    description: str
    unit: str | None
    stricter: str | None              # "shorter" | "longer" | None: which local values may apply
    reported_as: object               # schema ReportedAs, or None
    values: tuple[ParamValue, ...]    # by start
    file: str

    def at(self, day: dt.date) -> ParamValue | None:
        """The value in force on ``day`` (None before the first value)."""
        return _latest(self.values, day)

    def starts(self) -> tuple[dt.date, ...]:
        return tuple(v.start for v in self.values)


class Parameter(Struct, frozen=True):
    """A parameter as one jurisdiction has it: the national ``Param`` and the pack's applied values.

    ``local`` values apply from their start while the pack is in force (``local_until``); a local value
    of ``None`` gives the word back to the national value from that date."""

    national: Param
    local: tuple[ParamValue, ...] = ()
    local_until: dt.date | None = None
    applies_when: object = None       # _conditions.Condition (a local period's documents), or None
    unit: str | None = None           # the pack's unit where it gives one

    @property
    def name(self) -> str:
        return self.national.name

    def at(self, day: dt.date) -> ParamValue | None:
        if self.local and (self.local_until is None or day <= self.local_until):
            v = _latest(self.local, day)
            if v is not None and v.value is not None:
                return v
        return _latest(self.national.values, day)

    def starts(self) -> tuple[dt.date, ...]:
        """Every day on which the value may change."""
        days = set(self.national.starts()) | {v.start for v in self.local}
        if self.local and self.local_until is not None and self.local_until < dt.date.max:
            days.add(self.local_until + dt.timedelta(days=1))
        return tuple(sorted(days))


def _latest(values: tuple[ParamValue, ...], day: dt.date) -> ParamValue | None:
    best = None
    for v in values:
        if v.start <= day:
            best = v
        else:
            break
    return best


class RegimeLaw(Struct, frozen=True):
    """One regime as a jurisdiction has it: its tables with the pack's rules, and where anything changes."""

    regime: object                    # _rulebook.Regime (id, dates, receipt rules)
    request_table: object             # CompiledTable
    item_tables: tuple
    cuts: tuple[dt.date, ...]         # days on which a rule or a parameter of this regime changes

    @property
    def id(self) -> str:
        return self.regime.id

    def segment(self, day: dt.date) -> int:
        """Which stretch between two cuts ``day`` falls in: within one, every rule and parameter is fixed."""
        return bisect_right(self.cuts, day)


class Jurisdiction(Struct, frozen=True):
    """The compiled law of one pack (or of the national rules alone, ``cn``). Immutable and picklable."""

    id: str
    title: str
    calendar: str
    pack: object                      # _rulebook.Pack
    regimes: dict                     # regime id -> RegimeLaw
    classify_tables: tuple
    parameters: dict                  # address -> Parameter
    periods: tuple = ()  # Parameters shown in classify's `periods` (reported_as, applied locally)

    def at(self, name: str, day: dt.date) -> ParamValue | None:
        """The value of parameter ``name`` (``ogi-2019.reply_period``) in force on ``day``."""
        return self.parameters[name].at(day)

    def regime(self, regime_id: str) -> RegimeLaw:
        return self.regimes[regime_id]


# ---------------------------------------------------------------- compiling

def compile_jurisdiction(rb, pack) -> Jurisdiction:
    """The national rules with ``pack``'s rules and applied parameters laid over them."""
    from ._conditions import Condition, parse
    from ._facts import SCOPES, FieldType
    from ._tables import CompiledTable

    spec = pack.spec
    tables = {r.id: (r.request_table, r.item_tables) for r in rb.regimes}
    classify_tables = rb.classify.tables
    params = {name: Parameter(p) for name, p in rb.national_parameters().items()}
    periods: list[Parameter] = []
    if spec is not None:
        grouped: dict[str, list] = {}
        for r in spec.rules:
            grouped.setdefault(r.table, []).append(r)
        replaced = {}
        for address, rules in grouped.items():
            nat = rb.table(address)
            tspec = nat.spec
            new_values = tuple(dict.fromkeys(r.then.value for r in rules if isinstance(r.then.value, str)
                                             and r.then.value not in tspec.outputs))
            if new_values or address in spec.sequences:
                if nat.hit_policy != "collect" and new_values:
                    raise RuleFileError(f"规则包只能向 collect 决策表增加新的结论：{list(new_values)}",
                                        file=pack.file, field="rules")
                outputs = tspec.outputs + new_values
                order = tuple(spec.sequences.get(address) or (tspec.priority + new_values))
                if set(order) != set(outputs):
                    raise RuleFileError(f"sequences.{address} 须恰好列出全部步骤：缺 {sorted(set(outputs) - set(order))}，"
                                        f"多 {sorted(set(order) - set(outputs))}", file=pack.file,
                                        field=f"sequences.{address}")
                tspec = tspec.model_copy(update={"outputs": outputs, "priority": order})
            # a pack rule is in force from the pack's own date (within the national table's, and within the dates
            # of the national rules it is an exception to: a table may hold the rules of both regulations), unless
            # it says otherwise
            spans = {n.id: s for n, s in zip(nat.rules, nat.spans)}
            dated = []
            for r in rules:
                if r.in_force is None:
                    t_from, t_to = tspec.in_force.from_, tspec.in_force.to
                    for target in r.exception_to:
                        if target in spans:
                            s_from, s_to = spans[target]
                            t_from = max(t_from, s_from)
                            t_to = s_to if t_to is None else (t_to if s_to is None else min(t_to, s_to))
                    p_from, p_to = spec.in_force.from_, spec.in_force.to
                    lo = max(t_from, p_from)
                    hi = p_to if t_to is None else (t_to if p_to is None else min(t_to, p_to))
                    if hi is not None and hi < lo:
                        raise RuleFileError(f"规则包施行期间（{p_from}..{p_to or ''}）内，本规则所例外的国家规则不施行"
                                            f"（{t_from}..{t_to or ''}）/ the national rule it excepts is not in force while "
                                            f"the pack is", file=pack.file, rule_id=r.id, field="exception_to")
                    r = r.model_copy(update={"in_force": type(spec.in_force).model_validate({"from": lo, "to": hi})})
                spans[r.id] = (r.in_force.from_, r.in_force.to)      # a later pack rule may be an exception to it
                dated.append(r)
            replaced[id(nat)] = CompiledTable(tspec, nat.file, nat.fields, nat.upstream, rb.statutes,
                                              extra_rules=tuple((r, pack.file) for r in dated))

        def swap(t):
            return replaced.get(id(t), t)

        tables = {rid: (swap(rq), tuple(swap(t) for t in its)) for rid, (rq, its) in tables.items()}
        classify_tables = tuple(swap(t) for t in classify_tables)
        doc_fields = SCOPES["document"]
        resolve = rb.statutes.resolve
        for k, prm in enumerate(spec.parameters):
            if prm.effect != "apply":
                continue
            base = params[prm.target]
            local = tuple(ParamValue(day, v.value, tuple(resolve(b) for b in v.basis), pack.id, v.unconfirmed)
                          for day, v in sorted(prm.values.items()))
            cond = None
            if base.national.reported_as is not None:
                cond = Condition(parse(prm.applies_when or {}, doc_fields, file=pack.file, rule_id=prm.target,
                                       extra={"attribute": FieldType("scalar", rb.attribute_values, "公开属性")},
                                       root=f"parameters.{k}.applies_when"))
            params[prm.target] = Parameter(base.national, local, spec.in_force.to, cond, prm.unit)
            if cond is not None:
                periods.append(params[prm.target])
    if spec is not None and spec.interaction is not None:
        params.update(interaction_parameters(rb, pack))
    regimes = {}
    for r in rb.regimes:
        rq, its = tables[r.id]
        cuts = {c for t in (rq, *its) for c in t._cuts}
        for name, p in params.items():
            if name.startswith(r.id + "."):
                cuts.update(d for d in p.starts() if r.start < d and (r.end is None or d <= r.end))
        regimes[r.id] = RegimeLaw(r, rq, its, tuple(sorted(cuts)))
    return Jurisdiction(pack.id, pack.title, pack.calendar, pack, regimes, classify_tables, params, tuple(periods))


#: the periods of a 政民互动 message kind, as parameters ``interaction.<kind>.<field>``
INTERACTION_PERIODS = {"due_days": "办理（答复）期限", "min_days": "期限区间的下限（只作提示）",
                       "extended_days": "另一可选的较长期限"}


def interaction_parameters(rb, pack) -> dict:
    """The pack's 政民互动 periods as dated parameters ``interaction.<kind>.<field>``, read at the day a
    message is received. The national law fixes none of them: each is the pack's own (``source``), and a
    value given as a plain number is in force from the pack's first day."""
    spec = pack.spec
    resolve = rb.statutes.resolve
    out = {}
    for kd in spec.interaction.kinds:
        basis = tuple(resolve(b) for b in kd.basis)
        for fname, what in INTERACTION_PERIODS.items():
            given = getattr(kd, fname)
            if given is None:
                continue
            dated = given if isinstance(given, dict) else {spec.in_force.from_: given}
            name = f"interaction.{kd.kind}.{fname}"
            values = tuple(ParamValue(day, v, basis, pack.id) for day, v in sorted(dated.items()))
            # no national value: after the pack's last day (``local_until``) there is no period at all
            out[name] = Parameter(Param(name, f"{kd.label}：{what}", spec.interaction.unit, None, None, (),
                                        pack.file), values, spec.in_force.to, unit=spec.interaction.unit)
    return out


def check_local_parameters(rb, spec, rel: str, only: int | None = None) -> None:
    """A pack's parameters, checked against the national ones at load: every ``target`` names a national
    parameter (with a did-you-mean), and a value that applies is a whole number of days, stricter than
    (or equal to) every national value in force while it is (``stricter`` of the national parameter)."""
    from ._limits import MAX_PERIOD_DAYS, closest
    national = rb.national_parameters()
    for k, prm in enumerate(spec.parameters):
        if only is not None and k != only:
            continue
        f = f"parameters.{k}"
        nat = national.get(prm.target)
        if nat is None:
            raise RuleFileError(f"参数 {prm.target!r} 不是国家规则的参数（可用：{sorted(national)}）/ not a national parameter",
                                file=rel, rule_id=prm.target, field=f"{f}.target",
                                suggestion=closest(prm.target, national))
        if prm.effect != "apply":
            continue
        if prm.relation != "stricter":
            raise RuleFileError("只有更严格的规定可以 effect: apply；其余只能 record / only a stricter value may apply",
                                file=rel, rule_id=prm.target, field=f"{f}.effect")
        if nat.stricter is None:
            raise RuleFileError(f"国家参数 {prm.target} 不能由规则包改变（只能 record）/ this parameter cannot be "
                                f"changed by a pack", file=rel, rule_id=prm.target, field=f"{f}.effect")
        for day, v in sorted(prm.values.items()):
            if v.value is not None and (type(v.value) is not int or not 1 <= v.value <= MAX_PERIOD_DAYS):
                raise RuleFileError(f"适用的期限须为 1 至 {MAX_PERIOD_DAYS} 的整数（天数）或 null，而不是 {v.value!r}"
                                    f" / an applied period is a whole number of days", file=rel,
                                    rule_id=prm.target, field=f"{f}.values.{day}.value")
        for day, v, nv in looser_than_national(nat, prm, spec.in_force.to):
            word = "长于" if nat.stricter == "shorter" else "短于"
            raise RuleFileError(f"地方规定 {v.value}（自 {day}）{word}国家规定 {nv.value}（自 {nv.start}），"
                                f"不能适用 / not stricter than the national value", file=rel,
                                rule_id=prm.target, field=f"{f}.values.{day}")


def looser_than_national(nat: Param, prm, pack_until: dt.date | None):
    """(day, local value, national value) for each local value of ``prm`` that is looser than a national
    value in force at the same time: longer where ``stricter`` is ``shorter`` (or not declared), shorter
    where it is ``longer``. Only whole numbers are compared."""
    days = sorted(prm.values)
    for i, day in enumerate(days):
        v = prm.values[day]
        if not isinstance(v.value, int) or isinstance(v.value, bool):
            continue
        last = days[i + 1] - dt.timedelta(days=1) if i + 1 < len(days) else pack_until     # its last day, or None
        for j, nv in enumerate(nat.values):
            nv_end = nat.values[j + 1].start if j + 1 < len(nat.values) else None
            overlaps = (last is None or nv.start <= last) and (nv_end is None or day < nv_end)
            if not overlaps or not isinstance(nv.value, int) or isinstance(nv.value, bool):
                continue
            if (v.value < nv.value) if nat.stricter == "longer" else (v.value > nv.value):
                yield day, v, nv
