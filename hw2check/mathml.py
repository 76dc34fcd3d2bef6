"""The formulas of a report: what each row claims, as LaTeX (Markdown) and MathML (HTML).

A row's statement is free text; where the sheet states a formula (an expression, a bound, a
stated number, a computation graph, the SGD setting) the report also shows it typeset. The
formulas are built from the validated sheet, never from row text, so any rows work: a row
whose id has no formula here is shown as text only.

Main results
- ``Formula``: one formula in both notations; ``expression`` prints a SymPy expression
  (sheet symbols shown as the mathematics writes them: λ, ‖w*‖², Σ‖v_t‖², ...), ``relation``
  joins two sides.
- ``sheet_formulas(sheet)``: claim id -> the formulas of that claim.
- ``theorem_formulas()``: theorem id -> the identity the theorem row establishes;
  ``formulas_of(sheet)`` both.
- ``math_element(formula)``: a ``<math>`` element (presentation MathML, which browsers render
  natively) whose text is escaped: it is well-formed XML for any sheet.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any
from xml.dom import minidom

import sympy
from sympy.printing.mathml import MathMLPresentationPrinter

from hw2check.budget import FORMULA_SECONDS, TOO_LARGE, Budget, too_large
from hw2check.numbers import StatedNumber
from hw2check.sheet import SYMBOLS, Graph, Sheet

MATHML_NAMESPACE = "http://www.w3.org/1998/Math/MathML"


@dataclass(frozen=True)
class Formula:
    """One formula: LaTeX source, and presentation MathML content (no ``<math>`` wrapper)."""

    latex: str
    mathml: str

    def __add__(self, other: Formula) -> Formula:
        return Formula(f"{self.latex} {other.latex}", self.mathml + other.mathml)


def fixed(latex: str, mathml: str) -> Formula:
    return Formula(latex, mathml)


# --- fixed pieces of notation ------------------------------------------------------------------

_W_STAR = "<msup><mi>w</mi><mo>∗</mo></msup>"
_W_T = "<msub><mi>w</mi><mi>t</mi></msub>"
_W_NEXT = "<msub><mi>w</mi><mrow><mi>t</mi><mo>+</mo><mn>1</mn></mrow></msub>"
_W_LAST = "<msub><mi>w</mi><mrow><mi>T</mi><mo>+</mo><mn>1</mn></mrow></msub>"
_W_BAR = "<mover><mi>w</mi><mo>‾</mo></mover>"
_SUM_T = "<munderover><mo>∑</mo><mrow><mi>t</mi><mo>=</mo><mn>1</mn></mrow><mi>T</mi></munderover>"
_GRAD_F_WT = f"<mrow><mo>∇</mo><mi>f</mi><mo>(</mo>{_W_T}<mo>)</mo></mrow>"


def _norm_sq(inner: str) -> str:
    return f"<msup><mrow><mo>‖</mo>{inner}<mo>‖</mo></mrow><mn>2</mn></msup>"


def _pairing(left: str, right: str) -> str:
    return f"<mrow><mo>⟨</mo>{left}<mo>,</mo>{right}<mo>⟩</mo></mrow>"


def _difference(left: str, right: str) -> str:
    return f"<mrow>{left}<mo>−</mo>{right}</mrow>"


def _call(name: str, *arguments: str) -> str:
    inner = "<mo>,</mo>".join(arguments)
    return f"<mrow>{name}<mo>(</mo>{inner}<mo>)</mo></mrow>"


W_NEXT = fixed("w_{t+1}", _W_NEXT)
REGRET = fixed(
    r"\sum_{t=1}^{T} \langle w_t - w^*, v_t \rangle",
    f"<mrow>{_SUM_T}{_pairing(_difference(_W_T, _W_STAR), '<msub><mi>v</mi><mi>t</mi></msub>')}"
    "</mrow>",
)


def _average_gap() -> Formula:
    """f(w̄) − f(w*), built when asked (not at import), like every formula that uses _call."""
    return fixed(
        r"f(\bar{w}) - f(w^*)",
        _difference(_call("<mi>f</mi>", _W_BAR), _call("<mi>f</mi>", _W_STAR)),
    )


def _loss_change(op: str) -> Formula:
    """F(w_{t+1}) op F(w_t), for op "<" or ">"."""
    latex, mathml = _RELATIONS[op]
    return fixed(
        f"F(w_{{t+1}}) {latex} F(w_t)",
        f"<mrow>{_call('<mi>F</mi>', _W_NEXT)}<mo>{mathml}</mo>{_call('<mi>F</mi>', _W_T)}</mrow>",
    )


SHIFT_COMMUTES = fixed(
    "C S = S C", "<mrow><mi>C</mi><mi>S</mi><mo>=</mo><mi>S</mi><mi>C</mi></mrow>"
)
COMMUTANT = fixed(
    r"B S = S B \implies B \text{ circulant}",
    "<mrow><mi>B</mi><mi>S</mi><mo>=</mo><mi>S</mi><mi>B</mi><mo>⟹</mo><mi>B</mi>"
    "<mtext>&#xA0;circulant</mtext></mrow>",
)


def _argmin(objective: Formula) -> Formula:
    return fixed(
        r"\operatorname*{argmin}_{w} \left(" + objective.latex + r"\right)",
        '<mrow><munder><mo movablelimits="true">arg min</mo><mi>w</mi></munder>'
        f"<mrow><mo>(</mo>{objective.mathml}<mo>)</mo></mrow></mrow>",
    )


# LaTeX pieces avoid backslash before ASCII punctuation (\|, \,): Markdown renderers may read
# those as escapes before the math is typeset.

# Sheet symbols shown as the mathematics writes them; the keys are the sheet's Symbol objects
# (with their assumptions), so a computation-graph node that happens to share a name keeps it.
_GRADIENT = sympy.Symbol("grad_f_w_t")
_DISTANCE_SQ = sympy.Symbol("distance_sq")
DISPLAY: Mapping[sympy.Symbol, Formula] = MappingProxyType(
    {
        SYMBOLS["lam"]: fixed(r"\lambda", "<mi>λ</mi>"),
        SYMBOLS["wstar_sq"]: fixed(r"\Vert w^*\Vert ^2", _norm_sq(_W_STAR)),
        SYMBOLS["sum_v_sq"]: fixed(
            r"\sum_{t=1}^{T} \Vert v_t\Vert ^2",
            f"<mrow>{_SUM_T}{_norm_sq('<msub><mi>v</mi><mi>t</mi></msub>')}</mrow>",
        ),
        SYMBOLS["avg_gap"]: fixed(
            r"\frac{1}{T} \sum_{t=1}^{T} \langle w_t - w^*, \nabla f(w_t) \rangle",
            "<mrow><mfrac><mn>1</mn><mi>T</mi></mfrac>"
            f"{_SUM_T}{_pairing(_difference(_W_T, _W_STAR), _GRAD_F_WT)}</mrow>",
        ),
        _GRADIENT: fixed(r"\nabla f(w_t)", _GRAD_F_WT),
        _DISTANCE_SQ: fixed(
            r"\Vert w_{T+1} - w^*\Vert ^2", _norm_sq(_difference(_W_LAST, _W_STAR))
        ),
    }
)

# --- printing SymPy expressions ------------------------------------------------------------

_ENTITY = re.compile(r"&(#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")


def _escaped(data: str) -> str:
    """Text for XML: SymPy writes entity references (``&InvisibleTimes;``) as raw text, which
    XML does not know; read them as characters, then escape everything."""
    return html.escape(_ENTITY.sub(lambda match: html.unescape(match.group(0)), data), quote=False)


class _Printer(MathMLPresentationPrinter):  # type: ignore[misc]
    """SymPy's presentation printer with escaped text and the display symbols above."""

    def __init__(self) -> None:
        super().__init__()
        raw_text: Callable[[str], Any] = self.dom.createTextNode
        self.dom.createTextNode = lambda data: raw_text(_escaped(data))

    def _print_Exp1(self, e: sympy.Basic) -> Any:
        # An italic e, as in the sheet's formulas, not the double-struck ExponentialE.
        element = self.dom.createElement("mi")
        element.appendChild(self.dom.createTextNode("e"))
        return element

    def _print_Symbol(self, sym: sympy.Symbol, style: str = "plain") -> Any:
        shown = DISPLAY.get(sym)
        if shown is None:
            return super()._print_Symbol(sym, style)
        fragment = minidom.parseString(f"<mrow>{shown.mathml}</mrow>").documentElement
        return self.dom.importNode(fragment, True)


def _mathml(expr: sympy.Basic) -> str:
    element = _Printer()._print(expr)
    return str(element.toxml()).encode("ascii", "xmlcharrefreplace").decode("ascii")


# What a formula too large to typeset shows instead (see ``hw2check.budget``).
TOO_LARGE_FORMULA = Formula(rf"\text{{({TOO_LARGE})}}", f"<mtext>({TOO_LARGE})</mtext>")


def expression(expr: sympy.Basic) -> Formula:
    """``expr`` typeset, or ``TOO_LARGE_FORMULA`` when its size or its printing time is
    past the budget."""
    if too_large(expr):
        return TOO_LARGE_FORMULA
    shown = Budget(FORMULA_SECONDS, FORMULA_SECONDS).run(lambda: _typeset(expr))
    return TOO_LARGE_FORMULA if shown is None else shown


def _typeset(expr: sympy.Basic) -> Formula:
    names = {symbol: DISPLAY[symbol].latex for symbol in expr.free_symbols if symbol in DISPLAY}
    return Formula(sympy.latex(expr, symbol_names=names), _mathml(expr))


_RELATIONS = {
    "=": ("=", "="),
    "<=": (r"\le", "≤"),
    ">": (">", "&gt;"),
    "<": ("<", "&lt;"),
    "~": (r"\approx", "≈"),
}


def relation(left: Formula, op: str, right: Formula) -> Formula:
    latex, mathml = _RELATIONS[op]
    return Formula(
        f"{left.latex} {latex} {right.latex}",
        f"<mrow><mrow>{left.mathml}</mrow><mo>{mathml}</mo><mrow>{right.mathml}</mrow></mrow>",
    )


def number(stated: StatedNumber) -> Formula:
    """A stated number as written (its digits exactly); 1e-3 is shown as 1 × 10^−3."""
    text = stated.text.strip().lstrip("+")
    if not re.fullmatch(r"-?[0-9.]+([eE][+-]?[0-9]+)?", text):  # a validated number: be sure
        text = str(stated.value)
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    mantissa, _, exponent = text.lower().partition("e")
    latex = f"{sign}{mantissa}"
    mathml = ("<mo>−</mo>" if sign else "") + f"<mn>{mantissa}</mn>"
    if exponent:
        power = int(exponent)
        latex += rf" \times 10^{{{power}}}"
        shown = f"<mrow><mo>−</mo><mn>{-power}</mn></mrow>" if power < 0 else f"<mn>{power}</mn>"
        mathml += f"<mo>×</mo><msup><mn>10</mn>{shown}</msup>"
    return Formula(latex, mathml)


def _sub(name: str, index: str) -> Formula:
    return fixed(f"{name}_{{{index}}}", f"<msub><mi>{name}</mi><mn>{index}</mn></msub>")


# --- the formulas of a sheet ---------------------------------------------------------------


def _proximal(sheet: Sheet) -> dict[str, list[Formula]]:
    w, w_t, g, lam = (SYMBOLS[name] for name in ("w", "w_t", "g", "lam"))
    claims = sheet.q3_1
    found: dict[str, list[Formula]] = {}
    if claims.minimizer is not None:
        objective = expression(g * (w - w_t) + lam / 2 * (w - w_t) ** 2)
        found["q3_1.minimizer"] = [
            relation(_argmin(objective), "=", expression(claims.minimizer.expr))
        ]
    if claims.step_size is not None:
        found["q3_1.step_size"] = [
            relation(expression(SYMBOLS["eta"]), "=", expression(claims.step_size.expr))
        ]
    if claims.proximity_gradient is not None:
        derivative = sympy.Derivative(lam / 2 * (w - w_t) ** 2, w)
        found["q3_1.proximity_gradient"] = [
            relation(expression(derivative), "=", expression(claims.proximity_gradient.expr))
        ]
    return found


_FD_TEMPLATES = {
    "forward": (
        r"\frac{{f_{i}(w + h e_{j}) - f_{i}(w)}}{{h}}",
        "<mfrac><mrow>{fi}<mo>(</mo><mi>w</mi><mo>+</mo><mi>h</mi>{ej}<mo>)</mo><mo>−</mo>"
        "{fi}<mo>(</mo><mi>w</mi><mo>)</mo></mrow><mi>h</mi></mfrac>",
    ),
    "central": (
        r"\frac{{f_{i}(w + h e_{j}) - f_{i}(w - h e_{j})}}{{2h}}",
        "<mfrac><mrow>{fi}<mo>(</mo><mi>w</mi><mo>+</mo><mi>h</mi>{ej}<mo>)</mo><mo>−</mo>"
        "{fi}<mo>(</mo><mi>w</mi><mo>−</mo><mi>h</mi>{ej}<mo>)</mo></mrow>"
        "<mrow><mn>2</mn><mi>h</mi></mrow></mfrac>",
    ),
    "backward": (
        r"\frac{{f_{i}(w) - f_{i}(w - h e_{j})}}{{h}}",
        "<mfrac><mrow>{fi}<mo>(</mo><mi>w</mi><mo>)</mo><mo>−</mo>"
        "{fi}<mo>(</mo><mi>w</mi><mo>−</mo><mi>h</mi>{ej}<mo>)</mo></mrow><mi>h</mi></mfrac>",
    ),
}
_AT_POINT = fixed("(1, 2)", "<mo>(</mo><mn>1</mn><mo>,</mo><mn>2</mn><mo>)</mo>")


def _partial(i: str, j: str) -> Formula:
    return fixed(
        rf"\frac{{\partial f_{{{i}}}}}{{\partial w_{{{j}}}}}",
        f"<mfrac><mrow><mo>∂</mo>{_sub('f', i).mathml}</mrow>"
        f"<mrow><mo>∂</mo>{_sub('w', j).mathml}</mrow></mfrac>",
    )


def _graph(graph: Graph) -> list[Formula]:
    formulas = [
        relation(expression(node.symbol), "=", expression(node.expr)) for node in graph.nodes
    ]
    last = graph.nodes[-1]
    # What the whole graph computes, every node substituted: to compare with f1 or f2. It can
    # be exponentially larger than the graph, so it is built under a budget too.
    whole = Budget(FORMULA_SECONDS, FORMULA_SECONDS).run(lambda: _composed(graph))
    shown = TOO_LARGE_FORMULA if whole is None else expression(whole)
    formulas.append(relation(expression(last.symbol), "=", shown))
    return formulas


def _composed(graph: Graph) -> sympy.Expr:
    composed: dict[sympy.Basic, sympy.Basic] = {}
    for node in graph.nodes:
        composed[node.symbol] = node.expr.xreplace(composed)
    return composed[graph.nodes[-1].symbol]


def _autodiff(sheet: Sheet) -> dict[str, list[Formula]]:
    claims = sheet.q4
    found: dict[str, list[Formula]] = {}
    if claims.values is not None:
        for i, stated in zip("12", claims.values, strict=True):
            found[f"q4.values.f{i}"] = [relation(_sub("f", i) + _AT_POINT, "~", number(stated))]
    step = number(claims.fd_step) if claims.fd_step is not None else fixed("0.01", "<mn>0.01</mn>")
    latex_template, mathml_template = _FD_TEMPLATES[claims.fd_scheme]
    for key, matrix in (
        ("finite_difference", claims.finite_difference),
        ("forward_mode", claims.forward_mode),
        ("reverse_mode", claims.reverse_mode),
    ):
        if matrix is None:
            continue
        for i, row in zip("12", matrix, strict=True):
            for j, stated in zip("12", row, strict=True):
                if key == "finite_difference":
                    quotient = fixed(
                        latex_template.format(i=i, j=j),
                        mathml_template.format(fi=_sub("f", i).mathml, ej=_sub("e", j).mathml),
                    )
                    formula = (
                        relation(quotient, "~", number(stated))
                        + fixed(r",\quad", '<mo>,</mo><mspace width="1em"/>')
                        + relation(fixed("h", "<mi>h</mi>"), "=", step)
                    )
                else:
                    formula = relation(_partial(i, j) + _AT_POINT, "~", number(stated))
                found[f"q4.{key}.f{i}_w{j}"] = [formula]
    for name, graph in (("graph_f1", claims.graph_f1), ("graph_f2", claims.graph_f2)):
        if graph is not None:
            found[f"q4.{name}"] = _graph(graph)
    return found


def _sgd(sheet: Sheet) -> dict[str, list[Formula]]:
    claims = sheet.q6
    found: dict[str, list[Formula]] = {}
    setting: list[Formula] = []
    if claims.components is not None:
        loss = fixed("F(w)", "<mrow><mi>F</mi><mo>(</mo><mi>w</mi><mo>)</mo></mrow>")
        total = expression(sympy.Add(*(c.expr for c in claims.components), evaluate=False))
        setting.append(relation(loss, "=", total))
    if claims.start is not None and claims.picked is not None:
        step = fixed(
            rf"w_t - \eta f_{{{claims.picked}}}'(w_t)",
            f"<mrow>{_W_T}<mo>−</mo><mi>η</mi><msubsup><mi>f</mi><mn>{claims.picked}</mn>"
            f"<mo>′</mo></msubsup><mo>(</mo>{_W_T}<mo>)</mo></mrow>",
        )
        setting.append(
            relation(W_NEXT, "=", step)
            + fixed(r",\quad", '<mo>,</mo><mspace width="1em"/>')
            + relation(fixed("w_t", _W_T), "=", expression(claims.start.expr))
        )
    if claims.step_sizes is not None:
        parts = [expression(r) for r in claims.step_sizes.relations]
        setting.append(
            Formula(
                r" \wedge ".join(p.latex for p in parts),
                "<mo>∧</mo>".join(f"<mrow>{p.mathml}</mrow>" for p in parts),
            )
        )
    if claims.components is not None:
        found["q6.counterexample"] = [_loss_change(">"), *setting]
        for key in ("real_roots", "nonreal_roots"):
            if getattr(claims, key) is not None:
                found[f"q6.{key}"] = setting[:1]
    if claims.sgd_always_decreases is not None:
        found["q6.sgd_always_decreases"] = [_loss_change("<")]
    if claims.next_iterate is not None:
        found["q6.next_iterate"] = [
            relation(W_NEXT, "=", expression(claims.next_iterate.expr)),
            *setting[1:],
        ]
    if claims.next_iterate_sign is not None:
        op = {"positive": ">", "negative": "<", "zero": "="}[claims.next_iterate_sign]
        found["q6.next_iterate_sign"] = [
            relation(W_NEXT, op, fixed("0", "<mn>0</mn>")),
            *setting[2:],
        ]
    return found


def sheet_formulas(sheet: Sheet) -> dict[str, list[Formula]]:
    """Claim id -> the formulas of the claim the sheet makes."""
    found = _proximal(sheet)
    for table, left in (("q3_2", REGRET), ("q3_3", _average_gap())):
        bound = getattr(sheet, table).bound
        if bound is not None:
            found[f"{table}.bound"] = [relation(left, "<=", expression(bound.expr))]
    found.update(_autodiff(sheet))
    if sheet.q5.circulant_commutes_with_shift is not None:
        found["q5.circulant_commutes_with_shift"] = [SHIFT_COMMUTES]
    if sheet.q5.only_circulants_commute_with_shift is not None:
        found["q5.only_circulants_commute_with_shift"] = [COMMUTANT]
    found.update(_sgd(sheet))
    return found


def theorem_formulas() -> dict[str, list[Formula]]:
    """Theorem id -> the statement the theorem row establishes."""
    w_t, lam, eta = (SYMBOLS[name] for name in ("w_t", "lam", "eta"))
    objective = fixed(
        r"\langle \nabla f(w_t), w - w_t \rangle + \frac{\lambda}{2} \Vert w - w_t\Vert ^2",
        f"{_pairing(_GRAD_F_WT, _difference('<mi>w</mi>', _W_T))}<mo>+</mo>"
        f"<mfrac><mi>λ</mi><mn>2</mn></mfrac>{_norm_sq(_difference('<mi>w</mi>', _W_T))}",
    )
    return {
        "theorem.proximal_step": [
            relation(_argmin(objective), "=", expression(w_t - _GRADIENT / lam))
        ],
        "theorem.regret_identity": [
            relation(
                REGRET,
                "=",
                expression(
                    SYMBOLS["wstar_sq"] / (2 * eta)
                    + eta / 2 * SYMBOLS["sum_v_sq"]
                    - _DISTANCE_SQ / (2 * eta)
                ),
            )
        ],
        "theorem.convex_average_gap": [
            relation(_average_gap(), "<=", expression(SYMBOLS["avg_gap"]))
        ],
        "theorem.circulant_shift_commute": [SHIFT_COMMUTES],
        "theorem.shift_commutant_is_circulant": [COMMUTANT],
    }


def formulas_of(sheet: Sheet | None) -> dict[str, list[Formula]]:
    """Row id -> formulas: the theorems', and the sheet's claims' when the sheet is given."""
    found = theorem_formulas()
    if sheet is not None:
        found.update(sheet_formulas(sheet))
    return found


def math_element(formula: Formula) -> str:
    """The formula as a displayed (block) ``<math>`` element."""
    return f'<math xmlns="{MATHML_NAMESPACE}" display="block"><mrow>{formula.mathml}</mrow></math>'
