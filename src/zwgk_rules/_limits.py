"""Every size limit of the library, in one place (documented in ``docs/limits.md``).

An input beyond a limit is answered by one error naming the field (or, for a line of the command
line, one error line); nothing beyond a limit is read into memory. The limits are far above what a
real request, document or pack needs; they exist so that a hostile or broken input costs a bounded
amount of time and memory. The limits on rule files and packs are in the last section (read by
:mod:`zwgk_rules._yaml`, ``_statutes``, ``_conditions``, ``_tables``, ``_rulebook`` and ``_check``; also
documented in ``docs/rules.md`` and ``docs/authoring-packs.md``, "限制 / Limits").
"""
from __future__ import annotations

# ---------------------------------------------------------------- inputs (requests, documents, messages)

#: one input line of ``zwgk decide|classify|interact`` (bytes), and a whole ``.json`` input file
MAX_LINE_BYTES = 8 * 1024 * 1024
#: items (所申请的信息) in one request
MAX_ITEMS = 1000
#: consultations (征求意见) in one request
MAX_CONSULTATIONS = 100
#: free text: an item's ``description``, a document's or message's ``title`` (characters)
MAX_TEXT = 2000
#: names: ``responsible_agency`` (characters)
MAX_NAME = 200
#: the caller's ``id`` (characters)
MAX_ID = 256
#: codes: ``jurisdiction``, a message's ``kind`` (characters)
MAX_CODE = 64
#: how much of a rejected value an error message repeats (characters)
MAX_ECHO = 60

# ---------------------------------------------------------------- spreadsheets (CSV and XLSX, in and out)
# Excel's own limits, so that anything Excel can hold is read, and nothing larger is attempted.

#: characters in one cell (Excel's limit); a longer cell is an error line naming its column
MAX_CELL_CHARS = 32_767
#: columns of a sheet (Excel's limit: XFD); a header row with more is refused (exit 2)
MAX_COLUMNS = 16_384
#: rows of one worksheet, header included (Excel's limit): reading stops there with exit 2; written, the
#: answers go on in a new sheet
MAX_SHEET_ROWS = 1_048_576
#: size of an ``.xlsx`` file read (bytes); a CSV file has no size limit (it is read in bounded blocks,
#: every record within ``MAX_LINE_BYTES``)
MAX_XLSX_BYTES = 256 * 1024 * 1024
#: uncompressed size of one part of an ``.xlsx`` file (a zip): the shared-strings part is read whole
MAX_XLSX_PART_BYTES = 512 * 1024 * 1024

# ---------------------------------------------------------------- memory of the speed layer

#: a decision plan is memoised only for requests with at most this many items; a larger request is
#: decided afresh each time: its combination of item answers seldom comes again (on diverse traffic 39 % of
#: three-item plans and 80 % of four-item ones were new), and keeping them flushed the memo of the plans that
#: do repeat (callgrind, diverse: 48.4 → 46.4 L2 misses a request; memo-hostile: 110.6 → 75.4)
MEMO_MAX_ITEMS = 2


def echo(value) -> str:
    """``repr(value)`` cut to :data:`MAX_ECHO` characters, for error messages (a long string is cut before
    it is repeated, so a 50 MB value costs nothing here)."""
    if isinstance(value, (str, bytes)) and len(value) > MAX_ECHO:
        unit = "字符 / chars" if isinstance(value, str) else "字节 / bytes"
        return f"{value[:MAX_ECHO]!r}…（共 {len(value)} 个{unit}）"
    import reprlib
    short = reprlib.Repr()          # bounded in depth and width: a value nested 100,000 deep is fine
    short.maxlevel, short.maxstring, short.maxother = 3, MAX_ECHO, MAX_ECHO
    short.maxlist = short.maxtuple = short.maxdict = short.maxset = 5
    text = short.repr(value)
    return text if len(text) <= MAX_ECHO else text[:MAX_ECHO] + "…"


def closest(word, options) -> str | None:
    """The option closest to ``word`` (for "did you mean"), or None. A word longer than any sensible
    name is not compared at all: difflib indexes the word and costs about 45 times its size."""
    import difflib
    word = str(word)
    if len(word) > 2 * MAX_CODE:
        return None
    close = difflib.get_close_matches(word, [str(o) for o in options], n=1)
    return close[0] if close else None


# ---------------------------------------------------------------- documents as files (``_documents``)
#: a document file (.docx, .pdf, .ofd, .txt) larger than this is an error line, not read
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
#: parts of a .docx or .ofd package (a zip)
MAX_ZIP_MEMBERS = 2_000
#: a .docx or .ofd package unpacked
MAX_ZIP_TOTAL_BYTES = 256 * 1024 * 1024
#: one XML part of a package
MAX_XML_BYTES = 64 * 1024 * 1024
#: pages of a .pdf or .ofd
MAX_DOCUMENT_PAGES = 2_000
#: lines (paragraphs) of a document
MAX_DOCUMENT_LINES = 200_000
#: a sidecar NAME.json / NAME.yaml
MAX_SIDECAR_BYTES = 1024 * 1024


# ---------------------------------------------------------------- rule files and packs (限制 / Limits)
# Rule files and packs are data, and a pack may come from anyone. Every walk over them is bounded, so
# that a hostile or careless file ends in one RuleFileError naming the file, the rule and the field —
# quickly, in little memory, never as a RecursionError or a hang. The limits are far above anything
# the bundled rules use (shown after each limit).

#: largest rule file read, in bytes (bundled: about 35 KB)
MAX_FILE_BYTES = 4 * 1024 * 1024
#: deepest nesting of YAML mappings and lists in a rule file (bundled: 8)
MAX_YAML_DEPTH = 64

#: rules a pack may add to the national tables (``rules:`` of ``pack.yaml``; bundled: 11)
MAX_PACK_RULES = 5_000
#: longest chain of exceptions: a rule that is an exception to an exception to … (bundled: 3)
MAX_EXCEPTION_DEPTH = 64
#: deepest nesting of ``all`` / ``any`` / ``not`` in one condition (``when`` / ``applies_when``; bundled: 3)
MAX_CONDITION_DEPTH = 32
#: tests and connectives in one condition (bundled: 5)
MAX_CONDITION_NODES = 1_000
#: values in one ``in`` / ``not_in`` / ``has_any`` / ``has_all`` / ``has_none`` list (bundled: 4)
MAX_CONDITION_VALUES = 256

#: highest article number in a statute file (条; bundled: 703, 横县 numbers its seventh document's 第三条 703)
MAX_ARTICLE = 9_999
#: highest paragraph (款) or item (项) number in a statute file (bundled: 15)
MAX_PARAGRAPH = 999
#: longest period, in days, a pack may apply (``effect: apply``) or give a message (``interaction``; bundled: 30)
MAX_PERIOD_DAYS = 366

#: ``zwgk check``: most combinations of values (× date segments) a table is analysed on exhaustively
MAX_CHECK_COMBINATIONS = 400_000
#: ``zwgk check``: most rule evaluations (combinations × rules) for one table (bundled: 589,824); beyond
#: either, the table is not analysed and a warning ``analysis_incomplete`` says so
MAX_CHECK_EVALUATIONS = 10_000_000
