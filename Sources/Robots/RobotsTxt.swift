import Foundation

/// A robots.txt file as RFC 9309 reads it: groups of `user-agent` lines with their `allow` and
/// `disallow` rules, matched by the crawler's product token; the longest matching rule decides
/// (`allow` wins a tie); `*` matches any run of characters and a final `$` anchors the end.
public struct RobotsTxt: Sendable, Equatable {
    struct Rule: Sendable, Equatable {
        var allow: Bool
        var pattern: String
    }

    struct Group: Sendable, Equatable {
        var agents: [String]
        var rules: [Rule] = []
        var crawlDelay: Double?
    }

    private var groups: [Group]
    /// Sitemap URLs listed anywhere in the file.
    public private(set) var sitemaps: [String]

    /// Robots files beyond this are parsed up to it (RFC 9309 §2.5 requires at least 500 KiB).
    public static let parseLimit = 500 * 1024

    public init(_ text: String) {
        var groups: [Group] = []
        var sitemaps: [String] = []
        var current: Group?
        var lastWasAgent = false
        for rawLine in text.prefix(Self.parseLimit).split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "user-agent":
                if lastWasAgent, current != nil {
                    current?.agents.append(value.lowercased())
                } else {
                    if let finished = current { groups.append(finished) }
                    current = Group(agents: [value.lowercased()])
                }
                lastWasAgent = true
            case "allow", "disallow":
                lastWasAgent = false
                // An empty disallow allows everything: it is no rule at all.
                if !value.isEmpty { current?.rules.append(Rule(allow: key == "allow", pattern: value)) }
            case "crawl-delay":
                lastWasAgent = false
                if let delay = Double(value), delay >= 0 { current?.crawlDelay = delay }
            case "sitemap":
                sitemaps.append(value)
            default:
                lastWasAgent = false
            }
        }
        if let finished = current { groups.append(finished) }
        self.groups = groups
        self.sitemaps = sitemaps
    }

    /// The rules that apply to `productToken` (e.g. `wireroombot`): every group naming it,
    /// else every `*` group.
    private func applicable(to productToken: String) -> [Group] {
        let token = productToken.lowercased()
        let named = groups.filter { $0.agents.contains(token) }
        return named.isEmpty ? groups.filter { $0.agents.contains("*") } : named
    }

    /// Whether `path` (path and query of the URL) may be fetched by `productToken`.
    public func allows(_ path: String, for productToken: String) -> Bool {
        if path == "/robots.txt" { return true }
        var best: Rule?
        for rule in applicable(to: productToken).flatMap(\.rules) where Self.matches(rule.pattern, path) {
            if let current = best {
                if rule.pattern.count > current.pattern.count || (rule.pattern.count == current.pattern.count && rule.allow) {
                    best = rule
                }
            } else {
                best = rule
            }
        }
        return best?.allow ?? true
    }

    /// The `Crawl-delay` for `productToken`, if the file sets one.
    public func crawlDelay(for productToken: String) -> Double? {
        applicable(to: productToken).compactMap(\.crawlDelay).max()
    }

    /// Pattern matching with `*` (any run) and a trailing `$` (end of path); otherwise a prefix match.
    static func matches(_ pattern: String, _ path: String) -> Bool {
        let anchored = pattern.hasSuffix("$")
        let body = anchored ? Array(pattern.utf8.dropLast()) : Array(pattern.utf8)
        let text = Array(path.utf8)
        // Iterative wildcard matching with backtracking to the last `*`.
        var p = 0, t = 0, star = -1, mark = 0
        while t < text.count {
            if p < body.count && body[p] == UInt8(ascii: "*") {
                star = p; mark = t; p += 1
            } else if p < body.count && body[p] == text[t] {
                p += 1; t += 1
            } else if p == body.count && !anchored {
                return true
            } else if star >= 0 {
                p = star + 1; mark += 1; t = mark
            } else {
                return false
            }
        }
        while p < body.count && body[p] == UInt8(ascii: "*") { p += 1 }
        return p == body.count
    }
}
