import Foundation
import Model

/// A calendar day as a page shows it to readers: `07.11.2023`, `7. November 2023`,
/// `November 7, 2023`, `7 nov. 2023`, `3 de marzo de 2020`, `15 августа 2016`, `2023-11-07`,
/// `11/07/2023`, `2023年11月7日`, `2023년 11월 7일`.
///
/// Read by a small tokenizer instead of regular expressions: it runs on the short texts of a
/// page's date-like elements, and a year is looked for before anything else.
struct DateText: Equatable {
    var year: Int, month: Int, day: Int

    var iso: String { String(format: "%04d-%02d-%02d", year, month, day) }

    /// The first date `text` spells out, or nil. `monthFirst`: read an ambiguous `a/b/yyyy` as
    /// month/day (true: American English), as day/month (false), or not at all (nil: English of
    /// no stated country); an unambiguous one (`25/12`, `12/25`) is read the only way it can be.
    /// `shortYears`: also read `28.01.22` (day, month and a year of two digits, with dots), as
    /// German and Dutch sites write it; only where the element says it holds a date.
    static func first(in text: String, monthFirst: Bool?, shortYears: Bool = false) -> DateText? {
        guard mayHoldYear(text) || shortYears && mayHoldShortYear(text.utf8) else { return nil }
        let tokens = tokenize(text)
        for start in tokens.indices {
            if let date = match(tokens, at: start, monthFirst: monthFirst, shortYears: shortYears) { return date }
        }
        return nil
    }

    /// Whether `d.m.yy` (one or two digits, a dot, one or two, a dot, two, then no digit) occurs.
    static func mayHoldShortYear<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        // The last two runs of digits (their lengths, and whether a dot followed), and the current one.
        var first = (digits: 0, dot: false), second = (digits: 0, dot: false)
        var run = 0
        func endsDate(_ byte: UInt8?) -> Bool {
            first.digits >= 1 && first.digits <= 2 && first.dot && second.digits >= 1 && second.digits <= 2 && second.dot
                && run == 2 && byte != 0x2E
        }
        for byte in bytes {
            if (0x30...0x39).contains(byte) {
                run += 1
                continue
            }
            if run > 0 {
                if endsDate(byte) { return true }
                (first, second) = (second, (run, byte == 0x2E))
                run = 0
            } else {
                (first, second) = ((0, false), (0, false))
            }
        }
        return run > 0 && endsDate(nil)
    }

    /// Whether four digits starting 19 or 20 stand alone somewhere: every form read has a year.
    static func mayHoldYear(_ text: String) -> Bool { mayHoldYear(text.utf8) }

    static func mayHoldYear<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> Bool {
        var run = 0, first: UInt8 = 0, second: UInt8 = 0
        for byte in bytes {
            if (0x30...0x39).contains(byte) {
                if run == 0 { first = byte } else if run == 1 { second = byte }
                run += 1
            } else {
                if run == 4, (first == 0x31 && second == 0x39) || (first == 0x32 && second == 0x30) { return true }
                run = 0
            }
        }
        return run == 4 && ((first == 0x31 && second == 0x39) || (first == 0x32 && second == 0x30))
    }

    enum Token: Equatable {
        case number(Int, digits: Int)
        case month(Int)
        /// "de", "del", "di", "of": between the parts of `3 de marzo de 2020`.
        case joiner
        /// 年, 月, 日 (년, 월, 일 in Korean) after the year, the month and the day.
        case unit(Character)
        case word
        case mark(Character)
    }

    static func tokenize(_ text: String) -> [Token] {
        var tokens: [Token] = []
        var word = "", digits = ""
        var wordFollowsDigits = false
        func flushDigits() {
            guard !digits.isEmpty else { return }
            tokens.append(.number(Int(digits) ?? 0, digits: digits.count))
            digits = ""
        }
        func flushWord() {
            guard !word.isEmpty else { return }
            let lower = word.lowercased()
            if let month = monthNames[lower] {
                tokens.append(.month(month))
            } else if joiners.contains(lower) {
                tokens.append(.joiner)
            } else if !(wordFollowsDigits && ordinalSuffixes.contains(lower)) {  // `29th`, `1er`: part of the number
                tokens.append(.word)
            }
            word = ""
            wordFollowsDigits = false
        }
        for character in text {
            if let unit = units[character] {
                flushDigits()
                flushWord()
                tokens.append(.unit(unit))
            } else if character.isASCII, character.isNumber {
                flushWord()
                digits.append(character)
            } else if character.isLetter {
                if !digits.isEmpty {
                    flushDigits()
                    wordFollowsDigits = true
                }
                word.append(character)
            } else {
                flushDigits()
                flushWord()
                if [".", "/", "-", ","].contains(character) { tokens.append(.mark(character)) }
            }
        }
        flushDigits()
        flushWord()
        return tokens
    }

    private static func match(_ t: [Token], at start: Int, monthFirst: Bool?, shortYears: Bool) -> DateText? {
        var i = start
        func number(maxDigits: Int) -> Int? {
            guard i < t.count, case .number(let value, let digits) = t[i], digits <= maxDigits else { return nil }
            i += 1
            return value
        }
        func year() -> Int? {
            guard i < t.count, case .number(let value, 4) = t[i], (1990...2099).contains(value) else { return nil }
            i += 1
            return value
        }
        func month() -> Int? {
            guard i < t.count, case .month(let value) = t[i] else { return nil }
            i += 1
            return value
        }
        func mark(_ allowed: Character) -> Bool {
            guard i < t.count, case .mark(allowed) = t[i] else { return false }
            i += 1
            return true
        }
        func skip(_ allowed: Character) { _ = mark(allowed) }
        func skipJoiningWord() {
            if i < t.count, case .joiner = t[i] { i += 1 }
        }
        func made(_ y: Int, _ m: Int, _ d: Int) -> DateText? {
            let days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            guard (1...12).contains(m), (1...days[m - 1]).contains(d), m != 2 || d < 29 || y % 4 == 0 else { return nil }
            return DateText(year: y, month: m, day: d)
        }

        func unit(_ expected: Character) -> Bool {
            guard i < t.count, case .unit(expected) = t[i] else { return false }
            i += 1
            return true
        }

        // 2023-11-07, 2023/11/07, 2023年11月7日
        if let y = year() {
            if unit("年") {
                if let m = number(maxDigits: 2), unit("月"), let d = number(maxDigits: 2), unit("日") { return made(y, m, d) }
                return nil
            }
            for separator: Character in ["-", "/", "."] where mark(separator) {
                if let m = number(maxDigits: 2), mark(separator), let d = number(maxDigits: 2) { return made(y, m, d) }
                return nil
            }
            return nil
        }
        i = start
        // 07.11.2023, 7.11.2023, 11/07/2023, 07-11-2023
        if let a = number(maxDigits: 2) {
            let afterDay = i
            for separator: Character in [".", "/", "-"] {
                i = afterDay
                guard mark(separator), let b = number(maxDigits: 2), mark(separator) else { continue }
                if shortYears, separator == ".", i < t.count, case .number(let yy, 2) = t[i], i + 1 == t.count || t[i + 1] != .mark(".") {
                    return made(2000 + yy, b, a)
                }
                guard let y = year() else { continue }
                if separator != "/" { return made(y, b, a) }
                if a > 12 { return made(y, b, a) }
                if b > 12 { return made(y, a, b) }
                guard let monthFirst else { return nil }
                return monthFirst ? made(y, a, b) : made(y, b, a)
            }
            // 7. November 2023, 7 nov. 2023, 3 de marzo de 2020, 28 April, 2017
            i = afterDay
            skip(".")
            skipJoiningWord()
            if let m = month() {
                skip(".")
                skipJoiningWord()
                skip(",")
                if let y = year() { return made(y, m, a) }
            }
            return nil
        }
        i = start
        // November 7, 2023, Nov. 7th 2023
        if let m = month() {
            skip(".")
            if let d = number(maxDigits: 2) {
                skip(".")
                skip(",")
                if let y = year() { return made(y, m, d) }
            }
        }
        return nil
    }

    private static let ordinalSuffixes: Set<String> = ["st", "nd", "rd", "th", "er", "e"]
    private static let joiners: Set<String> = ["de", "del", "di", "of"]

    /// The characters that follow a year, a month and a day in Chinese and Japanese, and their
    /// Korean counterparts, as the former.
    private static let units: [Character: Character] = ["年": "年", "月": "月", "日": "日", "년": "年", "월": "月", "일": "日"]

    /// Month names and their usual abbreviations in the languages most news is written in
    /// (English, German, Dutch, French, Spanish, Catalan, Italian, Portuguese, the Scandinavian
    /// languages, Finnish, Polish, Czech, Slovak, Romanian, Turkish, Russian, Ukrainian, Greek,
    /// Indonesian, Arabic), in the forms a date uses: `15 августа`, `5 października`, `3. května`,
    /// `12 Μαΐου` (the genitive), `5 de gener de 2020`, `5 يناير 2020`.
    /// Serbo-Croatian is left out: its `listopad` is October, Polish's and Czech's November.
    static let monthNames: [String: Int] = {
        let names: [[String]] = [
            ["january", "jan", "januar", "jänner", "janvier", "januari", "enero", "ene", "gennaio", "gen", "janeiro", "tammikuuta",
             "stycznia", "styczeń", "ledna", "ianuarie", "ocak", "января", "январь", "янв", "січня", "ιανουαρίου", "gener", "januára", "يناير"],
            ["february", "feb", "febr", "februar", "février", "fevrier", "févr", "februari", "febrero", "febbraio", "fevereiro", "fev",
             "helmikuuta", "lutego", "luty", "února", "februarie", "şubat", "февраля", "февраль", "фев", "лютого", "φεβρουαρίου", "febrer", "februára", "فبراير"],
            ["march", "mar", "märz", "maerz", "mrz", "mars", "maart", "mrt", "marzo", "março", "marco", "marts", "maaliskuuta", "marca",
             "marzec", "března", "martie", "mart", "марта", "март", "березня", "μαρτίου", "maret", "març", "marec", "مارس"],
            ["april", "apr", "avril", "avr", "abril", "abr", "aprile", "huhtikuuta", "kwietnia", "kwiecień", "dubna", "aprilie", "nisan",
             "апреля", "апрель", "квітня", "απριλίου", "apríla", "أبريل", "إبريل"],
            ["may", "mai", "mei", "mayo", "maggio", "mag", "maio", "maj", "toukokuuta", "maja", "května", "mayıs", "мая", "май", "травня",
             "μαΐου", "maig", "mája", "مايو"],
            ["june", "jun", "juni", "juin", "junio", "giugno", "giu", "junho", "kesäkuuta", "czerwca", "czerwiec", "června", "iunie",
             "haziran", "июня", "июнь", "червня", "ιουνίου", "juny", "júna", "يونيو"],
            ["july", "jul", "juli", "juillet", "juil", "julio", "luglio", "lug", "julho", "heinäkuuta", "lipca", "lipiec", "července",
             "iulie", "temmuz", "июля", "июль", "липня", "ιουλίου", "juliol", "júla", "يوليو"],
            ["august", "aug", "août", "aout", "augustus", "agosto", "ago", "augusti", "elokuuta", "sierpnia", "sierpień", "srpna",
             "ağustos", "августа", "август", "авг", "серпня", "αυγούστου", "agustus", "agost", "augusta", "أغسطس"],
            ["september", "sep", "sept", "septembre", "septiembre", "settembre", "set", "setembro", "syyskuuta", "września", "wrzesień",
             "září", "septembrie", "eylül", "сентября", "сентябрь", "сен", "вересня", "σεπτεμβρίου", "setembre", "septembra", "سبتمبر"],
            ["october", "oct", "okt", "oktober", "octobre", "octubre", "ottobre", "ott", "outubro", "out", "lokakuuta", "października",
             "październik", "října", "octombrie", "ekim", "октября", "октябрь", "жовтня", "οκτωβρίου", "októbra", "أكتوبر"],
            ["november", "nov", "novembre", "noviembre", "novembro", "marraskuuta", "listopada", "listopad", "listopadu", "noiembrie",
             "kasım", "ноября", "ноябрь", "ноя", "листопада", "νοεμβρίου", "novembra", "نوفمبر"],
            ["december", "dec", "dez", "dezember", "décembre", "decembre", "déc", "diciembre", "dic", "dicembre", "dezembro", "des",
             "desember", "joulukuuta", "grudnia", "grudzień", "prosince", "decembrie", "aralık", "декабря", "декабрь", "дек", "грудня",
             "δεκεμβρίου", "desembre", "decembra", "ديسمبر"],
        ]
        var table: [String: Int] = [:]
        for (index, words) in names.enumerated() {
            for word in words { table[word] = index + 1 }
        }
        return table
    }()
}
