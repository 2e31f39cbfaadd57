import CCLD2

/// The language of a text, by CLD2 (Compact Language Detector 2, as in Chrome).
enum LanguageDetector {
    struct Detection: Equatable {
        var code: String
        /// Share of the text in that language, 0–100.
        var percent: Int
    }

    /// The text's language when CLD2 is confident (enough text, a reliable verdict).
    static func detect(_ text: String) -> Detection? {
        guard text.utf8.count >= 60 else { return nil }
        var code = [CChar](repeating: 0, count: 16)
        var percent: Int32 = 0
        let reliable = text.withCString { wr_detect_language($0, Int32(text.utf8.count), &code, Int32(code.count), &percent) }
        guard reliable == 1 else { return nil }
        return Detection(code: String(decoding: code.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self), percent: Int(percent))
    }
}
