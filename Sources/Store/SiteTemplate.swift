/// The lines the store has learnt as site templates' (see `DedupIndex`), and the word shingles of
/// those lines.
///
/// A template line recurs with small variations: the outlet's name in a consent or newsletter
/// notice shared by a publisher's sites, a year in a copyright line, a count in "23 comments".
/// A line whose shingles are mostly template shingles is read as template too: otherwise the
/// copy of a short story on a site whose variant of the notice was not yet learnt carries it as
/// story, against an original that no longer does, and the pair falls below the threshold.
struct SiteTemplate {
    /// Line and shingle hashes are mixed already (see `HashSet64`).
    private var lines = HashSet64()
    private var shingles = HashSet64()

    /// A line of fewer words is template only word for word: a short line's few shingles say
    /// little about where it comes from.
    static let nearMatchWords = 8
    /// The share of a line's shingles that must be template shingles.
    static let nearMatchShare = 0.75

    static let empty = SiteTemplate()

    mutating func insert(line: UInt64, shingles lineShingles: [UInt64]) {
        lines.insert(line)
        for shingle in lineShingles { shingles.insert(shingle) }
    }

    /// Whether a line of these words (hashed `lineHash`) is template.
    func contains(line lineHash: UInt64, words: UnsafeBufferPointer<UInt64>) -> Bool {
        if lines.contains(lineHash) { return true }
        guard !shingles.isEmpty, words.count >= Self.nearMatchWords else { return false }
        // Shingle by shingle, without an array: most lines are story, and their first few
        // shingles already rule them out.
        let count = words.count - Self.shingleWords + 1
        let allowedMisses = count - Int((Self.nearMatchShare * Double(count)).rounded(.up))
        var misses = 0
        for start in 0..<count {
            if !shingles.contains(StorySignature.shingle(words, at: start, size: Self.shingleWords)) {
                misses += 1
                if misses > allowedMisses { return false }
            }
        }
        return true
    }

    /// Shingles of the template's lines: of three words, as the judge compares texts.
    static let shingleWords = 3
}
