import Testing
import TestSupport
@testable import Parser

@Suite("Class-name word lists")
struct ClassNamesTests {
    typealias Needles = ClassNames.Needles

    @Test("a list finds what a search for each of its words finds, first match by position, on 20 000 random cases")
    func againstOneSearchPerWord() {
        var generator = SplitMix64(seed: 0xC1A55)
        // Few letters, so words share first bytes and overlap in the haystacks.
        let letters = Array("abc-_ ".utf8)
        func string(_ length: Int) -> [UInt8] { (0..<length).map { _ in letters.randomElement(using: &generator)! } }
        for _ in 0..<20_000 {
            let words = (0..<Int.random(in: 0...6, using: &generator)).map { _ in string(Int.random(in: 0...4, using: &generator)) }
            let haystack = string(Int.random(in: 0...12, using: &generator))[...]
            let needles = Needles(words.map { String(decoding: $0, as: UTF8.self) })
            let refused = Int.random(in: 0..<max(1, words.count), using: &generator)

            // The first position at which a non-empty accepted word starts, and the first such word listed.
            let expected = haystack.indices.lazy.compactMap { at in
                words.indices.first { index in
                    index != refused && !words[index].isEmpty && haystack[at...].starts(with: words[index])
                }
            }.first
            let found = needles.firstOccurring(in: haystack) { $0 != refused }
            let occur = words.contains { !$0.isEmpty && ClassNames.find($0, in: haystack) }
            let begins = words.contains { !$0.isEmpty && haystack.starts(with: $0) }
            let wordsText = words.map { String(decoding: $0, as: UTF8.self) }
            let haystackText = String(decoding: haystack, as: UTF8.self)
            #expect(found == expected, "\(wordsText) in \(haystackText)")
            #expect(needles.occur(in: haystack) == occur, "\(wordsText) in \(haystackText)")
            #expect(needles.beginOne(haystack) == begins, "\(wordsText) at the start of \(haystackText)")
        }
    }

    @Test("the first listed word wins where two start at the same byte; a word longer than what is left does not match")
    func edges() {
        let needles = Needles(["ab", "a", "abc"])
        #expect(needles.firstOccurring(in: Array("xabc".utf8)[...]) { _ in true } == 0)
        #expect(needles.firstOccurring(in: Array("xabc".utf8)[...]) { $0 != 0 } == 1)
        #expect(Needles(["abc"]).occur(in: Array("xab".utf8)[...]) == false)
        #expect(Needles([]).occur(in: Array("anything".utf8)[...]) == false)
        #expect(Needles(["a"]).occur(in: [][...]) == false)
        #expect(Needles(["\u{FF}"]).beginOne(Array("\u{FF}x".utf8)[...]))
    }
}
