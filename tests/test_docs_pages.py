"""The pages learners look for (docs/learners.md, docs/glossary.md, docs/surveys.md): linked from the
README and the instructor guide, their links resolve, and every glossary term is one its notebook defines."""

import re

import nbformat
import pytest

from mnist_helpers.layout import ROOT

DOCS = ROOT / "docs"
PAGES = ["learners.md", "glossary.md", "surveys.md"]
ENTRY = re.compile(r"^- \*\*(?P<term>[^*]+)\*\* \(\[(?P<number>\d\d)\]\((?P<link>[^)]+)\)\): (?P<definition>.+)$")


def glossary():
    return [ENTRY.match(line) for line in (DOCS / "glossary.md").read_text().splitlines() if line.startswith("- **")]


def defined_terms(notebook):
    """The bold phrases and the headings of the notebook's markdown, lower case, one space between words."""
    found = []
    for cell in nbformat.read(notebook, 4).cells:
        if cell.cell_type == "markdown":
            found += re.findall(r"\*\*([^*]+)\*\*", cell.source)
            found += re.findall(r"^#+ (.+)$", cell.source, re.M)
    return [" ".join(text.lower().split()) for text in found]


def test_every_glossary_line_is_an_entry_in_alphabetical_order():
    entries = glossary()
    assert entries and all(entries), "each line '- **term** ([NN](../notebooks/NN_….ipynb)): definition.'"
    terms = [entry["term"].lower() for entry in entries]
    assert terms == sorted(terms), "alphabetical, so that a learner finds a term"


@pytest.mark.parametrize("entry", glossary(), ids=lambda entry: entry["term"])
def test_each_glossary_term_links_to_the_notebook_that_defines_it(entry):
    notebook = (DOCS / entry["link"]).resolve()
    assert notebook.is_file() and notebook.name.startswith(entry["number"] + "_"), entry["link"]
    term = " ".join(entry["term"].lower().split())
    assert any(term in text for text in defined_terms(notebook)), (
        f"{notebook.name} does not bold '{entry['term']}' (nor name it in a heading): move the entry, or bold the term")


@pytest.mark.parametrize("page", PAGES)
def test_each_page_is_linked_and_its_links_resolve(page):
    for linking in (ROOT / "README.md", DOCS / "instructor-guide.md"):
        assert f"{page})" in linking.read_text(), f"{linking.name} links to docs/{page}"
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", (DOCS / page).read_text()):
        if not target.startswith("http"):
            assert (DOCS / target).resolve().exists(), f"{page} links to {target}, which does not exist"
