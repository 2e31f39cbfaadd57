import ArgumentParser
import Foundation
import Model
import Queue
import WorkerSupport

/// `parser extract [--url URL] PATH…`: the extractor on files, one JSON line per file.
struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Extract articles from HTML files; prints one JSON object per file.",
        discussion: """
            PATH is an HTML file or a directory of them (read in name order, not recursively). Each \
            line holds file, url, title, authors, published, modified, language, text and the other \
            metadata; text is the article body, paragraphs separated by a blank line. A file that \
            cannot be read or parsed yields {"file", "error"} and the run goes on (exit 1 at the end).
            """
    )

    @Option(name: .long, help: "The page's URL (for dates in URLs and relative metadata); with one file.")
    var url: String?

    @Option(name: .long, help: "The charset the server declared for the pages, if known.")
    var charset: String?

    @Argument(help: "HTML files or directories.")
    var paths: [String]

    func validate() throws {
        if url != nil && paths.count != 1 { throw ValidationError("--url names the page of one file; got \(paths.count) paths") }
    }

    struct Line: Encodable {
        var file: String
        var article: Article?
        var error: String?

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(file, forKey: .file)
            if let error {
                try container.encode(error, forKey: .error)
                return
            }
            try article?.encode(to: encoder)
        }

        enum CodingKeys: String, CodingKey { case file, error }
    }

    func run() throws {
        let extractor = Extractor()
        let encoder = JSONOutput.makeEncoder()
        var failures = 0
        let output = FileHandle.standardOutput
        for file in try Self.files(paths) {
            var line = Line(file: file)
            do {
                let page = try Data(contentsOf: URL(fileURLWithPath: file))
                line.article = try extractor.extract(page, url: url, httpCharset: charset)
            } catch {
                line.error = "\(file): \(Self.describe(error))"
                failures += 1
            }
            var data = try encoder.encode(line)
            data.append(0x0A)
            output.write(data)
        }
        if failures > 0 { throw ExitCode(1) }
    }

    /// The files named, directories expanded to their regular files in name order.
    static func files(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ValidationError("no such file or directory: \(path)")
            }
            if isDirectory.boolValue {
                let names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
                files += names.map { (path as NSString).appendingPathComponent($0) }.filter {
                    var directory: ObjCBool = false
                    return FileManager.default.fileExists(atPath: $0, isDirectory: &directory) && !directory.boolValue
                }
            } else {
                files.append(path)
            }
        }
        return files
    }

    static func describe(_ error: Error) -> String {
        if let error = error as? CocoaError, let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError {
            return underlying.localizedDescription
        }
        return "\(error)"
    }
}
