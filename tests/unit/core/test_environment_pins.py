"""environment.yml, requirements.lock and pyproject.toml name the same environment.

README: "Conda users: `conda env create -f environment.yml` gives the same pinned set"
as `make`, which installs requirements.lock. These tests keep the two lists from drifting
apart, and the lock from leaving out (or contradicting) a dependency of pyproject.toml.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[3]


def read_lock(path: Path = REPO / "requirements.lock") -> dict[str, str]:
    """``{canonical name: version}`` of the lock's ``name==version`` lines."""
    pins: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, sep, version = line.partition("==")
        assert sep and version, f"requirements.lock line {number}: {line!r} is not name==version"
        assert canonicalize_name(name) not in pins, f"requirements.lock: {name} twice"
        pins[canonicalize_name(name)] = version.strip()
    return pins


def read_environment(path: Path = REPO / "environment.yml") -> tuple[list[str], list[str]]:
    """The conda dependencies (strings) and the pip list of environment.yml."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    conda: list[str] = []
    pip: list[str] = []
    for entry in data["dependencies"]:
        if isinstance(entry, dict):
            pip.extend(entry["pip"])
        else:
            conda.append(str(entry))
    return conda, pip


def pin_differences(lock: dict[str, str], pip: list[str]) -> list[str]:
    """Every way environment.yml's pip list differs from the lock, one line each."""
    env: dict[str, str] = {}
    problems = []
    for item in pip:
        name, sep, version = item.partition("==")
        if not sep:
            if item != "-e .":
                problems.append(f"not a pin: {item!r}")
            continue
        if canonicalize_name(name) in env:
            problems.append(f"{name} twice")
        env[canonicalize_name(name)] = version
    if "-e ." not in pip:
        problems.append("'-e .' (the project itself) is missing")
    problems += [f"only in requirements.lock: {n}=={v}" for n, v in lock.items() if n not in env]
    problems += [f"only in environment.yml: {n}=={v}" for n, v in env.items() if n not in lock]
    problems += [
        f"{n}: requirements.lock {lock[n]}, environment.yml {env[n]}"
        for n in sorted(lock.keys() & env.keys())
        if lock[n] != env[n]
    ]
    return problems


def test_environment_yml_pins_exactly_the_lock():
    _, pip = read_environment()
    problems = pin_differences(read_lock(), pip)
    assert problems == [], (
        "environment.yml and requirements.lock differ (copy the lock's pins into "
        "environment.yml's pip list):\n" + "\n".join(problems)
    )


def test_environment_yml_python_is_the_locks_python():
    conda, _ = read_environment()
    header = (REPO / "requirements.lock").read_text(encoding="utf-8")
    locked = re.search(r"on Python (\d+\.\d+)", header)
    assert locked, "requirements.lock's header must say which Python it was frozen on"
    assert f"python={locked.group(1)}" in conda, conda
    requires = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "requires-python"
    ]
    from packaging.specifiers import SpecifierSet

    assert SpecifierSet(requires).contains(f"{locked.group(1)}.0"), requires


def test_lock_holds_every_dependency_of_pyproject_within_its_bounds():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    # `make lock` installs '.[dev,dask]': the lock covers those extras too.
    declared = list(project["dependencies"])
    for extra in ("dev", "dask"):
        declared += project["optional-dependencies"][extra]
    lock = read_lock()
    problems = []
    for text in declared:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        if name not in lock:
            problems.append(f"{requirement.name}: not in requirements.lock")
        elif not requirement.specifier.contains(lock[name], prereleases=True):
            problems.append(f"{requirement.name}: lock has {lock[name]}, pyproject wants {text}")
    assert problems == []


def test_the_check_sees_drift(tmp_path):
    """The comparison itself: a changed version, a missing and an extra package are found."""
    lock = tmp_path / "requirements.lock"
    lock.write_text("# header\nPyYAML==6.0.2\nselenium==4.50.0\n", encoding="utf-8")
    assert read_lock(lock) == {"pyyaml": "6.0.2", "selenium": "4.50.0"}
    env = tmp_path / "environment.yml"
    env.write_text(
        "dependencies:\n  - python=3.11\n  - pip:\n      - pyyaml==6.0.1\n"
        "      - trio==0.35.0\n      - -e .\n",
        encoding="utf-8",
    )
    conda, pip = read_environment(env)
    assert conda == ["python=3.11"]
    assert pin_differences(read_lock(lock), pip) == [
        "only in requirements.lock: selenium==4.50.0",
        "only in environment.yml: trio==0.35.0",
        "pyyaml: requirements.lock 6.0.2, environment.yml 6.0.1",
    ]
    assert pin_differences({"pyyaml": "6.0.2"}, ["PyYAML==6.0.2", "-e ."]) == []
