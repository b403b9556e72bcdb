"""The graph, load, clusters and overlap commands, end to end on the seeds."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from taskgraph.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEEDS = str(ROOT / "seeds")
COMMANDS = ["graph", "load", "clusters", "overlap"]
FILES = {
    "load": ["load.csv", "load_places.csv", "lint.csv"],
    "clusters": ["clusters.csv", "cluster_units.csv", "cluster_places.csv", "unit_pairs.csv", "coordination.csv",
                 "coordinators.csv"],
    "overlap": ["overlap_tasks.csv", "overlap_functions.csv", "overlap_places.csv"],
}


def run(args, capsys) -> tuple[int, str]:
    rc = main(args)
    return rc, capsys.readouterr().out


@pytest.mark.parametrize("command", COMMANDS)
def test_help(command, capsys):
    rc, out = run([command, "--help"], capsys)
    assert rc == 0
    assert "Example: taskgraph " + command in out
    assert "--format" in out


def test_help_imports_nothing_heavy():
    code = ("import sys\nfrom taskgraph.cli import main\n"
            "for c in %r: main([c, '--help'])\n"
            "print([m for m in ('pandas', 'networkx', 'scipy', 'matplotlib') if m in sys.modules])\n") % COMMANDS
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("[]"), out


def test_load_csv_has_the_seed_facts(capsys):
    rc, out = run(["load", SEEDS, "--format", "csv"], capsys)
    assert rc == 0
    assert not out.startswith("\ufeff")  # standard output pipes: no BOM
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {"place", "unit", "unit_id", "function", "lead", "support", "total", "weighted"} <= set(rows[0])
    by = {(r["place"], r["unit"]): r for r in rows}
    assert (by[("锦州市", "市科技局")]["lead"], by[("锦州市", "市科技局")]["support"]) == ("29", "16")
    assert (by[("宁波市镇海区", "区经信局")]["lead"], by[("宁波市镇海区", "区经信局")]["support"]) == ("0", "12")
    assert by[("锦州市", "市科技局")]["weighted"] == "37"  # 29 + 16/2


def test_load_options(capsys):
    rc, out = run(["load", SEEDS, "-f", "json", "--place", "镇海", "--lead-weight", "2", "--support-weight", "1"],
                  capsys)
    data = json.loads(out)
    assert rc == 0 and set(data) == {"load", "load_places", "lint"}
    assert {r["place"] for t in data.values() for r in t} == {"宁波市镇海区"}
    jx = next(r for r in data["load"] if r["unit"] == "区经信局")
    assert jx["weighted"] == 12
    rc, out = run(["load", SEEDS, "-f", "csv", "--by", "function"], capsys)
    assert rc == 0 and out.splitlines()[0].startswith("place,function,units")
    assert run(["load", SEEDS, "--place", "北京"], capsys)[0] == 2
    assert run(["load", SEEDS, "--by", "city"], capsys)[0] == 2
    assert run(["load", SEEDS, "--format", "xml"], capsys)[0] == 2
    assert run(["overlap", str(ROOT / "no-such-plan.txt")], capsys)[0] == 2


@pytest.mark.parametrize("command", ["load", "clusters", "overlap"])
def test_files_and_formats(command, capsys, tmp_path):
    rc, out = run([command, SEEDS, "-f", "md", "-o", str(tmp_path)], capsys)
    assert rc == 0
    # the tables, and the manifest every command keeps of what it wrote
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*FILES[command], ".taskgraph-manifest.json"])
    for name in FILES[command]:
        assert f"## {name[:-4]}" in out
        assert (tmp_path / name).read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads the BOM as UTF-8
    rc, out = run([command, SEEDS], capsys)
    from taskgraph import messages

    assert rc == 0 and messages.table("titles")[FILES[command][0][:-4]] in out  # the table's title, in words


def test_graph_command(capsys, tmp_path):
    rc, out = run(["graph", SEEDS, "-o", str(tmp_path), "-f", "csv"], capsys)
    assert rc == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [".taskgraph-manifest.json", "graph-labels.csv", "graph.dl",
                                                          "graph.gexf", "graph.graphml", "graph.json", "graph.net"]
    rows = {r["place"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows["许昌市"]["tasks"] == rows["许昌市"]["unassigned"] == "13"


def test_two_runs_same_bytes(tmp_path):
    """Every command, run twice in fresh interpreters with different hash
    seeds: the same standard output and the same files."""
    outputs = []
    for k, seed in enumerate(("1", "2")):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out_dir = tmp_path / str(k)
        run_out = []
        for command in COMMANDS:
            p = subprocess.run([sys.executable, "-m", "taskgraph", command, SEEDS, "-f", "json", "-q",
                                "-o", str(out_dir)], capture_output=True, env=env, check=True)
            run_out.append(p.stdout)
        files = {p.name: p.read_bytes() for p in sorted(out_dir.iterdir())}
        outputs.append((run_out, files))
    assert outputs[0][0] == outputs[1][0]
    assert outputs[0][1].keys() == outputs[1][1].keys()
    for name in outputs[0][1]:
        assert outputs[0][1][name] == outputs[1][1][name], name
