"""Lesson times from a stated rule: `python -m mnist_helpers.series.lesson_time [summary.json] [--write]`.

The instructor guide (docs/instructor-guide.md, "How the times are computed") states the rule;
lesson_minutes.py is that rule, so the guide's minutes cannot drift from the notebooks. It reads each
notebook (narration words, new concepts, code cells, in-lesson checks, exercises; not the check
cells, which the learner never reads) and the measured compute of each notebook (wall seconds,
CPU seconds, peak memory of its kernel, on a quiet 2-core machine) and prints the teaching and
exercise minutes, the schedules and the hub sizing (workshop.py). The measured figures come from a
`make run`'s summary.json when one is given, and otherwise from the table of figures in the guide,
which `--write` refreshes.

    .venv/bin/python -m mnist_helpers.series.lesson_time                                   # print
    .venv/bin/python -m mnist_helpers.series.lesson_time runs/<stamp>/summary.json --write  # regenerate

`--write` rewrites the blocks between `<!-- lesson_time:NAME -->` and `<!-- /lesson_time:NAME -->`
in docs/instructor-guide.md and docs/hub.md; tests/test_lesson_time.py checks they are current.
"""

import argparse
import json
import math
import re
import sys
from pathlib import Path

from mnist_helpers.layout import DOCS, ROOT
from mnist_helpers.series.lesson_minutes import (
    Figures,
    compute_minutes,
    demo_minutes,
    exercise_minutes,
    header_mismatches,
    optional_minutes,
    read_notebooks,
    teaching_minutes,
)
from mnist_helpers.series.workshop import (
    BINDER_MIB,
    HALF_DAY,
    MAX_STRETCH,
    ONE_DAY,
    TWO_DAYS,
    HEADROOM,
    KERNELS_PER_LEARNER,
    LEARNERS,
    SERVER_MIB,
    SLOWDOWN,
    plan,
    sizing,
)

GUIDE = DOCS / "instructor-guide.md"
HUB = DOCS / "hub.md"
TODO = "TODO(figures)"


# --- Measured figures ---------------------------------------------------------------------------

# The per-notebook keys the runner writes into summary.json (mnist_helpers/series/runner.py).
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
             "| optional | exercises (train) | exercise min | total | as a demo |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
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
            f"{optional_minutes(nb) or ''} | "
            f"{len(nb.exercises)} ({trains}) | {_fmt(exercises)} | {_fmt(total)} | "
            f"{_fmt(demo_minutes(nb, figures))} |")
    if sums is not None:
        lines.append(f"| | **all** | | | | | | **{sums[0]}** | | | **{sums[1]}** | **{sum(sums)}** "
                     f"({sum(sums) // 60} h {sum(sums) % 60:02d}) | |")
    return "\n".join(lines)


def render_schedule(schedule, notebooks, figures):
    result = plan(schedule, notebooks, figures)
    if result is None:
        return f"{TODO}: the schedule needs every notebook's wall seconds."
    lines = ["| time | session | minutes | how the minutes add up |", "| --- | --- | ---: | --- |"]
    for clock, session, minutes, note in result["rows"]:
        if minutes is None:  # a day ends, the next begins
            lines.append(f"| | **{session}** | | |")
        else:
            lines.append(f"| {clock} | {session} | {minutes} | {note} |")
    lines.append(f"| {result['end']} | End of the plan; the day ends at {schedule.end} | | |")
    lines.append("")
    cuts = "; ".join(result["cuts"]) or "none"
    lines.append(f"Slack: **{result['slack']} min** (at least {schedule.min_slack} asked; on the tightest day). "
                 f"Longest stretch without a break: {result['longest_stretch']} min (at most {MAX_STRETCH}). "
                 f"Cuts the rule applied, in its order, to make room: {cuts}.")
    if not result["fits"]:
        lines.append(f"\n**Does not fit:** {result['slack']} min of slack (at least {schedule.min_slack}) or a "
                     f"stretch of {result['longest_stretch']} min without a break (at most {MAX_STRETCH}). Edit "
                     f"this schedule in mnist_helpers/series/workshop.py (fewer notebooks hands-on, more breaks, "
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
            "one-day": render_schedule(ONE_DAY, notebooks, figures),
            "two-days": render_schedule(TWO_DAYS, notebooks, figures),
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


def calibration(record, notebooks, figures):
    """Lines comparing a taught day's record (the guide's table: | 01 | taught | 75 | ...) with the rule's
    minutes for the same notebooks, and the factor by which the rule's minutes would have to change."""
    rows = re.findall(r"^\|\s*(\d\d)\s*\|\s*(taught|demo)\s*\|\s*(\d+)\s*\|", Path(record).read_text(encoding="utf-8"),
                      re.M | re.I)
    by_number = {nb.number: nb for nb in notebooks}
    lines, ratios = [], []
    for number, kind, taught in rows:
        nb = by_number.get(number)
        rule_minutes = None if nb is None else (demo_minutes(nb, figures) if kind.lower() == "demo"
                                                 else teaching_minutes(nb, figures))
        if rule_minutes:
            ratios.append(int(taught) / rule_minutes)
            lines.append(f"{nb.stem} ({kind.lower()}): taught in {taught} min, the rule says {rule_minutes}")
    if not ratios:
        return [f"{record}: no filled row (| 01 | taught | 75 | ...): nothing to compare"]
    middle = sorted(ratios)[len(ratios) // 2]
    lines.append(f"median ratio taught / rule: {middle:.2f} over {len(ratios)} notebooks: "
                 + ("the rule fits this room" if 0.9 <= middle <= 1.1 else
                    f"scale the per-word, per-concept and per-cell minutes in lesson_minutes.py by about {middle:.2f}"))
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m mnist_helpers.series.lesson_time", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("summary", nargs="?", type=Path,
                        help="a run's summary.json (make run); default: the figures table in the guide")
    parser.add_argument("--write", action="store_true",
                        help="rewrite the generated blocks of docs/instructor-guide.md and docs/hub.md")
    parser.add_argument("--taught", type=Path, metavar="RECORD",
                        help="a taught day's record (the guide's table, filled in): compare it with the rule")
    args = parser.parse_args(argv)
    notebooks = read_notebooks()
    figures = figures_from_summary(args.summary) if args.summary else figures_from_guide()
    if args.taught:
        print("\n".join(calibration(args.taught, notebooks, figures)))
        return 0
    rendered = blocks(notebooks, figures)
    for path, named in rendered.items():
        for name, body in named.items():
            print(f"## {path.name}: {name}\n\n{body}\n")
    for line in header_mismatches(notebooks, figures):
        print(f"note: {line}")
    if args.write:
        for path, named in rendered.items():
            write_blocks(path, named)
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
