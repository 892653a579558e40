"""The rule that turns a notebook into lesson minutes (docs/instructor-guide.md, "How the times are
computed", states it; each constant below is stated there with its reason).

It reads each notebook (narration words, new concepts, code cells, in-lesson checks, exercises) as
the learner sees it: check cells (tagged CHECK_TAG), which the learner edition drops, count for
nothing. The measured compute of each notebook comes in as Figures (see lesson_time.py).
"""

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from mnist_helpers.layout import CHECK_TAG, NOTEBOOK_PATTERN, NOTEBOOKS, SETUP_TAG, SOLUTION_TAG

# --- The rule (each constant is stated, with its reason, in the guide) -------------------------
# The first five were judgement (120 words, 2, 1, 0.5, 4); 42 cold readings of the notebooks, in an
# instructor's part, estimated 1.41 times the minutes they gave (median 1.40, 1.17 to 1.65), so each
# is now 1.4 times as slow.
WORDS_PER_MINUTE = 85        # narration, explained aloud in the instructor's words, learners reading along
MINUTES_PER_CONCEPT = 3      # each lesson section (a `##` heading): pose its question, take questions
MINUTES_PER_CODE_CELL = 1.5  # run a prepared cell and read its output together (the parameters cell is free)
MINUTES_PER_EXTRA_CELL = 0.75  # a `# extra code` cell: run it, look at the figure
MINUTES_PER_CHECK = 5        # an in-lesson **Check.**: 2-5 minutes by the series' convention, and the talk after
MINUTES_PER_EXERCISE = 10    # read, try, compare with the folded solution or a neighbour
DEMO_NARRATION = 0.5         # a demo from the instructor's screen says the text's main points aloud: half of it
ROUND_TO = 5                 # teaching and exercise minutes are rounded up to whole 5-minute blocks
# Compute is added in full: wall seconds of the notebook on a quiet 2-core machine, and again for
# an exercise whose solution trains a model (`.fit(`, or a headless `mnist_helpers run`).
NOT_CONCEPTS = ("setup", "key points", "exercises", "next", "what we record", "what we keep",
                "saving what the next notebook needs")
TRAINS = re.compile(r"\.fit\(|mnist_helpers run|papermill ")
OPTIONAL = "going further"  # a `## Going further (optional)` section: counted apart, taught only when time allows
SOLUTION_TITLE = re.compile(r"<summary>\s*Solution\s+(\d+)", re.I)
WORD = re.compile(r"[A-Za-z0-9]+(?:['’.-][A-Za-z0-9]+)*")


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
    optional: "Notebook | None" = None  # the "Going further" section's counts, read with the same rule

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
    """Count what the rule needs in one notebook, as the learner sees it (check cells skipped)."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    title = Path(path).stem
    counts = Notebook(stem=Path(path).stem, title=title)
    section = counts  # the lesson's counts, or (under a "## Going further" heading) the optional section's
    in_exercises = False
    for cell in nb["cells"]:
        text, tags = _text(cell), cell.get("metadata", {}).get("tags", [])
        if CHECK_TAG in tags:
            continue  # a check cell: executed by the runner, never read by the learner
        if cell["cell_type"] == "markdown":
            if SOLUTION_TAG in tags:
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
                    if name.startswith(OPTIONAL) and counts.optional is None:
                        counts.optional = Notebook(stem=counts.stem, title="Going further")
                    section = counts.optional if name.startswith(OPTIONAL) else counts
                    if not name.startswith(NOT_CONCEPTS):
                        section.concepts += 1
            found = re.search(r"\*\*Time:\*\*(.*?)(?:\*\*|\n\n|$)", text, re.S)
            if found and not counts.stated_time:
                counts.stated_time = " ".join(found.group(1).split())
            if "**Check.**" in text:
                section.checks += text.count("**Check.**")
            if not in_exercises:
                section.words += len(WORD.findall(text))
        elif cell["cell_type"] == "code" and not {"parameters", SETUP_TAG} & set(tags):
            if text.lstrip().startswith("# extra code"):
                section.extra_cells += 1
            else:
                section.code_cells += 1
    return counts


def read_notebooks(folder=NOTEBOOKS):
    return [read_notebook(path) for path in sorted(Path(folder).glob(NOTEBOOK_PATTERN))]


# --- The rule ---------------------------------------------------------------------------------------

def round_up(minutes):
    return int(math.ceil(minutes / ROUND_TO - 1e-9) * ROUND_TO)


def compute_minutes(nb, figures):
    wall = figures.wall.get(nb.stem)
    return None if wall is None else wall / 60


def _reading_minutes(nb):
    return (nb.words / WORDS_PER_MINUTE + nb.concepts * MINUTES_PER_CONCEPT
            + nb.code_cells * MINUTES_PER_CODE_CELL + nb.extra_cells * MINUTES_PER_EXTRA_CELL
            + nb.checks * MINUTES_PER_CHECK)


def teaching_minutes(nb, figures):
    """Narration + concepts + cells + checks + measured compute, rounded up to 5 minutes.

    The compute is the whole notebook's, "Going further" included: a learner who runs all waits for it."""
    compute = compute_minutes(nb, figures)
    if compute is None:
        return None
    return round_up(_reading_minutes(nb) + compute)


def optional_minutes(nb):
    """The "Going further" section read with the same rule (its compute is already in the teaching minutes)."""
    return 0 if nb.optional is None else round_up(_reading_minutes(nb.optional))


def exercise_minutes(nb, figures, exercises=None):
    """Each exercise: MINUTES_PER_EXERCISE, plus the notebook's compute if its solution trains."""
    chosen = nb.exercises if exercises is None else [e for e in nb.exercises if e.number in exercises]
    if not chosen:
        return 0
    compute = compute_minutes(nb, figures)
    if compute is None and any(e.trains for e in chosen):
        return None
    return round_up(sum(MINUTES_PER_EXERCISE + (compute if e.trains else 0) for e in chosen))


def demo_minutes(nb, figures):
    """A demo from the instructor's screen: the notebook's compute, MINUTES_PER_CONCEPT per section, and
    DEMO_NARRATION of the narration."""
    compute = compute_minutes(nb, figures)
    return None if compute is None else round_up(compute + nb.concepts * MINUTES_PER_CONCEPT
                                                   + DEMO_NARRATION * nb.words / WORDS_PER_MINUTE)


def header_mismatches(notebooks, figures):
    """Notebooks whose **Time:** line states other minutes than the rule computes."""
    out = []
    for nb in notebooks:
        teach, exercises = teaching_minutes(nb, figures), exercise_minutes(nb, figures)
        if teach is None or exercises is None:
            continue
        optional = optional_minutes(nb) or None
        stated = [re.search(rf"(\d+)\s*min(?:utes)?\s+{word}", nb.stated_time)
                  for word in ("teaching", "optional", "exercise")]
        if [int(m.group(1)) if m else None for m in stated] != [teach, optional, exercises]:
            extra = f"{optional} min optional, " if optional else ""
            out.append(f"{nb.stem}: states '{nb.stated_time}', the rule gives {teach} min teaching, "
                       f"{extra}{exercises} min exercises")
    return out
