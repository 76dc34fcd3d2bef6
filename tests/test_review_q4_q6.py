"""Review of Q4 and Q6 on sheets other than the seed: each test is a defect found and fixed.

Every expected verdict here is recomputed independently (mpmath at 100 digits, plain
Fractions, or SymPy on the specific structure), not with the project's functions.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import mpmath
import sympy

from hw2check.equality import show
from hw2check.ledger import Outcome, Verdict
from hw2check.numbers import compare, read_number
from hw2check.sheet import MAX_GRAPH_NODES, SGD_ETA, Sheet, parse_sheet
from hw2check.topics import Settings
from proofs import autodiff, graph_ad, sgd
from properties.sgd import POSITIVE, search_failure


def q4_sheet(q4: str) -> Sheet:
    return parse_sheet(f'[sheet]\ntitle = "review"\n\n[q4]\n{q4}', "review.toml")


def decide_q4(sheet: Sheet) -> dict[str, Outcome]:
    return {
        check.id: check.decide(*check.args)
        for check in autodiff.claim_checks(sheet, Settings(examples=10), {})
    }


def digits_of(value: mpmath.mpf, places: int) -> str:
    """``value`` truncated to ``places`` decimals, as text (independent of the project)."""
    with mpmath.workdps(places + 30):
        scaled = int(mpmath.floor(abs(value) * mpmath.mpf(10) ** places))
    text = str(scaled).rjust(places + 1, "0")
    return ("-" if value < 0 else "") + text[:-places] + "." + text[-places:]


# --- Q4 --------------------------------------------------------------------------------------


def test_long_correct_numbers_are_matched_at_full_precision() -> None:
    """Defect: the true value was rounded to 53 bits before the comparison, so a correct
    number with more than ~16 digits was refuted (|stated - true| reported as ~1e-17)."""
    with mpmath.workdps(100):
        f1_w1 = -mpmath.sin(1) * mpmath.cos(2)
        f1_w2 = -mpmath.cos(1) * mpmath.sin(2) + mpmath.exp(-2) / (1 + mpmath.exp(-2)) ** 2
        rows = [
            [digits_of(f1_w1, 40), digits_of(f1_w2, 25)],
            ["4." + "3" * 60, "1." + "3" * 30],
        ]
    text = ", ".join("[" + ", ".join(f'"{v}"' for v in row) + "]" for row in rows)
    outcomes = decide_q4(q4_sheet(f"forward_mode = [{text}]"))
    assert {o.verdict for o in outcomes.values()} == {Verdict.PROVED}, outcomes


def test_a_number_off_below_double_precision_is_refuted() -> None:
    """The same defect the other way: 4/3 rounded to a double, stated with all its decimals, is
    off by 7.4e-17 > 1e-52 and must be refuted, not proved against the double it equals."""
    stated = read_number(str(Decimal(4 / 3)))  # the double nearest 4/3, all its 52 decimals
    assert stated.value == Fraction(4 / 3) != Fraction(4, 3)
    with mpmath.workdps(60):
        truth = mpmath.mpf(4) / 3
    found = compare(stated, truth, 50)
    assert found is not None and not found.matches


# --- Q6 --------------------------------------------------------------------------------------


def q6_rows(
    components: list[str], start: str, picked: int, step_sizes: str = "eta > 0"
) -> dict[str, Outcome]:
    listed = ", ".join(f'"{c}"' for c in components)
    sheet = parse_sheet(
        f'[sheet]\ntitle = "review"\n\n[q6]\ncomponents = [{listed}]\nstart = {start}\n'
        f'picked = {picked}\nstep_sizes = "{step_sizes}"\n',
        "review.toml",
    )
    return {
        check.id: check.decide(*check.args)
        for check in sgd.claim_checks(sheet, Settings(examples=30), {})
    }


def test_a_constant_loss_that_evaluation_cannot_certify_is_refuted() -> None:
    """Defect: F = sin(w)**2 + cos(w)**2 never changes, but h(eta) = 0 has no certified sign,
    and the search counted every such eta as one where "F increases" held: checked."""
    row = q6_rows(["sin(w)**2", "cos(w)**2"], "1", 2)["q6.counterexample"]
    assert row.verdict is Verdict.REFUTED and row.witness is not None, row.evidence
    eta = sympy.Rational(row.witness["eta"])
    w = sympy.Symbol("w", real=True)
    step = 1 - eta * sympy.diff(sympy.cos(w) ** 2, w).subs(w, 1)
    loss = sympy.sin(w) ** 2 + sympy.cos(w) ** 2
    assert sympy.trigsimp(loss.subs(w, step) - loss.subs(w, 1)) == 0  # F unchanged: not >


def test_a_step_that_leaves_the_domain_breaks_the_claim() -> None:
    """Defect: with f_1 = log(w + 5) the step w_t+1 = -eta/5 leaves the domain for eta >= 25,
    where F(w_t+1) is not a real number; the search counted those eta as cases where
    F(w_t+1) > F(w_t) held and the row was checked."""
    row = q6_rows(["log(w + 5)", "(w - 3)**2"], "0", 1)["q6.counterexample"]
    assert row.verdict is Verdict.REFUTED and row.witness is not None, row.evidence
    eta = Fraction(row.witness["eta"])
    assert eta > 0 and -eta / 5 + 5 <= 0  # log of a number <= 0: not a real number
    assert "not a real number" in row.evidence


def test_the_search_does_not_count_uncertified_cases_as_held() -> None:
    h = sympy.sin(SGD_ETA) ** 2 + sympy.cos(SGD_ETA) ** 2 - 1  # identically 0
    found = search_failure(h, POSITIVE, (), examples=20, seed=0)
    assert found.counterexample is None and found.held == 0 < found.in_region
    # and a claim that does hold is counted
    held = search_failure(SGD_ETA + 1, POSITIVE, (), examples=20, seed=0)
    assert held.held == held.in_region > 0


def test_listing_the_checks_of_a_huge_degree_sheet_does_no_algebra() -> None:
    """Defect: claim_checks expanded F(w_t+1) - F(w_t) in the main process, outside any time
    limit; with f_1 = w**10000 - 1 that took ~40 s and then crashed the whole command printing
    an integer of more than 4300 digits.  Now the rows are built at once and the algebra runs
    in the check, under its time limit."""
    sheet = parse_sheet(
        '[sheet]\ntitle = "review"\n\n[q6]\ncomponents = ["w**10000 - 1", "w"]\nstart = 1\n'
        'picked = 1\nstep_sizes = "eta > 0"\nnext_iterate = "1 - 10000*eta"\nreal_roots = 2\n',
        "review.toml",
    )
    checks = sgd.claim_checks(sheet, Settings(), {})
    assert [c.id for c in checks] == ["q6.counterexample", "q6.next_iterate", "q6.real_roots"]
    row = checks[1].decide(*checks[1].args)
    assert row.verdict is Verdict.PROVED  # the iterate itself is cheap: 1 - 10000*eta


def test_evidence_text_survives_integers_beyond_the_printing_limit() -> None:
    assert "too long to print" in show(sympy.Integer(10) ** 5000 + sympy.Symbol("w"))


def long_chain(nodes: int) -> str:
    """f1 through a chain x_i = (i + 1)/i * x_(i-1): every local partial a different number."""
    chain = ['x0 = "w1"'] + [f'x{i} = "{i + 1}*x{i - 1}/{i}"' for i in range(1, nodes)]
    out = f'out = "cos(x{nodes - 1}/{nodes})*cos(w2) + sigmoid(w2)"'
    return "\n".join(["[q4.graph_f1]", *chain, out])


def test_slip_search_on_a_long_graph_stays_linear_and_honest() -> None:
    """Defect: the catalogue had one "extra chain factor" slip per pair of edges and every
    screened candidate was re-run in mpmath, so on a 150-node graph the wrong AD entry was
    left undecided by the time limit instead of refuted.  Sheets allow at most
    MAX_GRAPH_NODES nodes now, so the graph has that many."""
    chain = long_chain(MAX_GRAPH_NODES - 1)  # the chain and the output node
    sheet = q4_sheet("forward_mode = [[0.1, -0.386302], [4.333333, 1.333333]]\n" + chain)
    graph = sheet.q4.graph_f1
    assert graph is not None
    with mpmath.workdps(40):
        slips = autodiff.catalogue(graph_ad.trace(graph, autodiff.POINT))
    assert len(graph.nodes) == MAX_GRAPH_NODES
    assert len(slips) <= 12 * len(graph.nodes)  # was about n**2
    row = decide_q4(sheet)["q4.forward_mode.f1_w1"]
    assert row.verdict is Verdict.REFUTED
    # 0.1 +- 0.1 is reached by halving the first factor (2 -> 1): 0.3502/2 = 0.1751
    assert "∂x1/∂x0 taken as the value of x0 = 1 instead of 2" in row.evidence
    assert "not re-verified" in row.evidence  # the others are said to be unchecked
