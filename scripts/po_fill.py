"""Fill a .po file's translations from JSON glossaries; report what is missing."""

import json
import re
import sys


def unquote(block: str) -> str:
    return "".join(json.loads(f'"{part}"') for part in re.findall(r'"((?:[^"\\]|\\.)*)"', block))


def quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


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
        match = re.search(r'^msgid ((?:".*"\n?)+)msgstr ((?:".*"\n?)+)', entry, re.M)
        if not match or "msgid_plural" in entry:
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
