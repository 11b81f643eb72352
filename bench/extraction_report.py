"""Tables and JSON for the extraction benchmark: one set in detail, or every set with an equal-weight summary."""

from __future__ import annotations

from typing import Any

OURS = "newsfind (ours)"
_KEYS = ("f1", "precision", "recall", "accuracy", "under_half")


def _rows(results: dict[str, Any], published: int | None = None) -> list[tuple[str, dict[str, Any]]]:
    """Ours, then the references, then the published outputs (best ``published`` of them, or all)."""
    rows = [(OURS, results["ours"])] if results.get("ours") else []
    rows += list(results["references"].items())
    pub = sorted(results["published"].items(), key=lambda r: -r[1]["f1"])
    return rows + [(f"{n} (published)", r) for n, r in pub[:published]]


def set_table(results: dict[str, Any]) -> str:
    """One set: every extractor, best F1 first, with bootstrap deviations; speeds on the last line."""
    rows = sorted(_rows(results), key=lambda r: -r[1]["f1"])
    width = max(len(name) for name, _ in rows)
    head = f"{'extractor':<{width}}  {'F1':<13}  {'precision':<13}  {'recall':<13}  {'accuracy':<13}  <0.5"
    lines = [head]
    for name, r in rows:
        std = r.get("std", {})
        cells = [f"{r[k]:.3f} ± {std.get(k, 0.0):.3f}" for k in ("f1", "precision", "recall", "accuracy")]
        lines.append(f"{name:<{width}}  " + "  ".join(cells) + f"  {r['under_half']}")
    speeds = ", ".join(f"{n} {r['pages_per_s']:.1f}" for n, r in _rows(results, 0) if "pages_per_s" in r)
    lines.append(f"\n{results['pages']} pages; pages/s per core: {speeds}")
    return "\n".join(lines)


def summary(sets: dict[str, dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Per extractor run on every set: mean F1 / P / R over sets (equal weight), pages under 0.5, pages/s."""
    names = None
    for results in sets.values():
        here = {n for n, r in _rows(results, 0) if "pages_per_s" in r}
        names = here if names is None else names & here
    out = {}
    for name in sorted(names or (), key=lambda n: (n != OURS, n)):
        rows = [dict(_rows(results, 0))[name] | {"pages": results["pages"]} for results in sets.values()]
        seconds = sum(r["pages"] / r["pages_per_s"] for r in rows if r["pages_per_s"])
        out[name] = {k: sum(r[k] for r in rows) / len(rows) for k in ("f1", "precision", "recall", "accuracy")}
        out[name]["under_half"] = sum(r["under_half"] for r in rows)
        out[name]["pages_per_s"] = sum(r["pages"] for r in rows) / seconds if seconds else 0.0
    return out


def all_sets_table(sets: dict[str, dict[str, Any]], published: int = 2) -> str:
    """Every set (ours, references, the best published outputs) and the equal-weight summary, as Markdown."""
    lines = [
        "| set | pages | extractor | F1 | P | R | pages < 0.5 | pages/s |",
        "| --- | --: | --- | --: | --: | --: | --: | --: |",
    ]

    def line(label: str, pages: Any, name: str, r: dict[str, Any]) -> str:
        speed = f"{r['pages_per_s']:.1f}" if "pages_per_s" in r else ""
        figures = " | ".join(f"{r[k]:.3f}" for k in ("f1", "precision", "recall"))
        return f"| {label} | {pages} | {name} | {figures} | {r['under_half']} | {speed} |"

    for set_name, results in sets.items():
        lines += [line(set_name, results["pages"], n, r) for n, r in _rows(results, published)]
    total = sum(r["pages"] for r in sets.values())
    lines += [line("**all sets, equal weight**", total, n, r) for n, r in summary(sets).items()]
    return "\n".join(lines)


def set_payload(results: dict[str, Any]) -> dict[str, Any]:
    """One set's figures for ``--json``: ``ours``, ``references`` (run here) and ``published`` (shipped)."""

    def pick(r: dict[str, Any], extra: tuple[str, ...] = ()) -> dict[str, Any]:
        return {k: r[k] for k in (*_KEYS, *extra)}

    return {
        "pages": results["pages"],
        "ours": pick(results["ours"], ("pages_per_s",)) if results.get("ours") else None,
        "references": {n: pick(r, ("pages_per_s",)) for n, r in results["references"].items()},
        "published": {n: pick(r) for n, r in results["published"].items()},
    }
