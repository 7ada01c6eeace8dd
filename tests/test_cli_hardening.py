"""Hardening of the public boundary (issue 11): every bad input is one clear line on
stderr with exit code 2 -- no traceback, no hang, no code execution, no silently wrong
answer. The CLI entry point runs in-process (``symbolic.cli.main.main``)."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import mpmath
import pytest

from symbolic.cli.main import main


def _run(capsys, argv):
    rc = main(argv)
    out, err = capsys.readouterr()
    return rc, out, err


def _files(tmp_path):
    (tmp_path / "bin.json").write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    (tmp_path / "latin1.json").write_bytes('[["1\xe9"]]'.encode("latin-1"))
    (tmp_path / "nan.json").write_text('[[1, "nan"], [0, 1]]')
    (tmp_path / "NaN.json").write_text("[[1, NaN], [0, 1]]")
    (tmp_path / "bool.json").write_text("[[1, true], [0, 1]]")
    (tmp_path / "null.json").write_text("[[1, null], [0, 1]]")
    (tmp_path / "ragged.json").write_text("[[1, 0], [0]]")
    (tmp_path / "obj.json").write_text('{"W": 1}')
    (tmp_path / "empty.json").write_text("")
    (tmp_path / "deep.json").write_text("[" * 100000 + "]" * 100000)
    return tmp_path


# (argv, a fragment of the expected message); "{t}" is the temporary folder
TRACEBACKS = [
    (["evaluate", "--W", "{t}/bin.json"], "not UTF-8"),
    (["isotropy", "--W", "{t}/bin.json"], "not UTF-8"),
    (["evaluate", "--W", "{t}/latin1.json"], "not UTF-8"),
    (["isotropy", "--W", "{t}/nan.json"], "not a number"),
    (["evaluate", "--W", "{t}/nan.json"], "not a number"),
    (["evaluate", "--W", "{t}/NaN.json"], "not a finite number"),
    (["isotropy", "--W", "{t}/bool.json"], "not a number"),
    (["evaluate", "--W", "{t}/null.json"], "not a number"),
    (["evaluate", "--W", "{t}/ragged.json"], "same"),
    (["isotropy", "--W", "{t}/obj.json"], "list of rows"),
    (["evaluate", "--W", "{t}/empty.json"], "not valid JSON"),
    (["evaluate", "--W", "{t}/deep.json"], "W"),
    (["evaluate", "--W", "{t}/missing.json"], "cannot read"),
    (["evaluate", "--W", "{t}"], "cannot read"),
    (["evaluate", "--W", "identity", "--d", "3", "--V", "{t}/bin.json"], "not UTF-8"),
    (["evaluate", "--W", "random", "--d", "3", "--seed", "-1"], "--seed"),
    (["isotropy", "--W", "{t}/nan.json", "--tol", "nan"], "--tol"),
    (["spectrum", "--isotropy", "d", "--d", "10", "--params", "D1=nan,O1=0"], "nan"),
    (["spectrum", "--isotropy", "d", "--d", "10", "--params", "D1=inf,O1=0"], "inf"),
    (["spectrum", "--isotropy", "d", "--d", "10", "--params", ""], "empty"),
    (["spectrum", "--isotropy", "d", "--d", "10", "--params", '{"D1": [1], "O1": 0}'],
     "not a number"),
    (["spectrum", "--isotropy", "d", "--d", "10", "--params", "D1=1,D1=2,O1=0"], "twice"),
    (["spectrum", "--isotropy", "d", "--d", "10", "--params", "D1=1,O1=0", "--dps", "0"],
     "--dps"),
    (["spectrum", "--isotropy", "d", "--d", "10", "--params", "D1=1,O1=0", "--digits", "x"],
     "--digits"),
    (["spectrum", "--isotropy", "d", "--d", "10", "--params", "D1=1,O1=0", "--digits", "20",
      "--dps", "30"], "disagree"),
    (["spectrum", "--isotropy", "d", "--d", "1e101", "--params", "D1=1,O1=0"], "too large"),
    (["spectrum", "--isotropy", "d", "--d", "1e99999999", "--params", "D1=1,O1=0"],
     "exponent"),
    (["spectrum", "--isotropy", "d", "--d", "nan", "--params", "D1=1,O1=0"], "not a number"),
    (["spectrum", "--isotropy", "d", "--d", "-2", "--params", "D1=1,O1=0"], "positive"),
    (["track", "--isotropy", "d", "--params", "D1=nan,O1=0", "--from", "10", "--to", "20"],
     "nan"),
    (["track", "--isotropy", "d", "--params", "D1=abc,O1=0", "--from", "10", "--to", "20"],
     "abc"),
    (["track", "--isotropy", "d", "--params", "D1=1,O1=0", "--from", "10", "--to", "20",
      "--digits", "abc"], "--digits"),
    (["equations", "--isotropy", "d-1,1", "--d", "inf"], "not a number"),
    (["equations", "--isotropy", "__import__('os')"], "malformed"),
]


@pytest.mark.parametrize("argv,fragment", TRACEBACKS)
def test_bad_input_is_one_clear_line(capsys, tmp_path, argv, fragment):
    t = _files(tmp_path)
    rc, out, err = _run(capsys, [a.replace("{t}", str(t)) for a in argv])
    assert rc == 2, err
    assert "Traceback" not in err and "internal error" not in err
    assert fragment in err
    assert len(err.strip().splitlines()) == 1 or "warning" in err


# Formerly wrong answers: the output must now be right (independent expected values).
@pytest.mark.parametrize("d", ["1e30", "1e50", "1e100"])
def test_spectrum_huge_d_keeps_its_digits(capsys, d):
    """Global minimum W = I: smallest eigenvalue 1/4 - 1/(2 pi), not 1024.0 or -4.8e-7."""
    rc, out, err = _run(capsys, ["spectrum", "--isotropy", "d", "--d", d, "--params",
                                 "D1=1,O1=0", "--digits", "25", "--json"])
    assert rc == 0, err
    data = json.loads(out)
    assert data["degenerate"] is False and data["index"] == 0
    with mpmath.workdps(40):
        lo = mpmath.nstr(mpmath.mpf(1) / 4 - 1 / (2 * mpmath.pi), 25)
        hi = mpmath.nstr(mpmath.mpf(1) / 4 + 1 / (2 * mpmath.pi), 25)
        vals = [mpmath.mpf(e["value"]) for e in data["spectrum"]]
        assert mpmath.nstr(min(vals), 25) == lo
        assert hi in {mpmath.nstr(v, 25) for v in vals}


def test_track_non_critical_start_is_loud(capsys):
    """Formerly a silent swap to W = I reported as 'reached'."""
    argv = ["track", "--isotropy", "d", "--params", "D1=5,O1=3", "--from", "10", "--to",
            "12", "--digits", "20", "--quiet"]
    rc, out, err = _run(capsys, argv)
    assert "WARNING" in err and "not a critical point" in err and "WARNING" in out
    rc, out, err = _run(capsys, argv + ["--strict"])
    assert rc == 2 and "not a critical point" in err and "Traceback" not in err


# Formerly hangs: refused at once with the limit and the alternative.
@pytest.mark.parametrize("argv", [
    ["evaluate", "--W", "random", "--k", "2000", "--d", "3"],
    ["evaluate", "--W", "random", "--k", "2000", "--d", "3", "--backend", "numpy"],
    ["evaluate", "--W", "random", "--k", "1000000000", "--d", "1000000000"],
])
def test_huge_full_hessian_is_refused_fast(capsys, argv):
    t0 = time.perf_counter()
    rc, out, err = _run(capsys, argv)
    assert rc == 2 and time.perf_counter() - t0 < 5
    assert "k*d <=" in err and "relusym spectrum" in err


# Formerly code execution: user strings are parsed, never evaluated.
@pytest.mark.parametrize("where", ["params", "isotropy", "d"])
def test_no_code_execution(capsys, tmp_path, where):
    marker = tmp_path / "pwned"
    evil = f"__import__('os').system('touch {marker}')"
    argv = {"params": ["spectrum", "--isotropy", "d", "--d", "10", "--params",
                       f"D1={evil},O1=0"],
            "isotropy": ["equations", "--isotropy", evil],
            "d": ["spectrum", "--isotropy", "d", "--d", evil, "--params", "D1=1,O1=0"]}[where]
    rc, out, err = _run(capsys, argv)
    assert rc == 2 and "Traceback" not in err
    assert not marker.exists()


def test_unexpected_exception_shows_traceback_and_asks_for_a_report(capsys, monkeypatch):
    import symbolic.cli.cmd_equations as ce

    def boom(args):
        raise ZeroDivisionError("simulated bug")

    monkeypatch.setattr(ce, "run", boom)
    rc, out, err = _run(capsys, ["equations", "--isotropy", "d"])
    assert rc == 1 and "Traceback" in err and "report" in err


def test_keyboard_interrupt_exits_130(capsys, monkeypatch):
    import symbolic.cli.cmd_equations as ce

    def interrupt(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(ce, "run", interrupt)
    rc, out, err = _run(capsys, ["equations", "--isotropy", "d"])
    assert rc == 130 and "Traceback" not in err


def test_subprocess_binary_file(tmp_path):
    """The real console entry point, end to end."""
    f = tmp_path / "w.bin"
    f.write_bytes(bytes(range(256)))
    p = subprocess.run([sys.executable, "-m", "symbolic.cli.main", "isotropy", "--W", str(f)],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 2 and "Traceback" not in p.stderr and "UTF-8" in p.stderr
