"""``relusym regions``: activation regions of ReLU networks on finite data, exact
Jacobian ranks, zero-loss regions and the rank phase transition (symbolic.finite)."""

from __future__ import annotations

import argparse

__all__ = ["register"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "regions",
        help="activation regions on finite data: exact Jacobian rank, phase transition",
        description="Sample activation regions of a ReLU network with biases on n rational "
        "data points (by volume: the paper's initialisation; by count: uniform among "
        "non-empty regions) and prove the rank of the Jacobian of the outputs over Q. "
        "Lists for --n/--width run the phase-transition grid (one task per cell, streamed "
        "to --out, resumable). --enumerate: every region for d0 = 1. Examples: "
        "relusym regions --n 8 --d0 2 --width 32; "
        "relusym regions --n 10,20 --ratio 0.5 --width 1,2,4,8 --plot t.png; "
        "relusym regions --n 3 --d0 1 --width 4 --enumerate",
    )
    p.add_argument("--n", required=True, help="data size, or a comma list for a grid")
    p.add_argument("--d0", default=None, help="input dimension (default 1)")
    p.add_argument("--ratio", default=None,
                   help="instead of --d0: d0 = ceil(ratio n) (the paper's varying_input_dim)")
    p.add_argument("--width", required=True, help="hidden width, or a comma list for a grid")
    p.add_argument("--depth", default="1", help="number of hidden layers (default 1)")
    p.add_argument("--samples", default="100", help="regions sampled per cell (default 100)")
    p.add_argument("--seed", default="0", help="random seed (default 0)")
    p.add_argument("--mode", choices=("volume", "count"), default="volume",
                   help="volume: parameters from the paper's initialisation, fresh data per "
                   "sample (default); count: uniform among non-empty labelled regions")
    p.add_argument("--zero-loss", action="store_true",
                   help="also decide for each region whether it holds a zero-loss point "
                   "and report the exact dimension of that set (one hidden layer)")
    p.add_argument("--enumerate", action="store_true",
                   help="d0 = 1: every labelled region ((2n)^width of them)")
    p.add_argument("--workers", default="1", help="worker processes for a grid (default 1)")
    p.add_argument("--scheduler", default=None,
                   help="grid: Dask scheduler address, or 'local-cluster'")
    p.add_argument("--out", default=None, help="grid: JSON-lines journal (resumed if present)")
    p.add_argument("--plot", default=None, help="grid: write the phase-transition figure")
    p.add_argument("--json", action="store_true", help="print JSON (kind 'regions')")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def _ints(text: str, what: str, minimum: int = 1) -> list[int]:
    from symbolic.core.errors import RelusymError
    from symbolic.core.parsing import parse_int

    parts = [t.strip() for t in str(text).split(",")]
    if not parts or any(not t for t in parts):
        raise RelusymError(f"{what} = {text!r}: give an integer or a comma list")
    return [parse_int(t, what, minimum=minimum) for t in parts]


def run(args: argparse.Namespace) -> int:
    from fractions import Fraction

    from symbolic.core.errors import RelusymError
    from symbolic.core.parsing import parse_int, parse_number
    from symbolic.core.schema import dumps

    ns = _ints(args.n, "--n")
    widths = _ints(args.width, "--width")
    depth = parse_int(args.depth, "--depth", minimum=1, maximum=8)
    samples = parse_int(args.samples, "--samples", minimum=1, maximum=10**6)
    seed = parse_int(args.seed, "--seed", minimum=0, maximum=2**32 - 1)
    workers = parse_int(args.workers, "--workers", minimum=1, maximum=512)
    if args.ratio is not None and args.d0 is not None:
        raise RelusymError("give --d0 or --ratio, not both")
    ratio = None
    if args.ratio is not None:
        ratio = Fraction(parse_number(args.ratio, "--ratio"))
        if ratio <= 0:
            raise RelusymError("--ratio must be positive")
    d0 = parse_int(args.d0 if args.d0 is not None else "1", "--d0", minimum=1, maximum=10**4)
    if max(ns) > 2000 or max(widths) > 10**4:
        raise RelusymError("--n at most 2000 and --width at most 10000")
    if (args.zero_loss or args.mode == "count") and depth != 1:
        raise RelusymError("--zero-loss and --mode count need --depth 1")
    grid = len(ns) > 1 or len(widths) > 1

    if args.enumerate:
        from symbolic.finite.sampling import enumerate_regions_1d

        if grid or d0 != 1 or ratio is not None or depth != 1:
            raise RelusymError("--enumerate needs one --n, one --width, --d0 1, --depth 1")
        e = enumerate_regions_1d(ns[0], widths[0], seed=seed)
        doc = {"command": "enumerate", "result": e.to_json()}
        if args.json:
            print(dumps("regions", doc))
            return 0
        j = e.to_json()
        print(f"d0 = 1, n = {e.n}, width {e.width}: {e.regions} labelled regions "
              f"({e.orbits} orbits computed)")
        print(f"  rank J = n: {e.full_rank} ({j['fraction_full_rank']}); rank histogram "
              f"{j['rank_histogram']}")
        print(f"  zero-loss set: {j['zero_loss']}; dimensions {j['global_min_dims']} "
              f"(2m - n = {j['max_global_min_dim']})")
        print(f"  rank-deficient regions, interior minima: "
              f"{j['rank_deficient_regions_interior_minima']}")
        print(f"  regions with no bad local minimum (proved): {j['no_bad_local_minimum']}")
        return 0

    if not grid:
        from symbolic.finite.sampling import sample_config

        dd = d0 if ratio is None else max(1, -(-ns[0] * ratio.numerator // ratio.denominator))
        r = sample_config(ns[0], dd, widths[0], depth=depth, samples=samples, seed=seed,
                          mode=args.mode, zero_loss=args.zero_loss)
        j = r.to_json()
        if args.json:
            print(dumps("regions", {"command": "sample", "result": j}))
            return 0
        print(f"n = {r.n}, d0 = {r.d0}, width {r.width}, depth {r.depth}, by {r.mode}, "
              f"{r.samples} samples (seed {seed})")
        print(f"  rank J = n (no bad local minimum in the region): {r.full_rank}/{r.samples}"
              f", 95% Wilson [{j['wilson95'][0]}, {j['wilson95'][1]}]")
        print(f"  distinct regions {r.distinct}, of which full rank {r.distinct_full_rank}")
        print(f"  exact rank histogram {j['rank_histogram']}")
        print(f"  float64 rank disagreements {len(r.float64_disagree)}, float32 "
              f"{len(r.float32_disagree)}")
        if args.zero_loss:
            print(f"  zero-loss set: {j['zero_loss']}; dimensions {j['global_min_dims']}")
        return 0

    from symbolic.finite.transition import grid_tasks, plot_transition, run_grid

    tasks = grid_tasks(ns, widths, d0=None if ratio is not None else d0,
                       ratio=ratio, depth=depth,
                       samples=samples, seed=seed, mode=args.mode)
    results = list(run_grid(tasks, workers=workers, scheduler=args.scheduler,
                            journal=args.out, resume=True,
                            progress=False if args.quiet else None))
    results.sort(key=lambda r: (r["n"], r["width"]))
    if args.plot:
        plot_transition(results, args.plot)
    if args.json:
        print(dumps("regions", {"command": "sweep", "results": results}))
        return 0
    print(f"{'n':>5} {'d0':>5} {'width':>6} {'width/n':>8} {'full rank':>12} "
          f"{'Wilson 95%':>18} {'f64/f32 disagree':>17}")
    for r in results:
        print(f"{r['n']:>5} {r['d0']:>5} {r['width']:>6} {r['width_over_n']:>8} "
              f"{r['full_rank']:>5}/{r['samples']:<6} "
              f"{'[' + r['wilson95'][0] + ', ' + r['wilson95'][1] + ']':>18} "
              f"{len(r['float64_disagreements']):>8}/{len(r['float32_disagreements'])}")
    if args.plot:
        print(f"figure: {args.plot}")
    return 0
