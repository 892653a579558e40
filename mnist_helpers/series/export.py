"""Lesson code written once: `python -m mnist_helpers.series.export [--check]`.

A notebook writes out the code it teaches; a module of the package reuses it. Each module in
MODULES is a hand-written head (docstring, imports, what the package adds that no lesson
writes), then the marker line, then the sources of its notebook's code cells tagged `export`
(EXPORT_TAG), in order, two blank lines apart. This command rewrites every module below its
marker from the notebooks; with --check it changes nothing and exits 1 when a module is not
what its notebook gives (the tests run that).
"""

import difflib
import json
import sys

from mnist_helpers.layout import EXPORT_TAG, ROOT

MODULES = {  # module (from the repository's root) -> the notebook it exports from
    "mnist_helpers/training.py": "05_training.ipynb",
    "mnist_helpers/evidence.py": "04_choosing_a_design.ipynb",
}
COMMAND = "python -m mnist_helpers.series.export"
MARKER = f"# --- From notebooks/{{}}: edit it there, then run `{COMMAND}` ---"


def exported_cells(notebook):
    """The sources of the notebook's code cells tagged `export`, in order."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return ["".join(cell["source"]).strip() for cell in cells
            if cell["cell_type"] == "code" and EXPORT_TAG in cell.get("metadata", {}).get("tags", [])]


def generated(module_text, notebook):
    """The module as the notebook gives it: its head kept as it is, everything below the marker rewritten."""
    marker = MARKER.format(notebook.name)
    head, found, _ = module_text.partition(marker + "\n")
    if not found:
        raise SystemExit(f"{COMMAND}: the module has no line\n{marker}\nto separate its head from the exported code.")
    cells = exported_cells(notebook)
    if not cells:
        raise SystemExit(f"{COMMAND}: notebooks/{notebook.name} has no code cell tagged {EXPORT_TAG!r}.")
    return head + marker + "\n\n" + "\n\n\n".join(cells) + "\n"


def export(check=False, root=ROOT, modules=MODULES):
    """Rewrite (or, with check, compare) each module; return the modules that differed."""
    stale = []
    for module, notebook in modules.items():
        path = root / module
        text = path.read_text(encoding="utf-8")
        wanted = generated(text, root / "notebooks" / notebook)
        if text == wanted:
            continue
        stale.append(module)
        if check:
            diff = difflib.unified_diff(text.splitlines(), wanted.splitlines(), f"{module} (now)",
                                        f"{module} (from notebooks/{notebook})", lineterm="", n=1)
            print(f"{module} is not what notebooks/{notebook} exports; run `{COMMAND}` to rewrite it:")
            print("\n".join(list(diff)[:40]))
        else:
            path.write_text(wanted, encoding="utf-8")
            print(f"rewrote {module} from notebooks/{notebook}")
    return stale


def main(argv=None, root=ROOT, modules=MODULES):
    argv = sys.argv[1:] if argv is None else argv
    if argv not in ([], ["--check"]):
        raise SystemExit(f"usage: {COMMAND} [--check]")
    check = argv == ["--check"]
    stale = export(check, root, modules)
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
