"""Executing one notebook with papermill, in a kernel of the runner's own kind."""

import ast
import sys
import tempfile
import uuid
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

from mnist_helpers.layout import CHECK_TAG
from mnist_helpers.series import usage


class SeriesKernelManager(AsyncKernelManager):
    """The runner's kernels: Unix sockets instead of TCP ports, and a report of what each used.

    With TCP, two runs starting kernels at the same moment can pick the same free port
    ("Address already in use"); socket files cannot collide. Before shutting down, the kernel
    is asked for its own CPU time and peak memory (usage.own_usage), which lands in last_usage.
    The kernel process's own stderr (its logging, C libraries' messages; not the notebook's outputs,
    which papermill keeps) goes to log_path when it is set: a kernel stopped by Ctrl-C or SIGTERM may
    log a traceback there while it dies, which would otherwise land under the runner's one line.
    """

    log_path = None  # the runner sets it: kernels.log in its run folder
    last_usage = None  # the last kernel's own_usage(), or None if it could not say
    interrupted = False  # set on Ctrl-C / SIGTERM: stop the kernel at once, ask it nothing
    running = set()  # managers whose kernel may be up, for kill_running()

    def __init__(self, **kwargs):
        # jupyter_client's default socket name is "kernel-ipc" in the working folder, the same
        # for every run, so give each kernel its own.
        unique = Path(tempfile.gettempdir()) / f"mnist-kernel-{uuid.uuid4().hex}"
        super().__init__(transport="ipc", ip=str(unique), **kwargs)
        self.running.add(self)

    async def start_kernel(self, **kw):
        if self.log_path is not None and "stderr" not in kw:
            self._log = open(self.log_path, "a", encoding="utf-8")  # noqa: SIM115  closed with the kernel
            kw["stderr"] = self._log
        await super().start_kernel(**kw)

    async def shutdown_kernel(self, now=False, restart=False):
        if self.interrupted:
            now = True
        elif not restart:
            type(self).last_usage = await self._ask_usage()
        await super().shutdown_kernel(now=now, restart=restart)
        self.running.discard(self)
        if getattr(self, "_log", None) is not None:
            self._log.close()

    @classmethod
    def kill_running(cls):
        """Kill kernels an interrupt left behind (one that came while a kernel was starting)."""
        for manager in list(cls.running):
            process = getattr(manager.provisioner, "process", None)
            if process is not None:
                process.kill()
            cls.running.discard(manager)

    async def _ask_usage(self):
        client = self.client()
        # No heartbeat: its thread, stopped before it has started (a quick reply on a busy
        # machine), spins opening sockets until "Too many open files" (jupyter_client 8.10).
        client.start_channels(hb=False)
        # The file run on its own: importing it through the package would load Keras into a kernel that
        # may not have (a stand-in notebook), seconds that its figures would then count as its own.
        expression = f"__import__('runpy').run_path({usage.__file__!r})['own_usage']()"
        try:
            reply = await client.execute_interactive(
                "", silent=True, store_history=False, user_expressions={"usage": expression}, timeout=30
            )
            answer = reply["content"]["user_expressions"]["usage"]
            return ast.literal_eval(answer["data"]["text/plain"])
        except Exception:  # a kernel that cannot say costs the figures, never the run
            return None
        finally:
            client.stop_channels()


def lesson_only(notebook):
    """The notebook without its check cells: what a learner's copy runs, and what ensure_model replays."""
    notebook.cells = [cell for cell in notebook.cells if CHECK_TAG not in cell.metadata.get("tags", [])]
    return notebook


def execute_notebook(notebook, output, parameters, checks=True):
    """Run one notebook with papermill in this environment's kernel, from its own folder.

    With checks=False its check cells are left out (a model made on request runs the lesson,
    not the checks of the text's figures).
    """
    import nbformat
    import papermill

    source = str(notebook) if checks else lesson_only(nbformat.read(notebook, as_version=4))
    papermill.execute_notebook(
        source, str(output), parameters=parameters, cwd=str(Path(notebook).parent),
        progress_bar=sys.stderr.isatty(), request_save_on_cell_execute=True,
        kernel_manager_class=SeriesKernelManager,
    )
