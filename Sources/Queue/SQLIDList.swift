/// A list of row ids bound as one JSON array parameter (`… IN (SELECT value FROM json_each(?))`),
/// so a batch is one statement with one bound value, whatever its size.
struct SQLIDList {
    let json: String

    init(_ ids: [Int64]) {
        json = "[" + ids.map(String.init).joined(separator: ",") + "]"
    }
}
