"""Shared fixtures: the repository's sample corpus and the CLI binary."""

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "corpus" / "sample" / "corpus.jsonl"


def cli_binary() -> Path:
    """The `boilercut` binary: $BOILERCUT_BIN, else target/{release,debug}/boilercut,
    else built with cargo."""
    env = os.environ.get("BOILERCUT_BIN")
    if env:
        return Path(env)
    for profile in ("release", "debug"):
        p = ROOT / "target" / profile / "boilercut"
        if p.exists():
            return p
    subprocess.run(
        ["cargo", "build", "--quiet", "--bin", "boilercut"], cwd=ROOT, check=True
    )
    return ROOT / "target" / "debug" / "boilercut"


@pytest.fixture(scope="session")
def cli():
    return cli_binary()


@pytest.fixture(scope="session")
def sample():
    """The sample corpus as a list of records (dicts)."""
    with open(SAMPLE, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def run_cli(cli, *args):
    subprocess.run([str(cli), *map(str, args), "-q"], check=True)


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


@pytest.fixture(scope="session")
def cli_clean(cli, tmp_path_factory):
    """`boilercut clean` of the sample, by site, by the host of url and without
    groups: {"site": [records], "host": [records], None: [records]}."""
    d = tmp_path_factory.mktemp("cli")
    out = {}
    by_site = d / "by-site.jsonl"
    run_cli(cli, "clean", SAMPLE, "-o", by_site, "--group-field", "site",
            "--spans-field", "spans")
    out["site"] = read_jsonl(by_site)
    whole = d / "whole.jsonl"
    run_cli(cli, "clean", SAMPLE, "-o", whole, "--spans-field", "spans")
    out[None] = read_jsonl(whole)
    host = d / "by-host.jsonl"
    run_cli(cli, "clean", SAMPLE, "-o", host, "--group-by-host", "url", "--spans-field", "spans")
    out["host"] = read_jsonl(host)
    return out
