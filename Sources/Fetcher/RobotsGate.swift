import Foundation
import Model
import Queue
import Robots

/// Decides, per RFC 9309, whether the worker may fetch a URL: fetches each host's robots.txt
/// once, keeps it 24 hours (in the queue database, shared by all fetchers, and in memory), and
/// applies its `Crawl-delay` as the host's delay in the queue.
///
/// A 4xx answer allows everything; a 5xx answer or an unreachable server disallows everything
/// for now (the job is retried later); a file is parsed up to 500 KiB.
actor RobotsGate {
    enum Verdict: Equatable {
        case allowed
        case denied
        /// robots.txt could not be read; try the job again later.
        case unavailable(String)
    }

    private enum Policy {
        case allowAll
        case unreadable
        case rules(RobotsTxt)
        case unavailable(String)
    }

    private let shared: any RobotsCache
    private let politeness: any HostPoliteness
    private let engine: FetchEngine
    private let productToken: String
    private let lifetime: TimeInterval
    /// How long a failure to read robots.txt is remembered before asking again.
    private let failureLifetime: TimeInterval = 300
    private var cache: [String: (policy: Policy, until: Date)] = [:]
    private var loading: [String: Task<Policy, Never>] = [:]

    init(cache: any RobotsCache, politeness: any HostPoliteness, engine: FetchEngine, userAgent: String, lifetime: TimeInterval = 86_400) {
        shared = cache
        self.politeness = politeness
        self.engine = engine
        // The product token is the User-Agent's first word without its version: WireroomBot/0.1 → wireroombot.
        productToken = String(userAgent.split(separator: "/").first ?? "").split(separator: " ").first.map { $0.lowercased() } ?? ""
        self.lifetime = lifetime
    }

    func verdict(for url: String, host: String) async -> Verdict {
        guard let components = URLComponents(string: url), let scheme = components.scheme,
              let hostName = components.percentEncodedHost else { return .allowed }
        let origin = "\(scheme)://\(hostName)\(components.port.map { ":\($0)" } ?? "")"
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        let target = components.percentEncodedQuery.map { "\(path)?\($0)" } ?? path
        switch await policy(origin: origin, host: host) {
        case .allowAll, .unreadable: return .allowed
        case .rules(let robots): return robots.allows(target, for: productToken) ? .allowed : .denied
        case .unavailable(let reason): return .unavailable(reason)
        }
    }

    private func policy(origin: String, host: String) async -> Policy {
        if let cached = cache[origin], cached.until > Date() { return cached.policy }
        if let pending = loading[origin] { return await pending.value }
        let task = Task { await self.load(origin: origin, host: host) }
        loading[origin] = task
        let policy = await task.value
        loading[origin] = nil
        switch policy {
        case .unavailable, .unreadable: cache[origin] = (policy, Date().addingTimeInterval(failureLifetime))
        case .allowAll, .rules: cache[origin] = (policy, Date().addingTimeInterval(lifetime))
        }
        return policy
    }

    private func load(origin: String, host: String) async -> Policy {
        if let stored = try? await shared.robots(host: host), Date().timeIntervalSince(stored.fetchedAt) < lifetime {
            return await interpret(status: stored.status, body: stored.body, host: host)
        }
        switch await engine.fetch(FetchRequest(url: origin + "/robots.txt", truncateAt: RobotsTxt.parseLimit)) {
        case .failure(let failure) where failure.retryable:
            return .unavailable("robots.txt unreachable: \(failure)")
        case .failure:
            // A final failure (refused address, TLS, scheme) will fail the page the same way;
            // let the page's own fetch report it. Remembered only briefly.
            return .unreadable
        case .success(let response):
            if response.status >= 500 || response.status == 429 {
                return .unavailable("robots.txt answered HTTP \(response.status)")
            }
            try? await shared.storeRobots(host: host, status: response.status, body: response.body)
            return await interpret(status: response.status, body: response.body, host: host)
        }
    }

    private func interpret(status: Int, body: Data, host: String) async -> Policy {
        guard (200..<300).contains(status) else { return .allowAll }  // 4xx (and odd 3xx/1xx): no rules
        let robots = RobotsTxt(String(decoding: body, as: UTF8.self))
        if let delay = robots.crawlDelay(for: productToken), let current = try? await politeness.hostDelay(host: host), delay > current {
            try? await politeness.setHostPoliteness(host: host, delay: min(delay, 120), concurrency: nil)
        }
        return .rules(robots)
    }
}
