"""Lesson times from a stated rule: `python -m mnist_helpers.lesson_time [summary.json] [--write]`.

The instructor guide (docs/instructor-guide.md, "How the times are computed") states the rule;
this module is that rule, so the guide's minutes cannot drift from the notebooks. It reads each
notebook (narration words, new concepts, code cells, in-lesson checks, exercises) and the
measured compute of each notebook (wall seconds, CPU seconds, peak memory of its kernel, on a
quiet 2-core machine) and prints the teaching and exercise minutes, the schedules and the hub
sizing. The measured figures come from a `make run`'s summary.json when one is given, and
otherwise from the table of figures in the guide, which `--write` refreshes.

    .venv/bin/python -m mnist_helpers.lesson_time                                   # print
    .venv/bin/python -m mnist_helpers.lesson_time runs/<stamp>/summary.json --write  # regenerate

`--write` rewrites the blocks between `<!-- lesson_time:NAME -->` and `<!-- /lesson_time:NAME -->`
in docs/instructor-guide.md and docs/hub.md; tests/test_lesson_time.py checks they are current.
"""

import argparse
import json
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
GUIDE = REPO / "docs" / "instructor-guide.md"
HUB = REPO / "docs" / "hub.md"
TODO = "TODO(figures)"

# --- The rule (each constant is stated, with its reason, in the guide) -------------------------
WORDS_PER_MINUTE = 120       # narration, explained aloud in the instructor's words, learners reading along
MINUTES_PER_CONCEPT = 2      # each lesson section (a `##` heading): pose its question, take questions
MINUTES_PER_CODE_CELL = 1    # run a prepared cell and read its output together (the parameters cell is free)
MINUTES_PER_EXTRA_CELL = 0.5  # a `# extra code` cell: run it, look at the figure
MINUTES_PER_CHECK = 4        # an in-lesson **Check.**: 2-5 minutes by the series' convention
MINUTES_PER_EXERCISE = 10    # read, try, compare with the folded solution or a neighbour
ROUND_TO = 5                 # teaching and exercise minutes are rounded up to whole 5-minute blocks
# Compute is added in full: wall seconds of the notebook on a quiet 2-core machine, and again for
# an exercise whose solution trains a model (`.fit(`, or a headless `mnist_helpers run`).
NOT_CONCEPTS = ("setup", "key points", "exercises", "next", "what we record", "what we keep",
                "saving what the next notebook needs")
TRAINS = re.compile(r"\.fit\(|mnist_helpers run|papermill ")
SOLUTION_TITLE = re.compile(r"<summary>\s*Solution\s+(\d+)", re.I)
WORD = re.compile(r"[A-Za-z0-9]+(?:['’.-][A-Za-z0-9]+)*")

# --- Hub sizing (docs/hub.md states the same rule) -----------------------------------------------
SERVER_MIB = 87              # an idle JupyterLab 4.6 server, no kernel: measured RSS (ps), learner pins
KERNELS_PER_LEARNER = 2      # the current notebook's kernel and the previous one, often left running
HEADROOM = 0.3               # TLJH's resource-estimation guide: 20-40 % over the measured maximum
SLOWDOWN = 2                 # a shared server may take up to twice as long as a quiet 2-core laptop
HUB_OVERHEAD_MIB = 128       # TLJH's own services (its resource-estimation guide)
BINDER_MIB = 2048            # mybinder.org: 1 GB guaranteed, 2 GB maximum, then the kernel restarts
SERVERS = ((4, 16), (8, 32), (16, 64), (32, 128))  # (cores, GB) of servers to size for
LEARNERS = 30


@dataclass
class Exercise:
    number: int
    trains: bool


@dataclass
class Notebook:
    stem: str
    title: str
    words: int = 0
    concepts: int = 0
    code_cells: int = 0
    extra_cells: int = 0
    checks: int = 0
    exercises: list = field(default_factory=list)
    stated_time: str = ""

    @property
    def number(self):
        return self.stem[:2]


@dataclass
class Figures:
    """Measured per notebook (stem -> value); None where not measured yet."""
    wall: dict
    cpu: dict
    peak: dict
    source: str


def _text(cell):
    source = cell.get("source", "")
    return source if isinstance(source, str) else "".join(source)


def read_notebook(path):
    """Count what the rule needs in one notebook."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    title = Path(path).stem
    counts = Notebook(stem=Path(path).stem, title=title)
    in_exercises = False
    for cell in nb["cells"]:
        text, tags = _text(cell), cell.get("metadata", {}).get("tags", [])
        if cell["cell_type"] == "markdown":
            if "solution" in tags:
                found = SOLUTION_TITLE.search(text)
                if found:
                    counts.exercises.append(Exercise(int(found.group(1)), bool(TRAINS.search(text))))
                continue  # folded answers are read during the exercise or check, not narrated
            for line in text.splitlines():
                if line.startswith("# ") and counts.title == title:
                    counts.title = line[2:].strip()
                heading = re.match(r"##\s+(.*)", line)
                if heading:
                    name = heading.group(1).strip().lower()
                    in_exercises = name.startswith("exercises")
                    if not name.startswith(NOT_CONCEPTS):
                        counts.concepts += 1
            found = re.search(r"\*\*Time:\*\*(.*?)(?:\*\*|\n\n|$)", text, re.S)
            if found and not counts.stated_time:
                counts.stated_time = " ".join(found.group(1).split())
            if "**Check.**" in text:
                counts.checks += text.count("**Check.**")
            if not in_exercises:
                counts.words += len(WORD.findall(text))
        elif cell["cell_type"] == "code" and "parameters" not in tags:
            if text.lstrip().startswith("# extra code"):
                counts.extra_cells += 1
            else:
                counts.code_cells += 1
    return counts


def read_notebooks(folder=NOTEBOOKS):
    return [read_notebook(path) for path in sorted(Path(folder).glob("[0-9][0-9]_*.ipynb"))]


# --- Measured figures ---------------------------------------------------------------------------

# The per-notebook keys the runner writes into summary.json (mnist_helpers/runner.py).
SUMMARY_KEYS = {"wall": "seconds", "cpu": "cpu_seconds", "peak": "peak_mib"}


def figures_from_summary(path):
    summary = json.loads(Path(path).read_text(encoding="utf-8"))
    wall, cpu, peak = {}, {}, {}
    for entry in summary["notebooks"]:
        if entry.get("status") != "ok":
            raise SystemExit(f"{path}: {entry['notebook']} has status {entry.get('status')!r}; "
                             f"time a run in which every notebook succeeded.")
        stem = Path(entry["notebook"]).stem
        wall[stem], cpu[stem], peak[stem] = (entry.get(SUMMARY_KEYS[k]) for k in ("wall", "cpu", "peak"))
    machine = summary.get("machine", {})
    source = (f"`make run` of {summary.get('started', '?')} on {machine.get('cpu_count', '?')} cores "
              f"({Path(path).parent.name}/summary.json)")
    return Figures(wall, cpu, peak, source)


FIGURES_ROW = re.compile(r"^\|\s*(\d\d_\w+)\s*\|([^|]*)\|([^|]*)\|([^|]*)\|")


def figures_from_guide(guide=GUIDE):
    """Read back the table of figures that --write put into the guide."""
    block = read_block(Path(guide).read_text(encoding="utf-8"), "figures")
    wall, cpu, peak = {}, {}, {}

    def number(cell):
        cell = cell.strip().replace(",", "")
        return None if not cell or cell.startswith("TODO") else float(cell)

    for line in block.splitlines():
        row = FIGURES_ROW.match(line)
        if row:
            stem = row.group(1)
            wall[stem], cpu[stem], peak[stem] = (number(row.group(i)) for i in (2, 3, 4))
    found = re.search(r"Measured in: (.*)", block)
    return Figures(wall, cpu, peak, found.group(1).strip() if found else "?")


# --- The rule ---------------------------------------------------------------------------------------

def round_up(minutes):
    return int(math.ceil(minutes / ROUND_TO - 1e-9) * ROUND_TO)


def compute_minutes(nb, figures):
    wall = figures.wall.get(nb.stem)
    return None if wall is None else wall / 60


def teaching_minutes(nb, figures):
    """Narration + concepts + cells + checks + measured compute, rounded up to 5 minutes."""
    compute = compute_minutes(nb, figures)
    if compute is None:
        return None
    raw = (nb.words / WORDS_PER_MINUTE + nb.concepts * MINUTES_PER_CONCEPT
           + nb.code_cells * MINUTES_PER_CODE_CELL + nb.extra_cells * MINUTES_PER_EXTRA_CELL
           + nb.checks * MINUTES_PER_CHECK + compute)
    return round_up(raw)


def exercise_minutes(nb, figures, exercises=None):
    """Each exercise: MINUTES_PER_EXERCISE, plus the notebook's compute if its solution trains."""
    chosen = nb.exercises if exercises is None else [e for e in nb.exercises if e.number in exercises]
    if not chosen:
        return 0
    compute = compute_minutes(nb, figures)
    if compute is None and any(e.trains for e in chosen):
        return None
    return round_up(sum(MINUTES_PER_EXERCISE + (compute if e.trains else 0) for e in chosen))


# --- Schedules ----------------------------------------------------------------------------------
# A schedule lists its sessions in order: ("nb", "04", (1,)) teaches notebook 04 hands-on with its
# exercise 1 in class (the other exercises are homework). While the day has less slack than it
# asks for, its cuts apply in order, as the guide's "When time runs short" says: ("homework", "03")
# moves 03's in-class exercises to homework; ("demo", "07") turns 07 into a demo from the
# instructor's screen, which takes the notebook's compute plus MINUTES_PER_CONCEPT per section.

@dataclass
class Schedule:
    name: str
    start: str
    end: str
    min_slack: int
    sessions: list
    cuts: list = field(default_factory=list)


WELCOME = "Welcome, set-up check (`doctor`), the notes document, sticky notes"
FULL_DAY = Schedule(
    name="Full day", start="09:00", end="17:00", min_slack=30,
    sessions=[
        ("fixed", WELCOME, 15),
        ("nb", "01", (1,)),
        ("nb", "02", (1,)),
        ("fixed", "Break", 15),
        ("nb", "03", (1,)),
        ("nb", "04", (1,)),
        ("fixed", "Lunch", 60),
        ("nb", "05", (1,)),
        ("fixed", "Break", 15),
        ("nb", "06", (1,)),
        ("nb", "07", (1,)),
        ("fixed", "Wrap-up: key points of the day, feedback (one up, one down), where next", 15),
    ],
    cuts=[("demo", "07"), ("homework", "03"), ("homework", "05"), ("homework", "02"), ("demo", "03"),
          ("homework", "01"), ("homework", "06"), ("homework", "04"), ("demo", "06")],
)

HALF_DAY = Schedule(
    name="Half day (01 to 04)", start="09:00", end="13:00", min_slack=10,
    sessions=[
        ("fixed", WELCOME, 10),
        ("nb", "01", (1,)),
        ("nb", "02", (1,)),
        ("fixed", "Break", 15),
        ("nb", "03", (1,)),
        ("nb", "04", (1,)),
        ("fixed", "Wrap-up and feedback (one up, one down)", 10),
    ],
    cuts=[("homework", "03"), ("homework", "02"), ("homework", "01"), ("demo", "03"), ("homework", "04"),
          ("demo", "01")],
)

SCHEDULES = (FULL_DAY, HALF_DAY)


def _clock(minutes):
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _minutes(clock):
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def demo_minutes(nb, figures):
    compute = compute_minutes(nb, figures)
    return None if compute is None else round_up(compute + nb.concepts * MINUTES_PER_CONCEPT)


def plan(schedule, notebooks, figures):
    """Rows (clock, session, minutes, note), the slack and the cuts applied; None if figures are missing."""
    by_number = {nb.number: nb for nb in notebooks}
    in_class = {s[1]: set(s[2]) for s in schedule.sessions if s[0] == "nb"}
    demos = set()

    def rows_and_total():
        rows, total = [], 0
        for session in schedule.sessions:
            if session[0] == "fixed":
                rows.append((session[1], session[2], ""))
                total += session[2]
                continue
            number = session[1]
            nb = by_number[number]
            if number in demos:
                minutes = demo_minutes(nb, figures)
                if minutes is None:
                    return None, None
                rows.append((f"{nb.title} (demo)", minutes, "demo from your screen; hands-on as homework"))
                total += minutes
                continue
            teach = teaching_minutes(nb, figures)
            chosen = sorted(in_class[number])
            exercises = exercise_minutes(nb, figures, chosen)
            if teach is None or exercises is None:
                return None, None
            note = (f"teaching {teach} + exercise {', '.join(map(str, chosen))}: {exercises}" if chosen
                    else f"teaching {teach}; exercises as homework")
            rows.append((nb.title, teach + exercises, note))
            total += teach + exercises
        return rows, total

    rows, total = rows_and_total()
    if rows is None:
        return None
    length = _minutes(schedule.end) - _minutes(schedule.start)
    applied = []
    for action, number in schedule.cuts:
        if length - total >= schedule.min_slack:
            break
        if action == "homework" and in_class.get(number) and number not in demos:
            saved, in_class[number] = in_class[number], set()
        elif action == "demo" and number not in demos:
            saved = None
            demos.add(number)
        else:
            continue
        applied.append((action, number, saved))
        rows, total = rows_and_total()
    # A later, larger cut may have made an earlier one unnecessary: undo those that still fit.
    for action, number, saved in reversed(applied[:-1]):
        if action == "homework":
            in_class[number] = saved
        else:
            demos.discard(number)
        rows, total = rows_and_total()
        if length - total >= schedule.min_slack:
            applied.remove((action, number, saved))
        elif action == "homework":
            in_class[number] = set()
        else:
            demos.add(number)
    rows, total = rows_and_total()
    applied = [f"{number} {'exercises to homework' if action == 'homework' else 'as a demo'}"
               for action, number, _ in applied]
    clock, timed = _minutes(schedule.start), []
    for session, minutes, note in rows:
        timed.append((_clock(clock), session, minutes, note))
        clock += minutes
    slack = _minutes(schedule.end) - clock
    return {"rows": timed, "end": _clock(clock), "slack": slack, "cuts": applied,
            "fits": slack >= schedule.min_slack}


# --- Hub sizing -----------------------------------------------------------------------------------

def sizing(figures, notebooks):
    """Memory and CPU per learner, learners per server; None where a figure is missing."""
    peaks = [figures.peak.get(nb.stem) for nb in notebooks]
    cpus = [(figures.cpu.get(nb.stem), figures.wall.get(nb.stem), nb.stem) for nb in notebooks]
    result = {"memory_mib": None, "cores": None, "heaviest_cpu": None, "servers": [], "binder": []}
    if all(p is not None for p in peaks):
        two = sorted(peaks, reverse=True)[:KERNELS_PER_LEARNER]
        result["memory_mib"] = math.ceil((SERVER_MIB + sum(two)) * (1 + HEADROOM))
        result["binder"] = [(nb.stem, peak, SERVER_MIB + peak) for nb, peak in zip(notebooks, peaks)]
    if all(c is not None and w for c, w, _ in cpus):
        cpu, wall, stem = max(cpus, key=lambda t: t[0] / t[1])
        result["cores"] = cpu / wall  # cores a learner keeps busy while that notebook runs
        result["heaviest_cpu"] = (stem, cpu, wall)
    for cores, gigabytes in SERVERS:
        by_memory = by_cpu = None
        if result["memory_mib"]:
            by_memory = int((gigabytes * 1024 - HUB_OVERHEAD_MIB) // result["memory_mib"])
        if result["cores"]:
            by_cpu = int((cores - 1) * SLOWDOWN // result["cores"])  # one core for the hub and the OS
        both = None if by_memory is None or by_cpu is None else min(by_memory, by_cpu)
        result["servers"].append((cores, gigabytes, by_memory, by_cpu, both))
    if result["memory_mib"] and result["cores"]:
        result["for_learners"] = (
            LEARNERS,
            math.ceil(LEARNERS * result["cores"] / SLOWDOWN) + 1,
            math.ceil((LEARNERS * result["memory_mib"] + HUB_OVERHEAD_MIB) / 1024),
        )
    return result


# --- Rendering ------------------------------------------------------------------------------------

def _fmt(value, digits=0):
    if value is None:
        return TODO
    return f"{value:,.{digits}f}"


def render_figures(figures, notebooks):
    lines = [f"Measured in: {figures.source}", "",
             "| notebook | wall s | CPU s | peak MiB |", "| --- | ---: | ---: | ---: |"]
    for nb in notebooks:
        lines.append(f"| {nb.stem} | {_fmt(figures.wall.get(nb.stem), 1)} | "
                     f"{_fmt(figures.cpu.get(nb.stem), 1)} | {_fmt(figures.peak.get(nb.stem))} |")
    return "\n".join(lines)


def render_times(notebooks, figures):
    lines = ["| # | notebook | words | concepts | cells (extra) | checks | compute min | teaching "
             "| exercises (train) | exercise min | total | as a demo |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    sums = [0, 0]
    for nb in notebooks:
        teach, exercises = teaching_minutes(nb, figures), exercise_minutes(nb, figures)
        compute = compute_minutes(nb, figures)
        total = None if teach is None or exercises is None else teach + exercises
        sums = None if total is None or sums is None else [sums[0] + teach, sums[1] + exercises]
        trains = sum(e.trains for e in nb.exercises)
        lines.append(
            f"| {nb.number} | {nb.title.split('·', 1)[-1].strip()} | {nb.words:,} | {nb.concepts} | "
            f"{nb.code_cells} ({nb.extra_cells}) | {nb.checks} | {_fmt(compute, 1)} | {_fmt(teach)} | "
            f"{len(nb.exercises)} ({trains}) | {_fmt(exercises)} | {_fmt(total)} | "
            f"{_fmt(demo_minutes(nb, figures))} |")
    if sums is not None:
        lines.append(f"| | **all** | | | | | | **{sums[0]}** | | **{sums[1]}** | **{sum(sums)}** "
                     f"({sum(sums) // 60} h {sum(sums) % 60:02d}) | |")
    return "\n".join(lines)


def render_schedule(schedule, notebooks, figures):
    result = plan(schedule, notebooks, figures)
    if result is None:
        return f"{TODO}: the schedule needs every notebook's wall seconds."
    lines = ["| time | session | minutes | how the minutes add up |", "| --- | --- | ---: | --- |"]
    for clock, session, minutes, note in result["rows"]:
        lines.append(f"| {clock} | {session} | {minutes} | {note} |")
    lines.append(f"| {result['end']} | End of the plan; the day ends at {schedule.end} | | |")
    lines.append("")
    cuts = "; ".join(result["cuts"]) or "none"
    lines.append(f"Slack: **{result['slack']} min** (at least {schedule.min_slack} asked). "
                 f"Cuts the rule applied, in its order, to make room: {cuts}.")
    if not result["fits"]:
        lines.append(f"\n**Does not fit:** {result['slack']} min of slack is less than {schedule.min_slack}. "
                     f"Edit this schedule in mnist_helpers/lesson_time.py (fewer notebooks hands-on, "
                     f"or a longer day).")
    return "\n".join(lines)


def render_sizing(figures, notebooks):
    s = sizing(figures, notebooks)
    lines = []
    memory = s["memory_mib"]
    lines.append(f"- **Memory per learner:** ({SERVER_MIB} MiB server + the {KERNELS_PER_LEARNER} largest "
                 f"kernel peaks) x {1 + HEADROOM:.1f} = **{_fmt(memory)} MiB**.")
    limit = None if memory is None else math.ceil(memory / 512) / 2
    lines.append(f"- **Limits per learner:** memory **{_fmt(limit, 1)} G** (TLJH `limits.memory`; z2jh "
                 f"`singleuser.memory` guarantee and limit), CPU limit 2 (the cores the figures were "
                 f"measured on).")
    if s["heaviest_cpu"]:
        stem, cpu, wall = s["heaviest_cpu"]
        lines.append(f"- **CPU per learner:** {stem} keeps {cpu:.0f} CPU s busy in {wall:.0f} s of wall time, "
                     f"**{s['cores']:.2f} cores** while it runs; with a slowdown of up to {SLOWDOWN}x "
                     f"accepted, **{s['cores'] / SLOWDOWN:.2f} cores** per learner.")
    else:
        lines.append(f"- **CPU per learner:** {TODO} (needs each notebook's CPU and wall seconds).")
    if s.get("for_learners"):
        learners, cores, gigabytes = s["for_learners"]
        lines.append(f"- **{learners} learners:** at least **{cores} cores** and **{gigabytes} GB**.")
    else:
        lines.append(f"- **{LEARNERS} learners:** {TODO}.")
    lines += ["", "| server | learners by memory | learners by CPU | learners |", "| --- | ---: | ---: | ---: |"]
    for cores, gigabytes, by_memory, by_cpu, both in s["servers"]:
        lines.append(f"| {cores} cores, {gigabytes} GB | {_fmt(by_memory)} | {_fmt(by_cpu)} | {_fmt(both)} |")
    lines += ["", f"**Binder** (2 GB = {BINDER_MIB} MiB at most; beyond that the kernel restarts):", "",
              "| notebook | kernel peak MiB | with the server | within 2 GB? |", "| --- | ---: | ---: | --- |"]
    if s["binder"]:
        for stem, peak, total in s["binder"]:
            verdict = "yes" if total <= BINDER_MIB else "**no**"
            lines.append(f"| {stem} | {peak:,.0f} | {total:,.0f} | {verdict} |")
    else:
        lines.append(f"| every notebook | {TODO} | {TODO} | {TODO} |")
    return "\n".join(lines)


def blocks(notebooks, figures):
    """Every generated block, by name, as --write puts it into the docs."""
    return {
        GUIDE: {
            "figures": render_figures(figures, notebooks),
            "times": render_times(notebooks, figures),
            "full-day": render_schedule(FULL_DAY, notebooks, figures),
            "half-day": render_schedule(HALF_DAY, notebooks, figures),
        },
        HUB: {"sizing": render_sizing(figures, notebooks)},
    }


def _block_re(name):
    return re.compile(rf"(<!-- lesson_time:{name} -->\n)(.*?)(<!-- /lesson_time:{name} -->)", re.S)


def read_block(text, name):
    found = _block_re(name).search(text)
    if not found:
        raise SystemExit(f"no <!-- lesson_time:{name} --> block found")
    return found.group(2).strip()


def write_blocks(path, rendered):
    text = Path(path).read_text(encoding="utf-8")
    for name, body in rendered.items():
        read_block(text, name)  # must exist
        text = _block_re(name).sub(lambda m, body=body: f"{m.group(1)}{body}\n{m.group(3)}", text)
    Path(path).write_text(text, encoding="utf-8")


def header_mismatches(notebooks, figures):
    """Notebooks whose **Time:** line states other minutes than the rule computes."""
    out = []
    for nb in notebooks:
        teach, exercises = teaching_minutes(nb, figures), exercise_minutes(nb, figures)
        if teach is None or exercises is None:
            continue
        stated = [re.search(rf"(\d+)\s*min(?:utes)?\s+{word}", nb.stated_time) for word in ("teaching", "exercise")]
        if [int(m.group(1)) if m else None for m in stated] != [teach, exercises]:
            out.append(f"{nb.stem}: states '{nb.stated_time}', the rule gives {teach} min teaching, "
                       f"{exercises} min exercises")
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m mnist_helpers.lesson_time", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("summary", nargs="?", type=Path,
                        help="a run's summary.json (make run); default: the figures table in the guide")
    parser.add_argument("--write", action="store_true",
                        help="rewrite the generated blocks of docs/instructor-guide.md and docs/hub.md")
    args = parser.parse_args(argv)
    notebooks = read_notebooks()
    figures = figures_from_summary(args.summary) if args.summary else figures_from_guide()
    rendered = blocks(notebooks, figures)
    for path, named in rendered.items():
        for name, body in named.items():
            print(f"## {path.name}: {name}\n\n{body}\n")
    for line in header_mismatches(notebooks, figures):
        print(f"note: {line}")
    if args.write:
        for path, named in rendered.items():
            write_blocks(path, named)
            print(f"wrote {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
