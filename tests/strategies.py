"""hypothesis strategies for valid disclosure requests (JSON-shaped dicts)."""
import datetime as dt

from hypothesis import strategies as st

CATS = ["state_secret", "prohibited_by_law", "endangers_security", "trade_secret", "personal_privacy",
        "internal_affairs", "process_information", "enforcement_file"]
CATS_2008_OK = ["state_secret", "endangers_security", "trade_secret", "personal_privacy"]


def dates(lo=dt.date(2019, 5, 15), hi=dt.date(2026, 10, 31)):
    return st.dates(min_value=lo, max_value=hi)


@st.composite
def submissions(draw, lo=dt.date(2019, 5, 15), hi=dt.date(2026, 10, 31)):
    ch = draw(st.sampled_from(["in_person", "post", "ordinary_mail", "online", "fax"]))
    sub = draw(dates(lo, hi))
    out = {"channel": ch, "submitted_on": sub.isoformat()}
    lag = dt.timedelta(days=draw(st.integers(0, 6)))
    if ch == "post":
        out["signed_on"] = (sub + lag).isoformat()
    elif ch != "in_person":
        out["confirmed_on"] = (sub + lag).isoformat()
    return out


@st.composite
def items(draw, cats=CATS):
    it = {"description": draw(st.sampled_from(["甲", "某文件", "x"]))}
    for k in ("exists", "held", "proactively_published", "requires_creation", "special_procedure",
              "disclosure_required_by_law", "severable"):
        default = k in ("exists", "held")
        if draw(st.booleans()):
            it[k] = draw(st.booleans()) if draw(st.integers(0, 3)) == 0 else default
    it["categories"] = draw(st.lists(st.sampled_from(cats), unique=True, max_size=3))
    if draw(st.booleans()):
        it["third_party"] = {"consent": draw(st.sampled_from([True, False, "no_reply"])),
                             "public_interest_override": draw(st.booleans())}
    if draw(st.booleans()):
        it["responsible_agency"] = "某局"
    return it


def received(sub):
    return dt.date.fromisoformat(sub.get("signed_on") or sub.get("confirmed_on") or sub["submitted_on"])


@st.composite
def consultations(draw, after: dt.date):
    out = []
    for _ in range(draw(st.integers(0, 3))):
        sent = after + dt.timedelta(days=draw(st.integers(0, 20)))
        rep = None if draw(st.booleans()) else (sent + dt.timedelta(days=draw(st.integers(0, 30)))).isoformat()
        out.append({"party": draw(st.sampled_from(["third_party", "agency"])), "sent_on": sent.isoformat(),
                    "replied_on": rep})
    return out


@st.composite
def requests(draw, old_regime=False):
    """Valid requests under ogi-2019 (or, with old_regime, under ogi-2008 with inputs it can express)."""
    if old_regime:
        sub = draw(submissions(dt.date(2008, 5, 1), dt.date(2019, 5, 1)))
        req = {"submission": sub, "items": draw(st.lists(items(CATS_2008_OK), min_size=1, max_size=3))}
        for it in req["items"]:
            it.pop("special_procedure", None)
            it.pop("requires_creation", None)
        if draw(st.booleans()):
            req["content_clear"] = False
        req["consultations"] = draw(consultations(received(sub)))
        return req
    sub = draw(submissions())
    req = {"submission": sub}
    req["nature"] = draw(st.sampled_from(["information"] * 6 + ["petition", "publication", "reconfirm"]))
    req["items"] = draw(st.lists(items(), min_size=1 if req["nature"] == "information" else 0, max_size=3))
    r = received(sub)
    if draw(st.integers(0, 4)) == 0:
        req["content_clear"] = False
    if draw(st.integers(0, 4)) == 0:
        n = r + dt.timedelta(days=draw(st.integers(0, 10)))
        due = n + dt.timedelta(days=draw(st.integers(0, 20)))
        corr = {"notified_on": n.isoformat(), "due_on": due.isoformat()}
        if draw(st.booleans()):
            corr["received_on"] = (n + dt.timedelta(days=draw(st.integers(0, 25)))).isoformat()
        req["correction"] = corr
        if draw(st.booleans()):
            req["as_of"] = (due + dt.timedelta(days=draw(st.integers(-3, 5)))).isoformat()
    req["repeat_of_answered"] = draw(st.integers(0, 5)) == 0
    if draw(st.integers(0, 5)) == 0:
        req["excessive"] = {"reason_reasonable": draw(st.booleans()), "agreed_due": None}
    req["consultations"] = draw(consultations(r))
    return req
