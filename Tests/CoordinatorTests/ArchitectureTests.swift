import Foundation
import Testing
import TestSupport

/// `docs/ARCHITECTURE.md` shows the module graph as `Package.swift` declares it.
@Suite("Architecture document")
struct ArchitectureTests {
    /// Each product target of the manifest (those under `Sources/`) with its project dependencies.
    static func manifestGraph() throws -> [String: Set<String>] {
        let manifest = try String(contentsOf: packageRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
            .replacingOccurrences(of: #"\.product\([^)]*\)"#, with: "", options: .regularExpression)
        let declaration = try Regex(#"\.(target|executableTarget|systemLibrary|testTarget)\(\s*name: "(\w+)""#)
        let matches = manifest.matches(of: declaration)
        var graph: [String: Set<String>] = [:]
        for (index, match) in matches.enumerated() {
            let end = index + 1 < matches.count ? matches[index + 1].range.lowerBound : manifest.endIndex
            let body = manifest[match.range.upperBound..<end]
            guard match.output[1].substring != "testTarget", !body.contains(#"path: "Tests"#) else { continue }
            let name = String(match.output[2].substring!)
            var dependencies: Set<String> = []
            if let list = body.firstRange(of: "dependencies: [") {
                let rest = body[list.upperBound...]
                let closing = rest.firstIndex(of: "]") ?? rest.endIndex
                for quoted in rest[..<closing].matches(of: try Regex(#""(\w+)""#)) { dependencies.insert(String(quoted.output[1].substring!)) }
            }
            graph[name] = dependencies
        }
        return graph
    }

    /// The rows of the document's module table: module names and their dependencies.
    static func documentedGraph() throws -> [String: Set<String>] {
        let text = try String(contentsOf: packageRoot.appendingPathComponent("docs/ARCHITECTURE.md"), encoding: .utf8)
        let section = try #require(text.components(separatedBy: "## Modules").dropFirst().first?.components(separatedBy: "\n## ").first)
        var graph: [String: Set<String>] = [:]
        for line in section.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let dependencies = cells[1] == "—" ? [] : Set(cells[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            for name in cells[0].split(separator: ",") {
                graph[name.trimmingCharacters(in: CharacterSet(charactersIn: "` "))] = dependencies
            }
        }
        return graph
    }

    @Test("the module table names every module of Sources with the dependencies Package.swift gives it")
    func moduleGraph() throws {
        let manifest = try Self.manifestGraph().filter { !$0.key.hasPrefix("C") || $0.key.hasPrefix("Coordinator") }
        let documented = try Self.documentedGraph()
        #expect(Set(documented.keys) == Set(manifest.keys), "documented \(documented.keys.sorted()), declared \(manifest.keys.sorted())")
        for (module, dependencies) in manifest where !module.hasSuffix("CLI") {
            #expect(documented[module] == dependencies, "\(module): documented \(documented[module]?.sorted() ?? []), declared \(dependencies.sorted())")
        }
    }
}
