"""``relusym report``: inputs are validated before any computation, with clear errors;
exit 1 when no family could be certified."""

import os

import pytest

from symbolic.cli.main import main


def _fails_fast(args, capsys, words):
    rc = main(["report", "--family", "global-minimum", "--no-transitions", *args])
    err = capsys.readouterr().err
    assert rc == 2, err
    assert "Traceback" not in err and all(w in err for w in words), err
    return err


@pytest.mark.parametrize("order", ["-1", "100", "9"])
def test_series_order_range(order, capsys, tmp_path):
    _fails_fast(["--series-order", order, "--out", str(tmp_path / "o")], capsys,
                ["--series-order", "out of range"])
    assert not (tmp_path / "o").exists()


def test_out_validated_first(capsys, tmp_path):
    f = tmp_path / "afile"
    f.write_text("x")
    _fails_fast(["--out", ""], capsys, ["--out is empty"])
    _fails_fast(["--out", "   "], capsys, ["--out is empty"])
    _fails_fast(["--out", str(f)], capsys, ["not a folder"])
    _fails_fast(["--out", str(f / "sub")], capsys, ["cannot create"])
    _fails_fast(["--out", "/dev/null"], capsys, ["not a folder"])
    if os.path.isdir("/proc"):
        _fails_fast(["--out", "/proc/relusym-x"], capsys, ["cannot create"])
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        if not os.access(ro, os.W_OK):  # (root can write anyway)
            _fails_fast(["--out", str(ro)], capsys, ["not writable"])
    finally:
        ro.chmod(0o700)
    assert f.read_text() == "x"


def test_bad_d_and_family_fail_before_work(capsys, tmp_path):
    _fails_fast(["--d", "abc", "--out", str(tmp_path / "o")], capsys, ["d"])
    _fails_fast(["--d", "1e101", "--out", str(tmp_path / "o")], capsys, ["too large"])
    rc = main(["report", "--family", "nosuch", "--out", str(tmp_path / "o")])
    assert rc == 2 and "unknown family" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_every_family_failed_exits_nonzero(capsys, tmp_path):
    out = tmp_path / "rep"
    rc = main(["report", "--d", "1e100", "--family", "global-minimum", "--series-order",
               "0", "--no-transitions", "--no-sections", "--out", str(out)])
    cap = capsys.readouterr()
    assert rc == 1, cap.err
    assert "no family could be certified" in cap.err
    assert "not certified: global-minimum:" in cap.err  # per family: why
    assert (out / "report.json").exists()
    # the table does not pass an uncertified number off as a loss
    assert "not certified" in (out / "report.md").read_text()


def test_workers_validated(capsys, tmp_path):
    _fails_fast(["--workers", "0", "--out", str(tmp_path / "o")], capsys, ["--workers"])
    _fails_fast(["--workers", "two", "--out", str(tmp_path / "o")], capsys, ["--workers"])
    assert not (tmp_path / "o").exists()


def test_quick_and_full_are_exclusive(capsys, tmp_path):
    with pytest.raises(SystemExit):
        main(["report", "--quick", "--full", "--out", str(tmp_path / "o")])
    assert "not allowed" in capsys.readouterr().err
