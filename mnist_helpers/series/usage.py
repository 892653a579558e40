"""What a kernel used: asked of each kernel by the runner just before it shuts down, and by
notebook 05's memory check. Kept apart so that a kernel can run the file on its own, without the package."""

import re
import sys
from pathlib import Path


def own_usage():
    """CPU seconds and peak resident MiB of this process so far; None for each where unknown (Windows).

    On Linux the peak is the process's own VmHWM: ru_maxrss may include the runner's memory,
    as Linux keeps the larger of the parent's peak across fork and exec.
    """
    try:
        import resource
    except ImportError:
        return {"cpu_seconds": None, "peak_mib": None}
    usage = resource.getrusage(resource.RUSAGE_SELF)
    try:
        status = Path("/proc/self/status").read_text()
        peak_kib = int(re.search(r"^VmHWM:\s*(\d+) kB", status, re.M).group(1))
    except (OSError, AttributeError):
        peak_kib = usage.ru_maxrss / 1024 if sys.platform == "darwin" else usage.ru_maxrss  # macOS counts bytes
    return {"cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1), "peak_mib": round(peak_kib / 1024)}
