"""``python -m proofs.X``: --help, the theorems' derivation, and a sheet's claims."""

from __future__ import annotations

from pathlib import Path

import pytest

from hw2check.derivation import module_main
from proofs import proximal_step


def test_help_names_the_question_and_the_sheet_argument(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as done:
        module_main("proofs.proximal_step", proximal_step.__doc__ or "", print, ["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: python -m proofs.proximal_step [-h] [--timeout SECONDS] [SHEET]")
    assert "Q3.1: the proximal step is a gradient step with eta = 1/lam." in out


def test_without_a_sheet_the_derivation_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    assert module_main("proofs.x", "doc", lambda: print("derived"), []) == 0
    assert capsys.readouterr().out == "derived\n"


def on_sheet(tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str) -> tuple[int, str, str]:
    """``python -m proofs.proximal_step`` on a sheet with this body: status, out, err."""
    sheet = tmp_path / "s.toml"
    sheet.write_text('[sheet]\ntitle = "t"\n' + body)
    status = module_main("proofs.proximal_step", "", print, [str(sheet)])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize(
    ("body", "status", "parts"),
    [
        (
            '[q3_1]\nstep_size = "2/lam"\n[q5]\n',
            1,
            ["on this question:\nq3_1.step_size (3.1): refuted\n", "  witness: lam = "],
        ),
        ("", 0, ["on this question:\n  none: the sheet makes no claim of this question\n"]),
    ],
)
def test_a_sheet_gets_its_claims_of_the_question(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, status: int, parts: list[str]
) -> None:
    found, out, _ = on_sheet(tmp_path, capsys, body)
    assert found == status
    assert out.startswith("theorem.proximal_step (3.1): proved\n")
    assert f"Claims of {tmp_path / 's.toml'} on this question:" in out
    assert all(part in out for part in parts), out


def test_a_bad_sheet_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = on_sheet(tmp_path, capsys, '[q3_1]\nstep_size = "1/lambda"\n')
    assert (status, out) == (2, "")
    assert err.startswith(
        f"{tmp_path / 's.toml'}:4:16: q3_1.step_size: 'lambda' is a reserved word"
    )
