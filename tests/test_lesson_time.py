"""The guide's times and the hub's sizing are what the stated rule computes (mnist_helpers/series/).

When a notebook or the measured figures change, these fail until the docs are regenerated:

    .venv/bin/python -m mnist_helpers.series.lesson_time runs/<stamp>/summary.json --write   # after `make run`
    .venv/bin/python -m mnist_helpers.series.lesson_time --write                             # figures unchanged
"""

import json
import re

import pytest

from mnist_helpers.layout import CHECK_TAG, ROOT
from mnist_helpers.series import lesson_minutes as rule
from mnist_helpers.series import lesson_time as lt
from mnist_helpers.series import workshop

REGENERATE = (
    "The docs are stale. Regenerate them from the repository root with\n"
    "    .venv/bin/python -m mnist_helpers.series.lesson_time runs/<stamp>/summary.json --write\n"
    "(after a fresh `make run`), or, if the measured figures have not changed,\n"
    "    .venv/bin/python -m mnist_helpers.series.lesson_time --write"
)


@pytest.fixture(scope="module")
def committed():
    return rule.read_notebooks(), lt.figures_from_guide()


def test_the_docs_state_what_the_rule_computes(committed):
    notebooks, figures = committed
    for path, named in lt.blocks(notebooks, figures).items():
        text = path.read_text(encoding="utf-8")
        for name, expected in named.items():
            assert lt.read_block(text, name) == expected.strip(), f"{path.name}, block {name!r}. {REGENERATE}"


def test_the_readme_table_states_the_rules_minutes(committed):
    notebooks, figures = committed
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for nb in notebooks:
        row = re.search(rf"^\| {nb.number} \|.*\| (\d+) \+ (\d+) min(?:, (\d+) optional)? \|$", readme, re.M)
        assert row, f"README.md: no row for notebook {nb.number} in the series table"
        computed = (rule.teaching_minutes(nb, figures), rule.exercise_minutes(nb, figures), rule.optional_minutes(nb))
        stated = (int(row[1]), int(row[2]), int(row[3] or 0))
        assert stated == computed, (
            f"README.md states {row[0]!r} for {nb.stem}; the rule gives {computed[0]} + {computed[1]} min, "
            f"{computed[2]} optional")


@pytest.mark.parametrize("schedule", workshop.SCHEDULES, ids=lambda s: s.name)
def test_each_schedule_fits_with_its_slack(committed, schedule):
    result = workshop.plan(schedule, *committed)
    assert result is not None, "the guide's figures lack a notebook's wall seconds. " + REGENERATE
    assert result["fits"], (
        f"{schedule.name}: {result['slack']} min of slack, fewer than {schedule.min_slack}, even after "
        f"the cuts {result['cuts']}. Teach fewer notebooks hands-on or lengthen the day in "
        f"mnist_helpers/series/workshop.py, then regenerate. {REGENERATE}")
    assert result["rows"][0][0] == schedule.start


def test_each_plan_covers_what_it_promises(committed):
    """Two days: every notebook hands-on with an exercise. One day: the core (01, 02, 03, 05) hands-on with an
    exercise each, 04 shown. Half a day: 01 to 04."""
    notebooks, figures = committed

    def rows(schedule):
        return [row for row in workshop.plan(schedule, notebooks, figures)["rows"] if row[2] is not None]

    two_days = {row[1]: row[3] for row in rows(workshop.TWO_DAYS)}
    one_day = {row[1]: row[3] for row in rows(workshop.ONE_DAY)}
    half_day = " ".join(row[1] for row in rows(workshop.HALF_DAY))
    for nb in notebooks:
        assert "exercise 1" in two_days[nb.title], nb.title
        if nb.number in ("01", "02", "03", "05"):
            assert "exercise 1" in one_day[nb.title], nb.title
        assert (nb.title in half_day) == (nb.number <= "04")
    assert f"{notebooks[3].title} (demo)" in one_day


@pytest.mark.parametrize("schedule", workshop.SCHEDULES, ids=lambda s: s.name)
def test_each_plan_breaks_at_least_every_75_minutes(committed, schedule):
    result = workshop.plan(schedule, *committed)
    assert result["longest_stretch"] <= workshop.MAX_STRETCH == 75, result["rows"]



def test_every_notebook_is_counted(committed):
    notebooks, _ = committed
    assert [nb.number for nb in notebooks] == ["01", "02", "03", "04", "05", "06", "07", "08"]
    for nb in notebooks:
        assert nb.words > 200 and nb.concepts >= 3 and nb.code_cells >= 5, nb.stem
        assert len(nb.exercises) >= 2, f"{nb.stem}: its exercises' 'Solution N' cells were not found"


# --- The rule on a notebook made for the test ------------------------------------------------------

def cell(kind, text, tags=()):
    made = {"cell_type": kind, "source": text, "metadata": {"tags": list(tags)}}
    if kind == "code":
        made.update(outputs=[], execution_count=None)
    return made


@pytest.fixture
def tiny(tmp_path):
    cells = [
        cell("markdown", "# 09 · Tiny\n\nTwo words.\n\n**Time:** 15 min teaching, 20 min exercises."),
        cell("code", "EPOCHS = 1  # (1-9)", tags=["parameters"]),
        cell("code", "mh.check_number('EPOCHS', EPOCHS)"),
        cell("markdown", "## Setup\n\nnot a concept"),
        cell("markdown", "## Why this?\n\n" + "word " * 236),
        cell("code", "model.fit(x, y)"),
        cell("code", "# extra code: the figure\nplt.show()"),
        cell("code", "assert round(accuracy, 2) == 0.97  # the narration's figure", tags=[CHECK_TAG]),
        cell("code", "# extra code: a check cell\nassert True", tags=[CHECK_TAG]),
        cell("markdown", "**Check.** What does it print?"),
        cell("markdown", "<details><summary>Answer</summary>\n\nIt prints.\n</details>", tags=["solution"]),
        cell("markdown", "## Key points\n\n- one"),
        cell("markdown", "## Exercises\n\n1. " + "long exercise text " * 50),
        cell("markdown", "<details><summary>Solution 1</summary>\n\nIt gives 3.\n\n```python\nassert 3\n```\n"
             "</details>", tags=["solution"]),
        cell("markdown", "<details><summary>Solution 2</summary>\n\n```python\nmodel.fit(x, y)\nassert 1\n```\n"
             "</details>", tags=["solution"]),
    ]
    path = tmp_path / "09_tiny.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return rule.read_notebook(path)


def test_counts_follow_the_stated_rule(tiny):
    assert tiny.title == "09 · Tiny"
    assert tiny.concepts == 1  # "Why this?"; not Setup, Key points or Exercises
    assert tiny.code_cells == 2 and tiny.extra_cells == 1  # the parameters cell and the check cells are free
    assert tiny.checks == 1
    assert [(e.number, e.trains) for e in tiny.exercises] == [(1, False), (2, True)]
    # title cell 11, Setup 4, "Why this?" 238, the check 5, key points 3; not the exercises or answers
    assert tiny.words == 261
    assert tiny.stated_time.startswith("15 min teaching, 20 min exercises")


def test_minutes_follow_the_stated_rule(tiny):
    figures = rule.Figures({"09_tiny": 90.0}, {}, {}, "test")
    raw = (tiny.words / 85 + 1 * 3 + 2 * 1.5 + 1 * 0.75 + 1 * 5 + 1.5)
    assert rule.teaching_minutes(tiny, figures) == rule.round_up(raw) == 20
    assert rule.exercise_minutes(tiny, figures) == rule.round_up(10 + 10 + 1.5) == 25
    assert rule.exercise_minutes(tiny, figures, [1]) == 10
    assert rule.exercise_minutes(tiny, figures, []) == 0
    assert rule.demo_minutes(tiny, figures) == rule.round_up(1.5 + 3 + 0.5 * tiny.words / 85) == 10  # half narrated
    assert rule.header_mismatches([tiny], figures) == [
        "09_tiny: states '15 min teaching, 20 min exercises.', the rule gives 20 min teaching, 25 min exercises"]
    unmeasured = rule.Figures({}, {}, {}, "test")
    assert rule.teaching_minutes(tiny, unmeasured) is None
    assert rule.exercise_minutes(tiny, unmeasured, [1]) == 10  # no compute needed: it does not train


def test_round_up_to_five_minutes():
    assert [rule.round_up(m) for m in (0.1, 5, 5.01, 12, 15)] == [5, 5, 10, 15, 15]


# --- Figures: from a run's summary.json, and back from the guide ------------------------------------

def test_figures_from_summary_read_the_runners_keys(tmp_path):
    summary = {"started": "2026-11-25T01:00:00", "machine": {"cpu_count": 2}, "notebooks": [
        {"notebook": "01_a.ipynb", "status": "ok", "seconds": 12.5, "cpu_seconds": 20.0, "peak_mib": 700,
         "metrics": {"fit_seconds": 9.0}},
        {"notebook": "02_b.ipynb", "status": "ok", "seconds": 30.0, "cpu_seconds": None, "peak_mib": None},
    ]}
    path = tmp_path / "summary.json"
    path.write_text(json.dumps(summary))
    figures = lt.figures_from_summary(path)
    assert figures.wall == {"01_a": 12.5, "02_b": 30.0}, "wall is the runner's seconds, not CPU or fit seconds"
    assert figures.cpu == {"01_a": 20.0, "02_b": None} and figures.peak == {"01_a": 700, "02_b": None}  # n/a
    assert "2026-11-25T01:00:00" in figures.source and "2 cores" in figures.source


def test_a_failed_run_is_refused(tmp_path):
    path = tmp_path / "summary.json"
    path.write_text(json.dumps({"notebooks": [{"notebook": "01_a.ipynb", "status": "failed", "seconds": 3}]}))
    with pytest.raises(SystemExit, match="failed"):
        lt.figures_from_summary(path)


def test_the_figures_table_reads_back_what_it_wrote(tmp_path, tiny):
    figures = rule.Figures({"09_tiny": 90.0}, {"09_tiny": 150.5}, {"09_tiny": None}, "a test run")
    guide = tmp_path / "guide.md"
    guide.write_text("before\n<!-- lesson_time:figures -->\nold\n<!-- /lesson_time:figures -->\nafter\n")
    lt.write_blocks(guide, {"figures": lt.render_figures(figures, [tiny])})
    text = guide.read_text()
    assert text.startswith("before\n") and text.endswith("after\n") and "old" not in text
    assert lt.TODO in text  # the peak was not measured
    back = lt.figures_from_guide(guide)
    assert (back.wall, back.cpu, back.peak, back.source) == (figures.wall, figures.cpu, figures.peak, "a test run")


# --- Hub sizing --------------------------------------------------------------------------------------

def test_sizing_follows_the_stated_rule(tiny):
    other = rule.Notebook(stem="10_other", title="10 · Other")
    figures = rule.Figures({"09_tiny": 100.0, "10_other": 10.0}, {"09_tiny": 150.0, "10_other": 18.0},
                         {"09_tiny": 900.0, "10_other": 500.0}, "test")
    sized = workshop.sizing(figures, [tiny, other])
    assert sized["memory_mib"] == pytest.approx((87 + 900 + 500) * 1.3, abs=1)
    assert sized["cores"] == pytest.approx(1.8)  # 10_other keeps 1.8 cores busy, 09_tiny 1.5
    learners, cores, gigabytes = sized["for_learners"]
    assert (learners, cores) == (30, 28)  # ceil(30 x 1.8 / 2) + 1
    assert gigabytes == -(-(30 * sized["memory_mib"] + 128) // 1024)
    for server_cores, server_gb, by_memory, by_cpu, both in sized["servers"]:
        assert by_memory == (server_gb * 1024 - 128) // sized["memory_mib"]
        assert by_cpu == int((server_cores - 1) * 2 // 1.8)
        assert both == min(by_memory, by_cpu)
    assert all(total <= workshop.BINDER_MIB for _, _, total in sized["binder"])
    assert "memory **2.0 G**" in lt.render_sizing(figures, [tiny, other])  # 1,934 MiB, up to a half GB


def test_missing_figures_are_shown_as_todo_never_invented(tiny):
    figures = rule.Figures({"09_tiny": 100.0}, {"09_tiny": None}, {"09_tiny": None}, "test")
    text = lt.render_sizing(figures, [tiny])
    assert lt.TODO in text
    assert "None" not in text


def test_the_command_prints_every_block(capsys):
    assert lt.main([]) == 0
    out = capsys.readouterr().out
    for name in ("figures", "times", "one-day", "two-days", "half-day", "sizing"):
        assert f": {name}" in out


def test_a_going_further_section_is_counted_apart_from_the_lesson(tmp_path):
    cells = [
        cell("markdown", "# 09 · Tiny\n\n**Time:** 5 min teaching, 5 min optional, 10 min exercises."),
        cell("markdown", "## Why this?\n\n" + "word " * 90),
        cell("code", "model.fit(x, y)"),
        cell("markdown", "## Key points\n\n- one\n\n## Exercises\n\n1. Try it."),
        cell("markdown", "<details><summary>Solution 1</summary>\n\nIt gives 3.\n</details>", tags=["solution"]),
        cell("markdown", "## Going further (optional): why?\n\n" + "word " * 240),
        cell("code", "dead = count(model)"),
        cell("code", "# extra code: the figure\nplt.show()"),
        cell("code", "assert dead == 3", tags=[CHECK_TAG]),
        cell("markdown", "## Going further: a second side road\n\n**Check.** Why?"),
        cell("markdown", "**Next:** notebook 10."),
    ]
    path = tmp_path / "09_tiny.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    tiny = rule.read_notebook(path)
    assert (tiny.concepts, tiny.code_cells, tiny.extra_cells, tiny.checks) == (1, 1, 0, 0)
    side = tiny.optional
    assert (side.concepts, side.code_cells, side.extra_cells, side.checks) == (2, 1, 1, 1)
    assert side.words > 240 and tiny.words < 110  # the side roads' words are theirs, not the lesson's
    figures = rule.Figures({"09_tiny": 60.0}, {}, {}, "test")
    # the lesson: its words, one concept, one cell, and the whole notebook's compute (side roads' runs included)
    assert rule.teaching_minutes(tiny, figures) == rule.round_up(tiny.words / 85 + 3 + 1.5 + 1) == 10
    assert rule.optional_minutes(tiny) == rule.round_up(side.words / 85 + 2 * 3 + 1.5 + 0.75 + 5) == 20
    assert rule.header_mismatches([tiny], figures) == [
        "09_tiny: states '5 min teaching, 5 min optional, 10 min exercises.', the rule gives 10 min teaching, "
        "20 min optional, 10 min exercises"]


def test_a_taught_days_record_is_compared_with_the_rule(tmp_path, capsys):
    """The guide's record, filled in after a day: the rule reads it and says how far off its minutes were."""
    notebooks, figures = rule.read_notebooks(), lt.figures_from_guide()
    by_number = {nb.number: nb for nb in notebooks}
    over = {"01": "taught", "02": "taught", "04": "demo"}
    minutes = {n: 2 * (rule.demo_minutes(by_number[n], figures) if kind == "demo"
                       else rule.teaching_minutes(by_number[n], figures)) for n, kind in over.items()}
    record = tmp_path / "taught.md"
    record.write_text("| notebook | taught or demo | minutes, as taught |\n| --- | --- | ---: |\n"
                      + "".join(f"| {n} | {kind} | {minutes[n]} | ran long |\n" for n, kind in over.items())
                      + "| 05 | | | |\n")
    assert lt.main(["--taught", str(record)]) == 0
    out = capsys.readouterr().out
    assert "median ratio taught / rule: 2.00 over 3 notebooks" in out and "by about 2.00" in out
    record.write_text("| 01 | | | |\n")
    assert "nothing to compare" in lt.calibration(record, notebooks, figures)[0]
