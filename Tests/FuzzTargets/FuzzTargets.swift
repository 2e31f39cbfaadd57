import Foundation
import Model
import Parser
import Queue
import QueueWire
import Robots
import Store

/// The parsers of untrusted input that fuzzing drives (`Benchmarks/fuzz.sh`), each as one
/// function from bytes to nothing: a target passes when it returns, whatever it makes of the
/// input. `FuzzFindingsTests` runs every input a fuzzer ever found through the same functions.
public enum FuzzTargets {
    public static let all: [String: @Sendable (Data) -> Void] = [
        "url": { data in
            let text = String(decoding: data, as: UTF8.self)
            let normalizer = URLNormalizer()
            _ = normalizer.normalize(text)
            _ = normalizer.normalize(text, relativeTo: "https://news.example/a/b?c=d")
            _ = normalizer.hostKey(text)
        },
        "robots": { data in
            let robots = RobotsTxt(String(decoding: data, as: UTF8.self))
            _ = robots.allows("/news/2024/story?x=1", for: "WireroomBot")
            _ = robots.crawlDelay(for: "WireroomBot")
            _ = robots.sitemaps
        },
        "feed": { data in _ = try? FeedReader.read(data, baseURL: "https://news.example/feed.xml") },
        "page": { data in _ = try? Extractor().extract(data, url: "https://news.example/2024/05/06/story") },
        "page-charset": { data in
            // The first line names the charset the server declared; the rest is the page.
            let split = data.firstIndex(of: 0x0A) ?? data.startIndex
            _ = try? Extractor().extract(data[split...], httpCharset: String(decoding: data[..<split], as: UTF8.self))
        },
        "dedup-line": { data in _ = try? DedupInput(data) },
        "event-text": { data in
            // The first line names the language; the rest is the article's text.
            let split = data.firstIndex(of: 0x0A) ?? data.startIndex
            _ = EventFeatures(text: String(decoding: data[split...], as: UTF8.self), language: String(decoding: data[..<split], as: UTF8.self)).keys
        },
        "iso-date": { data in _ = ISODate(String(decoding: data, as: UTF8.self))?.date },
        "api-request": { data in
            let decoder = WireCoding.decoder()
            _ = try? decoder.decode(API.Lease.self, from: data)
            _ = try? decoder.decode(API.Complete.self, from: data)
            _ = try? decoder.decode(API.Fail.self, from: data)
            _ = try? decoder.decode(API.Enqueue.self, from: data)
            _ = try? decoder.decode(API.StoreRobots.self, from: data)
            _ = try? decoder.decode(API.Politeness.self, from: data)
            _ = try? decoder.decode(API.RecordBlocks.self, from: data)
        },
    ]
}
