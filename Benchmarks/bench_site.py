#!/usr/bin/env python3
"""A large news site for the fetch and end-to-end benchmarks: PAGES article pages on one host
(127.0.0.1:PORT, outlets as path prefixes), each in the chrome of one of the sample site's four
outlets (samples/sample_site.py), with a body synthesized from a seeded grammar so that every
story is its own; one page in ten is a syndicated copy of an earlier story (another headline,
the last paragraph trimmed). Writes DIR/urls.txt (one URL a page, in a shuffled order) and
DIR/truth.jsonl (url, story, copy_of). Load material, not reading matter: the demo's sample
site is the one to read.

    bench_site.py DIR --pages 20000 [--port 8089] [--seed 7]
"""
import argparse, json, os, random, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "samples"))
import sample_site  # noqa: E402  (the outlets' page chrome)

SUBJECTS = ("the council", "the ministry", "the port authority", "the union", "the court", "the regional government", "the rail company",
            "the water board", "the university", "the hospital", "the police", "the opposition", "the mayor", "the museum", "farmers")
VERBS = ("approved", "rejected", "delayed", "announced", "criticised", "funded", "postponed", "defended", "questioned", "published")
OBJECTS = ("a plan for a new bridge", "the budget for next year", "a report on air quality", "cuts to bus services", "a new ferry line",
           "the closure of two schools", "higher rents in the old town", "a ban on night flights", "repairs to the dike", "a strike on Monday",
           "a study of the harbour", "new rules for street markets", "a tender for wind farms", "the merger of two clinics")
CLAUSES = ("after a debate that lasted until late in the evening", "despite protests outside the building", "in a vote of {a} to {b}",
           "two weeks later than planned", "at a cost of {a} million euros", "after talks with residents of {place}",
           "following a complaint by {a} families", "as the {place} district waits for an answer", "on the advice of {a} experts")
PLACES = ("Oosterveld", "Northgate", "Riverside", "Old Harbour", "Westmark", "Lindenau", "Hillcrest", "Marsh End", "Eastwick", "Brookfield")


def sentence(rng):
    clause = rng.choice(CLAUSES).format(a=rng.randint(2, 90), b=rng.randint(2, 90), place=rng.choice(PLACES))
    return f"{rng.choice(SUBJECTS).capitalize()} of {rng.choice(PLACES)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {clause}."


def story(number, rng):
    paragraphs = [" ".join(sentence(rng) for _ in range(rng.randint(3, 5))) for _ in range(rng.randint(6, 12))]
    headline = sentence(rng).rstrip(".")[:90]
    return {"id": f"b{number}", "headline": headline, "paragraphs": paragraphs, "author": rng.choice(["Staff", "Anna Berg", "Tom Vries"]),
            "published": f"2021-0{1 + number % 9}-{1 + number % 28:02d}T{number % 24:02d}:00:00+00:00", "section": "News",
            "language": "en", "tags": "City, Region"}


def weight(number, rng):
    """The markup around a real article that is neither chrome text nor content: a mega-menu and
    an inline script with a state object, as news sites ship them."""
    menu = "".join(f'<li><a href="/section/{i}">{rng.choice(PLACES)} {rng.choice(OBJECTS)}</a></li>' for i in range(250))
    state = json.dumps({"page": number, "experiments": [{"id": i, "variant": rng.random()} for i in range(300)],
                        "ads": [{"slot": f"slot-{i}", "sizes": [[300, 250], [728, 90]]} for i in range(60)]})
    return f'<nav class="mega-menu" hidden><ul>{menu}</ul></nav>\n<script>window.__STATE__ = {state};</script>\n'


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--pages", type=int, default=20000)
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    base = f"http://127.0.0.1:{args.port}"
    outlets = sample_site.OUTLETS
    stories, truth, urls = [], [], []
    for number in range(args.pages):
        outlet = outlets[number % len(outlets)]
        if number > 20 and rng.random() < 0.1:
            original = rng.choice(stories)
            page = dict(original, id=f"b{number}", headline="Report: " + original["headline"], paragraphs=original["paragraphs"][:-1])
            copy_of = original["id"]
        else:
            page = story(number, rng)
            stories.append(page)
            copy_of = None
        url = f"{base}/{outlet.key}/news/{number}.html"
        related = [(f"{base}/{outlet.key}/news/{(number + step) % args.pages}.html", f"More news {step}") for step in (1, 2, 3)]
        path = os.path.join(args.directory, outlet.key, "news", f"{number}.html")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(outlet.article(dict(page, outlet=outlet.key), url, related, related[0]).replace("</body>", weight(number, rng) + "</body>"))
        truth.append({"url": url, "story": page["id"] if copy_of is None else copy_of, "copy_of": copy_of})
        urls.append(url)
    rng.shuffle(urls)
    with open(os.path.join(args.directory, "urls.txt"), "w") as f:
        f.write("\n".join(urls) + "\n")
    with open(os.path.join(args.directory, "truth.jsonl"), "w") as f:
        f.writelines(json.dumps(line) + "\n" for line in truth)
    print(f"{args.pages} pages in {args.directory}")


if __name__ == "__main__":
    main()
