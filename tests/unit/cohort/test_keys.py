"""Pseudonymisation keys that would not keep personnummer secret are refused (issue 15)."""

from __future__ import annotations

import secrets
import subprocess
from pathlib import Path

import pytest

from insats.cohort import PseudonymKeyError, resolve_pseudonym_key

GOOD = secrets.token_hex(32)


def key_file(folder: Path, text: str = GOOD, mode: int = 0o600) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "pseudonym.key"
    path.write_text(text + "\n", encoding="utf-8")
    path.chmod(mode)
    return path


def refused(*args, **kwargs) -> str:
    with pytest.raises(PseudonymKeyError) as error:
        resolve_pseudonym_key(*args, **kwargs)
    message = str(error.value)
    assert "secrets.token_hex(32)" in message and "chmod 600" in message  # how to make one
    return message


def test_a_good_key_file_is_read(tmp_path):
    assert resolve_pseudonym_key(key_file(tmp_path / "secret")) == GOOD.encode()


@pytest.mark.parametrize("mode", [0o666, 0o644, 0o640, 0o604])
def test_a_key_file_others_can_read_is_refused(tmp_path, mode):
    message = refused(key_file(tmp_path / "secret", mode=mode))
    assert f"{mode:04o}" in message and "others" in message


def test_etc_passwd_as_a_key_file_is_refused():
    assert "others" in refused(Path("/etc/passwd"))


def test_a_key_file_inside_a_git_working_tree_is_refused(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path / "repo")], check=True)
    message = refused(key_file(tmp_path / "repo" / "parameters"))
    assert "git working tree" in message and "'repo'" in message


@pytest.mark.parametrize(
    "weak", ["abcdabcdabcdabcd", "aaaaaaaaaaaaaaaaaaaaaaaa", "0123012301230123", "aaaabbbbccccdddd"]
)
def test_a_weak_key_is_refused_in_a_file_and_in_the_environment(tmp_path, monkeypatch, weak):
    assert "too little entropy" in refused(key_file(tmp_path / "secret", weak))
    monkeypatch.setenv("INSATS_PSEUDONYM_KEY", weak)
    assert "too little entropy" in refused(None)


def test_a_random_key_of_the_minimum_length_is_accepted(monkeypatch):
    monkeypatch.setenv("INSATS_PSEUDONYM_KEY", "k7Qz2pX9vB4mN8rT")  # 16 distinct characters
    assert resolve_pseudonym_key(None) == b"k7Qz2pX9vB4mN8rT"
