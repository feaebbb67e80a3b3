"""Fill a .po file's translations from JSON glossaries; report what is missing."""

import json
import re
import sys


def unquote(block: str) -> str:
    return "".join(json.loads(f'"{part}"') for part in re.findall(r'"((?:[^"\\]|\\.)*)"', block))


def quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _fill_plural(entry: str, table: dict, missing: list) -> str:
    """Fill a plural entry; the glossary gives ["one", "many"] or one text for both."""
    match = re.search(r'^msgid ((?:".*"\n?)+)msgid_plural', entry, re.M)
    if not match:
        return entry
    msgid = unquote(match.group(1))
    english = table.get(msgid)
    if english is None:
        missing.append(msgid)
        return entry
    one, many = (english, english) if isinstance(english, str) else english
    entry = re.sub(
        r'^msgstr\[0\] (?:".*"\n?)+', lambda m: f"msgstr[0] {quote(one)}\n", entry, flags=re.M
    )
    entry = re.sub(
        r'^msgstr\[1\] (?:".*"\n?)+', lambda m: f"msgstr[1] {quote(many)}\n", entry, flags=re.M
    )
    entry = entry.replace("#, fuzzy, ", "#, ").replace("#, fuzzy\n", "")
    return entry.rstrip("\n")


def main(po_path: str, *glossaries: str) -> int:
    table: dict[str, str] = {}
    for path in glossaries:
        with open(path, encoding="utf-8") as fh:
            table.update(json.load(fh))
    with open(po_path, encoding="utf-8") as fh:
        text = fh.read()
    entries = text.split("\n\n")
    missing = []
    out = []
    for entry in entries:
        if "msgid_plural" in entry:
            out.append(_fill_plural(entry, table, missing))
            continue
        match = re.search(r'^msgid ((?:".*"\n?)+)msgstr ((?:".*"\n?)+)', entry, re.M)
        if not match:
            out.append(entry)
            continue
        msgid = unquote(match.group(1))
        if not msgid:
            out.append(entry)
            continue
        english = table.get(msgid)
        if english is None:
            missing.append(msgid)
            out.append(entry)
            continue
        entry = entry[: match.start(2)] + quote(english) + "\n" + entry[match.end(2) :]
        entry = entry.replace("#, fuzzy\n", "")
        out.append(entry.rstrip("\n"))
    with open(po_path, "w", encoding="utf-8") as fh:
        fh.write("\n\n".join(out).rstrip("\n") + "\n")
    if missing:
        print(
            f"{len(missing)} strings without English yet (they show in Indonesian):",
            file=sys.stderr,
        )
        for msgid in missing[:20]:
            print("  " + msgid, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
