import Foundation

/// What an article says that reads the same in every language: the names it mentions (people,
/// places, organizations, as `NameSkeleton`s), its specific numbers (`4,5 uur` and `4.5 hours`
/// share `4.5`; `80 procent` and `80 percent` share `80%`) and the days of the month it names
/// (`10 augustus`, `August 10`, `10. August`). Two reports of one event in two languages share
/// few words but many of these; two events of one crisis share the crisis's names but not the
/// day, the numbers, or the rarer names of the people involved.
///
/// A name is a word written with a capital letter inside a sentence (a sentence's first word is
/// not, unless the article also capitalizes it elsewhere), or an acronym of two or three capitals
/// anywhere. German nouns pass that test too; they are common to many German articles, so their
/// rarity (see `EventIndex`) weighs them down, and they are never shared with another language.
struct EventFeatures {
    enum Kind: UInt8 {
        case name = 1, acronym, number, day, weekday
    }

    struct Feature: Hashable {
        var kind: Kind
        var value: String

        /// The feature's key in the event index: a hash of its value, its kind in the low 3 bits.
        var key: Int64 {
            var hash = Hashing.fnvOffset ^ UInt64(kind.rawValue)
            for byte in value.utf8 { hash = (hash ^ UInt64(byte)) &* Hashing.fnvPrime }
            return Int64(bitPattern: Hashing.mix(hash) & ~7 | UInt64(kind.rawValue))
        }

        /// The kind of the feature a key stands for.
        static func kind(of key: Int64) -> Kind? { Kind(rawValue: UInt8(key & 7)) }
    }

    /// The features, most mentioned first (then in text order), at most `limit`.
    let features: [Feature]
    /// How often the text mentions each feature, in the order of `features`.
    let mentions: [Int]

    /// An article's features are its most mentioned: the people and numbers a story is about
    /// recur, the names met once in a background paragraph matter less, and the index's cost
    /// per article follows this count.
    static let limit = 20

    /// `language` (ISO 639-1, as the parser detects it) says how the text spells foreign names
    /// (see `NameSkeleton.Reading`).
    init(text: String, language: String? = nil) {
        let reading = NameSkeleton.Reading(language: language)
        var counts: [Feature: (count: Int, first: Int)] = [:]
        let tokens = Self.tokens(of: text)
        func add(_ feature: Feature, at position: Int) {
            counts[feature, default: (0, position)].count += 1
        }
        for (position, token) in tokens.enumerated() {
            if token.isNumber {
                if let feature = Self.numberFeature(tokens, at: position) { add(feature, at: position) }
                continue
            }
            let word = token.text
            if let weekday = Self.weekdays[word.lowercased()] {
                add(Feature(kind: .weekday, value: String(weekday)), at: position)
                continue
            }
            guard let first = word.unicodeScalars.first, first.properties.isUppercase else { continue }
            let letters = word.unicodeScalars.filter { $0.properties.isAlphabetic }
            let allCapitals = letters.allSatisfy { $0.properties.isUppercase }
            if allCapitals, (2...3).contains(letters.count) {
                add(Feature(kind: .acronym, value: word.lowercased()), at: position)
                continue
            }
            guard !token.sentenceInitial, letters.count >= 3, !Self.notNames.contains(word.lowercased()),
                  let skeleton = NameSkeleton.of(word) else { continue }
            add(Feature(kind: .name, value: skeleton), at: position)
            // A French or Spanish text writes foreign names its own way, and other languages'
            // names as they are: `Loukachenko`, but `Aschbacher`. Both readings then count.
            if let own = NameSkeleton.of(word, reading: reading), own != skeleton { add(Feature(kind: .name, value: own), at: position) }
        }
        let ranked = counts.sorted { $0.value.count != $1.value.count ? $0.value.count > $1.value.count : $0.value.first < $1.value.first }
            .prefix(Self.limit)
        features = ranked.map(\.key)
        mentions = ranked.map(\.value.count)
    }

    // MARK: - Tokens

    struct Token {
        var text: Substring
        var isNumber: Bool
        /// The first word of a sentence, a line or a quotation.
        var sentenceInitial: Bool
        /// A number followed by `%`.
        var percentSign: Bool
    }

    /// Words (letters, `_` joining them: `By_Pol`) and numbers (digits, `.` or `,` between
    /// digits), each marked with where it stands.
    static func tokens(of text: String) -> [Token] {
        var tokens: [Token] = []
        let scalars = text.unicodeScalars
        var index = scalars.startIndex
        var sentenceStart = true
        func isLetter(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isAlphabetic }
        func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }
        while index < scalars.endIndex {
            let scalar = scalars[index]
            if isLetter(scalar) || isDigit(scalar) {
                let number = isDigit(scalar)
                let start = index
                var end = scalars.index(after: index)
                while end < scalars.endIndex {
                    let next = scalars[end]
                    let after = scalars.index(after: end)
                    let continues = number
                        ? isDigit(next) || ((next == "." || next == ",") && after < scalars.endIndex && isDigit(scalars[after]))
                            || (Self.spaces.contains(next) && Self.threeDigits(scalars, from: after))
                        : isLetter(next) || (next == "_" && after < scalars.endIndex && isLetter(scalars[after]))
                    guard continues else { break }
                    end = after
                }
                var look = end
                while look < scalars.endIndex, scalars[look] == " " || scalars[look] == "\u{A0}" { look = scalars.index(after: look) }
                let percent = number && look < scalars.endIndex && scalars[look] == "%"
                tokens.append(Token(text: Substring(scalars[start..<end]), isNumber: number, sentenceInitial: sentenceStart, percentSign: percent))
                sentenceStart = false
                index = end
                continue
            }
            if ".!?:\n\"“”„«»‘'(–—•|".unicodeScalars.contains(scalar) { sentenceStart = true }
            index = scalars.index(after: index)
        }
        return tokens
    }

    /// Spaces that French and others write between thousands (`23 222`, `1 800`).
    static let spaces: Set<Unicode.Scalar> = [" ", "\u{A0}", "\u{202F}", "\u{2009}"]

    /// Whether exactly three digits start at `index` (a group of thousands).
    private static func threeDigits(_ scalars: String.UnicodeScalarView, from index: String.UnicodeScalarView.Index) -> Bool {
        var at = index
        for _ in 0..<3 {
            guard at < scalars.endIndex, ("0"..."9").contains(scalars[at]) else { return false }
            at = scalars.index(after: at)
        }
        return at == scalars.endIndex || !("0"..."9").contains(scalars[at])
    }

    // MARK: - Numbers and days

    /// A day of the month beside a month name, else a number that says something specific:
    /// decimals, percentages, whole numbers from 10 up that are not years.
    private static func numberFeature(_ tokens: [Token], at position: Int) -> Feature? {
        let token = tokens[position]
        let next = position + 1 < tokens.count ? tokens[position + 1].text.lowercased() : ""
        let previous = position > 0 ? tokens[position - 1].text.lowercased() : ""
        // `10th of August`, `el 10 de agosto`: the month after an ordinal ending and a preposition.
        var monthAfter = position + 1
        while monthAfter < tokens.count, monthAfter <= position + 2, Self.betweenDayAndMonth.contains(tokens[monthAfter].text.lowercased()) { monthAfter += 1 }
        let month = monthAfter < tokens.count ? tokens[monthAfter].text.lowercased() : ""
        let groups = token.text.split(whereSeparator: { $0 == "." || $0 == "," || spaces.contains($0.unicodeScalars.first!) })
        if groups.count == 1, let day = Int(token.text), (1...31).contains(day), let month = months[month] ?? months[previous] {
            return Feature(kind: .day, value: "\(month)-\(day)")
        }
        let value: String
        if groups.count == 1 {
            value = String(token.text.drop { $0 == "0" })
        } else if groups.dropFirst().allSatisfy({ $0.count == 3 }), groups[0].count <= 3 {
            value = groups.joined()  // thousands: 100,000 or 100.000
        } else if token.text.unicodeScalars.contains(where: spaces.contains) {
            return nil  // digits beside digits, not a number written with spaces
        } else if groups.count == 2 {
            let whole = groups[0].drop { $0 == "0" }
            var fraction = groups[1]
            while fraction.last == "0" { fraction = fraction.dropLast() }
            value = (whole.isEmpty ? "0" : String(whole)) + (fraction.isEmpty ? "" : "." + fraction)
        } else {
            return nil
        }
        let percent = token.percentSign || percentWords.contains(next)
            || (next == "pour" || next == "per" || next == "por") && position + 2 < tokens.count && tokens[position + 2].text.lowercased().hasPrefix("cent")
        if percent { return Feature(kind: .number, value: value + "%") }
        if !value.contains("."), let whole = Int(value), whole < 10 || (1900...2100).contains(whole) { return nil }
        return value.isEmpty ? nil : Feature(kind: .number, value: value)
    }

    /// Words between a day and its month: ordinal endings and prepositions.
    static let betweenDayAndMonth: Set<String> = ["st", "nd", "rd", "th", "of", "de", "del", "di", "du", "er", "e", "ème"]

    static let percentWords: Set<String> = ["percent", "procent", "prozent", "pourcent", "porcentaje", "percento", "procento", "prosent", "procentu"]

    /// Month names and their common short forms in the languages the store meets most, to numbers.
    static let months: [String: Int] = {
        let names: [[String]] = [
            ["january", "jan", "januari", "januar", "jänner", "janvier", "enero", "gennaio", "janeiro", "styczeń", "stycznia"],
            ["february", "feb", "februari", "februar", "février", "fevrier", "febrero", "febbraio", "fevereiro", "lutego"],
            ["march", "mar", "maart", "märz", "maerz", "mars", "marzo", "março", "marca"],
            ["april", "apr", "avril", "abril", "aprile", "kwietnia"],
            ["may", "mei", "mai", "mayo", "maggio", "maio", "maja"],
            ["june", "jun", "juni", "juin", "junio", "giugno", "junho", "czerwca"],
            ["july", "jul", "juli", "juillet", "julio", "luglio", "julho", "lipca"],
            ["august", "aug", "augustus", "août", "aout", "agosto", "sierpnia"],
            ["september", "sep", "sept", "septembre", "septiembre", "settembre", "setembro", "września"],
            ["october", "oct", "okt", "oktober", "octobre", "octubre", "ottobre", "outubro", "października"],
            ["november", "nov", "novembre", "noviembre", "novembro", "listopada"],
            ["december", "dec", "dez", "dezember", "décembre", "decembre", "diciembre", "dicembre", "dezembro", "grudnia"],
        ]
        var months: [String: Int] = [:]
        for (number, forms) in names.enumerated() { for form in forms { months[form] = number + 1 } }
        return months
    }()

    /// Weekdays to numbers (Monday 1): reports of one event name the day it happened, and the
    /// daily reports of a crisis each name another.
    static let weekdays: [String: Int] = {
        let names: [[String]] = [
            ["monday", "maandag", "montag", "lundi", "lunes", "lunedì"], ["tuesday", "dinsdag", "dienstag", "mardi", "martes", "martedì"],
            ["wednesday", "woensdag", "mittwoch", "mercredi", "miércoles", "mercoledì"],
            ["thursday", "donderdag", "donnerstag", "jeudi", "jueves", "giovedì"], ["friday", "vrijdag", "freitag", "vendredi", "viernes", "venerdì"],
            ["saturday", "zaterdag", "samstag", "samedi", "sábado", "sabato"], ["sunday", "zondag", "sonntag", "dimanche", "domingo", "domenica"],
        ]
        var weekdays: [String: Int] = [:]
        for (number, forms) in names.enumerated() { for form in forms { weekdays[form] = number + 1 } }
        return weekdays
    }()

    /// Capitalized words that name no one: months (English capitalizes them inside a sentence).
    static let notNames = Set(months.keys)
}
