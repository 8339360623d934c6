"""The start-up cache of `dataclasses`' generated code: classes come out as they would without
it, the kept code is reused, and a bad file costs only the time it was meant to save."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from clirunner import APP, glm_migrate

from glm_migrate.startup import KeptCode


def make_classes() -> tuple[type, type]:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Point:
        x: int
        y: int = 0
        tags: tuple[str, ...] = ()

    @dataclasses.dataclass(order=True)
    class Version:
        major: int
        minor: int = 0
        notes: list[str] = dataclasses.field(default_factory=list, compare=False)

    return Point, Version


def check_classes(point: type, version: type) -> None:
    p = point(1, tags=("a",))
    assert p == point(1, 0, ("a",)) and hash(p) == hash(point(1, 0, ("a",)))
    assert repr(p) == "make_classes.<locals>.Point(x=1, y=0, tags=('a',))"
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.x = 2
    assert version(1, 2) < version(1, 3) and version(2).notes == []
    assert version(1, notes=["x"]) == version(1)


def with_kept(monkeypatch: pytest.MonkeyPatch, path: Path) -> KeptCode:
    kept = KeptCode(path)
    monkeypatch.setattr(dataclasses, "exec", kept.exec, raising=False)
    return kept


def test_classes_made_with_kept_code_are_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "code.marshal"
    first = with_kept(monkeypatch, path)
    check_classes(*make_classes())
    assert first.compiled > 0
    first.save()
    assert path.is_file()

    second = with_kept(monkeypatch, path)
    check_classes(*make_classes())
    assert second.compiled == 0  # every method's code came from the file
    path.unlink()
    second.save()  # nothing compiled anew: nothing is written
    assert not path.exists()


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: b"\0" * 4 + data[4:],  # another Python's magic number
        lambda data: b"",
        lambda data: data[:40] + b"garbage" * 10,
    ],
)
def test_a_damaged_file_is_compiled_again_and_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage) -> None:
    path = tmp_path / "code.marshal"
    kept = with_kept(monkeypatch, path)
    make_classes()
    kept.save()
    path.write_bytes(damage(path.read_bytes()))

    again = with_kept(monkeypatch, path)
    check_classes(*make_classes())
    assert again.compiled > 0
    again.save()
    assert with_kept(monkeypatch, path).codes.keys() == again.codes.keys()


def test_a_folder_that_cannot_be_written_is_left(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    kept = with_kept(monkeypatch, blocker / "glm-migrate" / "code.marshal")  # mkdir fails
    check_classes(*make_classes())
    kept.save()
    assert not (tmp_path / "file" / "glm-migrate").exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["file"]


def test_a_file_grown_too_large_starts_again_from_this_runs_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("glm_migrate.startup._SIZE_LIMIT", 1)
    path = tmp_path / "code.marshal"
    kept = with_kept(monkeypatch, path)
    kept.codes["def stale(): pass"] = compile("def stale(): pass", "<string>", "exec")
    make_classes()
    kept.save()
    assert "def stale(): pass" not in with_kept(monkeypatch, path).codes


def test_the_command_keeps_the_code_and_runs_the_same_with_it(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    first = glm_migrate("app.py", "--check", "--no-cache", cwd=tmp_path, env=env)
    kept = list((tmp_path / "cache" / "glm-migrate").glob("dataclass-code-*.marshal"))
    assert len(kept) == 1
    second = glm_migrate("app.py", "--check", "--no-cache", cwd=tmp_path, env=env)
    assert (second.returncode, second.stdout, second.stderr) == (first.returncode, first.stdout, first.stderr)
    assert first.returncode == 1 and "GLM101" in first.stdout
