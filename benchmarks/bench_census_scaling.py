"""Census time against the number of blocks r at d = 20, with a fitted exponent.

For r = 2..6 (isotropies d-1,1 / d-2,1,1 / d-3,1,1,1 / d-4,1,1,1,1 / d-5,1,1,1,1,1) the
census of Fix(H) at d = 20 (30 digits, default search) is run in a subprocess with a
wall-clock budget; printed: the search time, the total (search + refinement + spectrum),
the number of points and sets, the search record, and the interval certificate time per
point (symbolic.spectra.certify.certify_point, on up to CERT points). The exponent is the
least-squares slope of log(total time) against log(r) over the r that finished. The
machine load (``uptime``) is printed first and last: the figures are wall-clock times on a
shared machine.

    python benchmarks/bench_census_scaling.py [R_MAX] [BUDGET_SECONDS] [WORKERS]
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time

SPECS = {2: "d-1,1", 3: "d-2,1,1", 4: "d-3,1,1,1", 5: "d-4,1,1,1,1", 6: "d-5,1,1,1,1,1"}
CERT = 3

_CHILD = r"""
import json, sys, time
from symbolic.critical.census import census
from symbolic.spectra.certify import certify_point
spec, workers, cert = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
t0 = time.perf_counter()
c = census(spec, 20, digits=30, progress=False, workers=workers)
tt = time.perf_counter() - t0
pts = [p for p in c.points if p.differentiable][:cert]
t1 = time.perf_counter()
ok = 0
for p in pts:
    ok += bool(certify_point(spec, p.values, 20, digits=30).certified)
tc = (time.perf_counter() - t1) / max(1, len(pts))
s = c.search
print(json.dumps({"search": float(s.get("seconds", "nan")), "total": tt,
                  "points": len(c.points), "sets": len(c.sets),
                  "starts": s["total_starts"], "classes": s["classes"],
                  "unexplored": s["unexplored_classes"], "stop": s["stopped_because"],
                  "cert_per_point": tc, "certified": ok, "cert_tried": len(pts)}))
"""


def _uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "uptime unavailable"


def main() -> None:
    r_max = int(sys.argv[1]) if len(sys.argv) > 1 else 6
    budget = float(sys.argv[2]) if len(sys.argv) > 2 else 900.0
    workers = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    print("load:", _uptime(), flush=True)
    done = []
    for r in range(2, r_max + 1):
        spec = SPECS[r]
        t = time.perf_counter()
        try:
            out = subprocess.run([sys.executable, "-c", _CHILD, spec, str(workers), str(CERT)],
                                 capture_output=True, text=True, timeout=budget,
                                 env=dict(os.environ))
        except subprocess.TimeoutExpired:
            print(f"r = {r} {spec:>15}: did not finish within the budget of {budget:.0f} s",
                  flush=True)
            continue
        if out.returncode:
            print(f"r = {r} {spec:>15}: failed: {out.stderr.strip()[-300:]}", flush=True)
            continue
        res = json.loads(out.stdout.strip().splitlines()[-1])
        done.append((r, res["total"]))
        print(f"r = {r} {spec:>15}: search {res['search']:7.1f} s, total {res['total']:7.1f} s"
              f" (wall {time.perf_counter() - t:6.1f} s); {res['points']} points, "
              f"{res['sets']} sets, {res['classes']} search classes "
              f"({res['unexplored']} unexplored), "
              f"{res['starts']} starts ({res['stop']}); "
              f"certify {res['cert_per_point']:.2f} s/point "
              f"({res['certified']}/{res['cert_tried']} certified)", flush=True)
    if len(done) >= 2:
        xs = [math.log(r) for r, _ in done]
        ys = [math.log(t) for _, t in done]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / \
            sum((x - mx) ** 2 for x in xs)
        print(f"fitted exponent: total time ~ r^{slope:.2f} over r = "
              f"{', '.join(str(r) for r, _ in done)}")
    print("load:", _uptime(), flush=True)


if __name__ == "__main__":
    main()
