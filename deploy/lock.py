"""Write requirements.lock: the exact versions, as installed in this environment, of every package
`pip install .` pulls in (the runtime dependencies of pyproject.toml, their extras and their own
dependencies, transitively; test tools are not included). The Dockerfile installs from it.

Run after changing dependencies, in an environment where `pip install -e .` has been done:
    python deploy/lock.py > requirements.lock
"""

from __future__ import annotations

import importlib.metadata as md
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def wanted(req: Requirement, extras: frozenset[str]) -> bool:
    return req.marker is None or any(req.marker.evaluate({"extra": e}) for e in (extras or {""}))


def closure(requirements: list[str]) -> dict[str, str]:
    """``{name: installed version}`` for ``requirements`` and everything they need."""
    versions: dict[str, str] = {}
    seen: set[tuple[str, frozenset[str]]] = set()
    todo = [Requirement(r) for r in requirements]
    while todo:
        req = todo.pop()
        key = (canonicalize_name(req.name), frozenset(req.extras))
        if key in seen:
            continue
        seen.add(key)
        dist = md.distribution(req.name)
        versions[key[0]] = dist.version
        todo += [r for r in map(Requirement, dist.requires or []) if wanted(r, key[1])]
    return versions


def main() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    print(f"# Exact runtime dependencies of {project['name']} for the Docker image; CI does not use this file.")
    print("# Regenerate: python deploy/lock.py > requirements.lock")
    for name, version in sorted(closure(project["dependencies"]).items()):
        print(f"{name}=={version}")


if __name__ == "__main__":
    sys.exit(main())
