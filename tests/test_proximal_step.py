"""Q3.1: the theorem, and sheets with equivalent and wrong answers."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
import sympy

from hw2check.ledger import Verdict
from hw2check.sheet import parse_sheet
from hw2check.topics import Settings
from proofs import proximal_step as q31


def test_theorem_is_proved_with_every_step_confirmed() -> None:
    coordinate = q31.prove_coordinate_minimizer()
    assert coordinate.holds and len(coordinate.steps) == 4
    assert q31.prove_hessian_is_lam_identity(3).holds
    assert q31.prove_proximal_step().verdict is Verdict.PROVED


def rows(body: str) -> dict[str, tuple[Verdict, Mapping[str, str] | None]]:
    sheet = parse_sheet('[sheet]\ntitle = "t"\n[q3_1]\n' + body, "t.toml")
    out = {}
    for check in q31.claim_checks(sheet, Settings(), {}):
        outcome = check.decide(*check.args)
        out[check.id] = (outcome.verdict, outcome.witness)
    return out


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("minimizer", "w_t - (1/lam)*g"),
        ("minimizer", "(lam*w_t - g)/lam"),
        ("minimizer", "w_t - g*lam^-1"),
        ("step_size", "lam**-1"),
        ("step_size", "2/(2*lam)"),
        ("proximity_gradient", "lam*(w - w_t)"),
        ("proximity_gradient", "-lam*(w_t - w)"),
    ],
)
def test_equivalent_forms_are_proved(key: str, text: str) -> None:
    verdict, _ = rows(f'{key} = "{text}"\n')[f"q3_1.{key}"]
    assert verdict is Verdict.PROVED


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("minimizer", "w_t + g/lam"),
        ("minimizer", "w_t - lam*g"),
        ("minimizer", "w_t - g"),
        ("step_size", "lam"),
        ("step_size", "1/(2*lam)"),
        ("proximity_gradient", "lam*Abs(w - w_t)"),
        ("proximity_gradient", "lam*(w_t - w)"),
        ("proximity_gradient", "lam/2*(w - w_t)"),
    ],
)
def test_wrong_forms_are_refuted_with_an_exact_witness(key: str, text: str) -> None:
    verdict, witness = rows(f'{key} = "{text}"\n')[f"q3_1.{key}"]
    assert verdict is Verdict.REFUTED
    assert witness is not None
    symbols = {"minimizer": {"w_t", "g", "lam"}, "step_size": {"lam"}}.get(key, {"w", "w_t", "lam"})
    assert set(witness) == symbols
    point = {name: sympy.Rational(value) for name, value in witness.items()}
    assert point["lam"] > 0
    claim = sympy.sympify(text.replace("Abs", "abs"), locals={k: sympy.Symbol(k) for k in point})
    truth = {
        "minimizer": sympy.sympify("w_t - g/lam"),
        "step_size": sympy.sympify("1/lam"),
        "proximity_gradient": sympy.sympify("lam*(w - w_t)"),
    }[key]
    subs = {sympy.Symbol(k): v for k, v in point.items()}
    assert claim.subs(subs) != truth.subs(subs)  # re-verified here, independently


@pytest.mark.parametrize(
    "text",
    ["lam*sqrt((w - w_t)**2)*(w - w_t)/Abs(w - w_t)", "lam*(w - w_t)**2/(w - w_t)"],
)
def test_a_form_undefined_at_w_equal_w_t_is_refuted_there(text: str) -> None:
    # SymPy would cancel the division as the text is parsed; the claim has no value at
    # w = w_t, where the derivative is 0.
    verdict, witness = rows(f'proximity_gradient = "{text}"\n')["q3_1.proximity_gradient"]
    assert verdict is Verdict.REFUTED and witness is not None
    assert witness["w"] == witness["w_t"]


def test_gd_claim_true_is_refuted_and_false_is_proved() -> None:
    true_rows = rows("gd_converges_for_strictly_convex = true\n")
    verdict, witness = true_rows["q3_1.gd_converges_for_strictly_convex"]
    assert verdict is Verdict.REFUTED and witness is not None
    lam = sympy.Rational(witness["lam"])
    w = sympy.Symbol("w")
    f = sympy.sympify(witness["f"], locals={"w": w})
    step = sympy.expand(w - sympy.diff(f, w) / lam)
    assert abs(step.coeff(w)) > 1 and sympy.diff(f, w, 2).is_positive
    false_rows = rows("gd_converges_for_strictly_convex = false\n")
    assert false_rows["q3_1.gd_converges_for_strictly_convex"][0] is Verdict.PROVED


def test_the_module_prints_its_derivation(capsys: pytest.CaptureFixture[str]) -> None:
    q31.main()
    out = capsys.readouterr().out
    assert "phi'(w)" in out and "[FAILED]" not in out and "Hessian" in out
