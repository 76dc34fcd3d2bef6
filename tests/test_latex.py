"""LaTeX and Greek input: every form the sheet format lists gives the tree (and so the
verdict) of its plain twin; hostile LaTeX is refused with a clear message."""

from __future__ import annotations

import pytest

from hw2check.errors import ExpressionTooLong, ForbiddenSyntax, InputError, NestingTooDeep
from hw2check.expressions import parse_condition
from hw2check.latex import tokenize
from hw2check.ledger import Verdict
from hw2check.sheet import SGD_ETA, parse_sheet, read_graph, tables
from hw2check.topics import Settings
from proofs import proximal_step as q31


def read(table: str, key: str, text: str) -> object:
    return tables()[table].keys[key].read(text)


TWINS = [
    ("q3_1", "minimizer", r"$w_t - \frac{g}{\lambda}$", "w_t - g/lam"),
    ("q3_1", "minimizer", r"$w^t - \dfrac{1}{\lambda}\nabla f(w^t)$", "w_t - g/lam"),
    ("q3_1", "minimizer", r"$w^{(t)} - \frac{\nabla f(w^{(t)})}{\lambda}$", "w_t - g/lam"),
    ("q3_1", "minimizer", r"$w_{t} - \lambda^{-1} \cdot \nabla f(w_t)$", "w_t - g/lam"),
    ("q3_1", "step_size", r"$\frac{1}{\lambda}$", "1/lam"),
    ("q3_1", "step_size", r"$$\frac1\lambda$$", "1/λ"),
    ("q3_1", "step_size", r"$\sqrt{\lambda^{2}}^{-1}$", "sqrt(lam^2)^-1"),
    ("q3_1", "step_size", r"$\sqrt[3]{\lambda}$", "lam**(1/3)"),
    ("q3_1", "proximity_gradient", r"$\lambda \left( w - w_t \right)$", "lam*(w - w_t)"),
    ("q3_1", "proximity_gradient", r"$\lambda \times |w - w^t|$", "lam*abs(w - w_t)"),
    ("q3_2", "bound", r"$\frac{\|w^*\|^2}{2\eta} + \frac{\eta}{2}\sum_{t=1}^T \|v_t\|^2$",
     "wstar_sq/(2*eta) + eta/2*sum_v_sq"),
    ("q3_2", "bound",
     r"$\frac{\lVert w^\star \rVert^2}{2\eta}+\frac{\eta}{2}\sum_{t=1}^{T}\|v_t\|_2^2$",
     "wstar_sq/(2*η) + η/2*sum_v_sq"),
    ("q3_2", "bound", r"$\exp(-\eta) + \log(T) - \ln T + \sin(\eta)\cos\eta + \tan{\eta}$",
     "exp(-eta) + log(T) - ln(T) + sin(eta)*cos(eta) + tan(eta)"),
    ("q3_2", "bound", r"$e^{-\eta T} + \sigma(\eta)$", "exp(-eta*T) + sigmoid(eta)"),
    ("q3_2", "bound", r"$\sin^2 \eta + 2\eta T$", "sin(eta)**2 + 2*eta*T"),
    ("q3_3", "bound", r"$\bar{g}$", "avg_gap"),
    ("q3_3", "bound", r"$\frac{1}{T}\sum_{t=1}^T \langle w_t - w^*, \nabla f(w_t)\rangle$",
     "avg_gap"),
    ("q6", "next_iterate", r"$-\eta$", "-η"),
    ("q6", "next_iterate", r"$-0.5\eta$", "-0.5*eta"),
    # Square brackets and escaped braces group as parentheses do, sized or not.
    ("q3_1", "proximity_gradient", r"$\lambda \left[ w - w_t \right]$", "lam*(w - w_t)"),
    ("q3_1", "proximity_gradient", r"$\lambda[w - w_t]^{1}$", "lam*(w - w_t)"),
    ("q3_1", "proximity_gradient", r"$\lambda \bigl\{ w - w_t \bigr\}$", "lam*(w - w_t)"),
    ("q3_1", "step_size", r"$\left[\lambda\right]^{-1}$", "1/lam"),
    ("q3_1", "step_size", r"$\sqrt[3]{[\lambda]}$", "lam**(1/3)"),
]  # fmt: skip


@pytest.mark.parametrize(("table", "key", "latex", "plain"), TWINS)
def test_latex_reads_as_its_plain_twin(table: str, key: str, latex: str, plain: str) -> None:
    assert read(table, key, latex).expr == read(table, key, plain).expr  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("latex", "plain"),
    [
        (r"$0 < \eta < \frac{1}{2}$", "0 < eta < 1/2"),
        (r"$\eta \le 1 \land \eta > 0$", "eta <= 1 and eta > 0"),
        (r"$\eta \geq 0.1, \eta \leq 2$", "eta >= 0.1 and eta <= 2"),
        (r"$0 < \eta \text{ and } \eta \lt 1$", "0 < η and η < 1"),
        (r"$\eta > 0 \wedge \eta \geqslant 1$", "eta > 0 and eta >= 1"),
    ],
)
def test_latex_conditions_read_as_their_plain_twins(latex: str, plain: str) -> None:
    eta = {"eta": SGD_ETA}
    assert parse_condition(latex, eta) == parse_condition(plain, eta)


def test_graph_nodes_in_latex() -> None:
    graph = read_graph({"a": r"$\cos(w_1)\cos(w_2)$", "f": r"$a + \sigma(w2)$"})
    plain = read_graph({"a": "cos(w1)*cos(w2)", "f": "a + sigmoid(w2)"})
    assert [n.expr for n in graph.nodes] == [n.expr for n in plain.nodes]


def _verdicts(body: str) -> dict[str, Verdict]:
    sheet = parse_sheet('[sheet]\ntitle = "t"\n[q3_1]\n' + body, "t.toml")
    return {c.id: c.decide(*c.args).verdict for c in q31.claim_checks(sheet, Settings(), {})}


def test_a_latex_sheet_gets_the_verdicts_of_its_plain_twin() -> None:
    latex = _verdicts(
        "minimizer = '$w_t - \\frac{1}{\\lambda}\\nabla f(w^t)$'\n"
        "step_size = '$\\frac{2}{\\lambda}$'\n"
        "proximity_gradient = '$\\lambda |w - w_t|$'\n"
    )
    plain = _verdicts(
        'minimizer = "w_t - g/lam"\nstep_size = "2/lam"\nproximity_gradient = "lam*abs(w - w_t)"\n'
    )
    assert latex == plain
    assert latex["q3_1.minimizer"] is Verdict.PROVED
    assert latex["q3_1.step_size"] is Verdict.REFUTED


def error(text: str, table: str = "q3_1", key: str = "step_size") -> InputError:
    with pytest.raises(InputError) as raised:
        read(table, key, text)
    return raised.value


ALLOWED = (
    "LaTeX with numbers, the key's symbols, + - * / ^ _, \\cdot \\times, \\frac \\dfrac "
    "\\sqrt, ( ) { } \\left( \\right), |x|, \\exp \\log \\ln \\sin \\cos \\tan \\sigma, "
    "\\lambda \\eta and the key's notation (docs/sheet-format.md)"
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (r"$\def\x{1}\x$", "the LaTeX command '\\def' is not understood (at character 2)"),
        (r"$\input{/etc/passwd}$",
         "the LaTeX command '\\input' is not understood (at character 2)"),
        (r"$\csname relax\endcsname$",
         "the LaTeX command '\\csname' is not understood (at character 2)"),
        (r"$\farc{1}{\lambda}$",
         "the LaTeX command '\\farc' is not understood (did you mean '\\frac'?) (at character 2)"),
        (r"$\frac{1}{\lambda$",
         "expected '}' to close the '{' at character 10 (at character 18)"),
        ("$ $", "the formula between the $ signs is empty (at character 2)"),
        (r"$1 % \lambda$", "a LaTeX comment (%) is not allowed (at character 4)"),
        (r"$\lambda^2^3$", "a double superscript: group the exponent in braces (at character 11)"),
        (r"$\|w\|$", "\\| is understood only in a key's notation (docs/sheet-format.md lists "
         "each key's) (at character 2)"),
        (r"$\lambda = 1$",
         "'=' is not allowed: a value is an expression, not an equation (at character 10)"),
        (r"$\frac{1}{\lambda} +$",
         "the formula ends too early (an operator without its right-hand side?) (at character 21)"),
        (r"$\text{1}$",
         "\\text must be followed by a word in braces, such as {and} (at character 2)"),
    ],
)  # fmt: skip
def test_latex_errors_are_exact(text: str, message: str) -> None:
    found = error(text)
    assert (found.problem, found.allowed) == (message, ALLOWED)


def test_unknown_symbols_in_latex_are_named() -> None:
    assert str(error(r"$\alpha$")) == (
        "unknown symbol 'α' (at character 2); symbols allowed here: lam"
    )


def test_ten_thousand_nested_braces_are_refused_before_parsing() -> None:
    found = error("$" + "{" * 10_000 + "1" + "}" * 10_000 + "$")
    assert isinstance(found, ExpressionTooLong)
    assert str(found) == "the expression has 20003 characters; at most 1000 characters"


def test_a_frac_chain_past_the_depth_limit_is_refused() -> None:
    found = error("$" + "\\frac{1}{" * 30 + "2" + "}" * 30 + "$")
    assert isinstance(found, NestingTooDeep)
    assert found.problem.startswith("the LaTeX is nested deeper than 50 (at character ")
    assert isinstance(error("$" + "{" * 60 + "1" + "}" * 60 + "$"), NestingTooDeep)
    assert isinstance(error("$" + "-" * 60 + "1$"), NestingTooDeep)


def test_a_frac_chain_within_the_limit_reads() -> None:
    text = "$" + "\\frac{1}{" * 10 + "\\lambda" + "}" * 10 + "$"
    assert str(read("q3_1", "step_size", text).expr) == "lam"  # type: ignore[attr-defined]


def test_hostile_commands_are_forbidden_syntax() -> None:
    for command in ("\\def", "\\input", "\\csname", "\\write", "\\catcode", "\\newcommand"):
        assert isinstance(error(f"${command}$"), ForbiddenSyntax)


def test_layout_commands_are_dropped_and_aliases_normalized() -> None:
    kinds = [(t.kind, t.text) for t in tokenize(r"\left(\, a \cdot b \right) \le \dfrac")]
    assert kinds == [
        ("op", "("), ("word", "a"), ("op", "*"), ("word", "b"), ("op", ")"), ("op", "<="),
        ("cmd", "\\frac"), ("end", ""),
    ]  # fmt: skip


def test_letters_side_by_side_are_a_product_only_of_symbols() -> None:
    assert read("q3_2", "bound", "$\\eta T$").expr == read("q3_2", "bound", "eta*T").expr  # type: ignore[attr-defined]
    assert str(error("$lamda$")) == (
        "unknown symbol 'lamda' (did you mean 'lam'?) (at character 2); symbols allowed here: lam"
    )
