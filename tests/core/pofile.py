"""A small reader and writer of gettext .po files as makemessages writes them (entries separated by
blank lines), enough for the catalogue checks and for filling in translations."""

import ast
import re

_KEY = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")$")


def read_po(path):
    """Entries as dicts: msgctxt, msgid, msgid_plural, msgstr (dict index -> text), flags, obsolete.
    The header entry (empty msgid) is left out."""
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry = {"msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": {}, "flags": set(),
                 "obsolete": False}
        key = None
        for raw in block.splitlines():
            line = raw.strip()
            if line.startswith("#~"):
                entry["obsolete"] = True
                line = line[2:].strip()
            elif line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
                continue
            elif line.startswith("#") or not line:
                continue
            match = _KEY.match(line)
            if match:
                key, text = match.group(1), ast.literal_eval(match.group(2))
            elif line.startswith('"'):
                text = ast.literal_eval(line)
            else:
                raise ValueError(f"{path}: cannot read line {raw!r}")
            _append(entry, key, text)
        if entry["msgid"]:
            entries.append(entry)
    return entries


def _append(entry, key, text):
    if key.startswith("msgstr"):
        index = int(key[7:-1]) if "[" in key else 0
        entry["msgstr"][index] = entry["msgstr"].get(index, "") + text
    else:
        entry[key] = (entry[key] or "") + text
