"""Q4: values, finite differences, forward and reverse mode, graphs, located slips."""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

import mpmath
import pytest
import sympy
from hypothesis import given, settings

from hw2check.errors import InputError
from hw2check.ledger import Outcome, Verdict
from hw2check.numbers import Match, compare, decide_match, read_number
from hw2check.sheet import Sheet, load_seed, parse_sheet
from hw2check.topics import Settings
from proofs import autodiff, graph_ad
from proofs.autodiff import (
    POINT,
    REFERENCE_GRAPHS,
    claim_checks,
    fd_errors,
    fitted_slope,
    prove_autodiff_agreement,
)
from proofs.graph_ad import (
    AGREEMENT,
    INPUTS,
    mode_disagreement,
)
from properties.autodiff import (
    REFERENCE_SPECS,
    cases,
    disagreement,
    graph_of_spec,
    violates_agreement,
)


def f1(w1: float, w2: float) -> float:
    return math.cos(w1) * math.cos(w2) + 1 / (1 + math.exp(-w2))


def f2(w1: float, w2: float) -> float:
    return math.log(w1 + w2) + w1**2 * w2


def sheet(q4: str) -> Sheet:
    return parse_sheet(f'[sheet]\ntitle = "test"\n\n[q4]\n{q4}', "test.toml")


def decide(sheet: Sheet) -> dict[str, Outcome]:
    return {
        check.id: check.decide(*check.args)
        for check in claim_checks(sheet, Settings(examples=10), {})
    }


def quotient(f: Callable[[float, float], float], j: int, h: float, scheme: str) -> float:
    """An independent double-precision quotient (good to ~1e-10 for these h)."""
    ahead = (1 + h, 2.0) if j == 0 else (1.0, 2 + h)
    behind = (1 - h, 2.0) if j == 0 else (1.0, 2 - h)
    if scheme == "forward":
        return (f(*ahead) - f(1, 2)) / h
    if scheme == "backward":
        return (f(1, 2) - f(*behind)) / h
    return (f(*ahead) - f(*behind)) / (2 * h)


# --- the seed sheet -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_rows() -> dict[str, Outcome]:
    return decide(load_seed())


def test_seed_verdicts(seed_rows: dict[str, Outcome]) -> None:
    verdicts = {key: row.verdict for key, row in seed_rows.items()}
    entries = ("f1_w1", "f1_w2", "f2_w1", "f2_w2")
    assert verdicts["q4.values.f1"] is verdicts["q4.values.f2"] is Verdict.PROVED
    for entry in entries:
        assert verdicts[f"q4.finite_difference.{entry}"] is Verdict.PROVED
        assert verdicts[f"q4.forward_mode.{entry}"] is Verdict.REFUTED
        assert verdicts[f"q4.reverse_mode.{entry}"] is Verdict.REFUTED
    assert verdicts["q4.methods_agree"] is Verdict.PROVED
    assert verdicts["q4.graph_f1"] is verdicts["q4.graph_f2"] is Verdict.PROVED
    assert len(verdicts) == 2 + 3 * 4 + 1 + 2


def test_refuted_entries_carry_the_true_value(seed_rows: dict[str, Outcome]) -> None:
    truth = {
        "f1_w1": -math.sin(1) * math.cos(2),
        "f1_w2": -math.cos(1) * math.sin(2) + math.exp(-2) / (1 + math.exp(-2)) ** 2,
        "f2_w1": 1 / 3 + 4,
        "f2_w2": 1 / 3 + 1,
    }
    for mode in ("forward_mode", "reverse_mode"):
        for entry, value in truth.items():
            row = seed_rows[f"q4.{mode}.{entry}"]
            assert row.witness is not None
            text = row.witness["true_value"]
            assert len(text.replace("-", "").replace(".", "").lstrip("0")) >= 15
            assert float(text) == pytest.approx(value, abs=1e-12)


def test_seed_slip_is_explained(seed_rows: dict[str, Outcome]) -> None:
    """4.910239 = 1/ln 3 + 4: the partial of ln(a) taken as 1/b instead of 1/a."""
    evidence = seed_rows["q4.forward_mode.f2_w1"].evidence
    assert "explained by one slip" in evidence
    assert "∂b/∂a taken as 1/b" in evidence
    # and the reverse-mode f1 entry: the sum f = c + d differentiated like a product
    evidence = seed_rows["q4.reverse_mode.f1_w2"].evidence
    assert "∂f/∂c taken as the value of d" in evidence
    assert "∂f/∂d taken as the value of c" in evidence


def test_methods_agree_notes_the_sheets_own_disagreement(seed_rows: dict[str, Outcome]) -> None:
    evidence = seed_rows["q4.methods_agree"].evidence
    assert "own forward and reverse numbers disagree at f1_w2" in evidence
    assert "f1_w1" not in evidence.split("disagree at")[1]


def test_denied_agreement_is_refuted_with_the_agreeing_values() -> None:
    row = decide(sheet("methods_agree = false"))["q4.methods_agree"]
    assert row.verdict is Verdict.REFUTED
    assert row.witness is not None
    assert float(row.witness["f2_w1"]) == pytest.approx(13 / 3)


# --- numbers, steps and schemes -------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["central", "backward", "forward"])
def test_schemes_with_another_step(scheme: str) -> None:
    h = 0.001
    values = [[quotient(f, j, h, scheme) for j in (0, 1)] for f in (f1, f2)]
    rows = [", ".join(f'"{v:.6f}"' for v in row) for row in values]
    text = (
        f'fd_step = 0.001\nfd_scheme = "{scheme}"\nfinite_difference = [[{rows[0]}], [{rows[1]}]]'
    )
    outcomes = decide(sheet(text))
    assert all(
        outcomes[f"q4.finite_difference.{e}"].verdict is Verdict.PROVED for e in autodiff.ENTRIES
    )
    # teeth: 3 units in the last place off is refuted, with the true quotient as witness
    wrong = f"{values[0][0] + 3e-6:.6f}"
    rows[0] = f'"{wrong}", "{values[0][1]:.6f}"'
    text = (
        f'fd_step = 0.001\nfd_scheme = "{scheme}"\nfinite_difference = [[{rows[0]}], [{rows[1]}]]'
    )
    row = decide(sheet(text))["q4.finite_difference.f1_w1"]
    assert row.verdict is Verdict.REFUTED
    assert row.witness is not None
    assert float(row.witness["true_value"]) == pytest.approx(values[0][0], abs=1e-9)


def test_the_scheme_is_used() -> None:
    """The forward quotients stated under the central scheme are wrong at h = 0.01."""
    forward = [[quotient(f, j, 0.01, "forward") for j in (0, 1)] for f in (f1, f2)]
    rows = ", ".join("[" + ", ".join(f'"{v:.4f}"' for v in row) + "]" for row in forward)
    outcomes = decide(sheet(f'fd_scheme = "central"\nfinite_difference = [{rows}]'))
    assert all(
        outcomes[f"q4.finite_difference.{e}"].verdict is Verdict.REFUTED for e in autodiff.ENTRIES
    )


def test_trailing_zeros_in_strings_count() -> None:
    """0.3510 as a TOML float has 3 decimals; as a string it has 4 and misses 0.351294."""
    as_float = decide(sheet("finite_difference = [[0.3510, -0.3856], [4.3528, 1.3328]]"))
    as_string = decide(
        sheet('finite_difference = [["0.3510", "-0.3856"], ["4.3528000", "1.3328"]]')
    )
    assert as_float["q4.finite_difference.f1_w1"].verdict is Verdict.PROVED
    assert as_string["q4.finite_difference.f1_w1"].verdict is Verdict.REFUTED
    assert "> 1e-4" in as_string["q4.finite_difference.f1_w1"].evidence
    assert as_string["q4.finite_difference.f2_w1"].verdict is Verdict.REFUTED
    assert as_string["q4.finite_difference.f1_w2"].verdict is Verdict.PROVED


def test_values_and_a_wrong_value() -> None:
    good = f'values = ["{f1(1, 2):.10f}", {f2(1, 2):.3f}]'
    assert all(o.verdict is Verdict.PROVED for o in decide(sheet(good)).values())
    bad = decide(sheet("values = [0.655962, 3.098612]"))
    assert bad["q4.values.f1"].verdict is Verdict.REFUTED
    assert bad["q4.values.f2"].verdict is Verdict.PROVED


def test_a_step_outside_the_domain_is_undecided() -> None:
    row = decide(sheet('fd_step = 5\nfd_scheme = "backward"\nfinite_difference = [[2, 0], [0, 0]]'))
    assert row["q4.finite_difference.f2_w1"].verdict is Verdict.UNDECIDED
    assert "not defined" in row["q4.finite_difference.f2_w1"].evidence
    # an integer has k = 0: tolerance 1 (f1's quotient over h = 5 is about -0.0994)
    assert row["q4.finite_difference.f1_w1"].verdict is Verdict.REFUTED
    assert row["q4.finite_difference.f1_w2"].verdict is Verdict.PROVED


def test_matching_is_exact_and_signed() -> None:
    stated = read_number("-0.3856")
    found = compare(stated, mpmath.mpf("-0.38557"), 40)
    assert found is not None and found.matches
    far = compare(stated, mpmath.mpf("0.3856"), 40)
    assert far is not None and not far.matches
    assert float(far.difference) == pytest.approx(0.7712)
    # a value within the error of the boundary is not decided at that precision ...
    assert compare(read_number("1.1"), mpmath.mpf(1), 40) is None
    # ... exactly on the boundary: |stated - v| + error = unit matches, - error = unit is open
    on = compare(read_number("0.5"), mpmath.mpf(0.5), 1)  # 0 + 1e-1 <= 1e-1
    assert on is not None and on.matches and on.difference == 0
    assert compare(read_number(-2), mpmath.mpf(0), 0) is None  # 2 - 1 = 1 is not > 1
    below = compare(read_number("0.01"), mpmath.mpf(0.0015), 3)  # error max(1, |v|)/10^3
    assert below is not None and below.matches
    assert compare(read_number(-3), mpmath.mpf(0), 0) == Match(False, Fraction(3), mpmath.mpf(0))
    assert decide_match(read_number("1.1"), lambda d: mpmath.mpf(1), max_digits=80) is None


# --- AD entries, graphs and slips -----------------------------------------------------------

TRUE_JACOBIAN = "[[0.350175, -0.386302], [4.333333, 1.333333]]"


def test_correct_ad_numbers_are_proved() -> None:
    outcomes = decide(sheet(f"forward_mode = {TRUE_JACOBIAN}\nreverse_mode = {TRUE_JACOBIAN}"))
    assert all(o.verdict is Verdict.PROVED for o in outcomes.values())


def test_sigmoid_and_square_slips_are_named() -> None:
    sigma_as_sigma = -math.cos(1) * math.sin(2) + 1 / (1 + math.exp(-2))
    x_not_2x = 1 / 3 + 1 * 2
    text = f"forward_mode = [[0.350175, {sigma_as_sigma:.6f}], [{x_not_2x:.6f}, 1.333333]]"
    outcomes = decide(sheet(text))
    assert "σ' written as σ" in outcomes["q4.forward_mode.f1_w2"].evidence
    assert "(the factor 2 dropped)" in outcomes["q4.forward_mode.f2_w1"].evidence
    assert outcomes["q4.forward_mode.f1_w1"].verdict is Verdict.PROVED


def test_an_unexplained_number_reports_no_explanation() -> None:
    row = decide(sheet("reverse_mode = [[0.350175, -0.386302], [4.333333, 123.456]]"))
    evidence = row["q4.reverse_mode.f2_w2"].evidence
    assert "no one or two slips of the catalogue" in evidence


ALTERNATIVE = """
[q4.graph_f1]
e = "exp(-w2)"
s = "1/(1 + e)"
p = "cos(w1)*cos(w2)"
out = "p + s"

[q4.graph_f2]
p = "w1*w1"
q = "p*w2"
t = "ln(w1 + w2)"
f = "q + t"
"""


def test_a_valid_alternative_decomposition_is_proved() -> None:
    outcomes = decide(sheet(f"forward_mode = {TRUE_JACOBIAN}\n{ALTERNATIVE}"))
    assert outcomes["q4.graph_f1"].verdict is Verdict.PROVED
    assert outcomes["q4.graph_f2"].verdict is Verdict.PROVED
    assert outcomes["q4.forward_mode.f2_w1"].verdict is Verdict.PROVED


def test_slips_are_searched_on_the_sheets_graph() -> None:
    """1/ln 3 in place of 1/3, now on the alternative graph's node t = ln(w1 + w2)."""
    outcomes = decide(
        sheet(f"forward_mode = [[0.350175, -0.386302], [4.910239, 1.333333]]\n{ALTERNATIVE}")
    )
    evidence = outcomes["q4.forward_mode.f2_w1"].evidence
    assert "on the sheet's graph" in evidence
    assert "∂t/∂w1 taken as 1/t" in evidence
    assert outcomes["q4.forward_mode.f2_w1"].verdict is Verdict.REFUTED


def _exact_witness(row: Outcome, f: Callable[[float, float], float]) -> tuple[Fraction, Fraction]:
    assert row.verdict is Verdict.REFUTED and row.witness is not None
    w1, w2 = Fraction(row.witness["w1"]), Fraction(row.witness["w2"])
    assert float(row.witness["true_value"]) == pytest.approx(f(float(w1), float(w2)))
    assert float(row.witness["graph_value"]) != pytest.approx(f(float(w1), float(w2)))
    return w1, w2


def test_a_mutated_graph_is_refuted_at_the_point() -> None:
    mutated = (
        '[q4.graph_f1]\na = "cos(w1)"\nb = "cos(w2)"\nc = "a + b"\nd = "sigmoid(w2)"\nf = "c + d"'
    )
    row = decide(sheet(mutated))["q4.graph_f1"]
    assert _exact_witness(row, f1) == (Fraction(1), Fraction(2))


def test_a_wrong_graph_that_agrees_at_the_point_is_refuted_elsewhere() -> None:
    """w1**3 in place of w1**2 gives the same f2 at (1, 2) but not at other points."""
    wrong = '[q4.graph_f2]\na = "w1 + w2"\nb = "log(a)"\nc = "w1**3"\nd = "c*w2"\nf = "b + d"'
    row = decide(sheet(wrong))["q4.graph_f2"]
    w1, w2 = _exact_witness(row, f2)
    assert w1 + w2 > 0 and (w1, w2) != (Fraction(1), Fraction(2))


def test_a_graph_equal_on_the_domain_is_not_refuted() -> None:
    """log|w1 + w2| differs from log(w1 + w2) only where f2 is undefined."""
    graph = '[q4.graph_f2]\na = "w1 + w2"\nb = "log(abs(a))"\nd = "w1**2*w2"\nf = "b + d"'
    row = decide(sheet(graph))["q4.graph_f2"]
    assert row.verdict is not Verdict.REFUTED


def test_a_wrong_graph_explains_its_own_number() -> None:
    """d = c + w2 makes AD give 1/3 + 2 for ∂f2/∂w1: no slip needed on that graph."""
    graph = '[q4.graph_f2]\na = "w1 + w2"\nb = "log(a)"\nc = "w1**2"\nd = "c + w2"\nf = "b + d"'
    outcomes = decide(
        sheet(f"forward_mode = [[0.350175, -0.386302], [2.333333, 1.333333]]\n{graph}")
    )
    assert outcomes["q4.graph_f2"].verdict is Verdict.REFUTED
    assert "no slip: AD on that graph" in outcomes["q4.forward_mode.f2_w1"].evidence


def test_a_later_node_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"q4\.graph_f1"):
        sheet('[q4.graph_f1]\na = "b + w1"\nb = "cos(w2)"')


# --- the theorem and its properties ---------------------------------------------------------


def test_theorem_is_proved() -> None:
    outcome = prove_autodiff_agreement(examples=20, seed=1)
    assert outcome.verdict is Verdict.PROVED, outcome.evidence
    assert "checked, not proved" in outcome.evidence


def test_fd_slopes_have_teeth() -> None:
    """Forward errors fall like h, central like h²: neither passes for the other order."""
    forward = fitted_slope(autodiff.STEPS, fd_errors("f1", 1, "forward"))
    central = fitted_slope(autodiff.STEPS, fd_errors("f1", 1, "central"))
    assert abs(forward - 1) < 0.1 and abs(forward - 2) > 0.5
    assert abs(central - 2) < 0.1 and abs(central - 1) > 0.5


def test_agreement_has_teeth() -> None:
    """The comparison catches a wrong derivative, even one off by 1e-20."""
    f2_gradient = [sympy.diff(autodiff.REFERENCE_FUNCTIONS["f2"], w) for w in INPUTS]
    assert mode_disagreement(REFERENCE_GRAPHS["f1"], f2_gradient, POINT, 35) > AGREEMENT
    spec = (("cos", 1, 0), ("mul", 0, 2))
    case = (spec, (Fraction(1), Fraction(2)))
    assert disagreement(case) <= AGREEMENT
    gradient = [sympy.diff(graph_ad.compose(graph_of_spec(spec)), w) for w in INPUTS]
    nudged = [gradient[0] + sympy.Rational(1, 10**20), gradient[1]]
    assert mode_disagreement(graph_of_spec(spec), nudged, POINT, 35) > AGREEMENT


def test_reference_specs_are_the_reference_functions() -> None:
    for name, spec in REFERENCE_SPECS.items():
        difference = graph_ad.compose(graph_of_spec(spec)) - autodiff.REFERENCE_FUNCTIONS[name]
        assert sympy.expand(difference) == 0


@settings(max_examples=40)
@given(cases())
def test_random_graphs_agree(case: tuple[object, ...]) -> None:
    assert not violates_agreement(case)  # type: ignore[arg-type]


def test_trace_command_prints_the_trace(capsys: pytest.CaptureFixture[str]) -> None:
    print(autodiff.trace_table("f2", REFERENCE_GRAPHS["f2"]))
    out = capsys.readouterr().out
    assert "adjoint" in out and "log(a)" in out and "4.3333333" in out
