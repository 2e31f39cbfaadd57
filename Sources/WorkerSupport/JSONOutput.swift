import Foundation

/// The one JSON form every command's JSON output uses (`--json`, `parser extract`): snake_case
/// keys, sorted, slashes unescaped, ISO 8601 dates.
public enum JSONOutput {
    /// An encoder set up for that form; make one per run of many lines.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    public static func encode(_ value: some Encodable) throws -> String {
        String(decoding: try makeEncoder().encode(value), as: UTF8.self)
    }
}
