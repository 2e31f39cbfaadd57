#!/usr/bin/env python3
"""What the first run shows after the crawl: the stored stories as a reader wants them (headline,
outlet, date, language, the first lines of the clean body), each story's copies under it with
their similarity, the events reported in more than one language and, on the sample site, how
much of the pages' chrome the articles kept.

    demo_report.py ARTICLES.jsonl [TRUTH.jsonl]

ARTICLES.jsonl is `store export --include-duplicates`; TRUTH.jsonl is the sample site's.
"""
import json, sys, textwrap


def first_lines(text, width=96, lines=2):
    body = " ".join(text.split())
    wrapped = textwrap.wrap(body, width=width)
    shown = wrapped[:lines]
    if len(wrapped) > lines:
        shown[-1] += " …"
    return shown


def main():
    articles = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
    truth = {}
    if len(sys.argv) > 2:
        truth = {page["url"]: page for page in map(json.loads, open(sys.argv[2], encoding="utf-8"))}
    copies = {}
    for article in articles:
        if article.get("duplicate_of") is not None:
            copies.setdefault(article["duplicate_of"], []).append(article)
    stories = sorted((a for a in articles if a.get("duplicate_of") is None), key=lambda a: a.get("published") or "", reverse=True)
    outlets = {a.get("site") or a["url"].split("/")[2] for a in articles}
    print(f"== the stories: {len(articles)} articles from {len(outlets)} outlets, {len(stories)} stories, "
          f"{len(articles) - len(stories)} copies linked to their story")
    for story in stories:
        print()
        print(story.get("title") or "(no headline)")
        date = (story.get("published") or "date unknown")[:10]
        print(f"  {story.get('site') or story['url'].split('/')[2]} · {date} · {story.get('language') or '?'} · {story['url']}")
        for line in first_lines(story.get("text", "")):
            print("  " + line)
        for copy in sorted(copies.get(story["id"], []), key=lambda c: -(c.get("similarity") or 0)):
            print(f"  copy, similarity {copy.get('similarity') or 0:.2f}: {copy.get('title')} ({copy.get('site') or copy['url'].split('/')[2]})")
    events = {}
    for story in stories:
        events.setdefault(story.get("event", story["id"]), []).append(story)
    across = [members for members in events.values() if len({m.get("language") for m in members}) > 1]
    print()
    print(f"== events: {len(across)} reported in more than one language (stories linked, each keeping its text and copies)")
    for members in across:
        print()
        for story in sorted(members, key=lambda m: m.get("published") or ""):
            print(f"  {story.get('language') or '?'}  {story.get('site') or story['url'].split('/')[2]}: {story.get('title') or '(no headline)'}")
    if truth:
        carried = kept = 0
        for article in articles:
            page = truth.get(article["url"])
            if page:
                carried += len(page["chrome"])
                kept += sum(phrase in article.get("text", "") for phrase in page["chrome"])
        print()
        print(f"== page chrome: the sample pages carried {carried} chrome phrases (cookie banners, share buttons, comment forms,")
        print(f"   newsletter boxes, photo credits, related links); {carried - kept} were removed, {kept} kept in the stored articles")


if __name__ == "__main__":
    main()
