"""Benchmark: exact Puiseux series of the catalogued families (symbolic.asymptotics.series).

Prints CPU and wall seconds against the order, parameters only and with eigenvalues,
side by side for

* ``new``: the pair-type series backend (:mod:`symbolic.systems.reduced_series`), exponent-vector
  denominators in Q(pi), incremental orders (the default of :func:`family_series`);
* ``expanded``: the previous evaluation route in the same run (every invariant expanded
  by sympy and summed monomial by monomial, :func:`symbolic.systems.puiseux.evaluate_reduced`),
  on the same field arithmetic;
* ``old-src`` (with ``--old-src DIR``): the previous package itself, run in a subprocess
  with ``DIR`` first on ``sys.path`` (e.g. a checkout of the commit before issue 19:
  ``git worktree add /tmp/old <commit>`` and ``--old-src /tmp/old``), through its own
  ``relusym series`` code path.

The numeric profile (50-60 digit zeros at d = 10^4 ... 10^22, continued from the seed)
is computed once per family and timed separately; the exact columns exclude it (they
read it from the disk cache, as the CLI does on a second run), except ``old-src``,
which has no cache and includes it. The disk cache of exact results is disabled for
the timed runs (``cache=False``): every figure is a cold exact computation.
The check against the numeric branch (values and fitted truncation-error slopes) is
included in every ``new`` figure.

Run: ``python benchmarks/bench_series.py`` (d-1,1 orders 2..12, every family at order 6;
a few minutes), ``--families all --orders 2,4,6,8,10,12`` for the full table,
``--expanded-max 6`` caps the orders of the slow expanded route.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time

from symbolic.asymptotics.series import (
    family_eigenvalues,
    family_series,
    get_family,
    numeric_profile,
)
from symbolic.catalogue.families import FAMILIES, OVERPARAM_FAMILIES


def _timed(f):
    c, w = time.process_time(), time.perf_counter()
    out = f()
    return time.process_time() - c, time.perf_counter() - w, out


def _fmt(c, w):
    return f"{c:7.1f} / {w:6.1f}"


_OLD_SNIPPET = """
import sys, json
sys.path.insert(0, {src!r})
import symbolic
assert symbolic.__file__.startswith({src!r}), symbolic.__file__
from symbolic.asymptotics.series import family_series, family_eigenvalues
name, order, eig = {name!r}, {order}, {eig}
if eig:
    fs, ev = family_eigenvalues(name, order)
else:
    fs = family_series(name, order, fit=False)
fs.loss_series()
"""


def _old_src(src: str, name: str, order: int, eig: bool, timeout: float):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    w = time.perf_counter()
    env = dict(os.environ, RELUSYM_CACHE_DIR=tempfile.mkdtemp(prefix="bench-old-"))
    try:
        subprocess.run([sys.executable, "-c", _OLD_SNIPPET.format(
            src=os.path.abspath(src), name=name, order=order, eig=eig)],
            check=True, timeout=timeout, env=env, capture_output=True)
        status = ""
    except subprocess.TimeoutExpired:
        status = f" (did not finish in {timeout:.0f} s)"
    except subprocess.CalledProcessError as exc:
        status = f" (failed: {exc.stderr.decode().strip().splitlines()[-1][:60]})"
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, time.perf_counter() - w, status


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--families", default="spurious-d-1,1",
                    help="families for the order table, ';'-separated, or 'all'")
    ap.add_argument("--orders", default="2,4,6,8,10,12")
    ap.add_argument("--expanded-max", type=int, default=6,
                    help="highest order run on the expanded route (it is slow)")
    ap.add_argument("--order6-all", action=argparse.BooleanOptionalAction, default=True,
                    help="also every catalogued family at order 6 (parameters and loss)")
    ap.add_argument("--old-src", default=None,
                    help="directory holding the previous symbolic package (subprocess)")
    ap.add_argument("--old-timeout", type=float, default=900.0)
    ap.add_argument("--old-orders", default="6,10",
                    help="orders run with --old-src (it is slow)")
    ap.add_argument("--towers", action="store_true",
                    help="also time the eigenvalue series of the split families over a tower "
                    "of fields (d-2,2 and d-3,3 parents: minutes each)")
    ap.add_argument("--keep-cache", action="store_true",
                    help="use the user's disk cache (default: a fresh temporary one, so the "
                    "numeric profiles are cold)")
    args = ap.parse_args()
    if not args.keep_cache:
        os.environ["RELUSYM_CACHE_DIR"] = tempfile.mkdtemp(prefix="bench-series-")
    names = list(FAMILIES) if args.families == "all" else args.families.split(";")
    orders = [int(x) for x in args.orders.split(",")]
    old_orders = {int(x) for x in args.old_orders.split(",")}
    print(f"uptime: {os.popen('uptime').read().strip()}")
    print("times: CPU s / wall s (the machine may be shared: CPU is the figure to compare)")
    for name in names:
        spec = get_family(name)
        print(f"\n== family {name} (isotropy {spec.isotropy})")
        if spec.exact is None:
            c, w, _ = _timed(lambda spec=spec: numeric_profile(spec))
            print(f"  numeric profile (zeros at d = 10^4 .. 10^22): {_fmt(c, w)}  "
                  "(cached afterwards)")
        hdr = f"  {'order':>5} {'what':<12} {'new':>16} {'expanded':>16}"
        if args.old_src:
            hdr += f" {'old-src (+profile)':>22}"
        print(hdr)
        for order in orders:
            for eig in (False, True):
                what = "+eigenvalues" if eig else "parameters"

                def run(engine, order=order, eig=eig, spec=spec):
                    if eig:
                        return family_eigenvalues(spec, order, engine=engine, cache=False,
                                                  progress=False)
                    fs = family_series(spec, order, engine=engine, cache=False, fit=False,
                                       progress=False)
                    fs.loss_series()
                    return fs

                c1, w1, out = _timed(lambda run=run: run("pairs"))
                line = f"  {order:5d} {what:<12} {_fmt(c1, w1):>16}"
                if order <= args.expanded_max:
                    c2, w2, _ = _timed(lambda run=run: run("expanded"))
                    line += f" {_fmt(c2, w2):>16}"
                else:
                    line += f" {'(skipped)':>16}"
                if args.old_src and order in old_orders:
                    c3, w3, st = _old_src(args.old_src, name, order, eig, args.old_timeout)
                    line += f" {_fmt(c3, w3):>22}{st}"
                elif args.old_src:
                    line += f" {'(skipped)':>22}"
                if eig:
                    ev = out[1]
                    reached = min(int(e["series"].prec) - 1 for e in ev)
                    line += f"   ({len(ev)} eigenvalue series, all known to eps^{reached})"
                print(line, flush=True)
    if args.order6_all:
        print("\n== every catalogued family, order 6, parameters and loss (new engine):"
              " numeric profile (cold unless computed above) | exact part + check (cold)")
        for name in FAMILIES:
            spec = get_family(name)
            cp, wp, _ = _timed(lambda spec=spec: spec.exact is None and numeric_profile(spec))
            c, w, fs = _timed(lambda spec=spec: family_series(spec, 6, cache=False,
                                                               progress=False))
            field = "Q(pi)" if fs.field_q is None else f"Q(pi)(sqrt {fs.field_q})"
            sl = fs.validation.get("slopes", {})
            slopes = ", ".join(f"{k}" if f is None else f"{f:.2f}" for f, k in sl.values())
            print(f"  {name:<16} {_fmt(cp, wp)} | {_fmt(c, w)}   {field:<16} fitted "
                  f"slopes (expected 7): {slopes or 'exact point'}", flush=True)
        print("\n== k = d + 1 split families (the parent's series mapped exactly, child "
              "gradient checked): order 6 parameters and loss | order 4 with eigenvalues")
        for name, fam in OVERPARAM_FAMILIES.items():
            if fam.mechanism != "split":
                continue
            spec = get_family(name)
            c, w, fs = _timed(lambda spec=spec: family_series(spec, 6, cache=False,
                                                               progress=False))
            fs.loss_series()
            field = "Q(pi)" if fs.field_q is None else f"Q(pi)(sqrt {fs.field_q})"
            if fs.field_q is None or args.towers:
                ce, we, (_, ev) = _timed(lambda spec=spec: family_eigenvalues(
                    spec, 4, cache=False, progress=False))
                eig = f"{_fmt(ce, we)} ({len(ev)} eigenvalue series)"
            else:
                eig = "(a tower of fields: skipped, --towers)"
            print(f"  {name:<22} {spec.isotropy:<10} {_fmt(c, w)} | {eig}   {field}",
                  flush=True)


if __name__ == "__main__":
    main()
