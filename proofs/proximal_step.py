"""Q3.1: the proximal step is a gradient step with eta = 1/lam.

For lam > 0 the proximal objective

    phi(w) = f(w_t) + <w - w_t, g> + (lam/2) ||w - w_t||^2,   g = grad f(w_t),

separates into one term per coordinate, g_i (w_i - w_t,i) + (lam/2)(w_i - w_t,i)^2.

Main results:

- ``prove_coordinate_minimizer``: per coordinate, phi' = g + lam (w - w_t) vanishes only at
  w_t - g/lam, phi'' = lam > 0, and phi(w) = phi(m) + (lam/2)(w - m)^2 with m = w_t - g/lam,
  so m is the unique global minimizer; summing over coordinates gives every dimension.
- ``prove_hessian_is_lam_identity``: for d = 1..4 with symbolic vectors, grad phi = 0 has the
  single solution w_t - g/lam and the Hessian is lam I.
- ``prove_proximal_step``: both together: the argmin is the gradient step with eta = 1/lam.
- ``gd_divergence_witness``: gradient descent with step 1/lam does not reach the minimum of
  every strictly convex f: f(w) = w^2, lam = 1/2 gives w_{t+1} = -3 w_t, which diverges.

Sheet claims (``[q3_1]``) are judged against these references by ``claim_checks``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sympy

from hw2check.equality import decide_equal
from hw2check.ledger import Check, Derivation, Outcome, Row, proved, refuted, undecided
from hw2check.sheet import SYMBOLS, Expression, Sheet
from hw2check.topics import Settings

W_T, G, LAM, W = (SYMBOLS[name] for name in ("w_t", "g", "lam", "w"))

MINIMIZER = W_T - G / LAM
STEP_SIZE = 1 / LAM
PROXIMITY_GRADIENT = sympy.diff(LAM / 2 * (W - W_T) ** 2, W)


def _linear_root(expression: sympy.Expr, variable: sympy.Symbol) -> sympy.Expr | None:
    """The single root of an expression of degree 1 in ``variable`` (None otherwise)."""
    poly = sympy.Poly(expression, variable)
    if poly.degree() != 1:
        return None
    slope, intercept = poly.all_coeffs()
    return sympy.cancel(-intercept / slope) if slope.is_nonzero else None


def prove_coordinate_minimizer(minimizer: sympy.Expr = MINIMIZER) -> Derivation:
    """One coordinate: stationary point, curvature and the completed square.

    ``minimizer`` is the claimed argmin (an expression in w_t, g, lam); a wrong one fails.
    """
    phi = G * (W - W_T) + LAM / 2 * (W - W_T) ** 2
    first = sympy.diff(phi, W)
    root = _linear_root(first, W)
    second = sympy.diff(phi, W, 2)
    at_minimizer = sympy.expand(phi.subs(W, minimizer))
    square = LAM / 2 * (W - minimizer) ** 2 + at_minimizer
    return Derivation(
        (
            (f"phi'(w) = {first}", sympy.expand(first - (G + LAM * (W - W_T))) == 0),
            (
                f"phi'(w) is of degree 1 in w with slope lam != 0: its single root is w = {root}",
                root is not None and sympy.expand(root - minimizer) == 0,
            ),
            (f"phi''(w) = {second} > 0 since lam > 0", bool(second.is_positive)),
            (
                f"phi(w) = (lam/2)(w - ({minimizer}))**2 + ({sympy.factor(at_minimizer)})"
                f" identically, so {minimizer} is the unique global minimizer",
                sympy.expand(phi - square) == 0,
            ),
        )
    )


def prove_hessian_is_lam_identity(
    max_dimension: int = 4, minimizer: sympy.Expr = MINIMIZER
) -> Derivation:
    """Vectors of dimension 1..max_dimension: the gradient's root, the Hessian and the
    completed square.

    The gradient is affine in w; its Jacobian (the Hessian) is lam*I, invertible for lam > 0,
    so the gradient has exactly one root, and substitution shows it is ``minimizer`` (the
    claimed argmin, applied coordinatewise; a wrong one fails).  The completed square
    phi(w) = -|g|^2/(2 lam) + (lam/2)|w - m|^2 also gives the minimum value.
    """
    steps = []
    for d in range(1, max_dimension + 1):
        w = sympy.Matrix(sympy.symbols(f"w1:{d + 1}"))
        w_t = sympy.Matrix(sympy.symbols(f"wt1:{d + 1}"))
        g = sympy.Matrix(sympy.symbols(f"g1:{d + 1}"))
        phi = (g.T * (w - w_t))[0] + LAM / 2 * ((w - w_t).T * (w - w_t))[0]
        gradient = sympy.Matrix([sympy.diff(phi, x) for x in w])
        hessian = sympy.hessian(phi, list(w))
        m = sympy.Matrix([minimizer.subs({W_T: w_t[i], G: g[i]}) for i in range(d)])
        vanishes = all(
            sympy.expand(entry.subs(dict(zip(w, m, strict=True)))) == 0 for entry in gradient
        )
        square = -(g.T * g)[0] / (2 * LAM) + LAM / 2 * ((w - m).T * (w - m))[0]
        steps.append(
            (
                f"d = {d}: Hessian = lam*I_{d} (so grad phi, affine, has one root) and "
                f"grad phi({minimizer}) = 0",
                vanishes and hessian == LAM * sympy.eye(d),
            )
        )
        steps.append(
            (
                f"d = {d}: phi(w) = -|g|**2/(2*lam) + (lam/2)|w - ({minimizer})|**2",
                sympy.expand(phi - square) == 0,
            )
        )
    return Derivation(tuple(steps))


def proximal_step_outcome(coordinate: Derivation, explicit: Derivation) -> Outcome:
    """The theorem row from the per-coordinate and the explicit-dimension derivations."""
    derivations = f"per coordinate:\n{coordinate.text()}\nexplicit dimensions:\n{explicit.text()}"
    if not (coordinate.holds and explicit.holds):
        return undecided("SymPy", "a step of the derivation did not simplify:\n" + derivations)
    return proved(
        "SymPy: per-coordinate derivation (any dimension) and explicit "
        f"d = 1..{len(explicit.steps) // 2}",
        "phi separates by coordinate; per coordinate phi' = g + lam(w - w_t) = 0 only at "
        "w_t - g/lam, phi'' = lam > 0 and phi(w) - phi(m) = (lam/2)(w - m)**2; so the argmin "
        "is w_t - grad f(w_t)/lam with Hessian lam*I, a gradient step with eta = 1/lam\n"
        + derivations,
    )


def prove_proximal_step() -> Outcome:
    return proximal_step_outcome(prove_coordinate_minimizer(), prove_hessian_is_lam_identity())


@dataclass(frozen=True)
class Divergence:
    """A strictly convex f and a lam for which GD with step 1/lam moves away from the minimum."""

    f: sympy.Expr
    lam: sympy.Rational
    update: sympy.Expr
    factor: sympy.Rational
    start: sympy.Rational


def gd_step(f: sympy.Expr, lam: sympy.Rational) -> Divergence:
    """The GD step w - f'(w)/lam on f, from w_0 = 1 (a candidate witness, still to verify)."""
    update = sympy.expand(W - sympy.diff(f, W) / lam)
    return Divergence(f, lam, update, sympy.Rational(update.coeff(W)), sympy.Integer(1))


def gd_divergence_witness() -> Divergence:
    """f(w) = w^2 (f'' = 2 > 0), lam = 1/2: w - 2 f'(w) = -3 w, so |w_k| = 3^k |w_0|."""
    return gd_step(W**2, sympy.Rational(1, 2))


def decide_gd_claim(claimed: bool, witness: Divergence | None = None) -> Outcome:
    """``witness`` (default ``gd_divergence_witness()``) is verified before it is used."""
    witness = witness or gd_divergence_witness()
    curvature = sympy.diff(witness.f, W, 2)
    strictly_convex = bool(curvature.is_positive)
    linear = sympy.expand(witness.update - witness.factor * W) == 0
    if not (strictly_convex and linear and abs(witness.factor) > 1):
        return undecided("SymPy", "the divergence witness did not verify")
    iterates = [witness.start * witness.factor**k for k in range(4)]
    reason = (
        f"f(w) = {witness.f} is strictly convex (f'' = {curvature} > 0); with "
        f"lam = {witness.lam} the step is w - f'(w)/lam = {witness.update}, so from "
        f"w_0 = {witness.start} the iterates are {', '.join(map(str, iterates))}, ... with "
        f"|w_k| = ({abs(witness.factor)})**k: they never reach the minimizer 0"
    )
    if claimed:
        return refuted(
            "SymPy: exact counterexample",
            reason,
            {
                "f": str(witness.f),
                "lam": str(witness.lam),
                "w_0": str(witness.start),
                "w_k": f"({witness.factor})**k",
            },
        )
    return proved("SymPy: exact counterexample", reason)


def decide_expression(claim: sympy.Expr, reference: sympy.Expr, names: tuple[str, ...]) -> Outcome:
    return decide_equal(claim, reference, symbols=[SYMBOLS[name] for name in names])


def theorem_checks(settings: Settings) -> list[Check]:
    return [
        Check(
            "theorem.proximal_step",
            "3.1",
            "in every dimension the proximal objective has the unique minimizer "
            "w_t - grad f(w_t)/lam (Hessian lam*I > 0): a gradient step with eta = 1/lam",
            prove_proximal_step,
        )
    ]


_EXPRESSION_CLAIMS: Mapping[str, tuple[str, sympy.Expr, tuple[str, ...]]] = {
    "minimizer": ("the argmin of the proximal objective is {}", MINIMIZER, ("w_t", "g", "lam")),
    "step_size": ("the proximal step is a gradient step with eta = {}", STEP_SIZE, ("lam",)),
    "proximity_gradient": (
        "d/dw (lam/2)(w - w_t)**2 = {}",
        PROXIMITY_GRADIENT,
        ("w", "w_t", "lam"),
    ),
}


def claim_checks(sheet: Sheet, settings: Settings, theorems: Mapping[str, Row]) -> list[Check]:
    claims = sheet.q3_1
    checks = []
    for key, (statement, reference, names) in _EXPRESSION_CLAIMS.items():
        claimed: Expression | None = getattr(claims, key)
        if claimed is not None:
            checks.append(
                Check(
                    f"q3_1.{key}",
                    "3.1",
                    statement.format(claimed.text),
                    decide_expression,
                    (claimed.expr, reference, names),
                )
            )
    if claims.gd_converges_for_strictly_convex is not None:
        says = "reaches" if claims.gd_converges_for_strictly_convex else "need not reach"
        checks.append(
            Check(
                "q3_1.gd_converges_for_strictly_convex",
                "3.1",
                f"GD with step 1/lam {says} the minimum of every strictly convex f, "
                "for every lam > 0",
                decide_gd_claim,
                (claims.gd_converges_for_strictly_convex,),
            )
        )
    return checks


def main() -> None:
    print("Q3.1 — the proximal step, one coordinate (the objective separates):")
    print(prove_coordinate_minimizer().text())
    print("Explicit dimensions:")
    print(prove_hessian_is_lam_identity().text())
    print(prove_proximal_step().method)
    print("\nGD with step 1/lam reaches the minimum of every strictly convex f?")
    outcome = decide_gd_claim(True)
    print(f"{outcome.verdict}: {outcome.evidence}\nwitness: {outcome.witness}")


if __name__ == "__main__":
    from hw2check.derivation import module_main

    raise SystemExit(module_main("proofs.proximal_step", __doc__ or "", main))
