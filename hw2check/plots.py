"""The figures of the HTML report: data computed from a sheet, drawn as inline SVG.

Main results
- ``regret_series``: for a fixed sample run of online gradient descent (exact Fractions),
  Σ⟨w_t − w*, v_t⟩, the bound ‖w*‖²/(2η) + (η/2)Σ‖v_t‖², the gap ‖w_{T+1} − w*‖²/(2η)
  and the sheet's own bound, for T = 1, 2, ...  (Q3.2)
- ``difference_errors``: |finite difference − exact| of the Jacobian of f1, f2 at (1, 2)
  against h, forward and central schemes, at 50 digits so the smallest errors are not
  rounding noise; the sheet's h and, beside the exact Jacobian, the sheet's AD numbers (Q4)
- ``sgd_changes``: F(w_{t+1}) − F(w_t) against η for each component of the sheet's F, and
  where the sheet's ``step_sizes`` condition holds (Q6)
- ``figures``: those three drawn with matplotlib (the optional extra ``report``) as SVG
  text, ready to inline; ``None`` when matplotlib is not installed.

The data functions need only SymPy and mpmath, so they are tested everywhere; matplotlib is
imported lazily, only to draw.
"""

from __future__ import annotations

import functools
import io
import math
import re
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import mpmath
import sympy

from hw2check.budget import FIGURE_SECONDS, POINT_SECONDS, SHEET_SECONDS, TOO_LARGE, Budget
from hw2check.errors import excerpt
from hw2check.expressions import FUNCTIONS
from hw2check.numbers import read_number
from hw2check.sheet import SGD_ETA, SYMBOLS, AutodiffClaims, SgdClaims, Sheet
from hw2check.sheet import Expression as SheetExpression

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

INSTALL_HINT = "pip install 'hw2check[report]'"

# --- Q3.2: a sample run of online gradient descent ------------------------------------------

Vector = tuple[Fraction, ...]


def _dot(u: Vector, v: Vector) -> Fraction:
    return sum((a * b for a, b in zip(u, v, strict=True)), Fraction(0))


def _minus(u: Vector, v: Vector) -> Vector:
    return tuple(a - b for a, b in zip(u, v, strict=True))


@dataclass(frozen=True)
class RegretSeries:
    """One run of w_1 = 0, w_{t+1} = w_t − η·v_t, and the terms of the regret identity."""

    eta: Fraction
    comparator: Vector
    steps: tuple[int, ...]
    regret: tuple[Fraction, ...]  # Σ_{t<=T} <w_t - w*, v_t>
    bound: tuple[Fraction, ...]  # ||w*||^2/(2 eta) + (eta/2) Σ_{t<=T} ||v_t||^2
    gap: tuple[Fraction, ...]  # ||w_{T+1} - w*||^2/(2 eta)
    claimed: tuple[float | None, ...] | None  # the sheet's bound, where it is a real number


def sample_gradients(count: int) -> list[Vector]:
    """v_t = (−1, (−1)^t): with η = 1/2 the iterates zig-zag onto w* = (2, 0) at T = 4."""
    return [(Fraction(-1), Fraction((-1) ** t)) for t in range(1, count + 1)]


def regret_series(claimed_bound: SheetExpression | None = None, count: int = 12) -> RegretSeries:
    eta = Fraction(1, 2)
    comparator: Vector = (Fraction(2), Fraction(0))
    point: Vector = (Fraction(0), Fraction(0))
    wstar_sq = _dot(comparator, comparator)
    regret, bound, gap, sums = [], [], [], []
    total, sum_v_sq = Fraction(0), Fraction(0)
    for v in sample_gradients(count):
        total += _dot(_minus(point, comparator), v)
        sum_v_sq += _dot(v, v)
        point = tuple(p - eta * g for p, g in zip(point, v, strict=True))
        offset = _minus(point, comparator)
        regret.append(total)
        bound.append(wstar_sq / (2 * eta) + eta / 2 * sum_v_sq)
        gap.append(_dot(offset, offset) / (2 * eta))
        sums.append(sum_v_sq)
    steps = tuple(range(1, count + 1))
    claimed = None
    if claimed_bound is not None:
        claimed = tuple(
            _real_value(
                claimed_bound.expr,
                {
                    SYMBOLS["eta"]: eta,
                    SYMBOLS["T"]: T,
                    SYMBOLS["wstar_sq"]: wstar_sq,
                    SYMBOLS["sum_v_sq"]: sum_v,
                },
            )
            for T, sum_v in zip(steps, sums, strict=True)
        )
    return RegretSeries(eta, comparator, steps, tuple(regret), tuple(bound), tuple(gap), claimed)


def _real_value(expr: sympy.Expr, values: dict[sympy.Symbol, Any]) -> float | None:
    """The value of a sheet expression at exact inputs, for drawing; None if not real."""
    point = {symbol: sympy.Rational(str(value)) for symbol, value in values.items()}
    return _real(expr, point)


def _real(expr: sympy.Basic, point: dict[sympy.Symbol, Any] | None = None) -> float | None:
    """A constant expression (``expr`` at ``point``) as a float, or None if it is not a
    finite real number or takes too long to evaluate (a tower of exponentials)."""

    def evaluate() -> complex | None:
        try:
            return complex(sympy.N(expr if point is None else expr.subs(point), 20))
        except (TypeError, ValueError):
            return None

    number = Budget(POINT_SECONDS, POINT_SECONDS).run(evaluate)
    if number is None or number.imag != 0 or not math.isfinite(number.real):
        return None
    return number.real


# --- Q4: finite differences and AD against the exact Jacobian -------------------------------

DIGITS = 50
POINT = (1, 2)
ENTRIES = ("f1_w1", "f1_w2", "f2_w1", "f2_w2")
SCHEMES = ("forward", "central", "backward")


def _quotient(scheme: str, along: Callable[[mpmath.mpf], mpmath.mpf], h: mpmath.mpf) -> mpmath.mpf:
    """The difference quotient of ``along`` (a function of the offset s) at s = 0."""
    if scheme == "forward":
        return (along(h) - along(0)) / h
    if scheme == "central":
        return (along(h) - along(-h)) / (2 * h)
    return (along(0) - along(-h)) / h


def q4_functions() -> tuple[sympy.Expr, sympy.Expr]:
    """f1 = cos w1·cos w2 + σ(w2) and f2 = ln(w1 + w2) + w1²·w2 (docs/sheet-format.md, [q4])."""
    w1, w2 = SYMBOLS["w1"], SYMBOLS["w2"]
    sigmoid = FUNCTIONS["sigmoid"]
    return sympy.cos(w1) * sympy.cos(w2) + sigmoid(w2), sympy.log(w1 + w2) + w1**2 * w2


@dataclass(frozen=True)
class DifferenceErrors:
    """max over the four Jacobian entries of |quotient − exact|, per scheme, per step h."""

    steps: tuple[mpmath.mpf, ...]
    errors: dict[str, tuple[mpmath.mpf, ...]]
    slopes: dict[str, float]  # fitted on the smallest steps (log-log)
    sheet_step: Fraction
    sheet_step_text: str
    sheet_scheme: str
    sheet_error: mpmath.mpf  # that scheme's error at the sheet's h
    stated_error: mpmath.mpf | None  # max |sheet's quotient - exact|, if the sheet states them
    exact: tuple[mpmath.mpf, ...]  # the Jacobian, row by row
    forward_mode: tuple[Fraction, ...] | None
    reverse_mode: tuple[Fraction, ...] | None


def _compiled() -> list[Callable[..., mpmath.mpf]]:
    w1, w2 = SYMBOLS["w1"], SYMBOLS["w2"]
    return [sympy.lambdify((w1, w2), f, "mpmath") for f in q4_functions()]


def exact_jacobian() -> tuple[mpmath.mpf, ...]:
    """∂f_i/∂w_j at (1, 2) by SymPy differentiation, evaluated with mpmath at DIGITS."""
    w1, w2 = SYMBOLS["w1"], SYMBOLS["w2"]
    with mpmath.workdps(DIGITS):
        point = [mpmath.mpf(x) for x in POINT]
        return tuple(
            sympy.lambdify((w1, w2), sympy.diff(f, w), "mpmath")(*point)
            for f in q4_functions()
            for w in (w1, w2)
        )


def _quotients(
    functions: Sequence[Callable[..., mpmath.mpf]], scheme: str, h: mpmath.mpf
) -> list[mpmath.mpf]:
    values = []
    for function in functions:
        for j in range(2):

            def along(s: mpmath.mpf, j: int = j, function: Any = function) -> mpmath.mpf:
                point = [mpmath.mpf(POINT[0]), mpmath.mpf(POINT[1])]
                point[j] += s
                return function(*point)

            values.append(_quotient(scheme, along, h))
    return values


def _error(quotients: Sequence[mpmath.mpf], exact: Sequence[mpmath.mpf]) -> mpmath.mpf:
    return max(abs(q - e) for q, e in zip(quotients, exact, strict=True))


def _flat(matrix: tuple[tuple[Any, ...], ...] | None) -> tuple[Fraction, ...] | None:
    return None if matrix is None else tuple(number.value for row in matrix for number in row)


def difference_errors(claims: AutodiffClaims) -> DifferenceErrors:
    stated_step = claims.fd_step if claims.fd_step is not None else read_number("0.01")
    sheet_step = stated_step.value
    schemes = ["forward", "central"]
    if claims.fd_scheme not in schemes:
        schemes.append(claims.fd_scheme)
    exact = exact_jacobian()
    functions = _compiled()
    with mpmath.workdps(DIGITS):
        steps = tuple(mpmath.mpf(10) ** (-mpmath.mpf(k) / 4) for k in range(2, 37))
        errors = {
            scheme: tuple(_error(_quotients(functions, scheme, h), exact) for h in steps)
            for scheme in schemes
        }
        h = mpmath.mpf(sheet_step.numerator) / sheet_step.denominator
        sheet_error = _error(_quotients(functions, claims.fd_scheme, h), exact)
        stated = _flat(claims.finite_difference)
        stated_error = None
        if stated is not None:
            stated_error = _error([mpmath.mpf(s.numerator) / s.denominator for s in stated], exact)
        slopes = {
            scheme: float(
                (mpmath.log10(values[-1]) - mpmath.log10(values[-9]))
                / (mpmath.log10(steps[-1]) - mpmath.log10(steps[-9]))
            )
            for scheme, values in errors.items()
        }
    return DifferenceErrors(
        steps,
        errors,
        slopes,
        sheet_step,
        stated_step.text,
        claims.fd_scheme,
        sheet_error,
        stated_error,
        exact,
        _flat(claims.forward_mode),
        _flat(claims.reverse_mode),
    )


# --- Q6: the change of the full loss after one SGD step --------------------------------------


@dataclass(frozen=True)
class SgdChanges:
    """ΔF(η) = F(start − η·f_i′(start)) − F(start) on a grid of η, for every component i."""

    etas: tuple[float, ...]
    changes: tuple[tuple[float, ...], ...]  # one curve per component; nan where not real
    picked: int  # 1-based
    allowed: tuple[bool, ...]  # the sheet's step_sizes (and eta > 0) at each grid point


def _float_function(expr: sympy.Expr, symbol: sympy.Symbol) -> Callable[[float], float]:
    compiled = sympy.lambdify(symbol, expr, "math")

    def value(x: float) -> float:
        # Drawing only: float rounding far below the plot's resolution is harmless here.
        try:
            result = complex(compiled(x))
        except (ValueError, ZeroDivisionError, OverflowError, TypeError):
            return math.nan
        return result.real if result.imag == 0 and math.isfinite(result.real) else math.nan

    return value


def _holds(relation: sympy.Basic) -> Callable[[float], bool]:
    if relation in (sympy.true, sympy.false):
        return lambda _eta: bool(relation)
    assert isinstance(relation, sympy.core.relational.Relational)
    difference = _float_function(relation.lhs - relation.rhs, SGD_ETA)
    test: Callable[[float], bool] = {
        ">": lambda d: d > 0,
        ">=": lambda d: d >= 0,
        "<": lambda d: d < 0,
        "<=": lambda d: d <= 0,
    }[relation.rel_op]
    return lambda eta: test(difference(eta))


def _eta_range(relations: Sequence[sympy.Basic]) -> float:
    """Twice the largest positive constant the condition compares η with, and at least 1."""
    constants = [1.0]
    for relation in relations:
        for side in getattr(relation, "args", ()):
            value = _real(side) if isinstance(side, sympy.Expr) and not side.free_symbols else None
            if value is not None and value > 0:
                constants.append(2 * value)
    return min(max(constants), 1000.0)


def sgd_changes(claims: SgdClaims, points: int = 241) -> SgdChanges | None:
    if claims.components is None or claims.start is None or claims.step_sizes is None:
        return None
    w = SYMBOLS["w"]
    total = sympy.Add(*(component.expr for component in claims.components))
    loss = _float_function(total, w)
    start = claims.start.expr
    at = _real(start)
    before = loss(at) if at is not None else math.nan
    top = _eta_range(claims.step_sizes.relations)
    etas = tuple(top * k / (points - 1) for k in range(1, points))
    changes = []
    for component in claims.components:
        slope = sympy.diff(component.expr, w).subs(w, start)
        step = _float_function(start - SGD_ETA * slope, SGD_ETA)
        changes.append(tuple(loss(step(eta)) - before for eta in etas))
    checks = [_holds(relation) for relation in claims.step_sizes.relations]
    allowed = tuple(all(check(eta) for check in checks) for eta in etas)
    return SgdChanges(etas, tuple(changes), claims.picked or 1, allowed)


# --- drawing -----------------------------------------------------------------------------------


def matplotlib_available() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


@contextmanager
def _figure(salt: str, width: float, height: float) -> Iterator[Figure]:
    import matplotlib

    # A fixed hash salt and no date make the SVG the same on every run. Warnings about a
    # crowded layout are matplotlib's business, not the user's: they are not printed.
    with (
        warnings.catch_warnings(),
        matplotlib.rc_context(
            {
                "svg.hashsalt": salt,
                "svg.fonttype": "path",
                "font.size": 9,
                "axes.grid": True,
                "grid.alpha": 0.3,
            }
        ),
    ):
        from matplotlib.figure import Figure

        warnings.simplefilter("ignore")
        yield Figure(figsize=(width, height), layout="constrained")


_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.S)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
_COMMENT = re.compile(r"<!--.*?-->\s*", re.S)
_REFERENCES = re.compile(r'(\bid="|href="#|url\(#)')


def _svg_text(figure: Figure, prefix: str) -> str:
    """The figure as an SVG element to inline: no XML prologue, metadata or comments, and
    every id prefixed so several figures can share one HTML document."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = _METADATA.sub("", _COMMENT.sub("", _PROLOGUE.sub("", buffer.getvalue(), count=1)))
    return _REFERENCES.sub(lambda match: match.group(1) + prefix, text).strip()


def _draw_regret(series: RegretSeries, axes: Axes) -> None:
    regret = [float(r) for r in series.regret]
    bound = [float(b) for b in series.bound]
    axes.fill_between(
        series.steps, regret, bound, color="tab:orange", alpha=0.15, label=r"bound $-$ regret"
    )
    curves: list[tuple[list[float], str, str, str]] = [
        (bound, "-", "tab:blue", r"bound $\|w^*\|^2/(2\eta) + (\eta/2)\sum_t\|v_t\|^2$"),
        (regret, "o-", "black", r"$\sum_{t\leq T}\langle w_t - w^*, v_t\rangle$"),
        ([float(g) for g in series.gap], ":", "tab:orange", r"gap $\|w_{T+1}-w^*\|^2/(2\eta)$"),
    ]
    if series.claimed is not None:
        claimed = [math.nan if c is None else c for c in series.claimed]
        curves.append((claimed, "x--", "tab:red", "the sheet's bound"))
    for values, style, color, label in curves:
        axes.plot(series.steps, values, style, color=color, lw=1.8, ms=5, label=label)
    axes.set_xlabel("T")
    axes.set_title(
        rf"online gradient descent, $\eta = {series.eta}$, $w^* = (2, 0)$, "
        r"$v_t = (-1, (-1)^t)$"
    )
    axes.legend(fontsize=7.5, loc="upper left")


def _draw_differences(data: DifferenceErrors, errors: Axes, values: Axes) -> None:
    steps = [float(h) for h in data.steps]
    styles = {
        "forward": ("tab:blue", "o"),
        "central": ("tab:green", "s"),
        "backward": ("tab:purple", "^"),
    }
    for scheme, series in data.errors.items():
        color, marker = styles[scheme]
        errors.loglog(
            steps,
            [float(e) for e in series],
            marker=marker,
            ms=3,
            color=color,
            label=f"{scheme} (slope {data.slopes[scheme]:.2f})",
        )
    h = float(data.sheet_step)
    errors.axvline(h, color="gray", ls="--", lw=1)
    marks = [
        (
            data.sheet_error,
            "D",
            "black",
            6,
            f"sheet's h = {data.sheet_step_text} ({data.sheet_scheme})",
        )
    ]
    if data.stated_error is not None and data.stated_error > 0:
        marks.append((data.stated_error, "*", "tab:red", 10, "sheet's stated quotients"))
    for error, marker, color, size, label in marks:
        errors.plot([h], [float(error)], marker, color=color, ms=size, label=label)
    errors.set_xlabel("h")
    errors.set_ylabel(r"$\max_{ij}\,|$quotient $-\ \partial f_i/\partial w_j|$")
    errors.set_title("finite differences against the exact Jacobian")
    errors.legend(fontsize=7.5, loc="lower right")

    positions = range(len(ENTRIES))
    labels = [rf"$\partial f_{e[1]}/\partial w_{e[-1]}$" for e in ENTRIES]
    values.plot(
        positions, [float(e) for e in data.exact], "_", color="black", ms=22, mew=2, label="exact"
    )
    for name, numbers, marker, color, shift in (
        ("sheet's forward mode", data.forward_mode, "o", "tab:blue", -0.12),
        ("sheet's reverse mode", data.reverse_mode, "^", "tab:red", 0.12),
    ):
        if numbers is not None:
            values.plot(
                [p + shift for p in positions],
                [float(n) for n in numbers],
                marker,
                color=color,
                ms=6,
                ls="none",
                label=name,
            )
    values.set_xticks(list(positions), labels)
    values.set_xlim(-0.6, len(ENTRIES) - 0.4)
    values.set_title("Jacobian at (1, 2): AD numbers beside the exact ones")
    values.legend(fontsize=7.5)


LEGEND_COMPONENTS = 6  # components named in the legend (and the picked one)


def _draw_sgd(data: SgdChanges, axes: Axes) -> None:
    axes.fill_between(
        data.etas,
        0,
        1,
        where=data.allowed,
        color="tab:green",
        alpha=0.12,
        transform=axes.get_xaxis_transform(),
        label="sheet's step_sizes",
    )
    axes.axhline(0, color="black", lw=0.8)
    for number, changes in enumerate(data.changes, start=1):
        picked = number == data.picked
        axes.plot(
            data.etas,
            changes,
            lw=2.2 if picked else 1.2,
            ls="-" if picked else "--",
            # A legend of dozens of entries would leave no room for the axes.
            label=rf"step with $f_{{{number}}}'$" + (" (picked)" if picked else "")
            if picked or number <= LEGEND_COMPONENTS
            else "_nolegend_",
        )
    axes.set_xlabel(r"$\eta$")
    axes.set_ylabel(r"$F(w_{t+1}) - F(w_t)$")
    axes.set_title(r"one SGD step $w_{t+1} = w_t - \eta f_i'(w_t)$: change of the full loss")
    axes.legend(fontsize=7.5)


@dataclass(frozen=True)
class Plot:
    """A figure for one question of the report: SVG text (or None) and a caption."""

    key: str  # "3.2", "4", "6"
    svg: str | None
    caption: str
    # Why there is no SVG: matplotlib is missing, or the figure was past its budget.
    missing: str = "matplotlib"


def plots(sheet: Sheet, keys: Sequence[str], prefix: str) -> list[Plot]:
    """The figures of ``keys`` (a subset of "3.2", "4", "6") the sheet has data for.

    Without matplotlib each Plot has ``svg=None`` and the caption says how to get it.
    """
    drawing = matplotlib_available()
    budget = Budget(FIGURE_SECONDS, SHEET_SECONDS)
    result = []
    for key in keys:
        figure = budget.run(functools.partial(_plot, sheet, key, prefix, drawing))
        if figure is None:
            result.append(Plot(key, None, f"The figure of Q{key}.", missing=TOO_LARGE))
        elif figure.caption:
            result.append(figure)
    return result


def _plot(sheet: Sheet, key: str, prefix: str, drawing: bool) -> Plot:
    """The figure of ``key``; an empty caption when the sheet has no data for it."""
    caption, draw = _figure_of(sheet, key)
    if draw is None:
        return Plot(key, None, "")
    svg = None
    if drawing:
        width, height, panels, paint = draw
        with _figure(f"hw2check-{prefix}-{key}", width, height) as figure:
            paint(figure.subplots(1, panels, squeeze=False)[0])
            svg = _svg_text(figure, f"{prefix}-q{key.replace('.', '_')}-")
    return Plot(key, svg, caption)


Painter = tuple[float, float, int, Callable[[Any], None]]


def _clipped(text: str) -> str:
    """Sheet text in a caption: one line, at most 80 characters."""
    return excerpt(text, 80)


def _figure_of(sheet: Sheet, key: str) -> tuple[str, Painter | None]:
    if key == "3.2":
        series = regret_series(sheet.q3_2.bound)
        caption = (
            "Q3.2 on a sample run (exact arithmetic): the regret Σ⟨w_t − w*, v_t⟩ stays under "
            "the bound ‖w*‖²/(2η) + (η/2)Σ‖v_t‖², and the difference is exactly the gap "
            "‖w_{T+1} − w*‖²/(2η) (zero at T = 4, where w_5 = w*)."
        )
        if series.claimed is not None:
            caption += " The dashed red line is the sheet's bound at the same values."
        return caption, (7.0, 3.6, 1, lambda axes: _draw_regret(series, axes[0]))
    if key == "4":
        data = difference_errors(sheet.q4)
        caption = (
            "Q4: the finite-difference error against h on log-log axes (computed at "
            f"{DIGITS} digits, so the smallest errors are not rounding noise): forward "
            "differences fall with slope 1, central with slope 2; the sheet's h is the dashed "
            "line. Right: the sheet's forward- and reverse-mode numbers beside the exact "
            "derivatives (SymPy, evaluated with mpmath)."
        )
        return caption, (10.0, 3.8, 2, lambda axes: _draw_differences(data, axes[0], axes[1]))
    if key == "6":
        changes = sgd_changes(sheet.q6)
        if changes is None:
            return "", None
        claims = sheet.q6
        assert claims.components is not None and claims.step_sizes is not None
        assert claims.start is not None
        components = ", ".join(
            f"f{number} = {_clipped(component.text)}"
            for number, component in enumerate(claims.components, 1)
        )
        caption = (
            f"Q6: F = sum of the components ({components}); one SGD step from w_t = "
            f"{_clipped(claims.start.text)} with each component, against η. Above zero the "
            f"step increases F. Shaded: the sheet's step sizes "
            f"({_clipped(claims.step_sizes.text)})."
        )
        return caption, (7.0, 3.6, 1, lambda axes: _draw_sgd(changes, axes[0]))
    raise ValueError(f"no figure for {key!r}")
