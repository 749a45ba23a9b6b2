"""Issue 9, part 4: one pack = one folder (pack.yaml, statutes/, cases.yaml, README.md), bundled or not, read by
the same code; 勺米镇's twelve documents are twelve instruments."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import zwgk_rules
from zwgk_rules._packdoc import render_pack_doc

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"
PACKS = RULES / "packs"
EXAMPLE = ROOT / "examples" / "packs" / "cn-xx-shili-sfj"
SEEDS = ROOT.parent / "shared" / "seeds"

SHAOMI = ["cn-gz-shaomi-banshi", "cn-gz-shaomi-yishenqing", "cn-gz-shaomi-kaohe", "cn-gz-shaomi-shuxing",
          "cn-gz-shaomi-jianduyuan", "cn-gz-shaomi-yugongkai", "cn-gz-shaomi-shenhe", "cn-gz-shaomi-mulu",
          "cn-gz-shaomi-hudong", "cn-gz-shaomi-canyu", "cn-gz-shaomi-huiying", "cn-gz-shaomi-jiedu"]
#: each bundled pack's own texts: the ids of the statute files in its folder, in its `instrument` order
OWN_TEXTS = {
    "cn-gx-hengxian-sfj": ["cn-gx-hengxian-sfj"],
    "cn-gz-shaomi": SHAOMI,
    "cn-nx-zhongwei-sfj": ["cn-nx-zhongwei-sfj"],
    "cn-yn-longling-sfj": ["cn-yn-longling-sfj"],
}
#: what the national rules cite: the files of rules/statutes/
NATIONAL_TEXTS = {"admin-litigation-2017", "admin-review-2017", "admin-review-2023", "civil-code", "fee-measures-2020",
                  "gongwen-2012", "holiday-measures", "ogi-2008", "ogi-2019", "seed-002", "spc-ogi-cases-2011",
                  "work-hours-1995"}


@pytest.fixture(scope="module")
def rb():
    return zwgk_rules.Rulebook()


def _ids(folder: Path) -> dict:
    """statute id -> file, for every *.yaml under ``folder``."""
    return {yaml.safe_load(f.read_text(encoding="utf-8"))["id"]: f for f in sorted(folder.rglob("*.yaml"))}


def _cited(spec) -> set:
    """Every citation a pack makes."""
    out = set()
    for p in spec.parameters:
        out |= set(p.national) | {b for v in p.values.values() for b in v.basis}
    for r in spec.rules:
        out |= set(r.basis)
    for pv in spec.provisions:
        out |= set(pv.cite) | set(pv.national)
    if spec.interaction is not None:
        out |= {b for k in spec.interaction.kinds for b in k.basis}
    out |= {b for dc in spec.document_checks for b in dc.basis}
    return out


# ---------------------------------------------------------------- the layout

def test_the_bundled_packs_are_these_folders():
    assert sorted(p.name for p in PACKS.iterdir()) == sorted(OWN_TEXTS)
    for pid in OWN_TEXTS:
        assert sorted(f.name for f in (PACKS / pid).iterdir()) == ["README.md", "cases.yaml", "pack.yaml", "statutes"]


@pytest.mark.parametrize("pid", sorted(OWN_TEXTS))
def test_a_bundled_packs_texts_are_in_its_own_folder(rb, pid):
    """Each pack's own text is in rules/packs/<id>/statutes/ and listed as its instrument; every instrument it
    cites is its own or a national one; no pack text is among the national texts (rules/statutes/local/ is gone)."""
    assert list(_ids(PACKS / pid / "statutes")) == sorted(OWN_TEXTS[pid])
    assert list(rb.packs[pid].spec.instrument) == OWN_TEXTS[pid]
    for iid in OWN_TEXTS[pid]:
        assert rb.statutes.about(iid)["path"].parent == PACKS / pid / "statutes"
    instruments = {c.partition(":")[0] for c in _cited(rb.packs[pid].spec)}
    assert instruments <= set(OWN_TEXTS[pid]) | NATIONAL_TEXTS, instruments - NATIONAL_TEXTS
    assert rb.packs[pid].folder == PACKS / pid


def test_the_national_texts_are_the_national_rules_alone():
    assert set(_ids(RULES / "statutes")) == NATIONAL_TEXTS
    assert not (RULES / "statutes" / "local").exists()


def test_every_instrument_of_the_rulebook_is_a_national_or_a_packs_text(rb):
    assert set(rb.statutes.instruments) == NATIONAL_TEXTS | {i for ids in OWN_TEXTS.values() for i in ids}


def test_a_bundled_pack_is_read_by_the_pack_folder_code_a_link_out_of_it_is_refused(tmp_path):
    """The bundled packs pass the checks of any pack folder: a statute file in rules/packs/<id>/statutes/ that
    leads outside the folder is refused, as it is for a folder given with packs=."""
    root = tmp_path / "rules"
    shutil.copytree(RULES, root)
    outside = tmp_path / "outside.yaml"
    shutil.copy(PACKS / "cn-gz-shaomi" / "statutes" / "cn-gz-shaomi-hudong.yaml", outside)
    (root / "packs" / "cn-gz-shaomi" / "statutes" / "cn-gz-shaomi-hudong.yaml").unlink()
    (root / "packs" / "cn-gz-shaomi" / "statutes" / "cn-gz-shaomi-hudong.yaml").symlink_to(outside)
    with pytest.raises(zwgk_rules.RuleFileError) as info:
        zwgk_rules.Rulebook(root)
    assert info.value.field == "file" and "outside" in info.value.message
    assert info.value.file.endswith("packs/cn-gz-shaomi/statutes/cn-gz-shaomi-hudong.yaml")


def test_a_bundled_pack_without_its_texts_does_not_load(tmp_path):
    root = tmp_path / "rules"
    shutil.copytree(RULES, root)
    shutil.rmtree(root / "packs" / "cn-nx-zhongwei-sfj" / "statutes")
    with pytest.raises(zwgk_rules.RuleFileError) as info:
        zwgk_rules.Rulebook(root)
    assert info.value.field == "instrument" and "cn-nx-zhongwei-sfj" in info.value.message


# ---------------------------------------------------------------- 勺米镇: twelve instruments

def test_shaomi_documents_are_cited_by_their_own_article_numbers(rb):
    c = rb.statutes.resolve("cn-gz-shaomi-yishenqing:4:p8:i1")       # was cn-gz-shaomi:204:p8:i1
    assert c.label == "《勺米镇依申请公开制度》第四条第八款第（一）项"
    assert c.text.endswith("不能当场做出处理的,应当自受理申请之日起20个工作日内做出处理。")
    c = rb.statutes.resolve("cn-gz-shaomi-hudong:3")                   # was cn-gz-shaomi:903
    assert c.label == "《勺米镇政民互动管理制度》第三条"
    c = rb.statutes.resolve("cn-gz-shaomi-shenhe:2")                   # a section, not an article: 二、稿件校对
    assert c.label == "《勺米镇政务公开信息审核发布管理制度》二、稿件校对"
    assert [rb.statutes.title(i) for i in SHAOMI] == [
        "勺米镇办事公开制度", "勺米镇依申请公开制度", "勺米镇政务公开监督考核制度", "勺米镇公文类信息公开属性源头认定制度",
        "勺米镇政务公开监督员管理制度", "勺米镇政务公开重大决策事项预公开制度", "勺米镇政务公开信息审核发布管理制度",
        "勺米镇公开事项目录规范动态管理制度", "勺米镇政民互动管理制度", "勺米镇政务公开公众参与制度", "勺米镇政务公开回应关切制度",
        "勺米镇政务公开政策解读制度"]
    for old in ("cn-gz-shaomi:204", "cn-gz-shaomi:903"):
        with pytest.raises(zwgk_rules.CitationError):
            rb.statutes.resolve(old)


def test_shaomi_texts_keep_the_in_force_choice(rb):
    for iid in SHAOMI:
        about = rb.statutes.about(iid)
        assert about["in_force"].from_.isoformat() == "2019-05-15" and about["verbatim"] is True
        assert "本库的选择" in yaml.safe_load(about["path"].read_text(encoding="utf-8"))["note"]
    assert rb.packs["cn-gz-shaomi"].spec.in_force.from_.isoformat() == "2019-05-15"
    in_force = next(p for p in rb.packs["cn-gz-shaomi"].spec.provisions if p.id == "sm.p.in_force")
    assert in_force.cite == ("cn-gz-shaomi-mulu:7",) and "本库的选择" in in_force.summary


def test_shaomi_answers_cite_the_documents(rb):
    e = zwgk_rules.Engine("cn-gz-shaomi", rulebook=rb)
    r = e.interact({"jurisdiction": "cn-gz-shaomi", "kind": "difficult", "received_on": "2026-09-28"})
    assert [(b.regulation, b.article) for b in r.basis] == [("cn-gz-shaomi-hudong", 4)]
    c = e.classify({"jurisdiction": "cn-gz-shaomi", "doc_type": "通知", "title": "关于某事项的通知",
                    "formed_on": "2026-04-30", "flags": ["public_interest"]})
    local = sorted({(b.regulation, b.article) for b in c.basis if b.regulation.startswith("cn-gz-shaomi")})
    assert local == [("cn-gz-shaomi-banshi", 8), ("cn-gz-shaomi-shenhe", 1), ("cn-gz-shaomi-shenhe", 2),
                     ("cn-gz-shaomi-shuxing", 4)]


def _seed_lines(source: str):
    m = re.match(r"\.\./shared/seeds/([0-9a-f_]+\.txt)", source or "")
    if not m or not (SEEDS / m.group(1)).is_file():
        return None
    return (SEEDS / m.group(1)).read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("iid", [i for ids in OWN_TEXTS.values() for i in ids])
def test_a_verbatim_pack_text_is_in_its_seed(rb, iid):
    """Every paragraph and item of a text marked verbatim is (part of) one line of the seed named in its source."""
    about = rb.statutes.about(iid)
    lines = _seed_lines(about["source"])
    if lines is None:
        pytest.skip("the seeds (../shared/seeds) are not at hand")
    doc = yaml.safe_load(about["path"].read_text(encoding="utf-8"))
    missing = []
    for art in doc["articles"]:
        if not art.get("verbatim", doc.get("verbatim", True)):
            continue
        for p in art["paragraphs"]:
            for text in [p.get("text", "")] + [i["text"] for i in p.get("items", [])]:
                if text and not any(text in line for line in lines):
                    missing.append((art["article"], text[:30]))
    assert not missing, missing


# ---------------------------------------------------------------- the pages (zwgk doc)

@pytest.mark.parametrize("pid", sorted(OWN_TEXTS))
def test_a_bundled_packs_page_is_current(rb, pid):
    assert (PACKS / pid / "README.md").read_text(encoding="utf-8") == render_pack_doc(rb, pid), \
        f"run: zwgk doc rules/packs/{pid}"


def test_the_example_packs_page_is_current():
    rb = zwgk_rules.Rulebook(packs=[EXAMPLE])
    assert (EXAMPLE / "README.md").read_text(encoding="utf-8") == render_pack_doc(rb, "cn-xx-shili-sfj"), \
        "run: zwgk doc examples/packs/cn-xx-shili-sfj"


def test_a_page_shows_the_packs_prose_and_texts(rb):
    page = render_pack_doc(rb, "cn-gz-shaomi")
    assert "| `cn-gz-shaomi-jiedu` | 《勺米镇政务公开政策解读制度》 | [`statutes/cn-gz-shaomi-jiedu.yaml`]" in page
    assert "*Policy questions: reply within 3 working days.*" in page                      # note_en of a kind
    assert "| 日期 / date | 采集件没有日期；2019-05-15是本库的选择" in page                       # doc.not_expressed
    assert "**《勺米镇依申请公开制度》第四条第八款第（一）项**（`cn-gz-shaomi-yishenqing:4:p8:i1`）" in page
    assert "- 勺米镇重难件15个工作日，最长30个工作日（`interact`）" in page                         # its cases
    # a single-text pack shows article headings without its title, as before
    assert "**主动公开制度 第四条**（`cn-nx-zhongwei-sfj:4`）" in render_pack_doc(rb, "cn-nx-zhongwei-sfj")


def test_a_page_shows_dated_message_periods(tmp_path):
    root = tmp_path / "rules"
    shutil.copytree(RULES, root)
    pack = root / "packs" / "cn-gz-shaomi" / "pack.yaml"
    text = pack.read_text(encoding="utf-8")
    assert text.count("      due_days: 3\n") == 1
    pack.write_text(text.replace("      due_days: 3\n", "      due_days: {2019-05-15: 3, 2027-01-01: 2}\n"), encoding="utf-8")
    page = render_pack_doc(zwgk_rules.Rulebook(root), "cn-gz-shaomi")
    assert "| `policy_question`<br>政策咨询类信件 | due：2019-05-15起 3个工作日；2027-01-01起 2个工作日 | 科宣中心 |" in page


def _zwgk(*args, cwd=ROOT):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-m", "zwgk_rules", *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=120)


def test_zwgk_doc_writes_an_own_packs_page_and_check_says_when_it_is_stale(tmp_path):
    folder = tmp_path / "cn-xx-shili-sfj"
    shutil.copytree(EXAMPLE, folder)
    (folder / "README.md").unlink()
    r = _zwgk("doc", "--check", str(folder))
    assert r.returncode == 1 and "README.md" in r.stdout and "not current" in r.stdout, r.stdout + r.stderr
    r = _zwgk("doc", str(folder))
    assert r.returncode == 0, r.stderr
    assert (folder / "README.md").read_text(encoding="utf-8") == (EXAMPLE / "README.md").read_text(encoding="utf-8")
    assert _zwgk("doc", "--check", str(folder)).returncode == 0
    # an edit to pack.yaml makes the page stale
    text = (folder / "pack.yaml").read_text(encoding="utf-8").replace("分管领导审定", "局长审定")
    (folder / "pack.yaml").write_text(text, encoding="utf-8")
    assert _zwgk("doc", "--check", str(folder)).returncode == 1


def test_zwgk_doc_check_of_the_bundled_packs():
    r = _zwgk("doc", "--check")
    assert r.returncode == 0 and r.stdout == "", r.stdout + r.stderr


def test_zwgk_doc_never_writes_outside_the_pack_folder(tmp_path):
    folder = tmp_path / "cn-xx-shili-sfj"
    shutil.copytree(EXAMPLE, folder)
    target = tmp_path / "elsewhere.md"
    target.write_text("untouched\n", encoding="utf-8")
    (folder / "README.md").unlink()
    (folder / "README.md").symlink_to(target)
    r = _zwgk("doc", str(folder))
    assert r.returncode == 2 and "outside" in r.stderr, r.stdout + r.stderr
    assert target.read_text(encoding="utf-8") == "untouched\n"


def test_zwgk_doc_refuses_a_folder_that_is_not_a_pack(tmp_path):
    r = _zwgk("doc", str(tmp_path))
    assert r.returncode == 2 and "pack.yaml" in r.stderr, r.stdout + r.stderr


# ---------------------------------------------------------------- links

_LINK = re.compile(r"\]\(([^)\s]+)\)")


def _pages():
    yield ROOT / "README.md"
    yield ROOT / "CHANGELOG.md"
    yield from sorted((ROOT / "docs").glob("*.md"))
    yield from sorted(PACKS.glob("*/README.md"))
    yield from sorted((ROOT / "examples" / "packs").glob("*/README.md"))


@pytest.mark.parametrize("page", list(_pages()), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_leads_to_a_file(page):
    """README.md, the docs and the packs' pages link to files that exist (docs/packs/ became rules/packs/<id>/)."""
    broken = []
    for target in _LINK.findall(page.read_text(encoding="utf-8")):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue
        path = (page.parent / target.split("#")[0]).resolve()
        if not path.exists():
            broken.append(target)
    assert not broken, broken


# ---------------------------------------------------------------- the shipped packs are read when first used

def _counting_reads(monkeypatch):
    """The pack ids that ``Rulebook._load_pack`` reads from here on, in order."""
    from zwgk_rules._rulebook import Rulebook
    seen, real = [], Rulebook._load_pack

    def counted(self, path, *args, **kwargs):
        seen.append(path.parent.name)
        return real(self, path, *args, **kwargs)
    monkeypatch.setattr(Rulebook, "_load_pack", counted)
    return seen


def test_the_shipped_packs_are_read_when_first_used_and_once(monkeypatch):
    seen = _counting_reads(monkeypatch)
    rb = zwgk_rules.Rulebook()
    assert seen == []
    assert list(rb.packs) == ["cn", "cn-gx-hengxian-sfj", "cn-gz-shaomi", "cn-nx-zhongwei-sfj", "cn-yn-longling-sfj"]
    assert "cn-gz-shaomi" in rb.packs and "cn-gz-shaomiX" not in rb.packs and len(rb.packs) == 5
    assert seen == []
    # every pack text resolves before any pack is read (the texts are bundled at load)
    assert rb.statutes.resolve("cn-gz-shaomi-yishenqing:4:p8:i1").regulation == "cn-gz-shaomi-yishenqing"
    assert seen == []
    assert rb.pack("cn-gz-shaomi").title == "勺米镇人民政府"
    assert rb.pack("cn-gz-shaomi") is rb.packs["cn-gz-shaomi"]
    assert seen == ["cn-gz-shaomi"]
    assert [p.id for p in rb.packs.values()] == list(rb.packs)
    assert seen == ["cn-gz-shaomi", "cn-gx-hengxian-sfj", "cn-nx-zhongwei-sfj", "cn-yn-longling-sfj"]
    with pytest.raises(zwgk_rules.InputError):
        rb.pack("cn-gz-shaomiX")


def test_a_national_request_reads_no_pack_and_a_packs_request_reads_only_its_own(monkeypatch):
    seen = _counting_reads(monkeypatch)
    rb = zwgk_rules.Rulebook()
    request = {"id": "n1", "submission": {"channel": "online", "submitted_on": "2026-09-28",
                                          "confirmed_on": "2026-09-28"}, "items": [{"description": "预算"}]}
    assert zwgk_rules.Engine(rulebook=rb).decide_raw(request)["disposition"] == "disclose"
    assert seen == []
    zwgk_rules.Engine("cn-nx-zhongwei-sfj", rulebook=rb).decide_raw(request)
    assert seen == ["cn-nx-zhongwei-sfj"]


def test_threads_asking_for_the_same_shipped_pack_get_one_pack_read_once(monkeypatch):
    import threading
    seen = _counting_reads(monkeypatch)
    rb = zwgk_rules.Rulebook()
    got, start = [], threading.Barrier(8)

    def ask():
        start.wait()
        got.append(rb.pack("cn-yn-longling-sfj"))
    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == ["cn-yn-longling-sfj"] and len(got) == 8 and all(p is got[0] for p in got)


def test_a_rulebook_pickled_before_its_packs_are_read_reads_them_after(monkeypatch):
    import pickle
    rb = zwgk_rules.Rulebook()
    rb.pack("cn-gz-shaomi")
    copy = pickle.loads(pickle.dumps(rb))
    seen = _counting_reads(monkeypatch)
    assert copy.pack("cn-gz-shaomi").title == "勺米镇人民政府" and seen == []       # read before: kept
    assert copy.pack("cn-gx-hengxian-sfj").calendar == rb.pack("cn-gx-hengxian-sfj").calendar == "cn-gx"
    assert seen == ["cn-gx-hengxian-sfj", "cn-gx-hengxian-sfj"]       # once in each rulebook


def test_a_broken_shipped_pack_fails_when_used_a_broken_pack_of_a_named_rules_folder_at_load(tmp_path, monkeypatch):
    """The shipped rules are the package's own (checked by its tests and ``zwgk check``): a problem in one of
    its packs shows when that pack is used, and the others still answer. A rules folder the caller names is
    read whole at load, as before (the tests above)."""
    import zwgk_rules._rulebook as rulebook
    root = tmp_path / "rules"
    shutil.copytree(RULES, root)
    pack = root / "packs" / "cn-yn-longling-sfj" / "pack.yaml"
    pack.write_text(pack.read_text(encoding="utf-8").replace("calendar: cn", "calendar: cn-nowhere", 1),
                    encoding="utf-8")
    with pytest.raises(zwgk_rules.RuleFileError):
        zwgk_rules.Rulebook(root)
    monkeypatch.setattr(rulebook, "rules_root", lambda: root)
    rb = zwgk_rules.Rulebook()
    assert rb.pack("cn-gz-shaomi").id == "cn-gz-shaomi"
    with pytest.raises(zwgk_rules.RuleFileError) as info:
        rb.pack("cn-yn-longling-sfj")
    assert info.value.field == "calendar" and "cn-nowhere" in info.value.message
    with pytest.raises(zwgk_rules.RuleFileError):           # and again: nothing half-read is kept
        rb.packs["cn-yn-longling-sfj"]
