"""The seed papers the report reproduces, and which section belongs to which paper.

The summaries quote or paraphrase the papers' abstracts (the stored copies hold the
abstracts and openings only: ``shared/research/papers.md``). A section is assigned
to the first paper one of whose ``patterns`` occurs in its ``paper`` field (case
insensitive), else in its title; the rest go to "Other results".
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Paper", "PAPERS", "KNOWN_PROVIDERS", "paper_of", "group_sections"]


@dataclass(frozen=True)
class Paper:
    key: str
    title: str
    authors: str
    venue: str
    summary: str
    patterns: tuple[str, ...]


PAPERS: list[Paper] = [
    Paper("hessian-2020",
          "Analytic characterization of the Hessian in shallow ReLU models: a tale of "
          "symmetry", "Y. Arjevani, M. Field", "NeurIPS 2020",
          "For d >= k Gaussian inputs, of the dk Hessian eigenvalues dk - O(d) concentrate "
          "near zero and Omega(d) grow linearly with k, proved by symmetry breaking and "
          "representation theory.", ("hessian", "neurips 2020", "tale of symmetry)")),
    Paper("families-2021",
          "Analytic study of families of spurious minima in two-layer ReLU neural "
          "networks: a tale of symmetry II", "Y. Arjevani, M. Field", "NeurIPS 2021",
          "Analytic estimates of the loss at different minima; modulo O(d^(-1/2)) terms the "
          "spectrum concentrates near small positive constants except Theta(d) eigenvalues "
          "growing linearly in d; spectra at global and spurious minima coincide to "
          "O(d^(-1/2)); the exact fractional dimensionality at which families turn from "
          "saddles into spurious minima.", ("tale of symmetry ii", "neurips 2021",
                                            "families of spurious")),
    Paper("physd-2021", "Symmetry & critical points for a model shallow neural network",
          "Y. Arjevani, M. Field", "Physica D 2021",
          "Families of critical points of spurious minima as power series in d^(-1/2) with "
          "coefficients independent of d; the loss at some spurious minima decays to zero "
          "like 1/d, at others it converges to a strictly positive constant.",
          ("physica", "symmetry & critical", "power series", "puiseux", "series")),
    Paper("annihilation-2022", "Annihilation of spurious minima in two-layer ReLU networks",
          "Y. Arjevani, M. Field", "NeurIPS 2022",
          "Adding neurons turns symmetric spurious minima into saddles through a local "
          "mechanism that creates no new spurious minima; minima of smaller symmetry need "
          "more neurons; descent directions via Cauchy's interlacing theorem.",
          ("annihilation", "neurips 2022")),
    Paper("hidden-2023", "Hidden minima in two-layer ReLU networks", "Y. Arjevani",
          "2023/24",
          "Two infinite families of spurious minima, one with loss vanishing as d -> oo and "
          "one bounded away from zero and avoided by SGD (hidden); their Hessian spectra "
          "agree up to O(d^(-1/2)); they differ in the structure and symmetry of their "
          "tangency arcs, with Puiseux expansions.", ("hidden", "tangency", "arcs")),
    Paper("least-2019",
          "Spurious local minima of shallow ReLU networks conform with the symmetry of the "
          "target model", "Y. Arjevani, M. Field", "2019",
          "Minima found by SGD break the target's symmetry least: their isotropy groups are "
          "large (maximal) subgroups of the target's.",
          ("least symmetry", "conform", "2019")),
    Paper("safran-shamir-2018",
          "Spurious local minima are common in two-layer ReLU neural networks",
          "I. Safran, O. Shamir", "ICML 2018",
          "A computer-assisted proof that spurious local minima exist for 6 <= k <= 20 with "
          "orthonormal targets; gradient methods reach them with a probability growing "
          "with k.", ("safran", "shamir", "gradient-descent census", "gradient descent")),
    Paper("mild-2024",
          "Mildly overparameterized ReLU networks have a favorable loss landscape",
          "K. Karhadkar, M. Murray, H. Tseran, G. Montufar", "TMLR 2024",
          "On generic finite data most activation regions have a full-rank Jacobian and no "
          "bad local minima; a phase transition from full to deficient rank with the amount "
          "of over-parameterization.", ("mildly", "favorable", "activation region",
                                        "finite data", "karhadkar")),
]

#: provider module prefix -> (section title, paper key): used to place the section of a
#: provider that failed (ImportError or exception) under its paper
KNOWN_PROVIDERS: dict[str, tuple[str, str]] = {
    "symbolic.overparam": ("Annihilation of spurious minima by added neurons",
                           "annihilation-2022"),
    "symbolic.arcs": ("Tangency arcs: hidden versus found minima", "hidden-2023"),
    "symbolic.asymptotics.series": ("Series in d^(-1/2)", "physd-2021"),
    "symbolic.experiments": ("Gradient-descent census against Safran-Shamir",
                             "safran-shamir-2018"),
    "symbolic.finite": ("Activation regions and the rank phase transition", "mild-2024"),
}


def paper_of(section: dict) -> str | None:
    """The key of the paper a section (JSON form) belongs to, or None."""
    if section.get("paper_key"):
        return section["paper_key"]
    for field in ("paper", "title"):
        text = str(section.get(field, "")).lower()
        for p in PAPERS:
            if any(pat in text for pat in p.patterns):
                return p.key
    return None


def group_sections(sections: list[dict]) -> list[tuple[Paper | None, list[dict]]]:
    """``[(paper, its sections)]`` in :data:`PAPERS` order (papers without a section
    included, with an empty list), then ``(None, other sections)`` if any."""
    by: dict = {p.key: [] for p in PAPERS}
    other = []
    for s in sections:
        k = paper_of(s)
        (by[k] if k in by else other).append(s)
    out: list = [(p, by[p.key]) for p in PAPERS]
    if other:
        out.append((None, other))
    return out
