"""The names the command line offers before it does any work: output, report and schema formats, and whether
stderr is a terminal (for the progress bar). Imported at every start, so it imports nothing: the modules that
do the work (``_render``, ``_reportout``, ``_contract_schema``) take these names from here, and load only when a
command needs them."""
from __future__ import annotations

import sys

#: ``--format`` of decide, classify, interact, case and notice (``_render``): jsonl is the contract and the default
OUTPUT_FORMATS = ("jsonl", "table", "csv", "xlsx")
#: ``zwgk report --format`` (``_reportout``): json is the default and the public contract
REPORT_FORMATS = ("json", "md", "xlsx", "docx")
#: ``zwgk schema COMMAND [PART]`` (``_contract_schema.COMMANDS`` has one entry for each)
SCHEMA_COMMANDS = ("decide", "classify", "interact", "case", "notice")
SCHEMA_PARTS = ("input", "output", "error")


def stderr_is_terminal() -> bool:
    try:
        return sys.stderr is not None and sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False
