"""``relusym gd-census``: which minima gradient descent reaches from random starts."""

from __future__ import annotations

import argparse

__all__ = ["register"]


def register(subparsers) -> None:
    from symbolic.experiments.beyond import SETTINGS
    from symbolic.experiments.gd import INITS, OPTIMIZERS

    p = subparsers.add_parser(
        "gd-census",
        help="train from seeded random starts, refine, certify and name the end points",
        description="Independent training runs on the closed-form loss (Safran-Shamir "
        "protocol by default: Xavier init, step 0.1, stop at max_i |2 pi grad_i L| <= 1e-9); "
        "each end point refined by Newton in its detected fixed space, certified and "
        "named. Example: relusym gd-census --k 8 --d 8 --runs 100 --workers 2",
    )
    p.add_argument("--k", required=True, help="number of neurons")
    p.add_argument("--d", required=True, help="input dimension (target I_d)")
    p.add_argument("--runs", required=True, help="number of runs")
    p.add_argument("--setting", default="closed-form",
                   choices=("closed-form",) + SETTINGS,
                   help="closed-form (default: ReLU, Gaussian inputs, the exact loss); "
                   "beyond the closed form: erf (erf activation, Williams' kernel), "
                   "uniform (ReLU, uniform inputs, sampled loss), deep (a second hidden "
                   "layer, sampled loss); see docs/gd_census.md")
    p.add_argument("--samples", default="20000",
                   help="sample size of the sampled losses (--setting uniform/deep)")
    p.add_argument("--optimizer", default="gd", choices=OPTIMIZERS)
    p.add_argument("--init", default="xavier", choices=INITS)
    p.add_argument("--lr", help="step size (default 0.1 for gd, 0.05 sgd, 0.001 adam)")
    p.add_argument("--steps", help="gd: step cap (default 1000000); sgd/adam: steps before "
                   "the gradient-descent polish (default 5000)")
    p.add_argument("--batch", default="256", help="sgd mini-batch size")
    p.add_argument("--seed", default="0", help="seed (run r uses default_rng([seed, r]))")
    p.add_argument("--digits", default="40", help="digits of the Newton refinement")
    p.add_argument("--workers", help="local processes (default: one per core; 1 = in-process)")
    p.add_argument("--scheduler", help="Dask scheduler address, or 'local-cluster'")
    p.add_argument("--out", help="JSON-lines file of the runs (kind gd-run), streamed")
    p.add_argument("--resume", action="store_true",
                   help="continue the runs in --out (same experiment), skipping finished ones")
    p.add_argument("--compare", choices=["safran-shamir"],
                   help="print the fraction side by side with the published experiment")
    p.add_argument("--no-certify", action="store_true", help="skip the certificates")
    p.add_argument("--identify-census", action="store_true",
                   help="look up end points outside the catalogue in relusym census of "
                   "their fixed space (slow: a full census per isotropy)")
    p.add_argument("--json", action="store_true", help="print the gd-census JSON document")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from symbolic.core.errors import RelusymError
    from symbolic.core.parsing import parse_int, parse_number
    from symbolic.core.schema import dumps
    from symbolic.experiments.gd import Protocol, gd_census

    k = parse_int(args.k, "--k", minimum=2, maximum=200)
    d = parse_int(args.d, "--d", minimum=2, maximum=200)
    runs = parse_int(args.runs, "--runs", minimum=1, maximum=10**7)
    seed = parse_int(args.seed, "--seed", minimum=0)
    digits = parse_int(args.digits, "--digits", minimum=20, maximum=200)
    workers = None if args.workers is None else parse_int(args.workers, "--workers", minimum=1)
    kw = {"optimizer": args.optimizer, "init": args.init,
          "batch": parse_int(args.batch, "--batch", minimum=1)}
    if args.lr is not None:
        lr = parse_number(args.lr, "--lr")
        if lr <= 0:
            raise RelusymError(f"--lr = {args.lr!r} must be positive")
        kw["lr"] = float(lr)
    if args.steps is not None:
        kw["steps"] = parse_int(args.steps, "--steps", minimum=1)
    if args.resume and not args.out:
        raise RelusymError("--resume needs --out (the file of the runs to continue)")
    if args.out and Path(args.out).exists() and not args.resume and \
            Path(args.out).stat().st_size > 0:
        raise RelusymError(f"{args.out} exists: pass --resume to continue it, or choose "
                           "another --out")
    if args.setting != "closed-form":
        return _run_beyond(args, k, d, runs, seed, workers, kw)
    protocol = Protocol(**kw)
    s = gd_census(k, d, runs, protocol, seed=seed, digits=digits, workers=workers,
                  scheduler=args.scheduler, out=args.out, resume=args.resume,
                  progress=not args.quiet, certify=not args.no_certify,
                  identify_census=args.identify_census)
    doc = s.to_json()
    cmp = None
    if args.compare:
        from symbolic.experiments.report import SAFRAN_SHAMIR_2018, compare_row

        if k != d or k not in SAFRAN_SHAMIR_2018:
            raise RelusymError("--compare safran-shamir: the published experiment has "
                               "k = d = 6..20")
        cmp = compare_row(k, s.spurious_count, runs)
        doc["compare"] = {"safran-shamir": cmp}
    if args.json:
        print(dumps("gd-census", doc))
        return 0
    print(s.text())
    if cmp is not None:
        print(f"Safran & Shamir 2018 (1000 runs): {cmp['published_fraction']} "
              f"[{cmp['published_wilson95'][0]}, {cmp['published_wilson95'][1]}]; relusym "
              f"{cmp['fraction']} [{cmp['wilson95'][0]}, {cmp['wilson95'][1]}]: "
              + ("intervals overlap" if cmp["agree"] else "intervals DISAGREE")
              + f" (z = {cmp['z']})")
    return 0


def _run_beyond(args, k: int, d: int, runs: int, seed: int, workers, kw: dict) -> int:
    """``--setting erf|uniform|deep``: symbolic.experiments.beyond."""
    from symbolic.core.errors import RelusymError
    from symbolic.core.parsing import parse_int
    from symbolic.core.schema import dumps
    from symbolic.experiments.beyond import Setting, beyond_census, beyond_text

    if args.optimizer != "gd" or args.init != "xavier" or args.compare or \
            args.identify_census or args.no_certify:
        raise RelusymError(f"--setting {args.setting}: plain gradient descent from the "
                           "Xavier initialisation only (--optimizer, --init, --compare, "
                           "--identify-census and --no-certify apply to closed-form)")
    skw = {"name": args.setting, "samples": parse_int(args.samples, "--samples",
                                                      minimum=10, maximum=10**7)}
    if "lr" in kw:
        skw["lr"] = kw["lr"]
    if "steps" in kw:
        skw["steps"] = kw["steps"]
    doc = beyond_census(Setting(**skw), k, d, runs, seed=seed, workers=workers,
                        scheduler=args.scheduler, out=args.out, resume=args.resume,
                        progress=not args.quiet)
    if args.json:
        print(dumps("gd-census", doc))
    else:
        print(beyond_text(doc))
    return 0
