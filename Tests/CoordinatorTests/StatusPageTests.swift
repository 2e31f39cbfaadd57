import Foundation
import Model
import Queue
import Store
import Testing
import TestSupport

/// The status page of a real `coordinator serve` on 127.0.0.1: its login and cookie, what it
/// shows, its retry action; and the same page in a real browser (headless Chromium).
@Suite("Status page", .serialized)
struct StatusPageTests {
    /// A queue with one done-then-stored page, two dead jobs, one queued; an article database
    /// beside it holding one article whose headline is markup.
    static func pipeline(in directory: TemporaryDirectory) throws -> (queue: String, store: String, dead: [Int64]) {
        let path = directory.path("queue.sqlite")
        let queue = try JobQueue.openWithoutPoliteness(at: path)
        _ = try queue.add(["https://a.example/dead-1", "https://b.example/dead-2", "https://c.example/later"])
        let leased = try queue.lease(stage: .fetch, worker: "w", limit: 2, leaseSeconds: 60)
        for job in leased {
            try queue.fail(jobID: job.id, leaseToken: job.leaseToken,
                           failure: JobFailure(errorClass: "http-4xx", message: "\(job.url): 404 <b>Not Found</b>", retryable: false))
        }
        let store = try ArticleStore(path: directory.path("articles.sqlite"))
        let article = Article(url: "https://d.example/story", title: "<script>alert('headline')</script> Council votes", authors: [],
                              published: nil, modified: nil, language: "en", text: String(repeating: "The council voted on the budget. ", count: 20),
                              canonicalURL: nil, siteName: "D News", description: nil, image: nil, tags: [], encoding: "utf-8",
                              bodySource: "article", pageKind: .article, provenance: [:])
        // And the leak in Dutch and in English: one event in two languages.
        let leak = try SampleStory.seeds().prefix(2).map { seed in
            Article(url: "https://\(seed.fields["outlet"] ?? "x").example/leak", title: seed.fields["headline"], authors: [], published: seed.fields["published"],
                    modified: nil, language: seed.fields["language"], text: seed.paragraphs.joined(separator: "\n\n"), canonicalURL: nil, siteName: nil,
                    description: nil, image: nil, tags: [], encoding: "utf-8", bodySource: "article", pageKind: .article, provenance: [:])
        }
        _ = try store.store(([article] + leak).map { ArticleStore.Incoming(job: nil, article: $0, url: $0.url ?? "", fetchedAt: Date()) }, dedup: try DedupIndex())
        return (path, directory.path("articles.sqlite"), leased.map(\.id))
    }

    /// What Python's urllib sees of the page: each step's status, location, cookie and body.
    static let client = #"""
        import json, sys, urllib.error, urllib.parse, urllib.request
        base, token, dead = sys.argv[1], sys.argv[2], sys.argv[3]
        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args): return None
        opener = urllib.request.build_opener(NoRedirect)
        def call(path, form=None, cookie=None, headers=None):
            data = urllib.parse.urlencode(form).encode() if form is not None else None
            request = urllib.request.Request(base + path, data=data, headers=dict(headers or {}, **({"Cookie": cookie} if cookie else {})))
            try: answer = opener.open(request)
            except urllib.error.HTTPError as error: answer = error
            return {"status": answer.status, "location": answer.headers.get("Location"), "cookie": answer.headers.get("Set-Cookie"),
                    "csp": answer.headers.get("Content-Security-Policy"), "body": answer.read().decode("utf-8", "replace")}
        out = {"anonymous": call("/status"), "bearer": call("/status", headers={"Authorization": "Bearer " + token}),
               "wrong": call("/login", {"token": "not-the-token-at-all"}), "login": call("/login", {"token": token})}
        cookie = (out["login"]["cookie"] or "").split(";")[0]
        out["page"] = call("/status", cookie=cookie)
        name, _, value = cookie.partition("=")
        out["tampered"] = call("/status", cookie=name + "=" + str(int(value.split(".")[0]) + 3600) + "." + value.split(".")[1])
        out["retry"] = call("/status/retry", {"job": dead}, cookie=cookie)
        out["retry_anonymous"] = call("/status/retry", {"all": "dead"})
        out["logout"] = call("/logout", {}, cookie=cookie)
        print(json.dumps(out))
        """#

    struct Step: Decodable { var status: Int; var location: String?; var cookie: String?; var csp: String?; var body: String }

    @Test("the page needs a login with the token; the cookie is HttpOnly and SameSite=Strict and is not the token; what the web wrote is escaped; retry sends a dead job back")
    func loginAndActions() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (database, store, dead) = try Self.pipeline(in: directory)
        let server = try CoordinatorServer(database: database, directory: directory, extraArguments: ["--store-db", store])
        let run = try runProcess(URL(fileURLWithPath: "/usr/bin/python3"), ["-c", Self.client, server.url, server.token, String(dead[0])])
        #expect(run.status == 0, "\(run.stderr)")
        let steps = try JSONDecoder().decode([String: Step].self, from: Data(run.stdout.utf8))

        for name in ["anonymous", "bearer", "tampered", "retry_anonymous"] {
            #expect(steps[name]?.status == 303 && steps[name]?.location == "/login", "\(name): \(String(describing: steps[name]))")
        }
        #expect(steps["wrong"]?.status == 401 && steps["wrong"]?.body.contains("That is not the coordinator") == true)
        #expect(steps["wrong"]?.cookie == nil)
        let login = try #require(steps["login"])
        #expect(login.status == 303 && login.location == "/status")
        let cookie = try #require(login.cookie)
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"), "\(cookie)")
        #expect(!cookie.contains(server.token), "the cookie is not the token")

        let page = try #require(steps["page"])
        #expect(page.status == 200)
        #expect(page.csp?.contains("default-src 'none'") == true)
        for shown in ["data-stage=\"fetch\"", "a.example", "http-4xx", "D News", "3</span> articles"] {
            #expect(page.body.contains(shown), "the page shows \(shown)")
        }
        #expect(!page.body.contains("<script>alert") && page.body.contains("&lt;script&gt;alert"), "a headline's markup is escaped")
        #expect(!page.body.contains("<b>Not Found</b>"), "an error's markup is escaped")

        #expect(steps["retry"]?.status == 303 && steps["retry"]?.location == "/status")
        let queue = try JobQueue.open(at: database)
        #expect(try queue.job(id: dead[0]).job.state == .queued, "the retried job is queued again")
        #expect(try queue.job(id: dead[1]).job.state == .dead, "the other dead job stays dead")
        #expect(steps["logout"]?.cookie?.contains("Max-Age=0") == true)
    }

    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test("in headless Chromium: the login form leads to the page, whose DOM shows the figures `coordinator stats --json` reports; a screenshot is written",
          .enabled(if: chromium != nil, "needs Debian's chromium (.ci/run installs it)"))
    func inABrowser() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (database, store, _) = try Self.pipeline(in: directory)
        let server = try CoordinatorServer(database: database, directory: directory, extraArguments: ["--store-db", store])
        let screenshots = packageRoot.appendingPathComponent(".build/test-screenshots")
        try FileManager.default.createDirectory(at: screenshots, withIntermediateDirectories: true)
        let screenshot = screenshots.appendingPathComponent("status-page.png").path
        try? FileManager.default.removeItem(atPath: screenshot)
        let run = try runProcess(URL(fileURLWithPath: "/usr/bin/python3"), [
            packageRoot.appendingPathComponent("Tests/Fixtures/browser_check.py").path, "--chromium", try #require(Self.chromium),
            "--url", server.url, "--token", server.token, "--screenshot", screenshot,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        struct Seen: Decodable {
            var path: String
            var stages: [String: [String: Int]]
            var articles, duplicates, stories, events_across_languages: Int
            var cookie_visible_to_scripts: Bool
        }
        let seen = try JSONDecoder().decode(Seen.self, from: Data(run.stdout.utf8))
        #expect(seen.path == "/status")
        #expect(!seen.cookie_visible_to_scripts, "scripts cannot read the session cookie")

        let stats = try runProduct("coordinator", ["stats", "--db", database, "--store-db", store, "--json"])
        struct Reported: Decodable {
            struct Articles: Decodable { var articles, duplicates, clusters, events_across_languages: Int }
            var stages: [String: [String: Int]]
            var articles: Articles
        }
        let reported = try JSONDecoder().decode(Reported.self, from: Data(stats.stdout.utf8))
        #expect(seen.stages == reported.stages, "stages: page \(seen.stages), stats \(reported.stages)")
        #expect(seen.articles == reported.articles.articles && seen.duplicates == reported.articles.duplicates && seen.stories == reported.articles.clusters)
        #expect(seen.events_across_languages == 1 && reported.articles.events_across_languages == 1, "the leak in Dutch and English is one event")
        let size = (try FileManager.default.attributesOfItem(atPath: screenshot)[.size] as? Int) ?? 0
        #expect(size > 10_000, "a screenshot of the page at \(screenshot)")
    }
}
