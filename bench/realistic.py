"""Realistic letter collections, for benchmarks: an invented humanist correspondence, generated.

What a large scholarly edition of letters holds: letters of 1 to 30 pages (most short),
each with a headnote, the English translation, then its Latin original (about a third of
the text); paragraphs of up to a page and a half; about 0.7 notes a page, most short,
some of a page, and some paragraphs with ten or more calls; verse in some letters;
uncertain, approximate and interval dates (EDTF) and a few undated letters; senders and
recipients in persons.yaml, places in places.yaml, tagged in each letter's dateline,
salutation and signature (an index of names and one of places, from some hundreds of
mentions); more than five sources, so a numbered list at the back.  The
words come from fixed English and Latin word lists (2 to 14 letters, so lines hyphenate)
by a seeded random.Random: the same pages and seed give the same files, byte for byte.
With parts, the correspondence is divided by year, each part opening on a recto (as in
bench/corpus.py).  PAGES is the PDF page count aimed at (6x9 in, the edition's type).
Usage: python bench/realistic.py PAGES OUT_DIR [--parts] [--seed N]
"""

from __future__ import annotations

import argparse
import datetime
import random
import shutil
import uuid
from pathlib import Path

import yaml

# Characters of Markdown text (body, original, headnote, notes) asked for a PDF page; letters come out about 5%
# longer than asked, about 2,400 a page.  Calibrated by builds: 60 pages asked -> 59, 350 -> 349 (349 with parts).
CHARS_PER_PAGE = 2300
EN_SHORT = "the of and to in that it is was he for as with his be by not but at this from which or we you all have had so if one are may no my our".split()
EN_WORDS = """letter brother friend house books printer city council winter summer journey answer greeting reason matter
question church scholars students faith learning Greek grammar copies edition pages money messenger promise
servant master doctor honour plague harvest market bishop emperor peace quarrel opinion sermon garden illness
written received promised understood remember delayed returned finished careful several whole common
nevertheless translation correspondence understanding ecclesiastical extraordinary commentaries
acknowledged responsibility disappointment recommendation circumstances consideration neighbourhood
misunderstood unfortunately distinguished manuscripts controversies philosophers
theologians apprehension magistrates benevolence indulgence""".split()
LA_SHORT = "et in est ad non cum ut sed quod de per qui quae nos uos te me si ac nec enim iam tam hoc esse sunt tibi mihi".split()
LA_WORDS = """epistola frater amicus domus libros typographus ciuitas consilium hieme aestate iter responsum salutem causa
quaestio ecclesia docti studiosi fides litterae graece grammatica exemplaria editionem paginas pecuniam nuntius
promissum seruus magister doctor honorem pestis messis forum episcopus imperator pacem rixam sententiam
scripsisti accepimus promisisti intellexi memini redditum absolutum diligenter plurimum totius communis
nihilominus translationem commentariorum intellegentiam ecclesiasticam extraordinaria humanissime
beneuolentiam commendationem circumstantiis consideratio uicinitatem reuerendissimo
tranquillitas expectationem controuersiis philosophorum theologorum magistratibus
indulgentiam consuetudinem disputationes""".split()
# EDTF dates: a day (most), a month, uncertain or approximate, unspecified day, intervals, open ends, undated.
DATES = "{d} {y}-{m} {y}-{m}? {d}~ {y}-{m}-XX {y}-{m}/{y2}-{m2} {y}? {y}/{y1} ../{y1} {y}/.. {y}%".split() + [""]
MONTHS = "January February March April May June July August September October November December".split()
FIRST = "Konrad Ulrich Beatus Caspar Wolfgang Heinrich Johannes Sebastian Thomas Ambrosius Lukas Jakob Andreas Oswald".split()
LAST = "Feldkircher Hagenbach Oberried Lindauer Steinhauser Wolfhart Rosenblatt Kesselring Morgenthal Birkenfeld Tannried Eschenbach Hollweg Brunnmatt".split()
PLACES = (
    "Basel Strasbourg Zurich Freiburg Constance Nuremberg Augsburg Leuven Paris Venice Padua Lyon Schlettstadt Wittenberg".split()
)


def make(pages: int, out: Path, parts: bool = False, seed: int = 1) -> Path:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    for sub in ("front", "letters"):
        (out / sub).mkdir(parents=True)
    people = [
        dict(
            id=last.lower(),
            name=f"{first} {last}",
            sort=f"{last}, {first}",
            dates=f"c. {y}–{y + rng.randint(60, 80)}",
            kind="person",
            note=_text(rng, EN_SHORT, EN_WORDS, 120),
        )
        for first, last, y in zip(FIRST, LAST, (rng.randint(1470, 1495) for _ in FIRST), strict=False)
    ]
    homes = dict(zip([p["id"] for p in people], PLACES, strict=True))
    _dump(out / "persons.yaml", people)
    _dump(out / "places.yaml", [dict(id=place.lower(), name=place) for place in PLACES])
    _dump(out / "book.yaml", _book(rng, parts))
    intro = "\n\n".join(_text(rng, EN_SHORT, EN_WORDS, rng.randint(600, 1400)) for _ in range(4))
    (out / "front" / "01-introduction.md").write_text(
        f"---\nid: introduction\ntitle: Introduction\n---\n\n{intro}\n", encoding="utf-8"
    )
    years = max(3, min(40, pages // 35))
    # Pages not of letters: title pages, contents (a line a letter), introduction, sources; about one a part (recto).
    budget = max(pages - 11 - pages // 150 - (years if parts else 0), 1) * CHARS_PER_PAGE
    lengths = []  # letters' lengths in pages: most short, some long
    while budget > sum(lengths) * CHARS_PER_PAGE:
        band = rng.choices([(1, 2), (3, 6), (7, 15), (16, 30)], weights=[55, 30, 12, 3])[0]
        lengths.append(rng.randint(*band))
    lengths[-1] = max(1, lengths[-1] - (sum(lengths) * CHARS_PER_PAGE - budget) // CHARS_PER_PAGE)
    start, span = datetime.date(1518, 1, 1), years * 365
    ids: list[str] = []
    for n, length in enumerate(lengths, 1):
        day = start + datetime.timedelta(days=int((n - 1 + rng.random()) * span / len(lengths)))
        a, b = people[0], rng.choice(people[1:])
        sender, recipient = (a, b) if rng.random() < 0.5 else (b, a)
        ids.append(f"l{n:04d}-{sender['id']}-{day.year}")
        text = _letter(rng, ids, length * CHARS_PER_PAGE, sender, recipient, homes[sender["id"]], day, n)
        (out / "letters" / f"{ids[-1]}.md").write_text(text, encoding="utf-8")
    return out


def _book(rng: random.Random, parts: bool) -> dict:
    shelf = (
        "Basel, Universitätsbibliothek, G I 3{}; Zurich, Zentralbibliothek, MS F {}; Munich, Staatsbibliothek, Clm 10{}; "
        "Sankt Gallen, Vadiana, VadSlg MS {}; Strasbourg, Archives de la Ville, AA 4{}; Vienna, ÖNB, Cod. 99{}; "
        "Epistolae aliquot eruditorum uirorum (Basel, 15{}); Leuven, KU, Ms. 2{}"
    ).split("; ")
    return {
        "slug": "realistic-letters",
        "title": "The Correspondence of Konrad Feldkircher",
        "subtitle": "An Invented Edition, Generated for Benchmarks",
        "language": "en",
        "identifier": f"urn:uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}",
        "publisher": "Invented Press",
        "rights": "Generated text, invented for the benchmarks of publish; it may be freely copied.",
        "edition": {"number": 1, "date": "2026-12-01"},
        "contributors": [
            {"id": "feldkircher", "name": "Konrad Feldkircher", "file_as": "Feldkircher, Konrad", "roles": ["aut"]},
            {"id": "lindqvist", "name": "Margarethe Lindqvist", "file_as": "Lindqvist, Margarethe", "roles": ["edt", "trl"]},
        ],
        "sources": [
            {"id": f"src-{i:02d}", "title": s.format(rng.randint(10, 99)), "credits": []} for i, s in enumerate(shelf, 1)
        ],
        "notes": {
            "numbering": "continuous",
            "print": "footnotes",
            "epub": "footnotes",
            "series": {"editors": {"name": "the editors", "tag": "Ed."}},
        },
        "print": {"trim": "6x9in", "letters_new_page": False, "parts_recto": parts},
        "divisions": {"correspondence": "The Letters", "appendix": "Appendix", "parts": "year" if parts else "none"},
        "labels": {"headnote": "Headnote"},
    }


def _letter(
    rng: random.Random, ids: list[str], chars: int, sender: dict, recipient: dict, place: str, day: datetime.date, n: int
) -> str:
    date, as_written = _date(rng, day)
    header = {
        "id": ids[-1],
        "heading": f"{sender['name']} to {recipient['name']}",
        "from": {"person": sender["id"]},
        "to": {"person": recipient["id"]},
        "place": place,
        "date": date,
        "date_as_written": as_written,
        "language": "en",
        "source": f"src-{rng.randint(1, 8):02d}",
        "source_detail": f"fol. {rng.randint(1, 300)}r–v",
    }
    header = {k: v for k, v in header.items() if v != ""}
    if date == "":
        header["sort"] = n
    # Notes: about 0.4 a page anywhere, and in some letters a paragraph of ten or more calls: about 0.7 a page in all.
    calls = sum(rng.random() < 0.38 for _ in range(max(1, chars // CHARS_PER_PAGE)))
    burst = rng.randint(10, 14) if chars >= 3 * CHARS_PER_PAGE and rng.random() < 0.3 else 0
    notes = [_note(rng, ids) for _ in range(calls + burst)]
    left = max(chars - sum(len(t) for t in notes) - 400, 900)  # 400: the fences, salutation, closing
    head = [_text(rng, EN_SHORT, EN_WORDS, rng.randint(250, 900)) for _ in range(1 if left < 9000 else 2)]
    latin = _paragraphs(rng, LA_SHORT, LA_WORDS, chars // 3)  # the original: a third of the letter
    english = _paragraphs(rng, EN_SHORT, EN_WORDS, max(left - sum(map(len, head)) - chars // 3, 300))
    counts = [0] * len(english)
    for _ in range(calls):
        counts[rng.randrange(len(english))] += 1
    if burst:
        counts[max(range(len(english)), key=lambda i: len(english[i]))] += burst
    label = 0
    for i, k in enumerate(counts):
        words = english[i].split(" ")
        for pos in sorted(rng.sample(range(len(words)), min(k, len(words)))):
            label += 1
            words[pos] += f"[^n{label}]"
        english[i] = " ".join(words)
    header["notes"] = {f"n{i}": "editors" for i in range(1, label + 1)}
    if not header["notes"]:
        del header["notes"]
    if rng.random() < 0.15:
        verse = _verse(rng, EN_SHORT, EN_WORDS)
        english.insert(
            rng.randint(1, len(english)),
            f"{{numbers=5}}\n::: verse\n{verse}\n:::" if rng.random() < 0.5 else f"::: verse\n{verse}\n:::",
        )
        latin.insert(rng.randint(0, len(latin)), f"::: verse\n{_verse(rng, LA_SHORT, LA_WORDS)}\n:::")
    # Tags for the indexes (the words printed do not change): the dateline's place, the
    # salutation's names, the signature.
    where = f"[{place}]{{ref={place.lower()}}}"
    dateline = f"Given at {where}, {as_written}." if as_written else f"Given at {where}."
    parts = [
        f"---\n{yaml.safe_dump(header, sort_keys=False, allow_unicode=True, width=1000)}---",
        "::: headnote\n" + "\n\n".join(head) + "\n:::",
        f"::: dateline\n{dateline}\n:::",
        f"::: salutation\n{_tag(recipient)}, greeting from {_tag(sender)}.\n:::",
        *english,
        "::: valediction\nFarewell, and greet all our friends.\n:::",
        f"::: signature\n{_tag(sender)}\n:::",
        "{lang=la}\n:::: original\n" + f"::: salutation\n{recipient['name']} salutem.\n:::\n\n" + "\n\n".join(latin) + "\n::::",
        "\n".join(f"[^n{i}]: {t}" for i, t in enumerate(notes[:label], 1)),
    ]
    return "\n\n".join(p for p in parts if p) + "\n"


def _tag(person: dict) -> str:
    return f"[{person['name']}]{{ref={person['id']}}}"


def _date(rng: random.Random, day: datetime.date) -> tuple[str, str]:
    """The letter's EDTF date, and the date as written when the letter gives its day."""
    form = rng.choices(DATES, weights=[68, 6, 4, 3, 2, 4, 3, 2, 1, 1, 1, 2])[0]
    y, m = day.year, day.month
    date = form.format(d=day.isoformat(), y=y, y1=y + 1, m=f"{m:02d}", y2=y + (m > 10), m2=f"{(m + 1) % 12 + 1:02d}")
    return date, f"{day.day} {MONTHS[m - 1]} {y}" if form == "{d}" else ""


def _note(rng: random.Random, ids: list[str]) -> str:
    """A note: most short, some of a paragraph, a few of most of a page (in two paragraphs)."""
    size = rng.randint(*rng.choices([(40, 250), (300, 800), (2000, 2600)], weights=[80, 15, 5])[0])
    text = "\n\n    ".join(_text(rng, EN_SHORT, EN_WORDS, c) for c in ([size // 2] * 2 if size > 1800 else [size]))
    if len(ids) > 1 and rng.random() < 0.1:
        text += f" See [the letter of this year](#{rng.choice(ids[:-1])})."
    return text


def _paragraphs(rng: random.Random, short: list[str], words: list[str], chars: int) -> list[str]:
    """Paragraphs of about `chars` characters in all: most of normal length, some of a page and a half."""
    out: list[str] = []
    while not out or sum(map(len, out)) < chars:
        size = rng.randint(1800, 3500) if rng.random() < 0.08 else rng.randint(250, 1300)
        out.append(_text(rng, short, words, min(size, max(250, chars - sum(map(len, out))))))
    return out


def _text(rng: random.Random, short: list[str], words: list[str], chars: int) -> str:
    sentences: list[str] = []
    while sum(map(len, sentences)) < chars:
        ws = [rng.choice(short) if rng.random() < 0.45 else rng.choice(words) for _ in range(rng.randint(6, 28))]
        ws = [w + "," if rng.random() < 0.07 else w for w in ws[:-1]] + ws[-1:]
        if rng.random() < 0.03:
            ws[-1] = f"*{ws[-1]}*"
        sentences.append(ws[0][0].upper() + " ".join(ws)[1:] + rng.choice("....?"))
    return " ".join(sentences)


def _verse(rng: random.Random, short: list[str], words: list[str]) -> str:
    stanzas = []
    for _ in range(rng.randint(2, 4)):
        lines = [" ".join(rng.choice(short + words) for _ in range(rng.randint(4, 7))) for _ in range(4)]
        stanzas.append("\n".join(("  " if i % 2 else "") + line[0].upper() + line[1:] for i, line in enumerate(lines)))
    return "\n\n".join(stanzas)


def _dump(path: Path, data: object) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000), encoding="utf-8")


if __name__ == "__main__":
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("pages", type=int, metavar="PAGES")
    cli.add_argument("out", type=Path, metavar="OUT_DIR")
    cli.add_argument("--parts", action="store_true", help="divide the letters into parts by year")
    cli.add_argument("--seed", type=int, default=1)
    args = cli.parse_args()
    make(args.pages, args.out, parts=args.parts, seed=args.seed)
