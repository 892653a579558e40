"""Timing the README's commands, as a reader runs them: wall time, exit status, peak memory."""

import contextlib
import os
import subprocess
import time
from pathlib import Path

import psutil

import mnist_helpers as mh
from mnist_helpers.layout import ROOT



def readme_command(*command, log):
    """Run one of the README's commands from the repository root, its output into `log`.

    Returns wall-clock seconds, the exit status and the peak memory: the resident memory of
    the command and all the processes it started (notebook kernels, pytest, the browser),
    added up, sampled twice a second. (The operating system's own peak, ru_maxrss, would
    count this benchmark's memory too: a child process starts as a copy of its parent.)"""
    # make passes its command-line variables on, in MAKEFLAGS and in the environment: without
    # this, `make bench ARGS="--seeds 1"` would hand "--seeds 1" to the inner make.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "ARGS")}
    start = time.perf_counter()
    peak = 0
    with open(log, "w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        watched = psutil.Process(process.pid)
        while process.poll() is None:
            resident = 0
            for member in [watched, *watched.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):  # it may end between listing and reading
                    resident += member.memory_info().rss
            peak = max(peak, resident)
            time.sleep(0.5)
    seconds = time.perf_counter() - start
    if process.returncode:
        print(f"{' '.join(command)} failed (exit {process.returncode}); its last lines ({log}):")
        print("".join(Path(log).read_text().splitlines(keepends=True)[-20:]), flush=True)
    return {"command": " ".join(command), "seconds": seconds, "exit_status": process.returncode,
            "peak_memory_mib": peak / 2**20}


def whole_series(folder, log):
    """`make run` with the defaults, into the new run folder `folder`; its figures and per-notebook seconds."""
    result = readme_command("make", "run", f"ARGS=--runs-dir {folder.parent} --name {folder.name}", log=log)
    if result["exit_status"]:
        raise SystemExit("The series failed, so its figures are missing: fix it (see above) and run again.")
    result["notebooks"] = {e["notebook"]: e["seconds"] for e in mh.read_json(folder / "summary.json")["notebooks"]}
    return result
