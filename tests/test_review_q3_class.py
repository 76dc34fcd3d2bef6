"""Second review of Q3.1-Q3.3: the answers a class of students plausibly writes.

Each answer's truth was worked out by hand first (the comment beside it gives the argument
where it is not plain algebra); the test then asks hw2check.  Every refutation is re-checked
with the tests' own arithmetic (Fractions here and in test_review_q3's helpers, SymPy only to
evaluate the claim's text read independently), never with the project's evaluation code.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
import sympy

from hw2check.ledger import Outcome, Verdict
from hw2check.sheet import parse_sheet
from hw2check.topics import Settings
from proofs import jensen, proximal_step, regret
from tests.command import Command
from tests.test_review_q3 import exceeds, gap_instance, regret_of

MODULES = {"q3_1": proximal_step, "q3_2": regret, "q3_3": jensen}
TRUTH_3_1 = {
    "minimizer": "w_t - g/lam",
    "step_size": "1/lam",
    "proximity_gradient": "lam*(w - w_t)",
}
P, R = Verdict.PROVED, Verdict.REFUTED
NAMES = ("w_t", "g", "lam", "w", "eta", "T", "wstar_sq", "sum_v_sq", "avg_gap")


def decide(table: str, key: str, text: str) -> Outcome:
    sheet = parse_sheet(f'[sheet]\ntitle = "t"\n[{table}]\n{key} = "{text}"\n', "t.toml")
    (check,) = MODULES[table].claim_checks(sheet, Settings(), {})
    outcome: Outcome = check.decide(*check.args)
    return outcome


def value_of(text: str, point: dict[str, Fraction]) -> sympy.Expr:
    """The text evaluated at the point, read with SymPy here (not the project's parser); all
    symbols replaced at once (``subs`` would cancel (w**2 - w_t**2)/(w + w_t) on the way)."""
    symbols = {name: sympy.Symbol(name) for name in NAMES}
    expr = sympy.sympify(
        text.replace("^", "**"),
        locals={**symbols, "Abs": sympy.Abs, "abs": sympy.Abs},
        rational=True,
    )
    return expr.xreplace(
        {symbols[k]: sympy.Rational(v.numerator, v.denominator) for k, v in point.items()}
    )


CLASS_3_1 = [
    ("minimizer", "w_t - g*(1/lam)", P),
    ("minimizer", "(w_t*lam - g)/lam", P),
    ("minimizer", "w_t-g/lam", P),
    ("minimizer", "w_t - lam^-1*g", P),
    ("minimizer", "w_t + g/lam", R),
    ("minimizer", "w_t - g*lam", R),  # equal at lam = 1 only
    ("minimizer", "w_t - 2*g/lam", R),
    ("step_size", "lam^-1", P),
    ("step_size", "1/(2*lam)", R),
    ("step_size", "lam", R),
    ("step_size", "2/lam", R),
    ("proximity_gradient", "lam*(w - w_t)", P),
    ("proximity_gradient", "lam*w - lam*w_t", P),
    ("proximity_gradient", "lam*(w_t - w)", R),
    ("proximity_gradient", "lam*Abs(w - w_t)", R),  # differs for w < w_t
    ("proximity_gradient", "2*lam*(w - w_t)", R),
    ("proximity_gradient", "lam/2*(w-w_t)", R),
    ("proximity_gradient", "lam*(w-w_t)**2", R),
    ("proximity_gradient", "lam*sqrt((w-w_t)**2)", R),
    # not a number where the truth is one: 0/0 at w = -w_t, at g = 0, at lam = 1
    ("proximity_gradient", "lam*(w**2 - w_t**2)/(w + w_t)", R),
    ("minimizer", "(w_t*g - g**2/lam)/g", R),
    ("step_size", "(lam - 1)/(lam**2 - lam)", R),
]


@pytest.mark.parametrize(("key", "text", "verdict"), CLASS_3_1)
def test_class_answers_3_1(key: str, text: str, verdict: Verdict) -> None:
    outcome = decide("q3_1", key, text)
    assert outcome.verdict is verdict, outcome.evidence
    if verdict is R:
        assert outcome.witness is not None
        point = {k: Fraction(v) for k, v in outcome.witness.items()}
        assert point["lam"] > 0
        claim, truth = value_of(text, point), value_of(TRUTH_3_1[key], point)
        assert truth.is_Rational  # the truth is a number there
        assert not claim.is_Rational or claim != truth  # the claim is another one, or none


def test_a_claim_undefined_somewhere_is_not_proved_by_cancelling() -> None:
    outcome = decide("q3_1", "minimizer", "(w_t*g - g**2/lam)/g")
    assert outcome.witness is not None and outcome.witness["g"] == "0"
    assert "not defined" in outcome.evidence
    with pytest.raises(ZeroDivisionError):  # the claim's own arithmetic at the witness
        w_t, g, lam = (Fraction(outcome.witness[k]) for k in ("w_t", "g", "lam"))
        _ = (w_t * g - g**2 / lam) / g


RS = "wstar_sq/(2*eta) + eta/2*sum_v_sq"
CLASS_3_2 = [
    ("(wstar_sq + eta**2*sum_v_sq)/(2*eta)", P),
    ("wstar_sq/(2*eta) + (eta*sum_v_sq)/2", P),
    ("(wstar_sq/eta + eta*sum_v_sq)/2", P),
    (f"{RS} + 0*T", P),
    ("wstar_sq/eta + eta*sum_v_sq", P),  # 2R >= R
    ("wstar_sq/(2*eta) + eta*sum_v_sq", P),
    ("wstar_sq/(2*eta) + eta*T*sum_v_sq/2", P),  # T >= 1, sum_v_sq >= 0
    ("sqrt(T*wstar_sq*sum_v_sq) + eta/2*sum_v_sq", P),  # <-w*, V> <= |w*| |V| <= |w*| sqrt(T Q)
    ("wstar_sq/(2*eta)", R),  # w* = w_(T+1): regret R > wstar_sq/(2 eta) when sum_v_sq > 0
    ("eta/2*sum_v_sq", R),
    ("wstar_sq/(2*eta) + eta/2*sum_v_sq/T", R),  # T = 2, v = (1, -1), w* = 0: regret 1
    (f"{RS} - wstar_sq/(2*eta*T)", R),
    ("sqrt(wstar_sq*sum_v_sq*T)", R),  # w* = 0, v = (1, -1): regret eta > 0
    ("wstar_sq/(4*eta) + eta*sum_v_sq", R),  # T = 2, eta = 1, v = (1, 1), w* = -3: 5 > 17/4
    ("sqrt(wstar_sq)*sqrt(sum_v_sq) + eta/2*sum_v_sq*T", R),
]


CLASS_3_3 = [
    ("avg_gap*T/T", P),
    ("avg_gap + 0", P),
    ("Abs(avg_gap)", P),
    ("(avg_gap + Abs(avg_gap))/2", P),  # max(avg_gap, 0)
    ("(avg_gap + sqrt(avg_gap**2 + 1/T))/2", P),
    ("avg_gap + 1/T**2", P),
    ("T*avg_gap", R),  # affine f, avg_gap < 0, T >= 2
    ("avg_gap**2", R),  # avg_gap = 1/2
    ("avg_gap/T", R),
    ("2*avg_gap", R),
    ("avg_gap - 1/T", R),
]


INSTANCE = {"q3_2": regret_of, "q3_3": gap_instance}


@pytest.mark.parametrize(
    ("table", "text", "verdict"),
    [("q3_2", *case) for case in CLASS_3_2] + [("q3_3", *case) for case in CLASS_3_3],
)
def test_class_bounds(table: str, text: str, verdict: Verdict) -> None:
    outcome = decide(table, "bound", text)
    assert outcome.verdict is verdict, outcome.evidence
    if verdict is R:
        assert outcome.witness is not None
        lhs, params = INSTANCE[table](dict(outcome.witness))
        assert exceeds(lhs, text, params)


@pytest.mark.parametrize(
    ("table", "text", "where"),
    [
        # cancel used to turn these into the reference and "prove" them; as written they are
        # not numbers at T = 1, at wstar_sq = 0 (w* = 0), at T = 5, at eta = 3
        ("q3_3", "avg_gap + (T-1)/(T**2-1)", "T = 1"),
        ("q3_2", "(wstar_sq**2 + eta**2*sum_v_sq*wstar_sq)/(2*eta*wstar_sq)", "wstar_sq = 0"),
        ("q3_3", "avg_gap*(T**2 - 10*T + 25)/(T-5)**2", "T = 5"),
        ("q3_2", f"{RS}*(eta**2 - 6*eta + 9)/(eta - 3)**2", "eta = 3"),
    ],
)
def test_a_bound_undefined_somewhere_is_not_proved(table: str, text: str, where: str) -> None:
    outcome = decide(table, "bound", text)
    assert outcome.verdict is Verdict.UNDECIDED, outcome.evidence
    assert where in outcome.evidence and "not a real number" in outcome.evidence


def test_identical_answers_get_identical_rows_in_a_class_run(
    command: Command, tmp_path: Path
) -> None:
    answers = [
        ("w_t - g/lam", RS, "avg_gap"),
        ("w_t + g/lam", "sqrt(wstar_sq*sum_v_sq*T)", "T*avg_gap"),
    ]
    paths = []
    for i in range(6):
        minimizer, bound_2, bound_3 = answers[i % 2]
        path = tmp_path / f"s{i}.toml"
        path.write_text(
            f'[sheet]\ntitle = "s{i}"\n[q3_1]\nminimizer = "{minimizer}"\n'
            f'[q3_2]\nbound = "{bound_2}"\n[q3_3]\nbound = "{bound_3}"\n'
        )
        paths.append(str(path))
    run = command(*paths, "--only", "3", "--format", "json", "--jobs", "2")
    assert run.returncode == 1, run.stderr
    rows = [
        [{k: v for k, v in c.items() if k != "seconds"} for c in json.loads(line)["claims"]]
        for line in run.stdout.splitlines()
    ]
    assert len(rows) == 6
    for i in range(2, 6):
        assert rows[i] == rows[i % 2]
    verdicts = [{c["id"]: c["verdict"] for c in sheet} for sheet in rows[:2]]
    assert verdicts[0]["q3_1.minimizer"] == verdicts[0]["q3_2.bound"] == "proved"
    assert verdicts[1]["q3_1.minimizer"] == verdicts[1]["q3_3.bound"] == "refuted"


@pytest.mark.parametrize("bound", ["avg_gap*(T-1)/(T-1)", "avg_gap + 0/(T-1)"])
def test_a_division_cancelled_while_parsing_still_leaves_t_1_undefined(bound: str) -> None:
    # SymPy would turn these into avg_gap as the text is parsed; at T = 1 they are 0/0.
    from hw2check.runner import run_checks

    sheet = parse_sheet(f'[sheet]\ntitle = "t"\n[q3_3]\nbound = "{bound}"\n', "t.toml")
    checks = jensen.claim_checks(sheet, Settings(), {})
    (row,) = run_checks(checks, jobs=1, timeout=60)  # through a worker process, as the command
    assert row.verdict is Verdict.UNDECIDED and "T = 1" in row.evidence
