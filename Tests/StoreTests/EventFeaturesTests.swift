import Foundation
import Testing
@testable import Store

@Suite("Event features")
struct EventFeaturesTests {
    static func skeleton(_ word: String, _ language: String? = nil) -> NameSkeleton? {
        NameSkeleton(Substring(word), reading: NameSkeleton.Reading(language: language))
    }

    /// The keys of a text's features of one kind.
    static func keys(_ text: String, _ kind: EventFeatures.Kind) -> Set<Int64> {
        Set(EventFeatures(text: text).keys.filter { EventFeatures.kind(of: $0) == kind })
    }

    /// The keys of features of one kind with these values.
    static func keys(_ kind: EventFeatures.Kind, _ values: [String]) -> Set<Int64> {
        Set(values.map { EventFeatures.key(kind, $0.utf8) })
    }

    @Test("a name reads the same however a language transliterates it")
    func transliterations() {
        let spellings: [[(String, String)]] = [
            [("Loekasjenko", "nl"), ("Lukashenko", "en"), ("Lukashenka", "en"), ("Lukaschenko", "de"), ("Loukachenko", "fr"), ("Лукашенко", "ru")],
            [("Tichanovskaja", "nl"), ("Tikhanovskaya", "en"), ("Tsikhanouskaya", "en"), ("Tichanowskaja", "de"), ("Tikhanovskaïa", "fr"),
             ("Тихановская", "ru")],
            [("Karpenkov", "nl"), ("Karpenkow", "de"), ("Карпенков", "ru")],
            [("Babariko", "nl"), ("Babaryka", "en")],
            [("Shevchuk", "en"), ("Schewtschuk", "de"), ("Sjevtsjoek", "nl"), ("Chevtchouk", "fr")],
            [("Zelensky", "en"), ("Selenskyj", "de"), ("Zelenski", "nl")],
            [("Taraykouski", "nl"), ("Taraykovski", "en")],
            [("Rakhimov", "en"), ("Rachimow", "de"), ("Rajímov", "es")],
        ]
        for names in spellings {
            let skeletons = Set(names.map { Self.skeleton($0.0, $0.1) })
            #expect(skeletons.count == 1 && skeletons.first! != nil, "\(names.map(\.0)) → \(skeletons)")
        }
        #expect(Self.skeleton("Putin") != Self.skeleton("Lukashenko"))
        #expect(Self.skeleton("Babariko") != Self.skeleton("Karpenkov"))
        #expect(Self.skeleton("EU") == nil, "too short to tell names apart")
    }

    @Test("names are capitalized words inside a sentence, and acronyms anywhere")
    func names() {
        let names = Self.keys("De oppositie in Minsk vraagt de EU om hulp. Volgens Bypol is dat nodig. Gisteren zei Karpenkov niets.", .name)
        #expect(names == Set(["Minsk", "Bypol", "Karpenkov"].compactMap { Self.skeleton($0).map { EventFeatures.key(.name, $0) } }))
        #expect(Self.keys("De oppositie vraagt de EU om hulp.", .acronym) == Self.keys(.acronym, ["eu"]))
        #expect(Self.keys("Volgens By_Pol en de ÖVP", .acronym) == Self.keys(.acronym, ["övp"]))
    }

    @Test("numbers compare across languages: decimal commas, thousands separators, percentages; not years or small counts")
    func numbers() {
        #expect(Self.keys("Het gesprek duurde 4,5 uur.", .number) == Self.keys(.number, ["4.5"]))
        #expect(Self.keys("The talk lasted 4.50 hours.", .number) == Self.keys(.number, ["4.5"]))
        #expect(Self.keys("ruim 80 procent van de stemmen", .number) == Self.keys(.number, ["80%"]))
        #expect(Self.keys("more than 80 percent of the vote", .number) == Self.keys(.number, ["80%"]))
        #expect(Self.keys("80 % des voix", .number) == Self.keys(.number, ["80%"]))
        #expect(Self.keys("80 pour cent des voix", .number) == Self.keys(.number, ["80%"]))
        #expect(Self.keys("0,75 oder 0.7500", .number) == Self.keys(.number, ["0.75"]))
        for written in ["100,000 people", "100.000 Menschen", "100 000 personnes", "100\u{202F}000 personnes", "0100000 units"] {
            #expect(Self.keys(written, .number) == Self.keys(.number, ["100000"]), "\(written)")
        }
        #expect(Self.keys("In 2020 there were 3 of them, 007 of them.", .number).isEmpty)
    }

    @Test("numbers that mark a place in the page are no facts: list items, calendar cells, reference marks; the same numbers in a sentence are")
    func placeMarks() {
        #expect(Self.keys("Jokes\n\n12. What has ears?\n13) A cornfield.\n\n14\n15 \n16", .number).isEmpty)
        #expect(Self.keys("He won the award [13] and [14-15] again.", .number).isEmpty)
        #expect(Self.keys("12 people died.\nOf them, 13 were children; [the 14 others] fled.", .number) == Self.keys(.number, ["12", "13", "14"]))
        #expect(Self.keys("Zum Jahrestag\n15. August", .day) == Self.keys(.day, ["8-15"]), "a day stays a day")
        #expect(Self.keys("12.5 percent\n", .number) == Self.keys(.number, ["12.5%"]))
    }

    @Test("a day of the month beside a month name is a day, in any language's order")
    func days() {
        for written in ["op 10 augustus 2020", "on August 10, 2020", "am 10. August 2020", "le 10 août 2020", "el 10 de agosto"] {
            #expect(Self.keys(written, .day) == Self.keys(.day, ["8-10"]), "\(written)")
        }
        #expect(Self.keys("heeft zaterdag gesproken", .weekday) == Self.keys("like every Saturday", .weekday))
    }

    @Test("words read eight bytes at a time read the same wherever they fall: any case, across chunks, at the end of the text, with accents")
    func wordsAcrossChunks() {
        let weekdays = [("maandag", 1), ("Dienstag", 2), ("MERCREDI", 3), ("miércoles", 3), ("donderdag", 4), ("giovedì", 4), ("sábado", 6), ("Sunday", 7)]
        for (word, number) in weekdays {
            for padding in 0...9 {
                let lead = String(repeating: "a", count: padding)
                // Only ASCII letters are lowered: `MIÉRCOLES` is no weekday.
                let upper = word.utf8.allSatisfy { $0 < 0x80 } ? word.uppercased() : word
                for text in ["\(lead) \(word)", "\(lead) \(word) volgt", "\(lead), \(upper)."] {
                    #expect(Self.keys(text, .weekday) == Self.keys(.weekday, ["\(number)"]), "\(text)")
                }
            }
        }
        for padding in 0...9 {
            let lead = String(repeating: "b", count: padding) + " zei"
            #expect(Self.keys("\(lead) Tsikhanouskaya", .name) == Self.keys("Toen zei Tsikhanouskaya niets.", .name), "\(padding)")
            #expect(Self.keys("\(lead) ÖVP", .acronym) == Self.keys(.acronym, ["övp"]), "\(padding)")
            #expect(Self.keys("\(lead) Övp", .acronym).isEmpty, "not all capitals: \(padding)")
            #expect(Self.keys("\(lead) 80 procent", .number) == Self.keys(.number, ["80%"]), "\(padding)")
        }
        let bytes = Array("Maandag MAANDAG maandag maandaf".utf8)
        let hashes = bytes.withUnsafeBufferPointer { buffer in [0..<7, 8..<15, 16..<23, 24..<31].map { EventFeatures.wordHash(buffer, $0) } }
        #expect(Set(hashes.prefix(3)).count == 1 && hashes[3] != hashes[0], "the case of ASCII letters does not count, the letters do")
    }

    @Test("an article's features are its most mentioned, at most the limit")
    func limit() {
        let consonants = ["l", "r", "m", "n", "t", "d", "p", "f"]
        let names = consonants.flatMap { first in consonants.filter { $0 != first }.map { "Ba\(first)o\($0)ik" } }
        let text = "Twice, said Karpenkov. Then Karpenkov left. " + names.map { "Then \($0) spoke." }.joined(separator: " ")
        let features = EventFeatures(text: text)
        #expect(features.keys.count == EventFeatures.limit)
        #expect(features.keys.first == Self.skeleton("Karpenkov").map { EventFeatures.key(.name, $0) })
        #expect(features.mentions.first == 2)
    }

    @Test("features rank by mentions, then by their first mention, then as they came")
    func ranking() {
        let counts: [(count: Int32, first: Int32)] = [(1, 9), (3, 4), (1, 2), (3, 1), (1, 2), (1_000, 999)]
        #expect(EventFeatures.ranking(counts) == [5, 3, 1, 2, 4, 0])
        #expect(EventFeatures.ranking([]) == [])
    }
}
