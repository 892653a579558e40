"""The workshop the lesson minutes add up to: the schedules of a day (the cuts of the guide's
"When time runs short", applied in order) and the sizing of a hub for a room (docs/hub.md states
the same rule). lesson_time.py renders both into the docs.
"""

import math
from dataclasses import dataclass, field

from mnist_helpers.series.lesson_minutes import compute_minutes, demo_minutes, exercise_minutes, teaching_minutes

# --- Hub sizing (docs/hub.md states the same rule) -----------------------------------------------
SERVER_MIB = 87              # an idle JupyterLab 4.6 server, no kernel: measured RSS (ps), learner pins
KERNELS_PER_LEARNER = 2      # the current notebook's kernel and the previous one, often left running
HEADROOM = 0.3               # TLJH's resource-estimation guide: 20-40 % over the measured maximum
SLOWDOWN = 2                 # a shared server may take up to twice as long as a quiet 2-core laptop
HUB_OVERHEAD_MIB = 128       # TLJH's own services (its resource-estimation guide)
BINDER_MIB = 2048            # mybinder.org: 1 GB guaranteed, 2 GB maximum, then the kernel restarts
SERVERS = ((4, 16), (8, 32), (16, 64), (32, 128))  # (cores, GB) of servers to size for
LEARNERS = 30


# --- Schedules ----------------------------------------------------------------------------------
# A schedule lists its sessions in order: ("nb", "05", (1,)) teaches notebook 05 hands-on with its
# exercise 1 in class (the other exercises are homework); ("demo", "04") shows 04 from the instructor's
# screen. While the day has less slack than it asks for, its cuts, the notebooks whose in-class exercises
# move to homework, apply in order, as the guide's "When time runs short" says. Like the lesson minutes,
# these constants are judgement, not yet calibrated on a taught day (the guide's record of one is how).
ROOM_SLOWDOWN = 2  # hands-on, the room's laptops or a shared hub may take up to twice the measured compute
MAX_STRETCH = 75   # minutes of notebooks (taught or shown) in a row at most: a break, or another activity, then


@dataclass
class Schedule:
    name: str
    start: str
    end: str
    min_slack: int
    sessions: list
    cuts: list = field(default_factory=list)


WELCOME = "Welcome, set-up check (`doctor`), the notes document, sticky notes"
# The first morning of either plan: 01 to 03 hands-on, each with its exercise 1, a break after each.
MORNING = [
    ("fixed", WELCOME, 10),
    ("nb", "01", (1,)),
    ("fixed", "Break", 15),
    ("nb", "02", (1,)),
    ("fixed", "Break", 15),
    ("nb", "03", (1,)),
    ("fixed", "Lunch", 60),
]
ONE_DAY = Schedule(
    name="One day", start="09:00", end="17:00", min_slack=30,
    sessions=MORNING + [
        ("demo", "04"),
        ("fixed", "Break", 10),
        ("nb", "05", (1,)),
        ("fixed", "Wrap-up: key points of the day, 06 to 08 at home, feedback (one up, one down)", 15),
    ],
    cuts=["02", "01"],
)
TWO_DAYS = Schedule(
    name="Two days", start="09:00", end="17:00", min_slack=30,
    sessions=MORNING + [
        ("nb", "04", (1,)),
        ("fixed", "Break", 15),
        ("fixed", "The exercises of 01 to 04 left, at your pace, helpers around", 45),
        ("fixed", "Wrap-up of day 1, feedback (one up, one down)", 10),
        ("day", "Day 2"),
        ("fixed", "Welcome back: questions from day 1", 10),
        ("nb", "05", (1,)),
        ("fixed", "Break", 15),
        ("nb", "06", (1,)),
        ("fixed", "Lunch", 60),
        ("nb", "07", (1,)),
        ("fixed", "Break", 15),
        ("nb", "08", (1,)),
        ("fixed", "Break", 15),
        ("fixed", "Your own digits, the Going further sections", 30),
        ("fixed", "Wrap-up: key points of the two days, feedback, where next", 15),
    ],
    cuts=["04", "07"],
)

HALF_DAY = Schedule(
    name="Half day (01 to 04)", start="09:00", end="13:00", min_slack=10,
    sessions=[
        ("fixed", WELCOME, 10),
        ("demo", "01"),
        ("fixed", "Break", 10),
        ("nb", "02", ()),
        ("fixed", "Break", 15),
        ("nb", "03", ()),
        ("fixed", "Break", 10),
        ("demo", "04"),
        ("fixed", "Wrap-up and feedback (one up, one down); 05 to 08 at home", 10),
    ],
)

SCHEDULES = (ONE_DAY, TWO_DAYS, HALF_DAY)


def _clock(minutes):
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _minutes(clock):
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def plan(schedule, notebooks, figures):
    """Rows (clock, session, minutes, note), the slack (the smallest of any day's) and the cuts applied, the
    longest stretch without a break; None if figures are missing. ("day", name) starts the next day."""
    by_number = {nb.number: nb for nb in notebooks}
    in_class = {s[1]: set(s[2]) for s in schedule.sessions if s[0] == "nb"}
    demos = {s[1] for s in schedule.sessions if s[0] == "demo"}  # shown from the instructor's screen
    length = _minutes(schedule.end) - _minutes(schedule.start)

    def rows_and_slack():
        rows, slacks, used = [], [], 0
        for session in schedule.sessions:
            if session[0] == "day":
                slacks.append(length - used)
                rows.append((session[1], None, ""))
                used = 0
                continue
            if session[0] == "fixed":
                rows.append((session[1], session[2], ""))
                used += session[2]
                continue
            nb = by_number[session[1]]
            if session[1] in demos:
                minutes = demo_minutes(nb, figures)
                if minutes is None:
                    return None, None
                rows.append((f"{nb.title} (demo)", minutes, "demo from your screen; hands-on as homework"))
                used += minutes
                continue
            teach, compute = teaching_minutes(nb, figures), compute_minutes(nb, figures)
            chosen = sorted(in_class[session[1]])
            exercises = exercise_minutes(nb, figures, chosen)
            if teach is None or exercises is None or compute is None:
                return None, None
            slower = math.ceil(compute * (ROOM_SLOWDOWN - 1))  # the room's laptops: the compute once more
            note = (f"teaching {teach} + exercise {', '.join(map(str, chosen))}: {exercises}" if chosen
                    else f"teaching {teach}; exercises as homework") + f" + {slower} for slower laptops"
            rows.append((nb.title, teach + exercises + slower, note))
            used += teach + exercises + slower
        return rows, min(slacks + [length - used])

    rows, slack = rows_and_slack()
    if rows is None:
        return None
    applied = []
    for number in schedule.cuts:
        if slack >= schedule.min_slack:
            break
        if in_class.get(number):
            applied.append((number, in_class[number]))
            in_class[number] = set()
            rows, slack = rows_and_slack()
    # A later, larger cut may have made an earlier one unnecessary: undo those that still fit.
    for number, saved in reversed(applied[:-1]):
        in_class[number] = saved
        rows, slack = rows_and_slack()
        if slack >= schedule.min_slack:
            applied.remove((number, saved))
        else:
            in_class[number] = set()
    rows, slack = rows_and_slack()
    applied = [f"{number} exercises to homework" for number, _ in applied]
    clock, timed, stretch, longest = _minutes(schedule.start), [], 0, 0
    for session, minutes, note in rows:
        if minutes is None:  # the next day
            timed.append((None, session, None, note))
            clock, stretch = _minutes(schedule.start), 0
            continue
        timed.append((_clock(clock), session, minutes, note))
        clock += minutes
        stretch = stretch + minutes if note else 0  # a notebook's row has a note; a break or other activity none
        longest = max(longest, stretch)
    return {"rows": timed, "end": _clock(clock), "slack": slack, "cuts": applied, "longest_stretch": longest,
            "fits": slack >= schedule.min_slack and longest <= MAX_STRETCH}


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
