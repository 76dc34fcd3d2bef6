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


def test_a_sheet_gets_its_claims_of_the_question(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "s.toml"
    sheet.write_text('[sheet]\ntitle = "t"\n[q3_1]\nstep_size = "2/lam"\n[q5]\n')
    assert module_main("proofs.proximal_step", "", print, [str(sheet)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("theorem.proximal_step (3.1): proved\n")
    assert f"Claims of {sheet} on this question:\nq3_1.step_size (3.1): refuted\n" in out
    assert "  witness: lam = " in out


def test_a_sheet_without_claims_of_the_question(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "s.toml"
    sheet.write_text('[sheet]\ntitle = "t"\n')
    assert module_main("proofs.proximal_step", "", print, [str(sheet)]) == 0
    assert capsys.readouterr().out.endswith(
        "on this question:\n  none: the sheet makes no claim of this question\n"
    )


def test_a_bad_sheet_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheet = tmp_path / "s.toml"
    sheet.write_text('[sheet]\ntitle = "t"\n[q3_1]\nstep_size = "1/lambda"\n')
    assert module_main("proofs.proximal_step", "", print, [str(sheet)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"{sheet}:4:16: q3_1.step_size: 'lambda' is a reserved word")
