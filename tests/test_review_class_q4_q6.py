"""Review of Q4-Q6 on a class of student sheets: the answers real students write, each
verdict compared with a truth computed here independently (mpmath at 60 digits, Fractions,
plain algebra by hand), and the defects found, each with its regression test.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import mpmath
import pytest

from hw2check.ledger import Outcome, Row, Verdict
from hw2check.sheet import parse_sheet
from hw2check.topics import Settings
from proofs import autodiff, circulant, sgd

ENTRIES = ("f1_w1", "f1_w2", "f2_w1", "f2_w2")


def jacobian() -> dict[str, mpmath.mpf]:
    """The true Jacobian at (1, 2), by hand: σ' = σ(1 - σ), d ln(a)/da = 1/a."""
    sigma = 1 / (1 + mpmath.exp(-2))
    return {
        "f1_w1": -mpmath.sin(1) * mpmath.cos(2),
        "f1_w2": -mpmath.cos(1) * mpmath.sin(2) + sigma * (1 - sigma),
        "f2_w1": mpmath.mpf(1) / 3 + 4,
        "f2_w2": mpmath.mpf(1) / 3 + 1,
    }


def fd_quotient(name: str, j: int, h: Fraction, scheme: str) -> mpmath.mpf:
    def f(w1: mpmath.mpf, w2: mpmath.mpf) -> mpmath.mpf:
        if name == "f1":
            return mpmath.cos(w1) * mpmath.cos(w2) + 1 / (1 + mpmath.exp(-w2))
        return mpmath.log(w1 + w2) + w1 * w1 * w2

    step = mpmath.mpf(h.numerator) / h.denominator
    at = [mpmath.mpf(1), mpmath.mpf(2)]
    ahead, behind = list(at), list(at)
    ahead[j] += step
    behind[j] -= step
    if scheme == "forward":
        return (f(*ahead) - f(*at)) / step
    if scheme == "backward":
        return (f(*at) - f(*behind)) / step
    return (f(*ahead) - f(*behind)) / (2 * step)


def holds(text: str, truth: mpmath.mpf) -> bool:
    """SHEET.md's rule, decided here: |stated - truth| <= 10^-k, k the decimals written."""
    exponent = Decimal(text).as_tuple().exponent
    assert isinstance(exponent, int)
    digits = max(0, -exponent)
    exact = Fraction(mpmath.nstr(truth, 55, min_fixed=-100, max_fixed=100))
    return abs(Fraction(Decimal(text)) - exact) <= Fraction(1, 10**digits)


def written(value: mpmath.mpf, places: int, truncate: bool) -> str:
    scaled = abs(value) * mpmath.mpf(10) ** places
    whole = str(int(mpmath.floor(scaled) if truncate else mpmath.nint(scaled)))
    whole = whole.rjust(places + 1, "0")
    body = whole[:-places] + "." + whole[-places:] if places else whole
    return ("-" if value < 0 else "") + body


def decide_q4(q4: str) -> dict[str, Outcome]:
    sheet = parse_sheet(f'[sheet]\ntitle = "student"\n\n[q4]\n{q4}\n', "student.toml")
    return {
        check.id: check.decide(*check.args)
        for check in autodiff.claim_checks(sheet, Settings(examples=10), {})
    }


def matrix(texts: list[str]) -> str:
    quoted = [f'"{t}"' for t in texts]
    return f"[[{quoted[0]}, {quoted[1]}], [{quoted[2]}, {quoted[3]}]]"


def expect(outcome: Outcome, truth: bool) -> None:
    wanted = Verdict.PROVED if truth else Verdict.REFUTED
    assert outcome.verdict is wanted, outcome.evidence


# --- Q4: the class's numbers ---------------------------------------------------------------


@pytest.mark.parametrize("mode", ["forward_mode", "reverse_mode"])
def test_the_jacobian_rounded_or_truncated_to_any_places(mode: str) -> None:
    with mpmath.workdps(60):
        truth = jacobian()
        for places in (2, 3, 4, 6, 8):
            for truncate in (False, True):
                texts = [written(truth[e], places, truncate) for e in ENTRIES]
                rows = decide_q4(f"{mode} = {matrix(texts)}")
                for entry, text in zip(ENTRIES, texts, strict=True):
                    expect(rows[f"q4.{mode}.{entry}"], holds(text, truth[entry]))
        # the forms students write: trailing zeros kept, long decimals, off in the last place
        for texts in (
            ["0.350", "-0.386", "4.333", "1.333"],
            ["0.350175488", "-0.38630", "4.3333333", "1.3333333333"],
            ["0.352", "-0.384", "4.335", "1.3346"],
        ):
            rows = decide_q4(f"{mode} = {matrix(texts)}")
            for entry, text in zip(ENTRIES, texts, strict=True):
                expect(rows[f"q4.{mode}.{entry}"], holds(text, truth[entry]))


@pytest.mark.parametrize("scheme", ["forward", "central", "backward"])
@pytest.mark.parametrize("step", ["0.01", "0.001", "0.1", "1e-4"])
def test_finite_differences_of_every_scheme_and_step(scheme: str, step: str) -> None:
    h = Fraction(Decimal(step))
    with mpmath.workdps(60):
        quotients = {e: fd_quotient(e[:2], int(e[4]) - 1, h, scheme) for e in ENTRIES}
        exact = jacobian()
        # the quotient to 4 and 6 places, and the exact Jacobian written as the quotient
        for texts in (
            [written(quotients[e], 4, False) for e in ENTRIES],
            [written(quotients[e], 6, True) for e in ENTRIES],
            [written(exact[e], 6, False) for e in ENTRIES],
        ):
            rows = decide_q4(
                f'fd_step = {step}\nfd_scheme = "{scheme}"\nfinite_difference = {matrix(texts)}'
            )
            for entry, text in zip(ENTRIES, texts, strict=True):
                expect(rows[f"q4.finite_difference.{entry}"], holds(text, quotients[entry]))


# --- Q4: the class's AD slips --------------------------------------------------------------

MERGED_F1 = '[q4.graph_f1]\na = "cos(w1)*cos(w2)"\nd = "sigmoid(w2)"\nf = "a + d"'


def test_a_chain_factor_forgotten_inside_a_merged_node_is_explained() -> None:
    """Defect: with the merged node a = cos(w1)*cos(w2), the student who forgets the chain
    factor cos(w2) of ∂a/∂w1 = -sin(w1)*cos(w2) writes -sin(1) = -0.841471; the catalogue
    only replaced a whole local partial, so the number was refuted as unexplained."""
    with mpmath.workdps(60):
        forgot_cos_w2 = -mpmath.sin(1)
        sigma = 1 / (1 + mpmath.exp(-2))
        forgot_cos_w1 = -mpmath.sin(2) + sigma * (1 - sigma)
    stated = [written(forgot_cos_w2, 6, False), written(forgot_cos_w1, 6, False)]
    rows = decide_q4(
        f'forward_mode = [["{stated[0]}", "{stated[1]}"], ["4.333333", "1.333333"]]\n' + MERGED_F1
    )
    first, second = rows["q4.forward_mode.f1_w1"], rows["q4.forward_mode.f1_w2"]
    assert first.verdict is second.verdict is Verdict.REFUTED
    assert "∂a/∂w1 taken as -sin(w1) (the factor cos(w2) left out)" in first.evidence
    assert "∂a/∂w2 taken as -sin(w2) (the factor cos(w1) left out)" in second.evidence
    assert "explained by one slip" in first.evidence


def test_a_dropped_power_factor_in_a_merged_node_reads_as_such() -> None:
    """d(w1**2*w2)/dw1 = 2*w1*w2 taken as w1*w2: 1/3 + 2 = 2.333333 (the factor 2 left out)."""
    rows = decide_q4(
        'forward_mode = [["0.350175", "-0.386302"], ["2.333333", "1.333333"]]\n'
        '[q4.graph_f2]\nb = "log(w1 + w2)"\nd = "w1**2*w2"\nf = "b + d"'
    )
    row = rows["q4.forward_mode.f2_w1"]
    assert row.verdict is Verdict.REFUTED
    assert "∂d/∂w1 taken as w1*w2 (the factor 2 left out)" in row.evidence


@pytest.mark.parametrize(
    ("entry", "value", "slip"),
    [
        ("f2_w1", mpmath.mpf(1) / mpmath.log(3) + 4, "∂b/∂a taken as 1/b"),  # d ln(a)/da = 1/b
        ("f2_w1", mpmath.log(3) + 4, "∂b/∂a taken as the value of b"),  # ... = ln(a)
        ("f2_w1", mpmath.mpf(1) / 3 + 2, "∂c/∂w1 taken as w1 (the factor 2 dropped)"),
        ("f1_w1", mpmath.sin(1) * mpmath.cos(2), "∂a/∂w1 taken as its negative"),
        ("f1_w1", -mpmath.sin(1), "∂c/∂a taken as 1 (the factor left out of the chain)"),
    ],
)
def test_the_usual_slips_are_found_on_the_reference_graph(
    entry: str, value: mpmath.mpf, slip: str
) -> None:
    texts = ["0.350175", "-0.386302", "4.333333", "1.333333"]
    texts[ENTRIES.index(entry)] = written(value, 6, False)
    row = decide_q4(f"reverse_mode = {matrix(texts)}")[f"q4.reverse_mode.{entry}"]
    assert row.verdict is Verdict.REFUTED
    assert slip in row.evidence


def test_sigma_prime_written_as_sigma_times_one_plus_sigma() -> None:
    with mpmath.workdps(60):
        sigma = 1 / (1 + mpmath.exp(-2))
        wrong = -mpmath.cos(1) * mpmath.sin(2) + sigma * (1 + sigma)
    texts = ["0.350175", written(wrong, 6, False), "4.333333", "1.333333"]
    row = decide_q4(f"forward_mode = {matrix(texts)}")["q4.forward_mode.f1_w2"]
    assert row.verdict is Verdict.REFUTED
    assert "σ' written as σ(1 + σ)" in row.evidence


# --- Q5 --------------------------------------------------------------------------------------


@pytest.mark.parametrize("first", [True, False])
@pytest.mark.parametrize("second", [True, False])
def test_q5_booleans(first: bool, second: bool) -> None:
    """Both statements are true for every n (CS = SC for C = Σ c_k S^k; the converse by
    B_{i+1,j+1} = B_{i,j}): true is proved, false refuted, naming the theorem row."""
    sheet = parse_sheet(
        f'[sheet]\ntitle = "student"\n\n[q5]\ncirculant_commutes_with_shift = '
        f"{str(first).lower()}\nonly_circulants_commute_with_shift = {str(second).lower()}\n",
        "student.toml",
    )
    rows = {
        check.id: Row.of(check, check.decide(*check.args), 0.0)
        for check in circulant.theorem_checks(Settings(examples=10))
    }
    assert all(row.verdict is Verdict.PROVED for row in rows.values())
    for check, claimed in zip(
        circulant.claim_checks(sheet, Settings(examples=10), rows), (first, second), strict=True
    ):
        row = check.decide(*check.args)
        expect(row, claimed)
        if not claimed:
            assert row.witness is not None and row.witness["theorem"].startswith("theorem.")


# --- Q6 --------------------------------------------------------------------------------------


def q6(
    components: list[str], start: str, picked: int, steps: str, **extra: str
) -> dict[str, Outcome]:
    listed = ", ".join(f'"{c}"' for c in components)
    more = "".join(f'{key} = "{value}"\n' for key, value in extra.items())
    sheet = parse_sheet(
        f'[sheet]\ntitle = "student"\n\n[q6]\ncomponents = [{listed}]\nstart = "{start}"\n'
        f'picked = {picked}\nstep_sizes = "{steps}"\n{more}',
        "student.toml",
    )
    return {
        check.id: check.decide(*check.args)
        for check in sgd.claim_checks(sheet, Settings(examples=30), {})
    }


SEED_F = ["(w - 2)**2/2", "(w + 1)**2/2"]


@pytest.mark.parametrize(
    ("written_iterate", "truth"),
    [
        ("-eta", True),
        ("0 - eta*(0 + 1)", True),
        ("-eta*1", True),
        ("eta", False),
        ("1 - eta", False),
    ],
)
def test_the_next_iterate_as_students_write_it(written_iterate: str, truth: bool) -> None:
    # f_2'(0) = 0 + 1, so w_t+1 = 0 - eta*1 = -eta
    row = q6(SEED_F, "0", 2, "eta > 0", next_iterate=written_iterate)["q6.next_iterate"]
    expect(row, truth)


@pytest.mark.parametrize(
    ("steps", "truth"),
    [
        # step 2*eta: F(2 eta) - F(0) = 4 eta**2 - 2 eta = 2 eta (2 eta - 1) > 0 iff eta > 1/2
        ("eta > 1/2", True),
        ("eta > 0.5", True),
        ("eta >= 1", True),
        ("eta >= 1/2", False),
        ("eta > 0", False),
        ("eta > 0.49", False),
        ("0 < eta < 1/2", False),
    ],
)
def test_picking_the_first_component(steps: str, truth: bool) -> None:
    row = q6(SEED_F, "0", 1, steps)["q6.counterexample"]
    expect(row, truth)
    if not truth:
        assert row.witness is not None
        eta = Fraction(row.witness["eta"])
        assert 4 * eta**2 - 2 * eta <= 0  # F does not increase there


@pytest.mark.parametrize(
    ("components", "start", "picked", "steps", "truth"),
    [
        (["w**2", "(w-1)**2"], "0", 1, "eta > 0", False),  # f_1'(0) = 0: F unchanged
        (["(w-3)**2", "w**2"], "0", 1, "eta > 1/2", True),  # 72 eta**2 - 36 eta
        (["(w-3)**2", "w**2"], "1", 2, "eta > 0", True),  # 8 eta**2 + 4 eta
        (["-w", "w**2"], "0", 1, "eta > 1", True),  # eta**2 - eta
        (["-w", "w**2"], "0", 1, "eta >= 1", False),  # 0 at eta = 1
        (["w**4", "-w**2"], "1", 2, "eta > 0", True),  # F(1 + 2 eta) > 0 = F(1)
        (["w**4", "-w**2"], "1", 1, "eta > 0", False),  # w_t+1 = 0 at eta = 1/4
        (SEED_F, "1/2", 1, "eta > 0", True),  # a step away from the minimum of F
    ],
)
def test_other_students_counterexamples(
    components: list[str], start: str, picked: int, steps: str, truth: bool
) -> None:
    expect(q6(components, start, picked, steps)["q6.counterexample"], truth)


def test_a_non_polynomial_loss_on_steps_bounded_below_is_proved() -> None:
    """Defect: F = exp(w) - 2w from 0 with f_2: h(eta) = exp(2 eta) - 4 eta - 1, negative at
    eta = 1/2 but positive for eta >= 1 (h(1) = e**2 - 5 > 0, h'(1) = 2e**2 - 4 > 0,
    h'' > 0).  Only the argument from eta = 0 was tried, so the true claim was "checked"."""
    row = q6(["exp(w)", "-2*w"], "0", 2, "eta >= 1")["q6.counterexample"]
    assert row.verdict is Verdict.PROVED, row.evidence
    assert "R starts at eta = 1" in row.evidence
    # the boundary moved below the root of h (about 0.63) is refuted, with an exact witness
    wrong = q6(["exp(w)", "-2*w"], "0", 2, "eta >= 1/4")["q6.counterexample"]
    assert wrong.verdict is Verdict.REFUTED and wrong.witness is not None
    eta = Fraction(wrong.witness["eta"])
    with mpmath.workdps(50):
        assert eta >= Fraction(1, 4)
        assert mpmath.exp(2 * mpmath.mpf(eta.numerator) / eta.denominator) - 4 * eta - 1 < 0
