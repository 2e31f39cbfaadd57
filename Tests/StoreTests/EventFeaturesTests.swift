import Foundation
import Testing
@testable import Store

@Suite("Event features")
struct EventFeaturesTests {
    static func skeleton(_ word: String, _ language: String? = nil) -> String? {
        NameSkeleton.of(Substring(word), reading: NameSkeleton.Reading(language: language))
    }

    static func values(_ text: String, _ kind: EventFeatures.Kind) -> Set<String> {
        Set(EventFeatures(text: text).features.filter { $0.kind == kind }.map(\.value))
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
        let names = Self.values("De oppositie in Minsk vraagt de EU om hulp. Volgens Bypol is dat nodig. Gisteren zei Karpenkov niets.", .name)
        #expect(names == Set(["Minsk", "Bypol", "Karpenkov"].compactMap { Self.skeleton($0) }), "\(names)")
        #expect(Self.values("De oppositie vraagt de EU om hulp.", .acronym) == ["eu"])
    }

    @Test("numbers compare across languages: decimal commas, thousands separators, percentages; not years or small counts")
    func numbers() {
        #expect(Self.values("Het gesprek duurde 4,5 uur.", .number) == Self.values("The talk lasted 4.5 hours.", .number))
        #expect(Self.values("ruim 80 procent van de stemmen", .number) == ["80%"])
        #expect(Self.values("more than 80 percent of the vote", .number) == ["80%"])
        #expect(Self.values("80 % des voix", .number) == ["80%"])
        for written in ["100,000 people", "100.000 Menschen", "100 000 personnes", "100\u{202F}000 personnes"] {
            #expect(Self.values(written, .number) == ["100000"], "\(written)")
        }
        #expect(Self.values("In 2020 there were 3 of them.", .number).isEmpty)
    }

    @Test("a day of the month beside a month name is a day, in any language's order")
    func days() {
        for written in ["op 10 augustus 2020", "on August 10, 2020", "am 10. August 2020", "le 10 août 2020", "el 10 de agosto"] {
            #expect(Self.values(written, .day) == ["8-10"], "\(written)")
        }
        #expect(Self.values("heeft zaterdag gesproken", .weekday) == Self.values("like every Saturday", .weekday))
    }

    @Test("an article's features are its most mentioned, at most the limit")
    func limit() {
        let consonants = ["l", "r", "m", "n", "t", "d", "p", "f"]
        let names = consonants.flatMap { first in consonants.filter { $0 != first }.map { "Ba\(first)o\($0)ik" } }
        let text = "Twice, said Karpenkov. Then Karpenkov left. " + names.map { "Then \($0) spoke." }.joined(separator: " ")
        let features = EventFeatures(text: text)
        #expect(features.features.count == EventFeatures.limit)
        #expect(features.features.first?.value == Self.skeleton("Karpenkov"))
        #expect(features.mentions.first == 2)
    }
}
