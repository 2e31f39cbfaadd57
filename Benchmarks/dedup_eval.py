#!/usr/bin/env python3
"""Near-duplicate evaluation for `store dedup`: builds a labelled corpus from real article texts,
runs a dedup command over it, and reports pairwise precision and recall.

Corpus (deterministic, seed 7), from the texts `parser extract` finds in the extraction dev set
(real news, magazine and blog articles, mostly German and English):

* originals: every article of 80+ words whose paragraphs do not recur in an earlier one
  (the dev set itself holds a few pages of one story; those are dropped, not guessed at);
* syndicated copies (positives): 1–3 copies of half the originals, each with another headline
  and several of: other chrome (bylines, share and follow prompts, copyright and credit lines,
  newsletter prompts, "read more" links, an outlet blurb), a wire dateline, a trimmed last
  paragraph or two (at most a quarter of the words), lightly edited sentences (words replaced or dropped, a number changed),
  other quote styles, paragraphs merged or split, other spacing and letter case;
* template negatives: short stories (the first paragraphs of originals not used elsewhere) each
  inside one of a few heavy site templates (navigation, trending headlines, cookie and newsletter
  prose, a footer) — different stories sharing most of their text; a few of these short stories
  are also published inside a second site's template (positives that only the story links);
* same-names negatives: another article's text with its most frequent names replaced by an
  original's names, and with the original's lead sentence — same people, different story;
* every original is a negative for every other.

The harder evaluation (`build-hard`), German and English articles only: short stories (the
first 40 to 150 words of an article) and whole ones, each copy carrying three to five edits at
once — a wire dateline, a trimmed end, edited words, other quotes, spacing and case, merged or split
paragraphs — always under another headline and inside another outlet's heavy page chrome in the
story's language (navigation, trending headlines, cookie and newsletter prose, a footer), as long
as a short story itself; negatives are other short stories in the same chrome and same-names
stories.

Usage: dedup_eval.py build DEVTEXTS.jsonl OUT.jsonl TRUTH.json
       dedup_eval.py build-hard DEVTEXTS.jsonl OUT.jsonl TRUTH.json
       dedup_eval.py score TRUTH.json PREDICTIONS.jsonl [--name NAME]
       dedup_eval.py datasketch OUT.jsonl > PREDICTIONS.jsonl   (the reference: MinHashLSH, 3-word shingles, threshold 0.4)
       dedup_eval.py stream CORPUS.jsonl PREDICTIONS.jsonl [--name NAME]
           (a `dedup_corpus.py --days` stream: copies found inside and beyond 30 days, originals merged)
"""
import collections
import itertools
import json
import random
import re
import sys
import time

OUTLETS = ["The Daily Ledger", "Nordic Wire", "Het Avondblad", "Rheinische Post-Express", "Metro Herald", "City Observer",
           "Global Newsroom", "De Dagkrant", "Abendzeitung Online", "Coastal Times"]
NAMES = ["Jane Miller", "Pieter de Vries", "Anna Schmidt", "Tom Baker", "Sofia Rossi", "Lars Jensen", "Marie Dubois",
         "Ahmed Khan", "Eva Jansen", "Jonas Weber"]
AGENCIES = ["Reuters", "AP", "AFP", "ANP", "dpa"]
CITIES = ["LONDON", "BERLIN", "AMSTERDAM", "NEW YORK", "BRUSSELS", "PARIS"]


def chrome_lines(rng, outlet, titles):
    name = rng.choice(NAMES)
    pool = [
        f"By {name}",
        f"By {name} | {outlet}",
        "Share on Facebook", "Share on Twitter", "Share this article", "Delen op WhatsApp",
        f"© {rng.randint(2015, 2025)} {outlet}. All rights reserved.",
        f"Copyright {outlet} {rng.randint(2015, 2025)}",
        f"Read more: {rng.choice(titles)}",
        f"Related: {rng.choice(titles)}",
        "Sign up for our daily newsletter",
        f"Follow {outlet} on Twitter and Facebook",
        f"Photo: {name}/{rng.choice(AGENCIES)}",
        "Advertisement",
        f"Updated {rng.randint(1, 28)} March {rng.randint(2018, 2025)}, {rng.randint(0, 23)}:{rng.randint(10, 59)}",
        f"Reporting by {name}; Editing by {rng.choice(NAMES)}",
    ]
    return rng.sample(pool, rng.randint(2, 5))


def outlet_blurb(outlet):
    return (f"{outlet} is an independent news organisation. Our journalism is funded by readers like you, "
            f"and every contribution helps us keep reporting without a paywall.")


def paragraphs(text):
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def edit_words(rng, paragraph, edits):
    words = paragraph.split(" ")
    for _ in range(edits):
        if len(words) < 6:
            break
        i = rng.randrange(len(words))
        choice = rng.random()
        if choice < 0.4:
            words[i] = rng.choice(words)          # a word replaced
        elif choice < 0.7:
            del words[i]                           # a word dropped
        elif any(ch.isdigit() for ch in words[i]):
            words[i] = re.sub(r"\d", lambda m: str((int(m.group()) + 1) % 10), words[i])
        else:
            words.insert(i, rng.choice(["also", "reportedly", "now", "still", "auch", "nun"]))
    return " ".join(words)


def make_copy(rng, title, paras, titles, index):
    outlet = OUTLETS[index % len(OUTLETS)]
    body = list(paras)
    done = []
    if len(body) >= 4 and rng.random() < 0.5:
        trim = 2 if len(body) >= 8 and rng.random() < 0.4 else 1
        # A trim drops the last paragraph or two, not most of the story: at most a quarter of it.
        if len(" ".join(body[-trim:]).split()) <= len(" ".join(body).split()) // 4:
            body = body[:-trim]
            done.append(f"trim{trim}")
    if rng.random() < 0.6:
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(body))
            body[i] = edit_words(rng, body[i], rng.randint(1, 3))
        done.append("edit")
    if rng.random() < 0.4:
        body = [p.replace('"', "\u201c", 1).replace('"', "\u201d", 1).replace("'", "\u2019") for p in body]
        done.append("quotes")
    if len(body) >= 3 and rng.random() < 0.3:
        i = rng.randrange(len(body) - 1)
        body[i:i + 2] = [body[i] + " " + body[i + 1]]
        done.append("merge")
    if rng.random() < 0.3:
        i = max(range(len(body)), key=lambda k: len(body[k]))
        sentences = re.split(r"(?<=[.!?]) ", body[i])
        if len(sentences) > 1:
            half = len(sentences) // 2
            body[i:i + 1] = [" ".join(sentences[:half]), " ".join(sentences[half:])]
            done.append("split")
    if rng.random() < 0.25:
        body[0] = f"{rng.choice(CITIES)} ({rng.choice(AGENCIES)}) - " + body[0]
        done.append("dateline")
    if rng.random() < 0.2:
        body = [re.sub(r" ", "  ", p, count=3) for p in body]
        done.append("spacing")
    chrome = chrome_lines(rng, outlet, titles)
    head = [c for c in chrome if c.startswith(("By ", "Updated", "Photo", "Share"))]
    tail = [c for c in chrome if c not in head]
    if len(body) > 3 and "Advertisement" in tail:
        tail.remove("Advertisement")
        body.insert(len(body) // 2, "Advertisement")
    if rng.random() < 0.5:
        tail.append(outlet_blurb(outlet))
    done.append("chrome")
    new_title = rng.choice([title.upper() if title else "", f"{title} — {outlet}", f"Update: {title}",
                            " ".join(reversed((title or "").split(" "))), rng.choice(titles)])
    return new_title, "\n\n".join(head + body + tail), done


def template(rng, number, titles):
    outlet = f"{rng.choice(['Kreisblatt', 'Valley News', 'Stadtnachrichten', 'Weekblad', 'Courier'])} {number}"
    nav = ["Home", "News", "Politics", "Business", "Sport", "Culture", "Opinion", "Weather", "Video", "Podcasts",
           "Regional", "Lokales", "Economie", "Subscribe", "Log in"]
    head = rng.sample(nav, 10) + [f"{outlet} — your local news"]
    trending = ["Trending now"] + rng.sample(titles, 6)
    prose = [
        f"We use cookies and similar technologies to give you the best experience on {outlet}, to measure our audience "
        "and to show you relevant advertising. By continuing to browse you agree to our use of cookies as described "
        "in our privacy statement, which you can change at any time in the settings.",
        f"Never miss a story: the {outlet} morning briefing brings the most important news from the region, sports "
        "results and events straight to your inbox every weekday at seven o'clock, free of charge.",
        outlet_blurb(outlet),
    ]
    foot = ["About us", "Contact", "Advertise", "Privacy policy", "Terms of use", f"© 2024 {outlet}"]
    return head, trending + prose, foot


def distinct_articles(devtexts):
    """(language, title, paragraphs) of every article of 80+ words whose paragraphs do not recur
    in an earlier one (the dev set holds a few pages of one story; those are dropped)."""
    articles, seen_paragraphs = [], set()
    for line in open(devtexts, encoding="utf-8"):
        record = json.loads(line)
        text = record.get("text") or ""
        paras = paragraphs(text)
        if len(text.split()) < 80:
            continue
        keys = {p for p in paras if len(p) > 60}
        if keys & seen_paragraphs:
            continue
        seen_paragraphs |= keys
        articles.append((record.get("language"), record.get("title") or "", paras))
    return articles


def build(devtexts, out_path, truth_path):
    rng = random.Random(7)
    articles = [(title, paras) for _, title, paras in distinct_articles(devtexts)]
    rng.shuffle(articles)
    titles = [t for t, _ in articles if t]
    docs = []      # (id, title, text, family, kind)
    family_of = {}

    def add(title, text, family, kind):
        doc_id = f"d{len(docs)}"
        docs.append({"id": doc_id, "title": title, "text": text, "family": family, "kind": kind})
        return doc_id

    n = len(articles)
    originals = articles[: int(n * 0.8)]
    short_source = articles[int(n * 0.8): int(n * 0.9)]
    names_source = articles[int(n * 0.9):]
    copies = []
    for i, (title, paras) in enumerate(originals):
        add(title, "\n\n".join(paras), f"f{i}", "original")
        if rng.random() < 0.5:
            for c in range(rng.randint(1, 3)):
                new_title, text, done = make_copy(rng, title, paras, titles, i + c)
                copies.append((new_title, text, f"f{i}", "copy:" + "+".join(done)))
    # Template negatives: short stories in heavy templates; some also in a second template.
    templates = [template(rng, t, titles) for t in range(6)]
    for j, (title, paras) in enumerate(short_source):
        story = paras[: rng.randint(1, 2)]
        if len(" ".join(story).split()) < 25:
            continue
        head, middle, foot = templates[j % len(templates)]
        copies.append((title, "\n".join(head) + "\n\n" + "\n\n".join(story) + "\n\n" + "\n\n".join(middle) + "\n" + "\n".join(foot),
                       f"s{j}", "template-story"))
        if j % 5 == 0:
            head2, middle2, foot2 = templates[(j + 1) % len(templates)]
            copies.append((title, "\n".join(head2) + "\n\n" + "\n\n".join(story) + "\n\n" + "\n\n".join(middle2) + "\n" + "\n".join(foot2),
                           f"s{j}", "copy:other-template"))
    # Same names, different story.
    for k, (title, paras) in enumerate(names_source):
        _, target = originals[rng.randrange(len(originals))]
        copies.append((title, same_names(paras, target), f"n{k}", "same-names"))
    write_corpus(rng, docs, copies, add, out_path, truth_path, ":")


def same_names(paras, target):
    """Another article's text with its most frequent names replaced by the target's, under the
    target's lead sentence: same people, different story."""
    here = [w for w, _ in collections.Counter(re.findall(r"\b[A-Z][a-z]{3,}\b", " ".join(paras))).most_common(4)]
    there = [w for w, _ in collections.Counter(re.findall(r"\b[A-Z][a-z]{3,}\b", " ".join(target))).most_common(4)]
    text = "\n\n".join(paras)
    for a, b in zip(here, there):
        text = re.sub(rf"\b{a}\b", b, text)
    return re.split(r"(?<=[.!?]) ", target[0])[0] + "\n\n" + text


def write_corpus(rng, docs, copies, add, out_path, truth_path, kind_separator):
    """Adds the copies in shuffled order after the originals (as syndication does, interleaved
    with everything else), writes the corpus and its truth, and says how many of each kind."""
    rng.shuffle(copies)
    for title, text, family, kind in copies:
        add(title, text, family, kind)
    with open(out_path, "w", encoding="utf-8") as out:
        for d in docs:
            out.write(json.dumps({"id": d["id"], "title": d["title"], "text": d["text"]}, ensure_ascii=False) + "\n")
    json.dump({d["id"]: [d["family"], d["kind"]] for d in docs}, open(truth_path, "w"))
    kinds = collections.Counter(d["kind"].split(kind_separator)[0] for d in docs)
    print(f"{len(docs)} documents: {dict(kinds)}", file=sys.stderr)


HARD_CHROME = {
    "en": {
        "nav": ["Home", "News", "Politics", "Business", "Sport", "Culture", "Opinion", "Weather", "Video", "Podcasts",
                "Local", "World", "Science", "Subscribe", "Log in", "Newsletters", "Puzzles"],
        "trending": ["Trending now", "Most read", "Popular this week"],
        "cookies": [
            "We use cookies and similar technologies to give you the best experience on {outlet}, to measure our audience "
            "and to show you relevant advertising. By continuing to browse you agree to our use of cookies.",
            "{outlet} and its partners store and read information on your device to personalise content and ads, to provide "
            "social media features and to analyse our traffic. You can change your choices at any time.",
            "This site relies on cookies to work. With your consent {outlet} also uses them to understand how readers find "
            "our journalism and to show advertising that pays for it; manage your settings below.",
        ],
        "newsletter": [
            "Never miss a story: the {outlet} morning briefing brings the most important news, results and events "
            "straight to your inbox every weekday at seven o'clock, free of charge.",
            "Get the best of {outlet} in your inbox. Our editors pick the stories you need to start the day, every morning, "
            "plus a weekend edition with long reads.",
            "Sign up for the evening update from {outlet}: the day's essential stories and what they mean for you, "
            "delivered at six. It only takes a minute.",
        ],
        "foot": ["About us", "Contact", "Advertise", "Privacy policy", "Terms of use", "Careers", "Help", "Accessibility"],
        "more": ["More from {outlet}", "Read next on {outlet}", "Elsewhere on {outlet}"],
    },
    "de": {
        "nav": ["Startseite", "Nachrichten", "Politik", "Wirtschaft", "Sport", "Kultur", "Meinung", "Wetter", "Video",
                "Podcasts", "Lokales", "Welt", "Wissen", "Abo", "Anmelden", "Newsletter", "Rätsel"],
        "trending": ["Meistgelesen", "Beliebt in dieser Woche", "Top-Themen"],
        "cookies": [
            "Wir verwenden Cookies und ähnliche Technologien, um Ihnen auf {outlet} das beste Erlebnis zu bieten, unsere "
            "Reichweite zu messen und passende Werbung zu zeigen. Mit der weiteren Nutzung stimmen Sie dem zu.",
            "{outlet} und seine Partner speichern und lesen Informationen auf Ihrem Gerät, um Inhalte und Anzeigen zu "
            "personalisieren und Zugriffe zu analysieren. Ihre Auswahl können Sie jederzeit ändern.",
            "Diese Seite braucht Cookies, um zu funktionieren. Mit Ihrer Einwilligung nutzt {outlet} sie auch, um zu "
            "verstehen, wie Leser unseren Journalismus finden; Einstellungen verwalten Sie unten.",
        ],
        "newsletter": [
            "Keine Nachricht mehr verpassen: Der Morgen-Newsletter von {outlet} bringt die wichtigsten Meldungen, "
            "Ergebnisse und Termine jeden Werktag um sieben Uhr kostenlos in Ihr Postfach.",
            "Das Beste von {outlet} in Ihrem Postfach: Unsere Redaktion wählt jeden Morgen die Geschichten aus, die Sie "
            "für den Tag brauchen, dazu am Wochenende lange Texte.",
            "Abonnieren Sie das Abend-Update von {outlet}: die wichtigsten Geschichten des Tages und was sie für Sie "
            "bedeuten, um sechs Uhr. Es dauert nur eine Minute.",
        ],
        "foot": ["Über uns", "Kontakt", "Werbung", "Datenschutz", "Impressum", "Karriere", "Hilfe", "Barrierefreiheit"],
        "more": ["Mehr von {outlet}", "Weiterlesen bei {outlet}", "Auch bei {outlet}"],
    },
}
HARD_OUTLETS = ["Kreisblatt", "Valley News", "Stadtanzeiger", "Metro Herald", "Abendpost", "Coastal Times", "Rundschau",
                "City Observer"]
DATELINES = {"en": ["LONDON", "NEW YORK", "WASHINGTON", "BRUSSELS"], "de": ["BERLIN", "MÜNCHEN", "HAMBURG", "WIEN"]}
WIRES = {"en": ["Reuters", "AP", "AFP"], "de": ["dpa", "AFP", "epd", "KNA"]}


def heavy_chrome(rng, language, outlet, titles):
    """Page chrome in the story's language, about as many words as a short story: the outlet's own
    (its navigation and its wording of the cookie, newsletter and footer texts, the same on all its
    pages; another outlet words them otherwise, or now and then alike, as sites on one CMS do)
    around headlines of other stories that change from page to page."""
    words = HARD_CHROME[language]
    own = random.Random(outlet)
    head = own.sample(words["nav"], 12) + [outlet]
    prose = [own.choice(words["cookies"]).format(outlet=outlet), own.choice(words["newsletter"]).format(outlet=outlet)]
    middle = [own.choice(words["trending"])] + rng.sample(titles, 5) + prose
    foot = [own.choice(words["more"]).format(outlet=outlet)] + rng.sample(titles, 3) + own.sample(words["foot"], 6) + [f"© 2024 {outlet}"]
    return head, middle, foot


def hard_copy(rng, language, title, paras, titles, index):
    """A copy with three to five edits at once, under another headline, in another outlet's chrome."""
    outlet = f"{HARD_OUTLETS[index % len(HARD_OUTLETS)]} {index % 13}"
    body = list(paras)
    edits = rng.sample(["dateline", "trim", "edit", "normalize", "merge-split"], rng.randint(3, 5))
    for edit in edits:
        if edit == "dateline":
            body[0] = f"{rng.choice(DATELINES[language])} ({rng.choice(WIRES[language])}) – " + body[0]
        elif edit == "trim":
            # the last paragraph of a long story, the last sentence of a short one: at most a fifth of the words
            if len(body) >= 4 and len(body[-1].split()) <= len(" ".join(body).split()) // 5:
                body = body[:-1]
            else:
                sentences = re.split(r"(?<=[.!?]) ", body[-1])
                if len(sentences) > 1 and len(sentences[-1].split()) <= len(" ".join(body).split()) // 5:
                    body[-1] = " ".join(sentences[:-1])
        elif edit == "edit":
            for _ in range(rng.randint(1, 3)):
                i = rng.randrange(len(body))
                body[i] = edit_words(rng, body[i], rng.randint(1, 2))
        elif edit == "normalize":
            body = [p.replace('"', "\u201e" if language == "de" else "\u201c", 1).replace('"', "\u201c" if language == "de" else "\u201d", 1)
                    .replace("'", "\u2019") for p in body]
            body = [re.sub(r" ", "  ", p, count=2) for p in body]
            if rng.random() < 0.5:
                body[0] = body[0].upper()
        elif edit == "merge-split":
            if len(body) >= 2 and rng.random() < 0.5:
                i = rng.randrange(len(body) - 1)
                body[i:i + 2] = [body[i] + " " + body[i + 1]]
            else:
                i = max(range(len(body)), key=lambda k: len(body[k]))
                sentences = re.split(r"(?<=[.!?]) ", body[i])
                if len(sentences) > 1:
                    half = len(sentences) // 2
                    body[i:i + 1] = [" ".join(sentences[:half]), " ".join(sentences[half:])]
    head, middle, foot = heavy_chrome(rng, language, outlet, titles)
    new_title = rng.choice([f"{title} | {outlet}", title.upper(), rng.choice(titles)])
    text = "\n".join(head) + "\n\n" + "\n\n".join(body) + "\n\n" + "\n\n".join(middle) + "\n" + "\n".join(foot)
    return new_title, text, edits


def build_hard(devtexts, out_path, truth_path):
    rng = random.Random(11)
    articles = [a for a in distinct_articles(devtexts) if a[0] in HARD_CHROME]
    rng.shuffle(articles)
    titles = [t for _, t, _ in articles if t]
    docs, copies = [], []

    def add(title, text, family, kind):
        docs.append({"id": f"h{len(docs)}", "title": title, "text": text, "family": family, "kind": kind})

    n = len(articles)
    for i, (language, title, paras) in enumerate(articles[: int(n * 0.85)]):
        if i % 2 == 0:
            # a short story: its first paragraphs, 40 to 150 words, itself in an outlet's chrome
            story, words = [], 0
            for p in paras:
                if words + len(p.split()) > 150 and words >= 40:
                    break
                story.append(p)
                words += len(p.split())
            if not 40 <= words <= 150:
                continue
            head, middle, foot = heavy_chrome(rng, language, f"Tagesblatt {i % 7}" if language == "de" else f"Daily Ledger {i % 7}", titles)
            add(title, "\n".join(head) + "\n\n" + "\n\n".join(story) + "\n\n" + "\n\n".join(middle) + "\n" + "\n".join(foot),
                f"h{i}", "original:short")
            kind, source = "short", story
        else:
            add(title, "\n\n".join(paras), f"h{i}", "original:long")
            kind, source = "long", paras
        for c in range(rng.randint(1, 3)):
            new_title, text, edits = hard_copy(rng, language, title, source, titles, i * 3 + c)
            copies.append((new_title, text, f"h{i}", f"copy:{kind}+" + "+".join(edits)))
    # Same names, different story: another article with an original's names and lead sentence.
    originals = [(a[2], a[1]) for a in articles[: int(n * 0.85)]]
    for k, (language, title, paras) in enumerate(articles[int(n * 0.85):]):
        target, _ = originals[rng.randrange(len(originals))]
        copies.append((title, same_names(paras, target), f"n{k}", "same-names"))
    write_corpus(rng, docs, copies, add, out_path, truth_path, "+")


def pairs_by(groups):
    result = set()
    for members in groups.values():
        result.update(itertools.combinations(sorted(members), 2))
    return result


def score(truth_path, predictions_path, name):
    truth = json.load(open(truth_path))
    predicted = {}
    for line in open(predictions_path):
        record = json.loads(line)
        if "id" in record:
            predicted[record["id"]] = record["cluster"]
    missing = set(truth) - set(predicted)
    gold_groups, pred_groups = collections.defaultdict(list), collections.defaultdict(list)
    for doc_id, (family, _) in truth.items():
        gold_groups[family].append(doc_id)
        pred_groups[json.dumps(predicted.get(doc_id, doc_id))].append(doc_id)
    gold, pred = pairs_by(gold_groups), pairs_by(pred_groups)
    tp = len(gold & pred)
    precision = tp / len(pred) if pred else 1.0
    recall = tp / len(gold) if gold else 1.0
    print(f"{name}: pairwise precision {precision:.3f}  recall {recall:.3f}  "
          f"({len(gold)} true pairs, {len(pred)} predicted, {tp} right; {len(missing)} documents without an answer)")
    # Where the errors are.
    missed = collections.Counter()
    for a, b in gold - pred:
        for doc_id in (a, b):
            kind = truth[doc_id][1]
            if kind.startswith("copy"):
                for part in kind[5:].split("+"):
                    missed[part] += 1
    wrong = collections.Counter(tuple(sorted((truth[a][1].split(":")[0], truth[b][1].split(":")[0]))) for a, b in pred - gold)
    if missed:
        print("   missed pairs by copy edit (a copy can carry several):", dict(missed.most_common()))
    if wrong:
        print("   false pairs by kinds:", {" / ".join(k): v for k, v in wrong.most_common()})


def datasketch_reference(corpus_path):
    from datasketch import MinHash, MinHashLSH
    lsh = MinHashLSH(threshold=0.4, num_perm=128)
    cluster_of = {}
    started = time.perf_counter()
    count = 0
    for line in open(corpus_path, encoding="utf-8"):
        record = json.loads(line)
        words = re.findall(r"\w+", (record["text"] or "").lower())
        signature = MinHash(num_perm=128)
        for i in range(max(1, len(words) - 2)):
            signature.update(" ".join(words[i:i + 3]).encode("utf-8"))
        found = lsh.query(signature)
        doc_id = record["id"]
        first = min(found, key=lambda key: key[1]) if found else None
        cluster = cluster_of[first[0]] if first else doc_id
        cluster_of[doc_id] = cluster
        lsh.insert((doc_id, count), signature)
        print(json.dumps({"id": doc_id, "cluster": cluster, "duplicate_of": cluster if first else None}))
        count += 1
    print(f"datasketch: {count} documents in {time.perf_counter() - started:.1f} s "
          f"({count / (time.perf_counter() - started):.0f} docs/s)", file=sys.stderr)


STREAM_TRUTH = re.compile(r'"copy_of": (\d+), "lag_days": ([0-9.]+)')


def stream_score(corpus_path, predictions_path, name):
    """Recall of the copies in a --days stream, those published within 30 days of their original
    apart from the later ones; and the originals judged copies (false merges)."""
    truth = {}
    for number, line in enumerate(open(corpus_path, encoding="utf-8")):
        match = STREAM_TRUTH.search(line, max(0, len(line) - 200))
        if match:
            truth[number] = (int(match.group(1)), float(match.group(2)))
    clusters, duplicate = [], []
    for line in open(predictions_path, encoding="utf-8"):
        record = json.loads(line)
        clusters.append(record["cluster"])
        duplicate.append(record["duplicate_of"] is not None)
    found = collections.Counter()
    total = collections.Counter()
    for number, (original, lag) in truth.items():
        inside = "within 30 days" if lag < 30 else "after 30 days"
        total[inside] += 1
        if duplicate[number] and clusters[number] == clusters[original]:
            found[inside] += 1
    merged = sum(1 for number in range(len(clusters)) if number not in truth and duplicate[number])
    figures = "  ".join(f"copies {key}: {found[key]}/{total[key]} = {found[key] / max(1, total[key]):.4f}"
                        for key in ["within 30 days", "after 30 days"])
    print(f"{name:>22}: {figures}  originals judged copies: {merged}")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "build" and len(sys.argv) == 5:
        build(*sys.argv[2:5])
    elif command == "build-hard" and len(sys.argv) == 5:
        build_hard(*sys.argv[2:5])
    elif command == "score" and len(sys.argv) >= 4:
        score(sys.argv[2], sys.argv[3], sys.argv[5] if len(sys.argv) > 5 and sys.argv[4] == "--name" else "dedup")
    elif command == "stream" and len(sys.argv) >= 4:
        stream_score(sys.argv[2], sys.argv[3], sys.argv[5] if len(sys.argv) > 5 and sys.argv[4] == "--name" else "dedup")
    elif command == "datasketch" and len(sys.argv) == 3:
        datasketch_reference(sys.argv[2])
    else:
        sys.exit(__doc__)
