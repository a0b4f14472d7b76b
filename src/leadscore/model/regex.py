"""The portable regex subset (SPEC §3 item 2, §3a).

DuckDB (RE2), PostgreSQL (ARE) and Spark (java.util.regex) agree on a common core: literals,
escaped punctuation, `.`, `^`, `$`, classes `[...]` with ranges and negation, groups `(...)`
and `(?:...)`, alternation and the quantifiers `* + ? {n} {n,} {n,m}` (also lazy). Everything
else is rejected at load with a reason, so a pattern means the same on every engine.
"""

from __future__ import annotations

import re

_ALLOWED_ESCAPES = set("nt")  # \n, \t; any escaped punctuation is a literal
_POSIX = {
    "[:alpha:]": "[a-z]",
    "[:digit:]": "[0-9]",
    "[:alnum:]": "[a-z0-9]",
    "[:space:]": "[ \\t\\n]",
    "[:upper:]": "[A-Z] with case_sensitive: true",
    "[:lower:]": "[a-z] with case_sensitive: true",
}


class RegexError(ValueError):
    """Why a pattern leaves the portable subset, and how to stay inside it."""

    def __init__(self, reason: str, hint: str | None = None) -> None:
        super().__init__(reason)
        self.hint = hint


MAX_COUNT = 255  # PostgreSQL's largest {n,m}
MAX_NESTED_COUNT = 1000  # RE2's largest product of nested counts, (?:x{200}){5}


def check_portable(pattern: str, case_sensitive: bool = True) -> None:
    """Raise :class:`RegexError` with a reason when `pattern` leaves the portable subset.

    A case-insensitive pattern is matched lower-cased (SPEC §3a), so that form is checked too:
    `[Z-a]` is a range, `[z-a]` is not."""
    _scan(pattern)
    _compiles(pattern, "")
    if not case_sensitive and (lowered := lower_pattern(pattern)) != pattern:
        _compiles(lowered, " once lower-cased, as case-insensitive matching does")


def _compiles(pattern: str, when: str) -> None:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise RegexError(
            f"{exc.msg}{when}",
            "write both ends of a range in the same case, e.g. [a-z], or set case_sensitive: true"
            if when
            else None,
        ) from None


def _scan(pattern: str) -> None:
    i, n = 0, len(pattern)
    depth = 0
    prev_quantifiable = False
    # the largest product of counted repeats inside each open group, and of the last atom
    inner: list[int] = [1]
    atom = 1
    while i < n:
        c = pattern[i]
        if c == "\\":
            if i + 1 >= n:
                raise RegexError("the pattern ends with a lone backslash")
            e = pattern[i + 1]
            _check_escape(e)
            i += 2
            prev_quantifiable = True
            atom = 1
            continue
        if c == "[":
            i = _skip_class(pattern, i)
            prev_quantifiable = True
            atom = 1
            continue
        if c == "(":
            if pattern.startswith("(?", i):
                if not pattern.startswith("(?:", i):
                    raise _group_error(pattern[i:])
                i += 3
            else:
                i += 1
            depth += 1
            inner.append(1)
            prev_quantifiable = False
            continue
        if c == ")":
            if depth == 0:
                raise RegexError("unbalanced ')'")
            depth -= 1
            atom = inner.pop()
            inner[-1] = max(inner[-1], atom)
            i += 1
            prev_quantifiable = True
            continue
        if c in "*+?":
            if not prev_quantifiable:
                raise RegexError(f"'{c}' has nothing to repeat")
            i += 1
            if i < n and pattern[i] == "?":
                i += 1  # lazy
            if i < n and pattern[i] in "*+":
                raise RegexError("possessive or stacked quantifiers differ between engines")
            prev_quantifiable = False
            continue
        if c == "{":
            m = re.match(r"\{([0-9]+)(,([0-9]*))?\}", pattern[i:])
            if not m:
                raise RegexError("a literal '{' must be escaped as '\\{'; quantifiers are {n}, {n,} or {n,m}")
            if not prev_quantifiable:
                raise RegexError("'{' quantifier has nothing to repeat")
            if m.group(3) and int(m.group(3)) < int(m.group(1)):
                raise RegexError(f"quantifier {m.group(0)} has its maximum below its minimum")
            count = max(int(m.group(1)), int(m.group(3) or 0))
            if count > MAX_COUNT:
                raise RegexError(
                    f"quantifier {m.group(0)} repeats more than every engine accepts (PostgreSQL stops at {MAX_COUNT})",
                    f"repeat at most {MAX_COUNT} times, or test the length another way",
                )
            atom *= count
            if atom > MAX_NESTED_COUNT:
                raise RegexError(
                    f"nested quantifiers repeat {atom} times in all, more than every engine accepts "
                    f"(RE2 in DuckDB stops at {MAX_NESTED_COUNT})",
                    f"keep the product of nested counts at {MAX_NESTED_COUNT} or below",
                )
            inner[-1] = max(inner[-1], atom)
            i += len(m.group(0))
            if i < n and pattern[i] == "?":
                i += 1
            if i < n and pattern[i] in "*+":
                raise RegexError("possessive or stacked quantifiers differ between engines")
            prev_quantifiable = False
            continue
        if c == "}":
            raise RegexError("a literal '}' must be escaped as '\\}'")
        if c == "]":
            raise RegexError("a literal ']' must be escaped as '\\]'")
        prev_quantifiable = c not in "|^$"
        atom = 1
        i += 1
    if depth:
        raise RegexError("unbalanced '('")


def _group_error(rest: str) -> RegexError:
    """`rest` starts with `(?` but not `(?:`."""
    if rest.startswith(("(?=", "(?!")):
        return RegexError(
            f"look-ahead '{rest[:3]}' differs between engines (RE2 has none)",
            "write the exclusion as its own condition, e.g. not: {field: job_title, starts_with: intern}",
        )
    if rest.startswith(("(?<=", "(?<!")):
        return RegexError(
            f"look-behind '{rest[:4]}' differs between engines (RE2 has none)",
            "write the exclusion as its own condition, e.g. not: {field: url, contains: blog}",
        )
    if rest.startswith(("(?P<", "(?<", "(?'")):
        return RegexError("named groups differ between engines", "use a plain group (...) or (?:...)")
    m = re.match(r"\(\?[a-zA-Z-]+\)?", rest)
    flag = m.group(0) if m else "(?"
    if "i" in flag:
        return RegexError(
            f"inline flag '{flag}' differs between engines",
            "text comparison ignores case already; drop the flag (case_sensitive: true turns that off)",
        )
    return RegexError(f"'{flag}' differs between engines; only '(?:' is portable", "use (?:...) for a group")


def _check_escape(e: str) -> None:
    if e.isdigit():
        raise RegexError(
            f"back-reference '\\{e}' differs between engines (RE2 has none)",
            "write the repeated text out",
        )
    if e in "dDwWsS":
        cls = {
            "d": "[0-9]",
            "D": "[^0-9]",
            "w": "[a-z0-9_]",
            "W": "[^a-z0-9_]",
            "s": "[ \\t\\n]",
            "S": "[^ \\t\\n]",
        }[e]
        raise RegexError(f"'\\{e}' means different characters on different engines", f"write {cls}")
    if e in "bB":
        raise RegexError(
            f"word boundary '\\{e}' differs between engines",
            "match the edges explicitly, e.g. (^|[^a-z0-9])cto([^a-z0-9]|$)",
        )
    if e.isalnum() and e not in _ALLOWED_ESCAPES:
        raise RegexError(f"escape '\\{e}' differs between engines", "escape only punctuation, \\n or \\t")
    if not e.isascii():
        raise RegexError(f"escape '\\{e}' differs between engines", "write the character without '\\'")


def _skip_class(pattern: str, i: int) -> int:
    """Validate a character class starting at `pattern[i] == '['`; return the index after it."""
    n = len(pattern)
    j = i + 1
    if j < n and pattern[j] == "^":
        j += 1
    if j < n and pattern[j] == "]":
        raise RegexError("a ']' first in a class is read differently by engines; escape it as '\\]'")
    empty = True
    while j < n:
        c = pattern[j]
        if c == "]":
            if empty:
                raise RegexError("empty character class")
            return j + 1
        if c == "\\":
            if j + 1 >= n:
                raise RegexError("the pattern ends with a lone backslash")
            _check_escape(pattern[j + 1])
            j += 2
        elif c == "[":
            if pattern.startswith("[:", j):
                end = pattern.find(":]", j)
                name = pattern[j : end + 2] if end > 0 else "[:...:]"
                raise RegexError(
                    f"POSIX class '{name}' differs between engines",
                    f"write the characters out, e.g. {_POSIX.get(name, '[a-z]')}",
                )
            raise RegexError("'[' inside a class differs between engines", "escape it as '\\['")
        elif pattern.startswith("&&", j):
            raise RegexError("'&&' inside a class means intersection on Spark; escape one '&'")
        else:
            j += 1
        empty = False
    raise RegexError("unterminated character class '['")


def lower_pattern(pattern: str) -> str:
    """Lower-case a pattern for case-insensitive matching, keeping escapes as written."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\" and i + 1 < len(pattern):
            out.append(pattern[i : i + 2])
            i += 2
            continue
        out.append(pattern[i].lower() if len(pattern[i].lower()) == 1 else pattern[i])
        i += 1
    return "".join(out)


def python_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a portable pattern with Python's `re` so that it searches like RE2.

    Python's `$` also matches before a final newline; RE2 and PostgreSQL match only at the
    very end, so an unescaped `$` outside a class becomes `\\Z`.
    """
    return re.compile(_rewrite_outside_classes(pattern, {"$": r"\Z"}))


def _rewrite_outside_classes(pattern: str, replace: dict[str, str]) -> str:
    """Replace unescaped metacharacters outside `[...]` (the pattern is already portable)."""
    out: list[str] = []
    i, n = 0, len(pattern)
    in_class = False
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
            out.append(c)
        elif c == "[":
            in_class = True
            out.append(c)
            if i + 1 < n and pattern[i + 1] == "^":
                out.append("^")
                i += 1
        else:
            out.append(replace.get(c, c))
        i += 1
    return "".join(out)


def postgres_pattern(pattern: str) -> str:
    """PostgreSQL's `.` also matches a newline; RE2, Java and Python's do not."""
    return _rewrite_outside_classes(pattern, {".": "[^\\n]"})


def java_pattern(pattern: str) -> str:
    """Java's `$` also matches before a final newline; `\\z` is the very end, as in RE2. Java's
    `.` also skips \\r, U+0085, U+2028 and U+2029 unless in UNIX_LINES mode (`(?d)`), where
    only \\n is a line break, as in RE2 and Python."""
    return "(?d)" + _rewrite_outside_classes(pattern, {"$": "\\z"})
