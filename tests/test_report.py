"""The reports people read: Markdown and the self-contained HTML page, its formulas and plots.

These run everywhere (no browser): the HTML is parsed with html.parser and each MathML and SVG
element with xml.etree, so a malformed element or an unescaped sheet string fails here.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path

import pytest

from hw2check import plots
from hw2check.formats import render
from hw2check.html import html
from hw2check.ledger import Ledger, Row, Verdict
from hw2check.mathml import expression, formulas_of, math_element
from hw2check.report import markdown
from hw2check.sheet import SGD_ETA, SYMBOLS, Sheet, load_seed, parse_sheet, seed_text
from tests import snapshot

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)> | $x$ *bold* `code`'
HAS_MATPLOTLIB = plots.matplotlib_available()


def hw2check(*args: str, cache_home: Path | None = None) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if cache_home is not None:  # theorem rows read from this proof cache
        env["XDG_CACHE_HOME"] = str(cache_home)
    return subprocess.Popen(
        [sys.executable, "-m", "hw2check", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )


def ledger_of(data: dict[str, object]) -> Ledger:
    """A Ledger back from its JSON line (the contract's fields)."""
    rows = []
    for row in data["claims"]:  # type: ignore[attr-defined]
        rows.append(
            Row(
                id=row["id"],
                question=row["question"],
                statement=row["statement"],
                verdict=Verdict(row["verdict"]),
                method=row["method"],
                evidence=row["evidence"],
                witness=row.get("witness"),
                seconds=row["seconds"],
            )
        )
    sheet = data["sheet"]
    assert isinstance(sheet, dict)
    return Ledger(sheet["path"], sheet["title"], tuple(rows))


@pytest.fixture(scope="module")
def seed_runs(tmp_path_factory: pytest.TempPathFactory, warm_cache: Path) -> tuple[Ledger, str]:
    """The seed ledger (JSON) and the Done-when command's page
    (hw2check --format html --output r.html), run side by side, theorems from the cache."""
    target = tmp_path_factory.mktemp("report") / "r.html"
    as_json = hw2check("--format", "json", cache_home=warm_cache)
    as_html = hw2check("--format", "html", "--output", str(target), cache_home=warm_cache)
    json_out, json_err = as_json.communicate(timeout=300)
    html_out, html_err = as_html.communicate(timeout=300)
    assert as_json.returncode == 1, json_err
    assert as_html.returncode == 1 and html_out == "", html_err
    return ledger_of(json.loads(json_out)), target.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_ledger() -> Ledger:
    return snapshot.ledger("seed")


@pytest.fixture(scope="module")
def seed_html(seed_runs: tuple[Ledger, str]) -> str:
    return seed_runs[1]


class Page(HTMLParser):
    """Every start tag with its attributes, and the text, in document order."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def named(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def elements(text: str, tag: str) -> list[ET.Element]:
    """Each <tag>...</tag> of the page parsed on its own as XML: it must be well-formed."""
    found = re.findall(rf"<{tag}\b.*?</{tag}>", text, re.S)
    return [ET.fromstring(fragment) for fragment in found]


def assert_safe(page: Page) -> None:
    assert not page.named("script")
    for tag, attrs in page.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for name in ("src", "href", "xlink:href"):
            value = attrs.get(name)
            assert value is None or value.startswith("#"), (tag, name, value)


# --- HTML ------------------------------------------------------------------------------------


@pytest.mark.subprocess
def test_seed_html_has_the_table_every_row_formulas_and_three_plots(
    seed_html: str, seed_ledger: Ledger
) -> None:
    page = Page(seed_html)
    tables = [attrs for attrs in page.named("table") if not attrs]  # witnesses have a class
    assert len(tables) == 1 and "<table><thead><tr><th>Q</th><th>claim</th>" in seed_html
    anchors = {attrs.get("id") for _, attrs in page.tags}
    for row in seed_ledger.claims:
        assert f"s1-{row.id}" in anchors, row.id
        assert f'href="#s1-{row.id}"' in seed_html
    # Every question present gets a section.
    headings = re.findall(r"<h2>Question ([^<]+)</h2>", seed_html)
    assert headings == list(dict.fromkeys(row.question for row in seed_ledger.claims))
    maths = elements(seed_html, "math")
    assert len(maths) >= 40
    assert all(m.tag == "{http://www.w3.org/1998/Math/MathML}math" for m in maths)
    assert all(len(m) > 0 for m in maths)
    assert "q3_2.bound" in seed_html and "≤" in "".join(t for m in maths for t in m.itertext())
    svgs = elements(seed_html, "svg")
    if HAS_MATPLOTLIB:
        assert len(svgs) == 3
        assert all(s.tag == "{http://www.w3.org/2000/svg}svg" for s in svgs)
        assert all(len(list(s.iter())) > 100 for s in svgs)  # drawn, not empty
    ids = [attrs["id"] for _, attrs in page.tags if attrs.get("id")]
    assert len(ids) == len(set(ids)), "element ids must be unique in the page"
    assert_safe(page)
    policy = [a for a in page.named("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert policy and "default-src 'none'" in (policy[0]["content"] or "")


@pytest.mark.subprocess
def test_the_whole_page_is_well_formed_xml(seed_html: str) -> None:
    # The page is polyglot markup: every element closed, every text escaped.
    body = seed_html.removeprefix("<!DOCTYPE html>\n")
    root = ET.fromstring(body)
    assert root.tag == "html"


def _hostile_sheet() -> Sheet:
    text = seed_text().replace(
        'title = "HW2 solutions, CS 4644/7643 Deep Learning, Spring 2024"',
        f"title = {json.dumps(HOSTILE)}\nauthor = {json.dumps(HOSTILE)}",
    )
    return parse_sheet(text, "<evil>.toml")


def _hostile_ledger() -> Ledger:
    row = Row(
        id="q3_1.minimizer",
        question="3.1",
        statement=HOSTILE,
        verdict=Verdict.REFUTED,
        method=HOSTILE,
        evidence=HOSTILE,
        witness={"w": HOSTILE, HOSTILE: "1/2"},
        seconds=0.0,
    )
    odd = Row("any <id> & `x` |y", "7", HOSTILE, Verdict.CHECKED, "m", "e", None, 0.0)
    return Ledger("<evil>.toml", HOSTILE, (row, odd))


def test_sheet_text_is_escaped_in_html() -> None:
    text = html([_hostile_ledger()], [_hostile_sheet()])
    page = Page(text)
    assert_safe(page)
    assert not page.named("img")
    assert "<script>" not in text and "&lt;script&gt;" in text
    shown = "".join(page.text)
    assert shown.count(HOSTILE) >= 5  # title, author, statement, method, evidence, witness
    for fragment in (*elements(text, "math"), *elements(text, "svg")):
        assert fragment is not None
    ET.fromstring(text.removeprefix("<!DOCTYPE html>\n"))


def test_several_sheets_make_one_document_with_a_section_each(seed_ledger: Ledger) -> None:
    seed = load_seed()
    # Questions 3.2 and 6 only: two figures per sheet are enough to test that ids stay unique.
    rows = tuple(row for row in seed_ledger.claims if row.question in ("3.2", "6"))
    first = Ledger(seed_ledger.path, seed_ledger.title, rows)
    text = render([first, Ledger("other.toml", "another sheet", rows)], "html", [seed, seed])
    page = Page(text)
    sections = [a["id"] for a in page.named("section") if a.get("class") == "sheet"]
    assert sections == ["s1", "s2"]
    assert text.count("<!DOCTYPE html>") == 1
    ids = [attrs["id"] for _, attrs in page.tags if attrs.get("id")]
    assert len(ids) == len(set(ids))
    assert {"s1-q3_2.bound", "s2-q3_2.bound"} <= set(ids)
    if HAS_MATPLOTLIB:
        assert len(elements(text, "svg")) == 4


def test_without_matplotlib_the_report_says_how_to_get_the_plots(
    seed_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [name for name in sys.modules if name.split(".")[0] == "matplotlib"]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now fails
    assert not plots.matplotlib_available()
    text = html([seed_ledger], [load_seed()])
    shown = "".join(Page(text).text)
    assert plots.INSTALL_HINT in shown
    assert "<svg" not in text
    assert shown.count("This plot needs matplotlib") == 3
    assert len(elements(text, "math")) >= 40  # everything else still renders
    for row in seed_ledger.claims:
        assert f'id="s1-{row.id}"' in text


@pytest.mark.skipif(not HAS_MATPLOTLIB, reason="matplotlib (extra 'report') is not installed")
def test_svg_output_is_deterministic() -> None:
    seed = load_seed()
    first = [p.svg for p in plots.plots(seed, ["3.2"], "s1")]
    second = [p.svg for p in plots.plots(seed, ["3.2"], "s1")]
    assert first == second and all(first)
    assert all("<metadata" not in svg and "<!--" not in svg for svg in first if svg)


def test_without_a_sheet_there_are_theorem_formulas_and_no_plots(seed_ledger: Ledger) -> None:
    text = html([seed_ledger])
    assert "<svg" not in text
    assert 'id="s1-theorem.regret_identity"' in text
    assert len(elements(text, "math")) == len(formulas_of(None))


# --- Markdown --------------------------------------------------------------------------------


def test_markdown_table_first_then_a_section_per_question(seed_ledger: Ledger) -> None:
    text = markdown(seed_ledger, load_seed())
    lines = text.splitlines()
    assert lines[0] == "# HW2 solutions, CS 4644/7643 Deep Learning, Spring 2024"
    first_table = next(i for i, line in enumerate(lines) if line.startswith("| Q |"))
    first_section = next(i for i, line in enumerate(lines) if line.startswith("## "))
    assert first_table < first_section
    table = [line for line in lines[first_table:first_section] if line.startswith("|")]
    assert len(table) == 2 + len(seed_ledger.claims)
    sections = [line.removeprefix("## Question ") for line in lines if line.startswith("## ")]
    assert sections == list(dict.fromkeys(row.question for row in seed_ledger.claims))
    for row in seed_ledger.claims:
        assert f"### `{row.id}` — " in text
    formulas = [line for line in lines if line.startswith("$") and line.endswith("$")]
    assert len(formulas) >= 40
    assert (
        r"$\sum_{t=1}^{T} \langle w_t - w^*, v_t \rangle \le \frac{\eta \sum_{t=1}^{T} "
        r"\Vert v_t\Vert ^2}{2} + \frac{\Vert w^*\Vert ^2}{2 \eta}$" in lines
    )
    assert r"$\eta = \frac{1}{\lambda}$" in lines
    # No backslash before ASCII punctuation in a formula: Markdown could eat it as an escape.
    assert not any(re.search(r"\\[!-/:-@\[-`{-~]", line) for line in formulas)


def _outside_code(line: str) -> str:
    """The Markdown line without its code spans (which show their text literally)."""
    kept, i = [], 0
    while i < len(line):
        if line[i] == "\\":
            kept.append(line[i : i + 2])
            i += 2
        elif line[i] == "`":
            fence = re.match("`+", line[i:])
            assert fence is not None
            end = line.find(fence.group(), i + len(fence.group()))
            assert end >= 0, f"unclosed code span in {line!r}"
            i = end + len(fence.group())
        else:
            kept.append(line[i])
            i += 1
    return "".join(kept)


def test_markdown_escapes_sheet_text() -> None:
    text = markdown(_hostile_ledger(), _hostile_sheet())
    lines = text.splitlines()
    for line in lines:
        # No raw HTML can start outside code spans: every < and & is backslash-escaped.
        assert not re.search(r"(?<!\\)[<&]", _outside_code(line)), line
    assert lines[0] == "# " + re.sub(r"([`*<>&|$])", r"\\\1", HOSTILE)
    table = [line for line in lines if line.startswith("| ") and "---" not in line]
    assert len(table) == 3
    for line in table:  # the | in free text did not add a column
        assert len(re.findall(r"(?<!\\)\|", _outside_code(line))) == 5, line
    assert "### ``any <id> & `x` |y`` — " in text
    assert "| ``any <id> & `x` \\|y`` |" in text


# --- the data behind the figures -------------------------------------------------------------


def test_regret_series_obeys_the_identity_and_shows_a_wrong_bound() -> None:
    seed = load_seed()
    series = plots.regret_series(seed.q3_2.bound)
    for regret, bound, gap in zip(series.regret, series.bound, series.gap, strict=True):
        assert regret == bound - gap and gap >= 0
    assert series.gap[3] == 0  # w_5 = w*: the bound is attained at T = 4
    assert series.claimed == tuple(float(b) for b in series.bound)
    wrong = parse_sheet('[sheet]\ntitle = "t"\n[q3_2]\nbound = "wstar_sq/(2*eta)"\n', "w.toml")
    claimed = plots.regret_series(wrong.q3_2.bound).claimed
    assert claimed is not None
    assert any(c is not None and c < r for c, r in zip(claimed, series.regret, strict=True))


def test_finite_difference_errors_have_slopes_one_and_two() -> None:
    seed = load_seed()
    data = plots.difference_errors(seed.q4)
    assert abs(data.slopes["forward"] - 1) < 0.01
    assert abs(data.slopes["central"] - 2) < 0.01
    assert data.sheet_step == Fraction(1, 100)
    # The seed's quotients are forward differences at h = 0.01, stated to 4 places.
    assert data.stated_error is not None
    assert abs(data.stated_error - data.sheet_error) < 1e-4
    wrong = parse_sheet(
        '[sheet]\ntitle = "t"\n[q4]\nfd_step = 0.001\nfd_scheme = "central"\n'
        "finite_difference = [[0.3513, -0.3856], [4.3528, 9.0]]\n",
        "w.toml",
    )
    other = plots.difference_errors(wrong.q4)
    assert other.sheet_scheme == "central" and other.sheet_error < 1e-5
    assert other.stated_error is not None and other.stated_error > 7


def test_sgd_changes_follow_the_sheet() -> None:
    seed = load_seed()
    data = plots.sgd_changes(seed.q6)
    assert data is not None and data.picked == 2
    assert all(change > 0 for change in data.changes[1])  # the picked step always increases F
    assert data.changes[0][0] < 0  # the other component's small steps decrease it
    assert all(data.allowed)
    narrow = parse_sheet(
        seed_text().replace('step_sizes = "eta > 0"', 'step_sizes = "0 < eta < 1/4"'), "n.toml"
    )
    limited = plots.sgd_changes(narrow.q6)
    assert limited is not None
    assert [eta < 0.25 for eta in limited.etas] == list(limited.allowed)
    assert plots.sgd_changes(parse_sheet('[sheet]\ntitle = "t"\n', "e.toml").q6) is None


# --- formulas -------------------------------------------------------------------------------


def test_every_formula_is_well_formed_mathml() -> None:
    for found in formulas_of(load_seed()).values():
        for formula in found:
            root = ET.fromstring(math_element(formula))
            assert root.get("display") == "block"


def test_relations_and_special_characters_are_escaped_in_mathml() -> None:
    eta = SGD_ETA
    for relation in (eta < 1, eta > 0, eta <= 2):
        text = math_element(expression(relation))
        ET.fromstring(text)
        assert "<mo><</mo>" not in text and "<mo>></mo>" not in text
    lam = math_element(expression(SYMBOLS["lam"] * SYMBOLS["wstar_sq"]))
    assert "λ" in "".join(ET.fromstring(lam).itertext())


ODD = """
[sheet]
title = "odd but valid"
[q3_2]
bound = "log(T - 1) + sqrt(-eta)"
[q4]
fd_step = "1e-300"
fd_scheme = "backward"
forward_mode = [[1e300, -1e-300], [0, 1]]
[q6]
components = ["sqrt(w)", "log(w)", "1/w"]
start = 0
picked = 3
step_sizes = "eta > 5 and eta**2 < 1000 and 1 < 2"
"""


def test_odd_sheets_give_figures_and_formulas_without_failing() -> None:
    odd = parse_sheet(ODD, "odd.toml")
    series = plots.regret_series(odd.q3_2.bound)
    assert series.claimed is not None and all(value is None for value in series.claimed)
    data = plots.difference_errors(odd.q4)
    assert data.sheet_scheme == "backward" and data.sheet_error > 0.1  # h underflows: no digits
    changes = plots.sgd_changes(odd.q6)
    assert changes is not None and changes.picked == 3
    assert [5 < eta < 1000**0.5 for eta in changes.etas] == list(changes.allowed)
    for formula in (f for found in formulas_of(odd).values() for f in found):
        ET.fromstring(math_element(formula))
    assert r"1 \times 10^{-300}" in formulas_of(odd)["q4.forward_mode.f1_w2"][0].latex
    if HAS_MATPLOTLIB:
        (figure,) = plots.plots(odd, ["6"], "s1")
        assert figure.svg is not None
        ET.fromstring(figure.svg)
