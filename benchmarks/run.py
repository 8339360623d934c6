"""Benchmark glm-migrate against LibCST's own limits and against ruff, side by side.

    python benchmarks/run.py --files 2000 --repeat 3 [--quiet-tree PATH] [--jobs 2]
        [--memory 2000,10000] [--instructions 20]

Generates a dense tree (every file calls OpenAI) deterministically, then times, in rounds (each
contender once per round, so a slow spell of a shared machine hits them alike): a bare LibCST
parse of the same files with N processes, `glm-migrate --dry-run -j N` (cold cache) on each LibCST
implementation given with --cst (fast and stock: GLM_MIGRATE_CST) and LibCST's codemod runner
with a no-op codemod. Then `glm-migrate --check` twice (the second run
hits the cache), and, on a nothing-to-do tree given with --quiet-tree, `glm-migrate --check`
next to `ruff check --select UP --no-cache` (again on each implementation). Start-up: one small file, `glm-migrate f.py --check`
(the file just edited, so its result is not cached) next to `python -c "import libcst"`. With --memory, the
peak RSS of glm-migrate's main process in a dry run over trees of those sizes: dense ones, and
ones whose modules all use one shared client (the project index tells each something). With
--instructions, valgrind's instruction counts (the same on a busy machine) of a parse and of
glm-migrate's work per file, and of the start-up. Prints medians and the ratios the project targets.
Not part of the test suite; tests/test_cache.py only checks that it runs on a tiny tree.
"""

from __future__ import annotations

import argparse
import compileall
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

MODELS = ("gpt-4o", "gpt-4o-mini", "gpt-4-turbo", "gpt-3.5-turbo", "glm-4", "text-embedding-3-small")

TEMPLATE_HEAD = '''"""Generated module {index}: a small service that calls an LLM."""
import os
from dataclasses import dataclass

from openai import AsyncOpenAI, OpenAI

MODEL = "{model}"
client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])
aclient = AsyncOpenAI()


@dataclass
class Request:
    prompt: str
    temperature: float = 0.7
'''

TEMPLATE_FUNCTION = '''

def handler_{index}_{n}(request: Request, model: str = "{model}") -> str:
    """Answer one request ({n})."""
    messages = [
        {{"role": "system", "content": "You are helpful."}},
        {{"role": "user", "content": request.prompt}},
    ]
    if len(messages) > {n} + 10:
        messages = messages[-10:]
    response = client.chat.completions.create(
        model=model,
        messages=messages,
        temperature={temperature},
        top_p=0.9,
        max_completion_tokens={tokens},
    )
    text = response.choices[0].message.content or ""
    return text.strip()


async def async_handler_{index}_{n}(prompt: str) -> str:
    result = await aclient.chat.completions.create(model=MODEL, messages=[{{"role": "user", "content": prompt}}])
    return result.choices[0].message.content or ""
'''


def generate_dense_tree(root: Path, files: int, seed: int = 1) -> None:
    """`files` modules of about 150 lines, each with OpenAI clients and chat calls."""
    rng = random.Random(seed)
    for index in range(files):
        package = root / f"pkg{index // 100}"
        package.mkdir(parents=True, exist_ok=True)
        parts = [TEMPLATE_HEAD.format(index=index, model=rng.choice(MODELS))]
        for n in range(5):
            parts.append(
                TEMPLATE_FUNCTION.format(
                    index=index,
                    n=n,
                    model=rng.choice(MODELS),
                    temperature=rng.choice(("0.2", "1.3", "0.9")),
                    tokens=rng.choice(("256", "4096", "200000")),
                )
            )
        (package / f"module_{index}.py").write_text("".join(parts), encoding="utf-8")


SHARED_CLIENT = """import os

from openai import OpenAI

MODEL = "gpt-4o"
client = OpenAI(api_key=os.getenv("OPENAI_API_KEY"))
"""

SHARED_CLIENT_USER = """from app.shared import MODEL, client


def ask_{index}(prompt: str) -> str:
    response = client.chat.completions.create(
        model=MODEL, messages=[{{"role": "user", "content": prompt}}], temperature=1.5
    )
    return response.choices[0].message.content or ""
"""


def generate_shared_client_tree(root: Path, files: int) -> None:
    """`files` small modules of one package, each calling through the client and with the model
    id of `app/shared.py`: the project index tells every module something (the dense tree's
    modules are each on their own)."""
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("", encoding="utf-8")
    (root / "app" / "shared.py").write_text(SHARED_CLIENT, encoding="utf-8")
    for index in range(files):
        package = root / "app" / f"part{index // 100}"
        if not package.exists():
            package.mkdir()
            (package / "__init__.py").write_text("", encoding="utf-8")
        (package / f"module_{index}.py").write_text(SHARED_CLIENT_USER.format(index=index), encoding="utf-8")


#: the trees whose main-process memory `--memory` reports
LAYOUTS = {"dense": generate_dense_tree, "shared client": generate_shared_client_tree}

#: what `--instructions` counts per file: LibCST's parse, or a dry run's work in a worker
WORK = ("parse", "migrate")


def count_work(work: str, root: Path, files: int) -> None:
    """Do one kind of `WORK` on the first `files` files of `root`, after a warm-up file; run under
    valgrind, the difference between `files` and 0 files is the instructions the files cost."""
    paths = sorted(root.rglob("*.py"))
    warm_up, paths = paths[0], paths[1 : files + 1]
    if work == "parse":
        for path in [warm_up, *paths]:
            _parse_one(str(path))
        return
    from glm_migrate.config import Settings
    from glm_migrate.runner import expect_many_files, migrate_file

    expect_many_files()  # as in a dry run's workers: LibCST's speed-ups installed
    settings = Settings()
    with tempfile.TemporaryDirectory(prefix="glm-bench-cache-") as cache:
        for path in [warm_up, *paths]:
            migrate_file(path, settings, cache_root=Path(cache), edits=False, diffs=True)


def instructions(root: Path, files: int) -> dict[str, float]:
    """Instructions per file of each kind of `WORK` (valgrind's count: the same on a busy machine)."""
    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind (Debian: apt install valgrind)")
    per_file: dict[str, float] = {}
    for work in WORK:
        counts = []
        for limit in (0, files):
            command = [sys.executable, __file__, "--count-work", work, "--files", str(limit), "--tree", str(root)]
            result = subprocess.run(
                ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
                capture_output=True,
                text=True,
            )
            found = re.search(r"Collected : (\d+)", result.stderr)
            if result.returncode != 0 or found is None:
                raise SystemExit(f"valgrind failed on {work}: {result.stderr[-2000:]}")
            counts.append(int(found.group(1)))
        per_file[work] = (counts[1] - counts[0]) / files
    return per_file


#: the small file of the start-up figure (an editor's save, a pre-commit hook)
ONE_FILE = """from openai import OpenAI

client = OpenAI()


def ask(question: str) -> str:
    response = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": question}])
    return response.choices[0].message.content or ""
"""


def start_up_instructions(folder: Path) -> tuple[float, float]:
    """Instructions of `glm-migrate f.py --check` (the file just edited) and of `python -c "import libcst"`."""
    counts = []
    for command in ([sys.executable, "-m", "glm_migrate", "f.py", "--check"], [sys.executable, "-c", "import libcst"]):
        (folder / "f.py").write_text(f"{ONE_FILE}# edited {time.time_ns()}\n", encoding="utf-8")
        result = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
            cwd=folder,
            capture_output=True,
            text=True,
        )
        found = re.search(r"Collected : (\d+)", result.stderr)
        if found is None:
            raise SystemExit(f"valgrind failed on {command}: {result.stderr[-2000:]}")
        counts.append(int(found.group(1)))
    return counts[0], counts[1]


#: runs glm-migrate's command line and writes the peak RSS of its own process (KiB) to argv[1]
PEAK_RSS = """
import atexit, resource, sys
out = sys.argv[1]
atexit.register(lambda: open(out, "w").write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)))
sys.argv = ["glm-migrate", *sys.argv[2:]]
from glm_migrate.cli import main
main()
"""


def main_process_peak_rss(root: Path, jobs: int) -> float:
    """MB at most resident in glm-migrate's main process during a dry run over `root` (the
    workers, which hold one file at a time, are not counted)."""
    with tempfile.TemporaryDirectory(prefix="glm-bench-rss-") as scratch:
        out = Path(scratch) / "peak"
        run([sys.executable, "-c", PEAK_RSS, str(out), ".", "--dry-run", "--no-cache", "-j", str(jobs)], root)
        return int(out.read_text()) / 1024


def _parse_one(path: str) -> int:
    import libcst

    return len(libcst.parse_module(Path(path).read_bytes()).body)


def byte_compile_glm_migrate() -> None:
    """Compile glm-migrate's modules as `pip install` does, so that every run starts as an
    installed one. An editable install where PYTHONDONTWRITEBYTECODE is set (CI images often
    set it) would otherwise compile every module in every process on every start: 0.1 s more
    on a quiet tree. LibCST and ruff come compiled from their wheels."""
    import glm_migrate

    compileall.compile_dir(Path(glm_migrate.__file__).parent, quiet=1)


def bare_parse(root: Path, jobs: int) -> None:
    paths = [str(p) for p in sorted(root.rglob("*.py"))]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(_parse_one, paths, chunksize=max(1, len(paths) // (jobs * 8))))


#: what a benchmark times, and what to do before each time it runs (outside the clock)
Contender = tuple[Callable[[], object], Callable[[], object] | None]


def rounds(contenders: dict[str, Contender], repeat: int) -> dict[str, list[float]]:
    """Each contender once per round, round after round: a slow spell of a shared machine then
    slows every contender of that round alike, so per-round ratios stay comparable."""
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(repeat):
        for name, (action, prepare) in contenders.items():
            if prepare is not None:
                prepare()
            start = time.perf_counter()
            action()
            samples[name].append(time.perf_counter() - start)
    return samples


def timed(action: Callable[[], object], repeat: int, prepare: Callable[[], object] | None = None) -> float:
    return statistics.median(rounds({"": (action, prepare)}, repeat)[""])


def ratio(samples: dict[str, list[float]], name: str, baseline: str) -> float:
    """The median over rounds of `name`'s time over `baseline`'s in the same round."""
    return statistics.median(a / b for a, b in zip(samples[name], samples[baseline], strict=True))


def find_ruff() -> str | None:
    """ruff beside this interpreter (a virtualenv run without activating it), else on PATH."""
    return shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")


def run(command: Sequence[str], cwd: Path, cst: str | None = None) -> None:
    """Run `command`; `cst`: the LibCST implementation glm-migrate is to use (GLM_MIGRATE_CST)."""
    env = None if cst is None else {**os.environ, "GLM_MIGRATE_CST": cst}
    result = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    if result.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({result.returncode}): {result.stderr[-2000:]}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=2000, help="files in the dense tree")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--quiet-tree", type=Path, help="a large real project with little or no OpenAI use")
    parser.add_argument("--skip-codemod", action="store_true", help="skip LibCST's no-op codemod runner")
    parser.add_argument(
        "--scaling", action="store_true", help="also time --check on a quarter, half and all of the files"
    )
    parser.add_argument(
        "--instructions",
        type=int,
        metavar="N",
        help="also count, with valgrind, the instructions a parse and glm-migrate's work take on N files",
    )
    parser.add_argument(
        "--memory",
        metavar="N,N",
        help="also report the peak RSS of the main process in dry runs over dense trees of these sizes",
    )
    parser.add_argument(
        "--cst",
        default="fast,stock",
        help="the LibCST implementations to time dry runs and the quiet tree with (GLM_MIGRATE_CST); "
        "the other figures use the first",
    )
    parser.add_argument("--count-work", choices=WORK, help=argparse.SUPPRESS)  # run under valgrind
    parser.add_argument("--tree", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.count_work:
        count_work(args.count_work, args.tree, args.files)
        return 0
    if args.instructions:
        args.instructions = min(args.instructions, args.files - 1)  # one file is the warm-up

    glm = [sys.executable, "-m", "glm_migrate"]
    byte_compile_glm_migrate()
    rows: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="glm-bench-") as tmp:
        dense = Path(tmp) / "dense"
        generate_dense_tree(dense, args.files)
        cache = dense / ".glm_migrate_cache"

        def clear_cache() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        implementations = args.cst.split(",")
        dry_run = [*glm, ".", "--dry-run", "-j", str(args.jobs)]
        contenders: dict[str, Contender] = {"parse": (lambda: bare_parse(dense, args.jobs), None)}
        for name in implementations:
            # cold: every file parsed
            contenders[f"dry-run {name}"] = (lambda name=name: run(dry_run, dense, name), clear_cache)
        if not args.skip_codemod:
            # Beside the tree, not in it: every contender sees the same files.
            (Path(tmp) / "noop.py").write_text(
                "from libcst.codemod import VisitorBasedCodemodCommand\n\n"
                "class NOOPCommand(VisitorBasedCodemodCommand):\n    DESCRIPTION = 'no-op'\n"
            )
            # The command the issue measures LibCST's runner with.
            codemod = [sys.executable, "-m", "libcst.tool", "codemod", "noop.NOOPCommand", "-j", str(args.jobs)]
            contenders["codemod"] = (lambda: run([*codemod, "--no-format", "dense"], Path(tmp)), None)
        dense_samples = rounds(contenders, args.repeat)
        rows.append((f"libcst parse only, -j {args.jobs}", statistics.median(dense_samples["parse"])))
        for name in implementations:
            seconds = statistics.median(dense_samples[f"dry-run {name}"])
            rows.append((f"glm-migrate --dry-run -j {args.jobs} (cold, {name})", seconds))
        if "codemod" in dense_samples:
            rows.append((f"libcst codemod no-op, -j {args.jobs}", statistics.median(dense_samples["codemod"])))
        check = [*glm, ".", "--check", "-j", str(args.jobs)]
        first = timed(lambda: run(check, dense, implementations[0]), 1, prepare=clear_cache)
        second = timed(lambda: run(check, dense, implementations[0]), args.repeat)
        rows.append(("glm-migrate --check (cold cache)", first))
        rows.append(("glm-migrate --check (warm cache)", second))
        quiet_samples: dict[str, list[float]] = {}
        if args.quiet_tree:
            quiet_check = [*glm, str(args.quiet_tree), "--check", "--no-cache"]
            quiet: dict[str, Contender] = {
                f"glm {name}": (lambda name=name: run(quiet_check, Path(tmp), name), None) for name in implementations
            }
            ruff = find_ruff()
            if ruff is not None:
                command = [ruff, "check", "--select", "UP", "--no-cache", "--exit-zero", str(args.quiet_tree)]
                quiet["ruff"] = (lambda: run(command, Path(tmp)), None)
            else:
                print("ruff is neither beside this Python nor on PATH: no quiet-tree comparison", file=sys.stderr)
            quiet_samples = rounds(quiet, args.repeat)
            for name in implementations:
                seconds = statistics.median(quiet_samples[f"glm {name}"])
                rows.append((f"quiet tree: glm-migrate --check ({name})", seconds))
            if "ruff" in quiet_samples:
                rows.append(("quiet tree: ruff check --select UP", statistics.median(quiet_samples["ruff"])))

        one = Path(tmp) / "one"
        one.mkdir()
        (one / "f.py").write_text(ONE_FILE, encoding="utf-8")
        run([*glm, "f.py", "--check"], one)  # the project's cache exists, as it does after a first run

        def edit_one() -> None:
            """A file just saved: new bytes, so the cache has no result for it."""
            (one / "f.py").write_text(f"{ONE_FILE}# edited {time.time_ns()}\n", encoding="utf-8")

        start_samples = rounds(
            {
                "glm": (lambda: run([*glm, "f.py", "--check"], one, implementations[0]), edit_one),
                "libcst": (lambda: run([sys.executable, "-c", "import libcst"], one), None),
            },
            max(args.repeat, 5),
        )
        rows.append(("one small file: glm-migrate f.py --check", statistics.median(start_samples["glm"])))
        rows.append(('one small file: python -c "import libcst"', statistics.median(start_samples["libcst"])))

        if args.scaling:
            for share in (4, 2, 1):
                subset = Path(tmp) / f"subset{share}"
                subset.mkdir()
                for path in sorted(dense.rglob("*.py"))[: args.files // share]:
                    shutil.copy(path, subset / f"{path.parent.name}_{path.name}")
                seconds = timed(lambda s=subset: run([*glm, ".", "--check", "--no-cache"], s), args.repeat)
                rows.append((f"scaling: --check --no-cache, {args.files // share} files", seconds))
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        counted = instructions(dense, args.instructions) if args.instructions else None
        started = start_up_instructions(one) if args.instructions else None
        memory: dict[str, dict[int, float]] = {}
        for layout, generate in LAYOUTS.items() if args.memory else ():
            for size in [int(n) for n in args.memory.split(",")]:
                tree = Path(tmp) / f"memory{size}"
                generate(tree, size)
                memory.setdefault(layout, {})[size] = main_process_peak_rss(tree, args.jobs)
                shutil.rmtree(tree)

    print(f"{args.files} generated files, {args.repeat} runs each, medians:")
    for label, seconds in rows:
        print(f"  {label:<44} {seconds:8.2f} s")
    print(f"  peak memory of any one process: {peak:.0f} MB")
    print("ratios, medians of the rounds' own ratios (targets in brackets):")
    for name in implementations:
        print(
            f"  dry-run / bare parse ({name:<5})    {ratio(dense_samples, f'dry-run {name}', 'parse'):6.2f}  [<= 1.35]"
        )
    if "codemod" in dense_samples:
        for name in implementations:
            print(
                f"  dry-run / libcst no-op codemod ({name:<5}) {ratio(dense_samples, f'dry-run {name}', 'codemod'):6.2f}"
                "  [<= 0.5]"
            )
    print(f"  cold / warm --check             {first / second:6.2f}  [>= 5]")
    if "ruff" in quiet_samples:
        for name in implementations:
            print(f"  quiet tree glm / ruff ({name:<5})   {ratio(quiet_samples, f'glm {name}', 'ruff'):6.2f}  [<= 0.9]")
    print(f"  one file glm / import libcst    {ratio(start_samples, 'glm', 'libcst'):6.2f}  [<= 1.5]")
    for layout, peaks in memory.items():
        sizes = sorted(peaks)
        print(f"peak RSS of the main process, dry run, {layout} tree:")
        for size in sizes:
            print(f"  {size} files: {peaks[size]:.0f} MB")
        if len(sizes) > 1:
            print(f"  ratio {sizes[-1]} / {sizes[0]} files: {peaks[sizes[-1]] / peaks[sizes[0]]:.2f}  [<= 1.2]")
    if counted and started:
        print(f"instructions per file over {args.instructions} files, in one process (valgrind):")
        print(
            f"  libcst parse {counted['parse'] / 1e6:.1f} M, glm-migrate dry run's work {counted['migrate'] / 1e6:.1f} M"
        )
        print(f"  ratio {counted['migrate'] / counted['parse']:.2f}")
        print(
            f"  start-up: glm-migrate f.py --check {started[0] / 1e6:.0f} M, import libcst {started[1] / 1e6:.0f} M,"
            f" ratio {started[0] / started[1]:.2f}  [<= 1.5]"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
