"""hypothesis strategies for the inputs of ``zwgk_rules``: requests, items, submissions, consultations,
corrections, documents, messages and packs.

Every strategy yields a JSON-shaped ``dict`` (dates as ISO strings) that validates as the matching model
(``DisclosureRequest``, ``Item``, ``Submission``, ``Consultation``, ``Correction``, ``Document``,
``Message``), so that a failing example can be pasted into ``zwgk decide -`` as it is.

    from hypothesis import given
    from zwgk_rules.testing import strategies as st

    @given(st.requests(jurisdiction="cn-gz-shaomi"))
    def test_no_state_secret_is_ever_disclosed(request): ...

Design notes
------------
* **Lazy.** Nothing is loaded when a strategy is created; the rules (and the calendar's special days)
  are read on the first draw, once, and cached. Pass ``rulebook=`` to draw for packs outside the
  bundled rules (``zwgk_rules.Rulebook(packs=[path])``), or set a default with
  :func:`set_default_rulebook`.
* **Readable when shrunk.** Every choice lists its simplest value first and optional fields are left
  out unless drawn, so a failing example shrinks towards a request received in person with one plain
  item, e.g. ``{"jurisdiction": "cn", "submission": {"channel": "in_person", "submitted_on":
  "2019-05-15"}, "items": [{"description": "某文件"}]}``.
* **Interesting days.** With ``special_days=True`` (the default) three draws in four take a date from
  the calendar's special days: statutory days off, the working days just before and after each
  holiday block, makeup working days (调休上班日), regional days, year ends and the day a regulation
  took effect.
"""
from __future__ import annotations

import datetime as dt
import functools
import threading
from typing import Iterable

try:
    from hypothesis import strategies as st
    from hypothesis.errors import InvalidArgument
except ModuleNotFoundError as exc:
    if exc.name != "hypothesis":
        raise
    raise ModuleNotFoundError(
        "zwgk_rules.testing.strategies 需要 hypothesis，请安装：pip install hypothesis"
        "（或安装测试依赖 pip install \"zwgk-rules[test]\"）；zwgk_rules.testing 中的 assert_* 函数不需要它。\n"
        "zwgk_rules.testing.strategies needs hypothesis: pip install hypothesis "
        "(or the test extra, pip install \"zwgk-rules[test]\"); the assert_* helpers of zwgk_rules.testing "
        "work without it.", name="hypothesis") from exc

from .._facts import (APPLICANT_KINDS, ATTRIBUTES, CATEGORIES, CHANNELS, DOC_FLAGS, DOC_TYPES, NATURE_WITH_ITEMS,
                      NATURES)

#: read from the rule files on first use (module ``__getattr__``)
_FROM_THE_RULES = ("ARTICLE_14_CATEGORIES", "CATEGORIES_2008", "FIRST_DAY", "LAST_DAY")
__all__ = [
    "CATEGORIES", "CHANNELS", "NATURES", "APPLICANT_KINDS", "DOC_TYPES", "DOC_FLAGS",
    "submissions", "items", "consultations", "corrections", "requests", "documents", "messages",
    "packs", "jurisdictions", "receipt_dates", "special_days", "set_default_rulebook", "received_on",
] + list(_FROM_THE_RULES)

# The contract's closed vocabularies (CATEGORIES, CHANNELS, …) are imported from zwgk_rules._facts, their one
# definition. What depends on the law — the 第十四条 categories, the categories the 2008 regulation
# names, the first and last days the rules and calendars cover — is read from the rule files, on first use
# (module ``__getattr__`` below), never written here.


def __getattr__(name):
    law = _law_facts()
    if name in law:
        return law[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.lru_cache(maxsize=1)
def _law_facts() -> dict:
    from .._rulebook import default_rulebook
    from ._vocabulary import article_14_categories
    rb = default_rulebook()
    oldest = rb.regimes[0]
    unsupported: set = set()
    for t in (oldest.request_table, *oldest.item_tables):
        for r in t.rules:
            if r.unsupported is not None:
                unsupported |= {v for a in _atoms(r.node) if a.field == "categories" for v in a.values}
    cn = rb.calendars["cn"]
    return {
        "ARTICLE_14_CATEGORIES": article_14_categories(),
        # the categories the oldest regime (the 2008 regulation) can decide on; others are unsupported there
        "CATEGORIES_2008": tuple(c for c in CATEGORIES if c not in unsupported),
        "FIRST_DAY": rb.earliest,                                  # the first regulation took effect
        "LAST_DAY": dt.date(max(cn.sources), 12, 31),              # the last year with a bundled notice
        "CLASSIFY_FIRST_DAY": rb.classify.start,
    }


def _atoms(node):
    if node.kind == "atom":
        yield node.atom
    for c in node.children:
        yield from _atoms(c)


_DESCRIPTIONS = ("某文件", "2023年度部门预算", "某项目的环境影响评价报告", "行政处罚决定书", "会议纪要")
_TITLE_STEMS = ("关于某事项的", "关于公证收费标准的", "关于印发2024年政务公开工作要点的", "关于开展安全检查的")
_MESSAGE_TITLES = ("咨询", "关于道路维修的求助", "反映噪声扰民问题")
_AGENCIES = ("某局", "县自然资源局", "市生态环境局")

# ---------------------------------------------------------------- the rules, read once, lazily

_lock = threading.Lock()
_default = {"rulebook": None, "factory": None}
_special_cache: dict = {}
_dates_cache: dict = {}



def _channels(channels) -> tuple:
    """Validate a ``channels`` argument; keep the contract's order so the simplest (in_person) shrinks first."""
    channels = tuple(channels)
    bad = set(channels) - set(CHANNELS)
    if not channels or bad:
        raise InvalidArgument(f"channels must be a non-empty subset of {CHANNELS}; got {sorted(bad) or channels}")
    return tuple(c for c in CHANNELS if c in channels)

def set_default_rulebook(rulebook=None, *, packs: Iterable = ()) -> None:
    """Make ``rulebook`` (or a Rulebook loaded with the extra pack folders ``packs``, on first use) the
    one strategies draw from when no ``rulebook=`` is given. ``set_default_rulebook()`` resets to the
    bundled rules. The pytest plugin calls this for ``--zwgk-pack``."""
    packs = tuple(packs)
    with _lock:
        _default["rulebook"] = rulebook
        _default["factory"] = None
        _dates_cache.clear()
        if rulebook is None and packs:
            def factory():
                import zwgk_rules
                return zwgk_rules.Rulebook(packs=list(packs))
            _default["factory"] = factory


def _rulebook(rulebook=None):
    if rulebook is not None:
        return rulebook
    with _lock:
        rb = _default["rulebook"]
        if rb is None:
            if _default["factory"] is not None:
                rb = _default["factory"]()
            else:
                from zwgk_rules._rulebook import default_rulebook   # the one the Engine shares
                rb = default_rulebook()
            _default["rulebook"] = rb
        return rb


def _pack(rb, jurisdiction: str):
    p = rb.packs.get(jurisdiction)
    if p is None:
        raise InvalidArgument(
            f"unknown jurisdiction {jurisdiction!r}; known: {sorted(rb.packs)}. For a pack of your own pass "
            f"rulebook=zwgk_rules.Rulebook(packs=[path]) (or call set_default_rulebook).")
    return p


def special_days(calendar: str = "cn", *, rulebook=None) -> tuple[dt.date, ...]:
    """The calendar's interesting days, sorted: days off (holidays, regional days), the working days
    just before and after every block of days off that contains a holiday, makeup working days,
    31 December / 1 January and the last and first working day of each year, and the first day of
    each regulation and the day before it. Computed once per calendar."""
    kinds = _special_kinds(calendar, rulebook)
    return tuple(sorted({d for days in kinds.values() for d in days}))


def _special_kinds(calendar: str, rulebook) -> dict[str, tuple[dt.date, ...]]:
    rb = _rulebook(rulebook)
    key = (id(rb), calendar)
    hit = _special_cache.get(key)
    if hit is not None:
        return hit[1]
    cal = rb.calendars[calendar]
    lo, hi = cal.start, cal.end
    one = dt.timedelta(days=1)
    kinds: dict[str, set] = {"holiday": set(), "makeup_workday": set(), "regional_holiday": set(),
                             "regional_makeup_workday": set(), "block_edge": set(), "year_end": set(),
                             "regime_start": set()}

    def working(d):
        return lo <= d <= hi and cal.is_working_day(d)

    for d, info in cal._overrides.items():
        kinds.setdefault(info.reason, set()).add(d)
        if not info.working:
            before, after = d - one, d + one
            while lo <= before and not working(before):
                before -= one
            while after <= hi and not working(after):
                after += one
            kinds["block_edge"].update((before, after))
    for y in range(lo.year, hi.year + 1):
        last, first = dt.date(y, 12, 31), dt.date(y, 1, 1)
        kinds["year_end"].update((first, last))
        while lo <= last and not working(last):
            last -= one
        while first <= hi and not working(first):
            first += one
        kinds["year_end"].update((last, first))
    for r in rb.regimes:
        kinds["regime_start"].update((r.start, r.start - one))
    out = {k: tuple(sorted(d for d in v if lo <= d <= hi)) for k, v in kinds.items()}
    _special_cache[key] = (rb, out)       # keep rb alive so that id() stays unique
    return out


def _dates(lo: dt.date, hi: dt.date, special: bool, calendar: str, rulebook) -> st.SearchStrategy:
    """Dates in [lo, hi]; with ``special``, three draws in four from the calendar's special days, each
    kind (holiday, makeup working day, regional day, block edge, year end, regime start) equally
    likely, so that rare kinds (a region's one holiday a year) are reached too. Shrinks towards a
    plain date (the plain branch is drawn first)."""
    if hi < lo:
        raise InvalidArgument(f"empty date range {lo}..{hi}")
    plain = st.dates(min_value=lo, max_value=hi)
    if not special:
        return plain
    key = (lo, hi, calendar, id(rulebook))
    hit = _dates_cache.get(key)
    if hit is not None and hit[0] is rulebook:
        return hit[1]

    def build():
        kinds = _special_kinds(calendar, rulebook)
        pools = [st.sampled_from(days) for days in
                 ([d for d in kinds[k] if lo <= d <= hi] for k in sorted(kinds) if k != "regime_start") if days]
        if not pools:
            return plain
        # first (and half as likely as the other kinds): the first day of the range and the days a
        # regulation took effect; both branches then shrink to the same, plainest date ``lo``
        starts = sorted({lo, *(d for d in kinds["regime_start"] if lo <= d <= hi)})
        pools = [st.sampled_from(starts)] + pools + pools
        return st.integers(0, 3).flatmap(lambda k: plain if k == 0 else st.one_of(pools))
    strategy = st.deferred(build)
    if len(_dates_cache) < 4096:
        _dates_cache[key] = (rulebook, strategy)
    return strategy


def receipt_dates(received_between=None, *, special_days: bool = True, calendar: str = "cn",
                  rulebook=None) -> st.SearchStrategy:
    """``datetime.date`` values in ``received_between``, biased to the calendar's special days."""
    lo, hi = _span(received_between)
    return _dates(lo, hi, special_days, calendar, rulebook)


def _span(between, first: str = "FIRST_DAY") -> tuple[dt.date, dt.date]:
    """``between`` as two dates; None: from ``first`` (a day the rules begin) to the last calendar day."""
    if between is None:
        law = _law_facts()
        between = (law[first], law["LAST_DAY"])
    lo, hi = between
    lo = dt.date.fromisoformat(lo) if isinstance(lo, str) else lo
    hi = dt.date.fromisoformat(hi) if isinstance(hi, str) else hi
    return lo, hi


def _rare(draw, n: int) -> bool:
    """True about once in ``n`` draws; shrinks to False."""
    return draw(st.integers(0, n - 1)) == n - 1


def _iso(d: dt.date) -> str:
    return d.isoformat()


def received_on(submission: dict) -> dt.date:
    """The receipt date (条例 第三十一条) of a submission dict drawn by :func:`submissions`."""
    return dt.date.fromisoformat(submission.get("signed_on") or submission.get("confirmed_on")
                                 or submission["submitted_on"])


# ---------------------------------------------------------------- submissions

@st.composite
def _submission(draw, channels, lo, hi, special, calendar, rulebook, max_lag):
    channel = draw(st.sampled_from(channels))
    received = draw(_dates(lo, hi, special, calendar, rulebook))
    field = _rulebook(rulebook).regime_for(received).receipt[channel].field     # 第三十一条, from the rules
    if field == "submitted_on":
        return {"channel": channel, "submitted_on": _iso(received)}
    lag = draw(st.integers(0, max_lag))
    return {"channel": channel, "submitted_on": _iso(received - dt.timedelta(days=lag)), field: _iso(received)}


def submissions(channels: Iterable[str] = CHANNELS, received_between=None, special_days: bool = True,
                *, calendar: str = "cn", rulebook=None, max_lag: int = 10) -> st.SearchStrategy:
    """Submissions by every channel in ``channels`` with the date each needs (第三十一条): ``post`` →
    ``signed_on``; ``ordinary_mail``/``online``/``fax`` → ``confirmed_on``, 0..``max_lag`` days after
    ``submitted_on``. The receipt date lies in ``received_between`` (inclusive)."""
    channels = _channels(channels)
    lo, hi = _span(received_between)
    return _submissions(channels, lo, hi, special_days, calendar, rulebook, max_lag)


@functools.lru_cache(maxsize=1024)
def _submissions(channels, lo, hi, special, calendar, rulebook, max_lag):
    return _submission(channels, lo, hi, special, calendar, rulebook, max_lag)


# ---------------------------------------------------------------- items

def items(categories: Iterable[str] = CATEGORIES, with_third_party: bool = True, *, regime: str | None = None,
          max_categories: int = 3) -> st.SearchStrategy:
    """One requested item (``Item``) with review findings. ``regime="ogi-2008"`` keeps to what the 2008
    regulation can express: its categories only, no ``requires_creation``/``special_procedure``.
    Shrinks to ``{"description": "某文件"}``."""
    return _items(tuple(categories), bool(with_third_party), regime, max_categories)


@functools.lru_cache(maxsize=256)
def _items(categories, with_third_party, regime, max_categories):
    categories = tuple(c for c in CATEGORIES if c in categories)
    if regime == "ogi-2008":
        categories = tuple(c for c in categories if c in _law_facts()["CATEGORIES_2008"])
    optional = {
        # rarely false: an item that does not exist masks every other finding
        "exists": st.sampled_from([True, True, True, False]),
        "held": st.sampled_from([True, True, True, False]),
        "responsible_agency": st.sampled_from(_AGENCIES),
        "proactively_published": st.sampled_from([False, False, False, True]),
        "disclosure_required_by_law": st.booleans(),
        "severable": st.booleans(),
    }
    for k in ("requires_creation", "special_procedure"):
        optional[k] = (st.sampled_from([False, False, False, True]) if regime != "ogi-2008"
                       else st.sampled_from([False, True]).map(lambda _: False))
    if categories:
        optional["categories"] = st.lists(st.sampled_from(categories), unique=True, min_size=1,
                                          max_size=max(1, max_categories))
    if with_third_party:
        optional["third_party"] = st.fixed_dictionaries(
            {"consent": st.sampled_from([True, False, "no_reply"])},
            optional={"public_interest_override": st.booleans()})
    return st.fixed_dictionaries({"description": st.sampled_from(_DESCRIPTIONS)}, optional=optional).map(_tidy)


_ITEM_DEFAULTS = {"exists": True, "held": True, "proactively_published": False, "requires_creation": False,
                  "special_procedure": False, "disclosure_required_by_law": False, "severable": False}


def _tidy(item: dict) -> dict:
    # a finding drawn with its default value is left out, so that examples show only what differs
    # (under ogi-2008 the two later findings are always drawn False: both regimes' examples then
    # take as many draws, and shrinking prefers the newer regime)
    for k, v in _ITEM_DEFAULTS.items():
        if k in item and item[k] is v:
            del item[k]
    return item


# ---------------------------------------------------------------- consultations and corrections

def _as_date(d) -> dt.date:
    return dt.date.fromisoformat(d) if isinstance(d, str) else d


@functools.lru_cache(maxsize=64)
def _consultation_offsets(max_delay, max_length, parties):
    # (party, days after `after` it was sent, days it took to reply or None, days the letter took to arrive
    # or None for "received when sent"): one in three has no reply
    replied = st.integers(0, max_length)
    return st.tuples(st.sampled_from(parties), st.integers(0, max_delay),
                     st.one_of(replied, replied, st.integers(0, 1).map(lambda _: None)),
                     st.one_of(st.none(), st.integers(0, 6)))


def _consultation_from(after, drawn):
    party, delay, length, transit = drawn
    sent = after + dt.timedelta(days=delay)
    out = {"party": party, "sent_on": _iso(sent)}
    if transit is not None:
        out["received_on"] = _iso(sent + dt.timedelta(days=transit))
    if length is not None:
        out["replied_on"] = _iso(sent + dt.timedelta(days=length))
    return out


def _consultation(after, max_delay, max_length, parties):
    return _consultation_offsets(max_delay, max_length, parties).map(functools.partial(_consultation_from, after))


def consultations(after, *, max_delay: int = 20, max_length: int = 30,
                  parties: Iterable[str] = ("third_party", "agency")) -> st.SearchStrategy:
    """One written consultation (第三十二条 third party / 第三十四条 agency), sent 0..``max_delay`` days
    after ``after`` (the receipt date), replied within ``max_length`` days or (one in three) not at all."""
    parties = tuple(p for p in ("third_party", "agency") if p in tuple(parties))
    return _consultation(_as_date(after), max_delay, max_length, parties)


@st.composite
def _correction(draw, after, received, max_delay, max_period):
    notified = after + dt.timedelta(days=draw(st.integers(0, max_delay)))
    due = notified + dt.timedelta(days=draw(st.integers(0, max_period)))
    out = {"notified_on": _iso(notified), "due_on": _iso(due)}
    if received is None:
        received = draw(st.booleans())
    if received:
        out["received_on"] = _iso(notified + dt.timedelta(days=draw(st.integers(0, max_period + 5))))
    return out


def corrections(after, *, received: bool | None = None, max_delay: int = 10, max_period: int = 20) -> st.SearchStrategy:
    """One 补正 notice (第三十条), sent 0..``max_delay`` days after ``after`` (the receipt date);
    ``received`` True/False fixes whether the applicant's correction came back (None: either)."""
    return _correction(_as_date(after), received, max_delay, max_period)


# ---------------------------------------------------------------- requests

def _regime_spans(rb, lo, hi, regime):
    spans = []
    for r in rb.regimes:
        a = max(lo, r.start)
        b = min(hi, r.end) if r.end is not None else hi
        if a <= b and (regime is None or r.id == regime):
            spans.append((r.id, a, b))
    if not spans:
        raise InvalidArgument(f"no receipt date in {lo}..{hi} falls under regime {regime!r}; "
                              f"regimes: {[(r.id, r.start, r.end) for r in rb.regimes]}")
    # newest first: the simplest example is a request under the regulation in force today
    spans.sort(key=lambda s: s[1], reverse=True)
    return spans


@st.composite
def _request(draw, jurisdiction, regime, rulebook, channels, lo, hi, special, categories, max_items,
             with_third_party, max_consultations, max_lag):
    rb = _rulebook(rulebook)
    pack = _pack(rb, jurisdiction)
    spans = _regime_spans(rb, lo, hi, regime)
    # regimes in proportion to the days each covers (in 30-day units, at least one each); the first
    # (the newest regime) is the shrink target
    weighted = [s for s in spans for _ in range(max(1, ((s[2] - s[1]).days + 1) // 30))]
    rid, a, b = draw(st.sampled_from(weighted))
    old = rid == "ogi-2008"
    sub = draw(submissions(channels, (a, b), special, calendar=pack.calendar, rulebook=rb, max_lag=max_lag))
    r = received_on(sub)
    req: dict = {"jurisdiction": jurisdiction, "submission": sub}

    # every draw below happens under both regimes (and is then ignored under ogi-2008), so that the
    # two regimes' examples are equally long and shrinking prefers the newest regime
    others = tuple(n for n in NATURES if n != NATURE_WITH_ITEMS)
    nature = draw(st.sampled_from((NATURE_WITH_ITEMS,) * 9 + others))
    if old:
        nature = NATURE_WITH_ITEMS
    elif nature != NATURE_WITH_ITEMS:
        req["nature"] = nature
    if _rare(draw, 8):
        req["applicant"] = {"kind": draw(st.sampled_from(APPLICANT_KINDS))}
    clear = not _rare(draw, 5)
    if not clear:
        req["content_clear"] = False
    if _rare(draw, 5):
        corr = draw(corrections(r))
        req["correction"] = corr
        if "received_on" not in corr and draw(st.booleans()):
            # as_of after due_on: the correction has lapsed (not expressible under ogi-2008)
            due = dt.date.fromisoformat(corr["due_on"])
            shift = draw(st.integers(-3, 0 if old else 5))
            req["as_of"] = _iso(max(due + dt.timedelta(days=shift), r))
        if old and "received_on" in corr:
            # ogi-2008 has no rule for a request still unclear after its correction
            req.pop("content_clear", None)
    if _rare(draw, 8) and not old:
        req["repeat_of_answered"] = True
    if _rare(draw, 8) and not old:
        ex = {"reason_reasonable": draw(st.booleans())}
        if ex["reason_reasonable"] and draw(st.booleans()):
            ex["agreed_due"] = _iso(r + dt.timedelta(days=draw(st.integers(1, 90))))
        req["excessive"] = ex
    if max_consultations:
        cons = draw(st.lists(consultations(r), max_size=max_consultations))
        if cons:
            req["consultations"] = cons
    if _rare(draw, 8):
        req["extension"] = {"approved_on": _iso(r + dt.timedelta(days=draw(st.integers(1, 40))))}
    req["items"] = draw(st.lists(items(categories, with_third_party, regime="ogi-2008" if old else None),
                                 min_size=1, max_size=max(1, max_items)))
    if nature != NATURE_WITH_ITEMS and draw(st.booleans()):
        req["items"] = []                    # a petition or a request for a publication names no item
    return req


def requests(jurisdiction: str = "cn", regime: str | None = None, *, rulebook=None,
             channels: Iterable[str] = CHANNELS, received_between=None, special_days: bool = True,
             categories: Iterable[str] = CATEGORIES, max_items: int = 3, with_third_party: bool = True,
             max_consultations: int = 2, max_lag: int = 10) -> st.SearchStrategy:
    """Valid disclosure requests (``DisclosureRequest``) for ``jurisdiction``.

    ``regime``: ``None`` draws both regulations in proportion to the days of ``received_between`` each
    covers; ``"ogi-2019"`` or ``"ogi-2008"`` keeps the receipt date in that regulation's period. Under
    ``ogi-2008`` only inputs the 2008 regulation can express are drawn (its four categories; no
    petition/publication/reconfirm, repeat, excessive, special procedure, requires creation, lapsed or
    still-unclear correction), so ``decide`` never raises ``UnsupportedInputError``.

    Receipt dates are biased to the pack calendar's holidays, block edges and makeup working days.
    Shrinks to an in-person request with one plain item."""
    channels = _channels(channels)
    lo, hi = _span(received_between)
    return _request(jurisdiction, regime, rulebook, channels, lo, hi, special_days, tuple(categories), max_items,
                    with_third_party, max_consultations, max_lag)


# ---------------------------------------------------------------- documents (classify)

@st.composite
def _document(draw, jurisdiction, rulebook, lo, hi, special, doc_types, flags, max_flags):
    rb = _rulebook(rulebook)
    pack = _pack(rb, jurisdiction)
    doc: dict = {"jurisdiction": jurisdiction}
    dtype = draw(st.sampled_from(doc_types))
    if not _rare(draw, 3):                   # else the 文种 is given only by the end of the title
        doc["doc_type"] = dtype
    doc["title"] = draw(st.sampled_from(_TITLE_STEMS)) + dtype
    doc["formed_on"] = _iso(draw(_dates(lo, hi, special, pack.calendar, rb)))
    if _rare(draw, 5):
        doc["issued_as"] = "office"
    if _rare(draw, 5):
        doc["addressed_to_superior"] = True
    if _rare(draw, 4):
        doc["forwards"] = {"attribute": draw(st.sampled_from([None, *ATTRIBUTES]))}
    fl = draw(st.lists(st.sampled_from(flags), unique=True, max_size=max_flags))
    if fl:
        doc["flags"] = fl
    return doc


def documents(jurisdiction: str = "cn", *, rulebook=None, formed_between=None,
              special_days: bool = True, doc_types: Iterable[str] = DOC_TYPES, flags: Iterable[str] = DOC_FLAGS,
              max_flags: int = 4) -> st.SearchStrategy:
    """Documents to classify (``Document``): a ``doc_type`` with a title, or (one in three) only a title
    ending with its 文种; ``formed_on`` in ``formed_between`` (default: from the day the first regulation the
    classification rules follow took effect, so documents of both regulations); sometimes ``issued_as: office``,
    ``addressed_to_superior``, ``forwards`` and flags."""
    lo, hi = _span(formed_between, "CLASSIFY_FIRST_DAY")
    return _document(jurisdiction, rulebook, lo, hi, special_days, tuple(doc_types), tuple(flags), max_flags)


# ---------------------------------------------------------------- messages (政民互动)

@st.composite
def _message(draw, jurisdiction, rulebook, lo, hi, special):
    rb = _rulebook(rulebook)
    pack = _pack(rb, jurisdiction)
    inter = pack.spec.interaction if pack.spec is not None else None
    if inter is None:
        have = sorted(p.id for p in rb.packs.values() if p.spec is not None and p.spec.interaction is not None)
        raise InvalidArgument(f"pack {jurisdiction!r} has no interaction (政民互动) rules; packs that do: {have}")
    inf = pack.spec.in_force         # a message is routed only under rules in force on the day received
    lo, hi = max(lo, inf.from_), (hi if inf.to is None else min(hi, inf.to))
    msg = {"jurisdiction": jurisdiction, "kind": draw(st.sampled_from([k.kind for k in inter.kinds])),
           "received_on": _iso(draw(_dates(lo, hi, special, pack.calendar, rb)))}
    if _rare(draw, 2):
        msg["title"] = draw(st.sampled_from(_MESSAGE_TITLES))
    return msg


def messages(jurisdiction: str, *, rulebook=None, received_between=None,
             special_days: bool = True) -> st.SearchStrategy:
    """Online messages (``Message``, 政民互动) of the kinds listed in the pack's ``interaction.kinds``.
    Only for packs that have interaction rules (the first draw raises ``InvalidArgument`` otherwise)."""
    lo, hi = _span(received_between)
    return _message(jurisdiction, rulebook, lo, hi, special_days)


# ---------------------------------------------------------------- packs

def packs(*, rulebook=None, include_national: bool = True, with_interaction: bool = False) -> st.SearchStrategy:
    """Pack ids (``jurisdiction`` values) of the rulebook: ``"cn"`` first, then the packs in order."""
    def build():
        rb = _rulebook(rulebook)
        ids = [p for p in rb.packs if (include_national or p != "cn")]
        if with_interaction:
            ids = [p for p in ids if rb.packs[p].spec is not None and rb.packs[p].spec.interaction is not None]
        ids.sort(key=lambda p: (p != "cn", p))
        if not ids:
            raise InvalidArgument("no pack matches")
        return st.sampled_from(ids)
    return st.deferred(build)


jurisdictions = packs
