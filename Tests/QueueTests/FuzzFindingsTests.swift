import Foundation
import FuzzTargets
import Testing

/// Every input a fuzzer found (`Benchmarks/fuzz.sh` keeps them under Tests/Fixtures/fuzz/TARGET)
/// goes through its target again: none may crash or hang the process.
@Suite("Fuzz findings")
struct FuzzFindingsTests {
    static let findings = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fuzz")

    @Test("every kept input runs through its target", arguments: FuzzTargets.all.keys.sorted())
    func replay(target name: String) throws {
        let target = try #require(FuzzTargets.all[name])
        let directory = Self.findings.appendingPathComponent(name)
        let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
        for file in files { target(try Data(contentsOf: file)) }
        // The seeds every target starts from run too, so each target is exercised here.
        target(Data("https://news.example/a?b=c#d <html><body><p>x</p></body></html> 2024-05-06T10:00:00Z {\"id\":1}".utf8))
    }
}
