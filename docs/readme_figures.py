"""Regenerate the figures and the 分工表 cut the README shows, from the seeds.

    python docs/readme_figures.py

writes docs/figures/*.png and docs/figures/source.json (the data those
figures show). tests/test_readme_figures.py recomputes that data from the
seeds and fails when it no longer matches: then run this script again and
review the new figures before committing them.
"""
from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FIGURES = ("load-锦州市.png", "matrix-001_8932685789ee55e5.png", "network-锦州市.png")
DIVISION_DOC = "001_8932685789ee55e5.txt"  # the plan whose 分工表 the README quotes
DIVISION_ROWS = 8


def figure_data(corpus) -> dict:
    """What the README's figures and table show, as plain data."""
    from taskgraph.analyse.load import unit_load
    from taskgraph.graph import build_graph
    from taskgraph.render.tables import division_markdown

    load = unit_load(build_graph(corpus))
    jinzhou = load[load.place == "锦州市"]
    plan = next(p for p in corpus.plans if p.info.doc == DIVISION_DOC)
    return {
        "load-锦州市": [[r.unit, int(r.lead), int(r.support)] for r in jinzhou.itertuples()],
        "matrix": sorted([a.task_id, a.unit, a.role] for a in plan.assignments),
        "network-锦州市": sorted({tuple(sorted((a.unit, b.unit))) for p in corpus.plans if p.info.place == "锦州市"
                                  for a in p.assignments for b in p.assignments
                                  if a.task_id == b.task_id and a.unit != b.unit}),
        "division": division_cut(division_markdown(plan, full_text=False)),  # the short form: five columns
    }


def division_cut(markdown: str) -> str:
    lines = [ln for ln in markdown.splitlines() if ln.startswith("|")]
    return "\n".join(lines[: 2 + DIVISION_ROWS])


def main() -> int:
    import taskgraph
    from taskgraph.render.report import write_report

    corpus = taskgraph.load([ROOT / "seeds"])
    with tempfile.TemporaryDirectory() as tmp:
        write_report(corpus, tmp)
        for name in FIGURES:
            shutil.copyfile(Path(tmp) / "figures" / name, HERE / "figures" / name)
    data = figure_data(corpus)
    (HERE / "figures" / "source.json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n",
                                                 encoding="utf-8")
    print(data["division"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
