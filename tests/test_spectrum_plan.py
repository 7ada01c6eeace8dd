"""The stored spectrum plan (symbolic.spectra.spectrum_plan): exact JSON that evaluates the
isotypic blocks without sympy. Checked against the sympy-built reduced systems, the
plan of the specific d, the full-matrix Hessian, and across processes."""

import json
import os
import subprocess
import sys
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from symbolic.loss import model
from symbolic.spectra.spectrum_build import build_plan_data, numeric_block_system
from symbolic.spectra.spectrum_plan import SpectrumPlan, generic_plan, plan_for, spectrum
from symbolic.symmetry.groups import parse_isotropy
from symbolic.systems.reduced_numeric import NumericReducedSystem

GRAMMAR = ["d", "d-1,1", "d-2,2", "d-3,3", "d-2,1,1", "d-1,1;1", "d;2"]


def _point(space, seed):
    rng = np.random.default_rng(seed)
    return [str(round(float(x), 6)) for x in rng.normal(size=space.dim)]


@pytest.mark.parametrize("spec", GRAMMAR)
def test_stored_system_evaluates_like_the_built_one(spec):
    s = parse_isotropy(spec)
    vals = _point(s, 1)
    for irr in generic_plan(spec).irreps:
        rs, _ = numeric_block_system(s, irr.info.label)
        stored = NumericReducedSystem.from_plan(json.loads(json.dumps(rs.to_plan())))
        for d in (9, Fraction(31, 3)):
            a = rs.hessian(vals, d, dps=30)
            b = stored.hessian(vals, d, dps=30)
            assert a.shape == b.shape
            assert all(x == y for x, y in zip(a.ravel(), b.ravel(), strict=True))


@pytest.mark.parametrize("spec", GRAMMAR)
def test_generic_plan_agrees_with_the_plan_of_each_generic_d(spec):
    """Where the layout says the decomposition is generic, the plan built for that d
    has the same irreducibles, dimensions, copies and Gram matrices."""
    gen = generic_plan(spec)
    for d in (7, 12, Fraction(41, 4)):
        if not gen.applies_at(d):
            continue
        here = SpectrumPlan(json.loads(json.dumps(build_plan_data(spec, d))))
        assert [i.info.label for i in here.irreps] == [i.info.label for i in gen.irreps]
        for a, b in zip(gen.irreps, here.irreps, strict=True):
            assert a.dim_at(d) == b.dim_at(d)
            assert a.idx == b.idx
            assert a.gram_at(d) == b.gram_at(d)


def test_small_d_uses_the_plan_of_that_d():
    """d-3,3 at d = 5: the block d - 3 has size 2 (not generic): the spectrum still
    matches the full-matrix Hessian's eigenvalues."""
    spec, d = "d-3,3", 5
    s = parse_isotropy(spec)
    assert not generic_plan(spec).applies_at(d)
    assert plan_for(spec, d).d == d
    vals = _point(s, 3)
    S = spectrum(spec, vals, d, digits=25)
    W = np.array(s.matrix([float(v) for v in vals], d), dtype=float)
    full = np.sort(np.linalg.eigvalsh(model.hessian(W, backend="numpy")))
    mine = np.sort(np.array([float(v) for v in S.values()]))
    assert len(mine) == d * d
    assert np.max(np.abs(full - mine)) < 1e-8


def test_spectrum_accepts_a_space_or_its_label_and_checks_d():
    from symbolic.core.errors import IsotropyError

    vals = ["1", "0.1", "-0.9", "0.02", "0.03"]
    a = spectrum("d-1,1", vals, 12, digits=20)
    b = spectrum(parse_isotropy("d-1,1"), vals, 12, digits=20)
    assert a.to_json() == b.to_json()
    with pytest.raises(IsotropyError, match="too small"):
        spectrum("d-1,1", vals, 2, digits=20)
    with pytest.raises(IsotropyError, match="parameters"):
        spectrum("d-1,1", vals[:3], 12, digits=20)


def test_second_process_needs_no_sympy(tmp_path):
    """The second ``relusym spectrum --family`` reads the point and the plan from the
    disk cache: sympy is never imported, and the output is identical."""
    env = dict(os.environ, RELUSYM_CACHE_DIR=str(tmp_path / "cache"))
    code = ("import runpy, sys\n"
            "sys.argv = ['relusym', 'spectrum', '--family', 'spurious-d-1,1', '--d', '14',"
            " '--json']\n"
            "try:\n"
            "    runpy.run_module('symbolic.cli.main', run_name='__main__')\n"
            "except SystemExit:\n"
            "    pass\n"
            "print('SYMPY', 'sympy' in sys.modules, file=sys.stderr)\n")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env=env, check=True) for _ in range(2)]
    assert "SYMPY True" in runs[0].stderr  # the first builds the plan with sympy
    assert "SYMPY False" in runs[1].stderr
    assert runs[0].stdout == runs[1].stdout
    doc = json.loads(runs[1].stdout)
    assert doc["index"] == 0 and doc["isotropy"] == "d-1,1"
    # the family's spectrum at d = 14 against the full-matrix Hessian (float64)
    s = parse_isotropy("d-1,1")
    W = np.array(s.matrix([float(v) for v in doc["params"].values()], 14), dtype=float)
    full = np.linalg.eigvalsh(model.hessian(W, backend="numpy"))
    assert abs(full[0] - min(float(e["value"]) for e in doc["spectrum"])) < 1e-9


def test_a_torn_plan_entry_is_rebuilt(tmp_path, monkeypatch):
    from symbolic.core.cache import entry_path, source_fingerprint
    from symbolic.spectra import spectrum_plan

    monkeypatch.setenv("RELUSYM_CACHE_DIR", str(tmp_path))
    spectrum_plan._plan.cache_clear()
    try:
        key = json.dumps([source_fingerprint(*spectrum_plan.PLAN_SOURCES), "d", None])
        path = entry_path("spectrum-plan", key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"key": key, "value": {"layout": {}}}))
        S = spectrum("d", ["1", "0"], 10, digits=20)  # the global minimum
        assert S.index == 0
        assert mpmath.mpf(str(S.eigenvalues[0].value)) > 0
        assert json.loads(path.read_text())["value"]["layout"]["label"] == "d"
    finally:
        spectrum_plan._plan.cache_clear()
