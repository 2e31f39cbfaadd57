/// Word shingles of a story and their MinHash signature, cut into LSH band keys.
///
/// The signature is one-permutation MinHash (Li, Owen & Zhang 2012): each shingle is hashed once
/// and falls into one of `bins` bins by its hash's high bits; a bin keeps its smallest low half.
/// That costs one hash per shingle instead of one per shingle and bin, the difference between
/// thousands and hundreds of documents a second. Bins that no shingle reached (short texts) borrow
/// from a bin chosen by a hash of their index and an attempt counter — optimal densification
/// (Shrivastava 2017) — which keeps two signatures' agreement an unbiased estimate of the texts'
/// Jaccard similarity.
struct StorySignature {
    private(set) var bins: [UInt32]

    /// Shingles of `size` consecutive words; a text shorter than that is one shingle.
    static func shingles(_ words: [UInt64], size: Int) -> [UInt64] {
        guard words.count >= size else { return words.isEmpty ? [] : [words.reduce(0) { Hashing.mix($0 ^ $1) }] }
        var result: [UInt64] = []
        result.reserveCapacity(words.count - size + 1)
        for start in 0...(words.count - size) { result.append(shingle(words, at: start, size: size)) }
        return result
    }

    /// The hash of the `size` words from `start` on: one shingle of `shingles`.
    @inline(__always)
    static func shingle<Words: RandomAccessCollection<UInt64>>(_ words: Words, at start: Int, size: Int) -> UInt64 where Words.Index == Int {
        var hash: UInt64 = 0
        for offset in 0..<size { hash = Hashing.mix(hash ^ words[words.startIndex + start + offset]) }
        return hash
    }

    init(shingles: [UInt64], binCount: Int) {
        var bins = [UInt32](repeating: .max, count: binCount)
        var filled = [Bool](repeating: false, count: binCount)
        for shingle in shingles {
            let bin = Int(((shingle >> 32) &* UInt64(binCount)) >> 32)
            let value = UInt32(truncatingIfNeeded: shingle)
            if value <= bins[bin] { bins[bin] = value }
            filled[bin] = true
        }
        if !shingles.isEmpty && filled.contains(false) {
            let source = bins
            for bin in 0..<binCount where !filled[bin] {
                var attempt: UInt64 = 1
                while true {
                    let donor = Int(((Hashing.mix(UInt64(bin) << 32 | attempt) >> 32) &* UInt64(binCount)) >> 32)
                    if filled[donor] { bins[bin] = source[donor]; break }
                    attempt += 1
                }
            }
        }
        self.bins = bins
    }

    /// One key per band of `bins.count / bands` rows: two signatures that agree on every row of a
    /// band share that band's key. The band's number is part of the key.
    func bandKeys(bands: Int) -> [Int64] {
        let rows = bins.count / bands
        return (0..<bands).map { band in
            var hash = Hashing.mix(UInt64(band) &+ 0x5EED)
            for row in (band * rows)..<((band + 1) * rows) { hash = Hashing.mix(hash ^ UInt64(bins[row])) }
            return Int64(bitPattern: hash)
        }
    }
}
