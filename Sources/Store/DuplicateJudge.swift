/// Decides whether two stories that LSH put side by side are copies of one story, from their
/// words rather than from the signatures' estimate.
///
/// Each word of one text counts as covered when a shingle it belongs to occurs in the other text.
/// The similarity is the share of both texts' words that are covered (a Dice coefficient over
/// words): a copy with other chrome, a trimmed last paragraph or a few edited words keeps most of
/// its words covered. What raw shingle overlap cannot see is *where* the uncovered words are, and
/// that tells a shared story from a shared site template: two different stories inside one
/// template each have many uncovered words between covered ones (their own story between the
/// shared header and footer), while copies of one story differ at their ends (chrome, trims) or
/// in a few words (edits). So a pair whose texts both hold `distinctWords` or more uncovered words
/// inside (between their first and last covered word) is not a duplicate, however high its
/// similarity.
struct DuplicateJudge {
    var threshold: Double
    var distinctWords: Int
    var shingleWords: Int

    struct Verdict {
        var isDuplicate: Bool
        var similarity: Double
        /// Lines of the first text the second shares word for word: when the texts are different
        /// stories, these are template candidates.
        var sharedLines: [StoryText.Line]
    }

    func judge(_ first: StoryText, _ second: StoryText) -> Verdict {
        let firstShingles = StorySignature.shingles(first.wordHashes, size: shingleWords)
        let secondShingles = StorySignature.shingles(second.wordHashes, size: shingleWords)
        let firstCoverage = coverage(of: first, shingles: firstShingles, by: HashSet64(secondShingles))
        let secondCoverage = coverage(of: second, shingles: secondShingles, by: HashSet64(firstShingles))
        let total = firstCoverage.counted + secondCoverage.counted
        let similarity = total == 0 ? 0 : Double(firstCoverage.covered + secondCoverage.covered) / Double(total)
        let distinctStories = min(firstCoverage.interiorUncovered, secondCoverage.interiorUncovered) >= distinctWords
        let secondLines = HashSet64(second.lines.map(\.hash))
        return Verdict(isDuplicate: similarity >= threshold && !distinctStories, similarity: similarity,
                       sharedLines: first.lines.filter { secondLines.contains($0.hash) })
    }

    /// Counted are the words of the story's own lines; headline lines' words are not (unless
    /// the text is all headlines), but a covered headline still bounds the interior: two stories
    /// between one template's headline lists differ inside them.
    struct Coverage {
        var counted = 0
        var covered = 0
        /// Uncovered counted words with covered words on both sides (not the chrome or trim at the ends).
        var interiorUncovered = 0
    }

    private func coverage(of text: StoryText, shingles: [UInt64], by other: HashSet64) -> Coverage {
        let count = text.wordCount
        guard count > 0 else { return Coverage() }
        var covered = [Bool](repeating: false, count: count)
        if count < shingleWords {
            if other.contains(shingles[0]) { covered = [Bool](repeating: true, count: count) }
        } else {
            for (start, shingle) in shingles.enumerated() where other.contains(shingle) {
                for word in start..<(start + shingleWords) { covered[word] = true }
            }
        }
        let allHeadlines = !text.lines.contains { !$0.isHeadline }
        var result = Coverage()
        var gap = 0
        var seenCovered = false
        // Lines hold every word, in order.
        for line in text.lines {
            let counts = allHeadlines || !line.isHeadline
            for index in line.words {
                if counts { result.counted += 1 }
                if covered[index] {
                    if seenCovered { result.interiorUncovered += gap }
                    seenCovered = true
                    gap = 0
                    if counts { result.covered += 1 }
                } else if counts {
                    gap += 1
                }
            }
        }
        return result
    }
}
