"""Discovery: git's ignore rules (checked against git itself), tracked files, skips and bad paths."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

import pathspec
import pytest
from clirunner import APP, git, glm_migrate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glm_migrate import gitignore, gitstate
from glm_migrate.discovery import discover

EXAMPLES = int(os.environ.get("GLM_MIGRATE_HYPOTHESIS_EXAMPLES", "60"))


@pytest.fixture(autouse=True)
def no_user_git_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """git and discovery see neither the machine's nor the user's git configuration."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_CONFIG_GLOBAL", raising=False)
    return home


def found(root: Path, *paths: str, **options: object) -> list[str]:
    result = discover([root / p for p in paths] if paths else [root], **options)  # type: ignore[arg-type]
    return [f.relative_to(root).as_posix() for f in result.files]


def make(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


# the matcher against git ------------------------------------------------------------------------

DIR_NAMES = ["a", "b", "ab", "c.d", "é", "[a]"]
FILE_NAMES = ["a.py", "b.py", "ab.py", "x.py", "[a].py", "a b.py", "é.py", "*.py", "a?.py", "c.d.py", "a .py"]
TOKENS = [
    *["a", "b", "ab", "é", ".py", "c.d", "x"],
    *["*", "?", "**", "***", "[ab]", "[!a]", "[^b]", "[a-b]", "[b-a]", "[]a]", "[-a]", "[a-]", "[\\]]"],
    *["[[:alpha:]]", "[[:digit:]]", "[[:punct:]]", "[[:nope:]]", "[[:a]", "[", "\\*", "\\?", "\\[", "\\", " ", "*.py"],
]
segment = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=3).map("".join)
pattern = st.builds(
    lambda negated, anchored, segments, dir_only, trailing: (
        ("!" if negated else "") + ("/" if anchored else "") + "/".join(segments) + ("/" if dir_only else "") + trailing
    ),
    st.booleans(),
    st.booleans(),
    st.lists(segment, min_size=1, max_size=3),
    st.booleans(),
    st.sampled_from(["", "", " ", "\\ ", "  \r"]),
)
line = st.one_of(pattern, st.sampled_from(["", "#a.py", "\\#a.py", "\\!a.py", "!", "/", "*", "!*.py", "!*/", "**"]))
lines = st.lists(line, max_size=6)
tree = st.lists(st.tuples(st.lists(st.sampled_from(DIR_NAMES), max_size=3), st.sampled_from(FILE_NAMES)), min_size=1)


def _git_ignored(root: Path, files: list[str]) -> set[str]:
    """What git says is ignored: check-ignore, cross-checked with what `git add` would take."""
    checked = subprocess.run(
        ["git", "check-ignore", "--stdin", "-z"], cwd=root, input="\0".join(files).encode(), capture_output=True
    )
    assert checked.returncode in (0, 1), checked.stderr
    ignored = {name.decode() for name in checked.stdout.split(b"\0") if name}
    others = subprocess.run(["git", "ls-files", "-z", "--others", "--exclude-standard"], cwd=root, capture_output=True)
    assert {name.decode() for name in others.stdout.split(b"\0") if name.endswith(b".py")} == set(files) - ignored
    return ignored


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=tree, data=st.data())
def test_the_matcher_agrees_with_git_check_ignore(tree: list[tuple[list[str], str]], data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary) / "repo"
        root.mkdir()
        subprocess.run(["git", "init", "-q"], cwd=root, check=True)
        files = sorted({"/".join([*folders, name]) for folders, name in tree})
        make(root, dict.fromkeys(files, ""))
        folders = sorted({str(Path(f).parent) for f in files})
        places = data.draw(st.lists(st.sampled_from(folders), max_size=3, unique=True), label="gitignore folders")
        for folder in places:
            (root / folder / ".gitignore").write_text("\n".join(data.draw(lines, label=f"{folder}/.gitignore")))
        (root / ".git" / "info" / "exclude").write_text("\n".join(data.draw(lines, label="info/exclude")))
        excludes_file = Path(os.environ["XDG_CONFIG_HOME"]) / "git" / "ignore"
        excludes_file.parent.mkdir(parents=True, exist_ok=True)
        excludes_file.write_text("\n".join(data.draw(lines, label="core.excludesFile")))

        assert set(found(root)) == set(files) - _git_ignored(root, files)


@pytest.mark.parametrize(
    ("patterns", "path", "is_dir", "ignored"),
    [
        (["*", "!some_dir/"], "some_dir", True, False),  # pathspec says ignored
        (["*", "!*/"], "d", True, False),
        (["[[:digit:]].py"], "1.py", False, True),  # pathspec reads a plain bracket
        (["a["], "a[", False, False),  # an unclosed bracket never matches (pathspec: literal)
        (["foo**/bar"], "foo/x/bar", False, True),  # the text before the first wildcard is not a pattern
        (["a\\ "], "a ", False, True),
        (["a "], "a", False, True),
        (["doc/", "!doc"], "doc", True, False),
    ],
)
def test_cases_where_pathspec_and_git_differ(patterns: list[str], path: str, is_dir: bool, ignored: bool) -> None:
    assert gitignore.is_ignored([gitignore.IgnoreFile("", gitignore.parse(patterns))], path, is_dir) is ignored


def test_pathspec_misjudges_a_folder_reincluded_by_a_negation() -> None:
    """Why gitignore.py exists: see its docstring. If pathspec is fixed, this test says so."""
    spec = pathspec.GitIgnoreSpec.from_lines(["*", "!some_dir/"])
    assert spec.match_file("some_dir/")


# the real shape: `*` then negations -------------------------------------------------------------

STAR_THEN_NEGATIONS = "*\n!*.py\n!*.ipynb\n!some_dir/\n"


def star_repository(root: Path) -> Path:
    make(
        root,
        {
            ".gitignore": STAR_THEN_NEGATIONS,
            "top.py": "",
            "nb.ipynb": "{}",
            "notes.txt": "",
            "some_dir/inner.py": "",
            "some_dir/data.json": "{}",
            "some_dir/deeper/hidden.py": "",
            "lesson/one.py": "",
            "lesson/two.ipynb": "{}",
            "lesson/part/three.py": "",
        },
    )
    git("init", "-q", cwd=root)
    return root


def test_star_then_negations_without_commits_matches_git(tmp_path: Path) -> None:
    root = star_repository(tmp_path)
    untracked = git("ls-files", "-z", "--others", "--exclude-standard", cwd=root).split("\0")
    expected = sorted(name for name in untracked if name.endswith((".py", ".ipynb")))
    assert found(root) == expected == ["nb.ipynb", "some_dir/inner.py", "top.py"]


def test_star_then_negations_with_every_file_tracked(tmp_path: Path) -> None:
    """The real repository: its files were added before the `*` (or with add -f), so git tracks
    them all and ignores none; every Python file and notebook is scanned."""
    root = star_repository(tmp_path)
    git("add", "-f", "-A", cwd=root)
    git("commit", "-qm", "all", cwd=root)
    tracked = [n for n in git("ls-files", "-z", cwd=root).split("\0") if n.endswith((".py", ".ipynb"))]
    assert found(root) == sorted([*tracked, "some_dir/data.json"]) and len(tracked) == 7
    # and without git the rules alone decide
    with _without_git():
        assert found(root) == ["nb.ipynb", "some_dir/inner.py", "top.py"]


@pytest.fixture
def no_git(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")


class _without_git:
    def __enter__(self) -> None:
        self.path = os.environ.get("PATH", "")
        os.environ["PATH"] = "/nonexistent"

    def __exit__(self, *exc: object) -> None:
        os.environ["PATH"] = self.path


def test_tracked_file_in_an_ignored_folder_is_found_and_counted_files_are_not(tmp_path: Path) -> None:
    root = make(tmp_path, {".gitignore": "generated/\n*.log.py\n", "generated/keep.py": "", "generated/other.py": ""})
    make(root, {"app.py": "", "run.log.py": ""})
    git("init", "-q", cwd=root)
    git("add", "-f", "generated/keep.py", "app.py", cwd=root)
    result = discover([root])
    assert [f.relative_to(root).as_posix() for f in result.files] == ["app.py", "generated/keep.py"]
    assert (result.ignored_files, result.ignored_dirs) == (2, 0)  # other.py and run.log.py


def test_nested_gitignore_reincludes_and_info_exclude_applies(tmp_path: Path) -> None:
    root = make(
        tmp_path,
        {".gitignore": "*.gen.py\n", "pkg/.gitignore": "!keep.gen.py\n", "pkg/keep.gen.py": "", "pkg/x.gen.py": ""},
    )
    make(root, {"local.py": "", "main.py": ""})
    git("init", "-q", cwd=root)
    (root / ".git" / "info" / "exclude").write_text("local.py\n")
    assert found(root) == ["main.py", "pkg/keep.gen.py"]


def test_core_excludes_file(tmp_path: Path) -> None:
    root = make(tmp_path / "repo", {"scratch.py": "", "main.py": ""})
    git("init", "-q", cwd=root)
    (tmp_path / "global-ignore").write_text("scratch.py\n")
    git("config", "core.excludesFile", str(tmp_path / "global-ignore"), cwd=root)
    assert found(root) == ["main.py"]


def test_a_subfolder_given_applies_the_rules_from_the_top(tmp_path: Path) -> None:
    root = make(tmp_path, {".gitignore": "/pkg/skip.py\nsecret/\n", "pkg/skip.py": "", "pkg/ok.py": ""})
    make(root, {"pkg/secret/x.py": ""})
    git("init", "-q", cwd=root)
    assert found(root, "pkg") == ["pkg/ok.py"]


def test_outside_git_gitignore_files_still_apply(tmp_path: Path) -> None:
    root = make(tmp_path, {".gitignore": "*\n!*.py\n", "a.py": "", "sub/b.py": ""})
    assert found(root) == ["a.py"]


def test_a_nested_repository_has_its_own_rules(tmp_path: Path) -> None:
    root = make(tmp_path, {".gitignore": "vendor.py\n", "vendor.py": "", "inner/vendor.py": "", "inner/.gitignore": ""})
    git("init", "-q", cwd=root / "inner")
    assert found(root) == ["inner/vendor.py"]


# skips: default excludes, data files, --include, the tool's own files -----------------------------


def test_default_excludes_and_data_files_are_counted(tmp_path: Path) -> None:
    root = make(
        tmp_path,
        {
            "app.py": "",
            "config.yaml": "model: gpt-4o\n",
            "node_modules/x.py": "",
            ".venv/lib.py": "",
            "tests/cassettes/test_chat.yaml": "interactions:\n- request: {}\n",
            "tests/fixtures/reply.json": "{}",
            "tests/data/rows.json": "{}",
            "api/openapi.yaml": "openapi: 3.0.1\ninfo: {}\n",
            "schema/config.schema.json": '{"$schema": "http://json-schema.org/draft-07/schema#"}',
            "records.json": '[{"text": "gpt-4o"}]',
            "package-lock.json": "{}",
            "poetry.lock": "",
            "recording.yml": "---\nhttp_interactions:\n",
        },
    )
    result = discover([root])
    assert [f.name for f in result.files] == ["app.py", "config.yaml"]
    assert (result.excluded_dirs, result.data_files) == (2, 9)
    back = discover([root], include=["cassettes/", "*.lock", "records.json"])
    assert {f.name for f in back.files} == {"app.py", "config.yaml", "test_chat.yaml", "poetry.lock", "records.json"}


def test_a_virtualenv_is_skipped_and_a_project_holding_its_pyvenv_cfg_is_not(tmp_path: Path) -> None:
    """A folder with a `pyvenv.cfg` is a virtualenv, unless it holds more than a virtualenv
    does (`main.py`, `src/`, `pyproject.toml`): a project made into its own virtualenv (`python -m
    venv .`) and committed with it, whose packages are skipped as `site-packages`."""
    root = make(
        tmp_path,
        {
            "app.py": "",
            "env/pyvenv.cfg": "home = /usr/bin\n",
            "env/lib/python3.12/site-packages/openai/__init__.py": "",
            "backend/pyvenv.cfg": "home = C:\\Python313\n",
            "backend/main.py": "",
            "backend/services/chat.py": "",
            "backend/Lib/site-packages/openai/__init__.py": "",
            "server/pyvenv.cfg": "home = /usr/bin\n",
            "server/pyproject.toml": "[project]\nname = 'server'\n",
            "server/src/app.py": "",
            "server/lib/python3.12/site-packages/openai/__init__.py": "",
            "server/bin/python": "",
        },
    )
    result = discover([root])
    assert [f.relative_to(root).as_posix() for f in result.files] == [
        "app.py",
        "backend/main.py",
        "backend/services/chat.py",
        "server/pyproject.toml",
        "server/src/app.py",
    ]
    assert result.excluded_dirs == 3  # env, and the packages of the two projects' own


def test_files_the_run_writes_are_never_scanned(tmp_path: Path) -> None:
    root = make(tmp_path, {"app.py": "", "baseline.json": "{}", "report.json": "{}"})
    assert found(root, never=[root / "baseline.json", root / "report.json"]) == ["app.py"]
    assert found(root, "baseline.json", never=[root / "baseline.json"]) == []


def test_exclude_patterns_use_gitignore_syntax(tmp_path: Path) -> None:
    root = make(tmp_path, {"app.py": "", "migrations/0001.py": "", "a/migrations/0002.py": "", "a/keep.py": ""})
    assert found(root, exclude=["migrations/"]) == ["a/keep.py", "app.py"]
    assert found(root, exclude=["/migrations/"]) == ["a/keep.py", "a/migrations/0002.py", "app.py"]


# bad paths and links ----------------------------------------------------------------------------


def test_bad_paths_are_problems_not_files(tmp_path: Path) -> None:
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    (tmp_path / "dangling.py").symlink_to(tmp_path / "gone.py")
    result = discover([tmp_path / "loop", tmp_path / "dangling.py", tmp_path / "missing"])
    assert len(result.files) == 0
    assert [(p.name, why) for p, why in result.problems] == [
        ("loop", "symbolic link loop"),
        ("dangling.py", "broken symbolic link"),
        ("missing", "no such file or directory"),
    ]


def test_empty_folder_is_reported_as_empty(tmp_path: Path) -> None:
    make(tmp_path, {"empty/README.md": "", "full/a.py": ""})
    result = discover([tmp_path / "empty", tmp_path / "full"])
    assert result.empty == [tmp_path / "empty"] and [f.name for f in result.files] == ["a.py"]


def test_links_inside_the_tree(tmp_path: Path) -> None:
    root = make(tmp_path / "tree", {"real.py": "", "sub/x.py": ""})
    make(tmp_path, {"outside/shared.py": ""})
    (root / "alias.py").symlink_to("real.py")  # the same file twice: found once, as itself
    (root / "shared.py").symlink_to(tmp_path / "outside" / "shared.py")  # only through the link
    (root / "linked_dir").symlink_to(root / "sub")  # folders are not followed
    (root / "sub" / "loop").symlink_to(root)
    (root / "self.py").symlink_to(root / "self.py")
    assert found(root) == ["real.py", "shared.py", "sub/x.py"]


def test_the_same_file_through_two_roots_is_found_once(tmp_path: Path) -> None:
    root = make(tmp_path, {"pkg/a.py": ""})
    assert found(root, ".", "pkg", "pkg/a.py") == ["pkg/a.py"]


def test_fallback_without_git_takes_the_rules_alone(tmp_path: Path, no_git: None) -> None:
    root = make(tmp_path, {".gitignore": "gen/\n", "gen/a.py": "", "b.py": ""})
    subprocess.run(["/usr/bin/env", "-i", "git", "init", "-q"], cwd=root, check=False, capture_output=True)
    assert found(root) == ["b.py"]
    assert gitstate.git(root, "status") is None


# the command ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make_path", "message"),
    [
        (lambda root: (root / "loop").symlink_to(root / "loop"), "loop: symbolic link loop"),
        (lambda root: (root / "gone.py").symlink_to(root / "nowhere.py"), "gone.py: broken symbolic link"),
        (lambda root: None, "nope: no such file or directory"),
    ],
)
def test_a_bad_path_is_one_line_and_exit_2(tmp_path: Path, make_path: object, message: str) -> None:
    make_path(tmp_path)  # type: ignore[operator]
    (tmp_path / "app.py").write_text(APP)
    name = message.split(":")[0]
    for args in ([name], [name, "app.py", "--output-format", "sarif"]):
        result = glm_migrate(*args, cwd=tmp_path)
        assert result.returncode == 2
        assert result.stderr.splitlines() == [f"error: {message}"]
        assert result.stdout == ""  # nothing ran, nothing was written
    assert "gpt-4o" in (tmp_path / "app.py").read_text()


def test_a_folder_without_python_warns_and_exits_0(tmp_path: Path) -> None:
    make(tmp_path, {"empty/.keep": "", "docs/README.md": "# gpt-4o"})
    for folder in ("empty", "docs"):
        result = glm_migrate(folder, "--check", cwd=tmp_path)
        assert result.returncode == 0
        assert f"warning: no Python files or notebooks under {folder}" in result.stderr


def test_show_files_lists_what_would_be_processed(tmp_path: Path) -> None:
    root = star_repository(tmp_path)
    git("add", "-f", "-A", cwd=root)
    git("commit", "-qm", "all", cwd=root)
    shown = glm_migrate(".", "--show-files", cwd=root)
    assert shown.returncode == 0
    expected = sorted(n for n in git("ls-files", "-z", cwd=root).split("\0") if n.endswith((".py", ".ipynb", ".json")))
    assert sorted(shown.stdout.split()) == expected


def test_the_summary_says_what_was_skipped(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            ".gitignore": "generated/\nscratch.py\n",
            "app.py": APP,
            "scratch.py": APP,
            "generated/x.py": APP,
            "node_modules/pkg/x.py": APP,
            "package-lock.json": "{}",
        },
    )
    git("init", "-q", cwd=tmp_path)
    text = glm_migrate(".", "--check", cwd=tmp_path).stdout
    expected = "skipped: 1 file ignored by git, 1 folder ignored by git, 1 folder excluded by default, 1 data file"
    assert expected in text
    document = json.loads(glm_migrate(".", "--check", "--output-format", "json", cwd=tmp_path).stdout)
    assert document["summary"]["files_skipped"] == {
        "ignored_files": 1,
        "ignored_dirs": 1,
        "excluded_dirs": 1,
        "excluded_files": 0,
        "data_files": 1,
    }
    assert "package-lock.json" in glm_migrate(".", "--show-files", "--include", "*.json", cwd=tmp_path).stdout


def test_a_linked_file_is_written_through(tmp_path: Path) -> None:
    root = make(tmp_path / "tree", {"real/app.py": APP})
    make(tmp_path, {"shared/client.py": APP})
    (root / "alias.py").symlink_to("real/app.py")
    (root / "client.py").symlink_to(tmp_path / "shared" / "client.py")
    result = glm_migrate(".", cwd=root)
    assert "2 files scanned, 2 changed" in result.stdout, result.stdout + result.stderr
    assert (root / "alias.py").is_symlink() and (root / "client.py").is_symlink()
    assert 'model="glm-4.6"' in (root / "real" / "app.py").read_text()
    assert 'model="glm-4.6"' in (tmp_path / "shared" / "client.py").read_text()


def test_files_are_in_the_order_of_paths_and_kept_as_text(tmp_path: Path) -> None:
    # "a.py" sorts before "a/b.py" as text ("." < "/") but after it as a path ("a" < "a.py")
    make(tmp_path, {"a.py": "", "a/b.py": "", "a-b.py": "", "a/c/d.py": "", "B.py": ""})
    files = discover([tmp_path]).files
    assert list(files) == sorted(files), "a path's order, not its text's"
    assert [f.relative_to(tmp_path).as_posix() for f in files] == ["B.py", "a/b.py", "a/c/d.py", "a-b.py", "a.py"]
    assert all(type(text) is str for text in files.texts()) and files[0] == tmp_path / "B.py"
    assert list(files[1:3]) == list(files)[1:3]
